/**
 * @wirestack/stack (issue 4), every figure with a same-run baseline:
 *
 * 1. StackParser over the mixed frames of the codec-speed workload (the
 *    anchors' frames.pcap: Ethernet/IPv4/UDP at 64 and 512 bytes,
 *    802.1Q/IPv4/ICMP, ARP, VXLAN with an inner Ethernet/IPv4/ICMP frame),
 *    reading every field of every layer through the parser's views into
 *    the anchors' checksum; against a binary-parser dispatcher (one Parser
 *    per layer, the in-JS baseline) and, when the anchors are there,
 *    gopacket's DecodingLayerParser (run-gopacket.sh) with its checksum.
 *    Target: at most half of gopacket's CPU ns per packet.
 * 2. Parse only (find every layer, check lengths and the IPv4 header
 *    checksum, read no other field). Target: 14.88 M packets/s (10GbE line
 *    rate at 64 bytes).
 * 3. Allocations per packet of parse(): GC events (PerformanceObserver) and
 *    heap growth over millions of parses. Target: zero.
 * 4. Capture reading in GB/s: readCapture over a pcap and a pcapng in
 *    memory, readCaptureStream over a file; `tcpdump -r FILE -w /dev/null`
 *    on the same file as the reference. Then `wirestack decode --json`
 *    against `tshark -T json` in packets/s on one file.
 *
 *   node --expose-gc tools/bench/src/run.mjs stack      (CAPTURE_MB=1024 for the 1 GB figure; default 256)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Parser } from 'binary-parser';
import { StackParser, decodePacket, readCapture, readCaptureStream, writePcap, writePcapng } from '@wirestack/stack';
import { makeCodecSpeedFrames, readPcapFrames } from './codec-speed-frames.mjs';
import { consume } from './measure.mjs';
import { REPS, SECS, hex, measureDecoder, runGopacket } from './per-packet.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ANCHORS = resolve(process.env.WIRESTACK_ANCHORS ?? join(here, '..', '..', '..', '..', 'shared', 'anchors'), 'codec-speed');
const CAPTURE_MB = Number(process.env.CAPTURE_MB ?? 256);
const TWO_32 = 4294967296;
const macSum = (mac) => Math.floor(mac / TWO_32) + (mac >>> 0);

// ---------------------------------------------------------------------------
// 1. Every field through StackParser's views, summed as the anchors' README defines.

class StackDecoder {
  parser = new StackParser({ mode: 'lax', verify: 'none' });
  pass(frames) {
    const p = this.parser;
    let acc = 0;
    for (let i = 0; i < frames.length; i++) {
      const bytes = frames[i];
      const n = p.parse(bytes);
      total[0] = 0;
      for (let j = 0; j < n; j++) fieldSum(p.layers[j], bytes, j + 1 < n ? p.layers[j + 1].layer : '');
      acc = (acc + (total[0] % TWO_32)) >>> 0;
    }
    // As an int32 (callers take `>>> 0`): a uint32 above 2^31 returned from
    // a call is boxed, one heap number per pass that the allocation figure
    // would count.
    return acc | 0;
  }
}

// One function per layer, each with V8's inlining budget of its own, called
// through a table (FIELD_SUMS): a call site with many targets is never
// inlined. Called from a switch of direct calls instead, V8 inlines them all
// into `pass`, runs out of budget there and leaves getters such as IPv4's
// src/dst and the MACs as real calls whose doubles are boxed: those boxes
// (0.1-1.8 bytes/packet, a young-generation GC every ~20k packets) were this
// loop's allocations, not the parser's. Sums go into a Float64Array
// rather than being returned: a double returned from a call that is not
// inlined is boxed, and the boxes would be the benchmark's allocations.
const total = new Float64Array(1);
const ethernetSum = (v) => void (total[0] += macSum(v.dst) + macSum(v.src) + v.etherType);
const vlanSum = (v) => void (total[0] += v.pcp + (v.dei ? 1 : 0) + v.vid + v.etherType);
const arpSum = (v, slot, bytes) =>
  void (total[0] += v.htype + v.ptype + v.hlen + v.plen + v.op + macSum(v.sha) + v.spa + macSum(v.tha) + v.tpa + (bytes.length - slot.offset - v.headerLength));
const ipv4Sum = (v) =>
  void (total[0] +=
    v.version + v.ihl + ((v.dscp << 2) | v.ecn) + v.totalLength + v.id +
    ((v.reservedFlag ? 4 : 0) | (v.df ? 2 : 0) | (v.mf ? 1 : 0)) + v.fragmentOffset / 8 +
    v.ttl + v.protocol + v.checksum + v.src + v.dst + (v.verifyChecksum() ? 1 : 0));
const icmpSum = (v, slot) => void (total[0] += v.type + v.code + v.checksum + v.id + v.seq + (slot.end - slot.offset - 8));
const udpSum = (v, slot, bytes, next) => void (total[0] += v.srcPort + v.dstPort + v.length + v.checksum + (next === 'vxlan' ? 0 : v.payloadLength));
const vxlanSum = (v) => void (total[0] += v.vni + (v.hasVni ? 1 : 0));

const FIELD_SUMS = [ethernetSum, vlanSum, arpSum, ipv4Sum, icmpSum, udpSum, vxlanSum];
const LAYER_INDEX = { ethernet: 0, vlan: 1, arp: 2, ipv4: 3, icmp: 4, udp: 5, vxlan: 6 };

function fieldSum(slot, bytes, next) {
  FIELD_SUMS[LAYER_INDEX[slot.layer]](slot.view, slot, bytes, next);
}

// The baseline a binary-parser user writes: one Parser per layer, a dispatcher around them.
const bp = {
  ethernet: new Parser().endianness('big').buffer('dst', { length: 6 }).buffer('src', { length: 6 }).uint16('etherType'),
  vlan: new Parser().endianness('big').bit3('pcp').bit1('dei').bit12('vid').uint16('etherType'),
  arp: new Parser().endianness('big').uint16('htype').uint16('ptype').uint8('hlen').uint8('plen').uint16('op')
    .buffer('sha', { length: 6 }).uint32('spa').buffer('tha', { length: 6 }).uint32('tpa'),
  ipv4: new Parser().endianness('big').bit4('version').bit4('ihl').uint8('tos').uint16('totalLength').uint16('id')
    .bit1('reserved').bit1('df').bit1('mf').bit13('fragmentOffset').uint8('ttl').uint8('protocol').uint16('checksum')
    .uint32('src').uint32('dst').buffer('options', { length: function () { return this.ihl * 4 - 20; } }),
  icmp: new Parser().endianness('big').uint8('type').uint8('code').uint16('checksum').uint16('id').uint16('seq'),
  udp: new Parser().endianness('big').uint16('srcPort').uint16('dstPort').uint16('length').uint16('checksum'),
  vxlan: new Parser().endianness('big').uint8('flags').bit24('reserved1').bit24('vni').uint8('reserved2'),
};
const bmac = (b) => ((b[0] << 8) | b[1]) + (((b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5]) >>> 0);

function ipSumOk(b, o, n) {
  let s = 0;
  for (let i = o; i < o + n; i += 2) s += (b[i] << 8) | b[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

class BinaryParserDecoder {
  pass(frames) {
    let acc = 0;
    for (let i = 0; i < frames.length; i++) acc = (acc + this.frame(frames[i], 0, frames[i].length, true)) >>> 0;
    return acc;
  }
  frame(bytes, at, end, outer) {
    const e = bp.ethernet.parse(bytes.subarray(at));
    let sum = bmac(e.dst) + bmac(e.src) + e.etherType;
    let type = e.etherType;
    at += 14;
    while (type === 0x8100) {
      const t = bp.vlan.parse(bytes.subarray(at));
      sum += t.pcp + t.dei + t.vid + t.etherType;
      type = t.etherType;
      at += 4;
    }
    if (type === 0x0806) {
      const a = bp.arp.parse(bytes.subarray(at));
      return sum + a.htype + a.ptype + a.hlen + a.plen + a.op + bmac(a.sha) + a.spa + bmac(a.tha) + a.tpa + (bytes.length - at - 28);
    }
    if (type !== 0x0800) return sum;
    const ip = bp.ipv4.parse(bytes.subarray(at));
    const hl = ip.ihl * 4;
    sum += ip.version + ip.ihl + ip.tos + ip.totalLength + ip.id + ((ip.reserved << 2) | (ip.df << 1) | ip.mf) + ip.fragmentOffset +
      ip.ttl + ip.protocol + ip.checksum + ip.src + ip.dst + (ipSumOk(bytes, at, hl) ? 1 : 0);
    const ipEnd = at + Math.min(ip.totalLength, end - at);
    at += hl;
    if (ip.protocol === 1) {
      const m = bp.icmp.parse(bytes.subarray(at));
      return sum + m.type + m.code + m.checksum + m.id + m.seq + (ipEnd - at - 8);
    }
    if (ip.protocol !== 17) return sum;
    const u = bp.udp.parse(bytes.subarray(at));
    sum += u.srcPort + u.dstPort + u.length + u.checksum;
    if (outer && u.dstPort === 4789) {
      const v = bp.vxlan.parse(bytes.subarray(at + 8));
      sum += v.vni + ((v.flags & 8) !== 0 ? 1 : 0);
      return sum + this.frame(bytes, at + 16, at + Math.min(u.length, ipEnd - at), false);
    }
    return sum + Math.max(0, Math.min(u.length, ipEnd - at) - 8);
  }
}

class ParseOnly {
  parser = new StackParser({ verify: 'ipv4' });
  pass(frames) {
    let acc = 0;
    for (let i = 0; i < frames.length; i++) acc += this.parser.parse(frames[i]);
    return acc;
  }
}

class DecodePacketDecoder {
  pass(frames) {
    let acc = 0;
    for (let i = 0; i < frames.length; i++) acc += decodePacket(frames[i]).length;
    return acc;
  }
}

const row = (name, r, extra = '') =>
  console.log(`  ${name.padEnd(40)} ${r.cpuNs.toFixed(1).padStart(8)} cpu ns/pkt ${(1e3 / r.wallNs).toFixed(2).padStart(7)} M/s  checksum ${hex(r.checksum)}${extra}`);

function decodeFigures(frames) {
  console.log(`\n## stack: StackParser, every field read (${frames.length} mixed frames; CPU ns per packet, medians of ${REPS} x ${SECS} s)`);
  const go = existsSync(join(ANCHORS, 'frames.pcap')) ? runGopacket(join(ANCHORS, 'run-gopacket.sh'), join(ANCHORS, 'frames.pcap')) : { error: 'no anchors frames.pcap' };
  const ours = measureDecoder(new StackDecoder(), frames);
  const base = measureDecoder(new BinaryParserDecoder(), frames);
  const objects = measureDecoder(new DecodePacketDecoder(), frames);
  if (go.error === undefined) row('gopacket DecodingLayerParser (Go)', go);
  else console.log(`  gopacket: ${go.error}`);
  row('binary-parser dispatcher (baseline)', base);
  const vsGo = go.error === undefined ? `  ${(go.cpuNs / ours.cpuNs).toFixed(2)}x gopacket's rate [${go.cpuNs / ours.cpuNs >= 2 ? 'ok' : 'MISS'}: >= 2x gopacket${go.checksum === ours.checksum ? ', same checksum' : ', CHECKSUM DIFFERS'}]` : '';
  row('StackParser views', ours, `  ${(base.cpuNs / ours.cpuNs).toFixed(1)}x binary-parser${vsGo}`);
  row('decodePacket (objects, for reference)', objects);
  if (base.checksum !== ours.checksum) console.log(`  note: binary-parser checksum ${hex(base.checksum)} differs from StackParser's ${hex(ours.checksum)}`);

  const parseOnly = measureDecoder(new ParseOnly(), frames);
  console.log('\n## stack: parse only (layers, lengths, IPv4 header checksum)');
  // "per core": the rate of the CPU time the parsing thread used (the wall clock also counts other processes on a shared machine)
  const rate = 1e3 / parseOnly.cpuNs;
  console.log(`  ${'StackParser.parse'.padEnd(40)} ${rate.toFixed(2).padStart(7)} M packets/s of CPU time (${(1e3 / parseOnly.wallNs).toFixed(2)} M/s by the wall clock)  [${rate >= 14.88 ? 'ok' : 'MISS'}: 14.88 M/s per core]`);
}

/**
 * GC events and heap growth of `decoder` over ~5M and ~20M packets: what
 * is allocated per packet grows with the packets, while what optimising
 * the code costs (a few hundred KiB, whenever V8 tiers a function up) does
 * not, so the per-packet figure is the difference of the two runs. Zero
 * GC events in the long run means nothing was allocated per packet.
 */
async function allocations(name, decoder, frames) {
  for (let i = 0; i < 3; i++) decoder.pass(frames);
  const passes = Math.ceil(5_000_000 / frames.length);
  const growth = async (n) => {
    let gcs = 0;
    const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
    obs.observe({ entryTypes: ['gc'] });
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) consume(decoder.pass(frames));
    const after = process.memoryUsage().heapUsed;
    // the observer reports asynchronously
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    return { bytes: after - before, gcs };
  };
  const short = await growth(passes);
  const long = await growth(4 * passes);
  const packets = 3 * passes * frames.length;
  const perPacket = Math.max(long.bytes - short.bytes, 0) / packets;
  // 8 bytes per packet would be 160 MB over the long run: dozens of young-generation collections.
  // One stray GC event (the forced one, the observer's timer) is not per-packet allocation.
  console.log(
    `  ${name.padEnd(40)} ${4 * passes * frames.length} packets: ${long.gcs} GC events, heap +${(long.bytes / 1024).toFixed(0)} KiB (+${(short.bytes / 1024).toFixed(0)} KiB over a quarter of them): ${perPacket.toFixed(3)} bytes/packet  [${long.gcs <= 1 && perPacket < 0.05 ? 'ok' : 'MISS'}: zero allocations per packet]`,
  );
}

async function allocationFigures(frames) {
  console.log('\n## stack: allocations per packet (GC events while parsing; the field-reading loop may box its own sums)');
  await allocations('StackParser.parse', new ParseOnly(), frames);
  await allocations('StackParser.parse + every field read', new StackDecoder(), frames);
}

async function captureFigures(frames) {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-bench-'));
  try {
    const packets = [];
    let bytes = 24;
    for (let i = 0; bytes < CAPTURE_MB * 1e6; i++) {
      const data = frames[i % frames.length];
      packets.push({ data, seconds: 1_700_000_000 + (i >>> 10), nanoseconds: (i & 1023) * 1000 });
      bytes += 16 + data.length;
    }
    const pcap = writePcap(packets);
    const ng = writePcapng(packets);
    const file = join(dir, 'big.pcap');
    writeFileSync(file, pcap);
    console.log(`\n## stack: reading captures (${(pcap.length / 1e6).toFixed(0)} MB pcap, ${packets.length} packets)`);
    const time = (f) => {
      const t0 = process.hrtime.bigint();
      const n = f();
      return [Number(process.hrtime.bigint() - t0) / 1e9, n];
    };
    const sync = (b) => () => {
      let n = 0;
      for (const p of readCapture(b)) n += p.data.length & 1;
      return n;
    };
    time(sync(writePcap(packets.slice(0, 20_000)))); // warm-up, so the first figure is not the JIT's
    const [tPcap] = time(sync(pcap));
    const [tNg] = time(sync(ng));
    const t0 = process.hrtime.bigint();
    let n = 0;
    for await (const p of readCaptureStream(createReadStream(file, { highWaterMark: 1 << 20 }))) n += p.data.length & 1;
    consume(n);
    const tStream = Number(process.hrtime.bigint() - t0) / 1e9;
    const tcpdump = spawnSync('sh', ['-c', 'command -v tcpdump']).status === 0
      ? time(() => execFileSync('tcpdump', ['-r', file, '-w', '/dev/null'], { stdio: 'ignore' }))[0]
      : undefined;
    const gbps = (t, size) => `${(size / t / 1e9).toFixed(2)} GB/s`;
    console.log(`  tcpdump -r FILE -w /dev/null (reference)   ${tcpdump === undefined ? 'tcpdump not installed' : gbps(tcpdump, pcap.length)}`);
    console.log(`  readCapture, pcap in memory                ${gbps(tPcap, pcap.length)}`);
    console.log(`  readCapture, pcapng in memory              ${gbps(tNg, ng.length)}`);
    console.log(`  readCaptureStream, pcap file (1 MiB reads) ${gbps(tStream, pcap.length)}`);

    // decode --json against tshark -T json on a smaller file (tshark is slow).
    const cli = join(here, '..', '..', '..', 'packages', 'cli', 'dist', 'main.js');
    const small = join(dir, 'small.pcap');
    const count = 50_000;
    writeFileSync(small, writePcap(packets.slice(0, count)));
    if (existsSync(cli)) {
      const [tOurs] = time(() => execFileSync('sh', ['-c', `node ${cli} decode --json ${small} > /dev/null`]));
      const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;
      const tTshark = hasTshark ? time(() => execFileSync('sh', ['-c', `tshark -n -T json -r ${small} > /dev/null 2>&1`]))[0] : undefined;
      console.log(`\n## wirestack decode --json (${count} packets, process start included)`);
      console.log(`  tshark -T json (reference)                 ${tTshark === undefined ? 'tshark not installed' : `${(count / tTshark / 1e3).toFixed(1)} k packets/s`}`);
      console.log(`  wirestack decode --json                    ${(count / tOurs / 1e3).toFixed(1)} k packets/s${tTshark === undefined ? '' : `  ${(tTshark / tOurs).toFixed(1)}x tshark`}`);
    } else {
      console.log('  (packages/cli not built: decode --json not measured)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function main() {
  const anchors = join(ANCHORS, 'frames.pcap');
  const frames = existsSync(anchors) ? readPcapFrames(new Uint8Array(readFileSync(anchors))) : makeCodecSpeedFrames().mixed;
  decodeFigures(frames);
  await allocationFigures(frames);
  await captureFigures(frames);
}

/**
 * BGP UPDATE decoding in prefixes/s, on UPDATEs shaped like a full table
 * (the mix of ../shared/anchors/bgp/gen_table.py: mostly /24s, AS paths of
 * 3–7 ASNs with some 4-octet ones, a third with communities, a few large
 * communities, about 3.5 prefixes per UPDATE), 4-octet AS session.
 * Baseline in the same run: the UPDATE layout as a binary-parser `Parser`
 * (attribute TLVs and NLRI as buffers, what a binary-parser user writes),
 * with the prefixes then read by hand. Cases: decodeMessage per message,
 * and BgpFramer + decodeMessage over the same bytes as a TCP stream in
 * 64 KiB chunks.
 */
import { Parser } from 'binary-parser';
import { BgpEngine, BgpFramer, buildOpen, decodeMessage, encodeMessage } from '@wirestack/bgp';
import { compare, consume, report } from './measure.mjs';
import { seededRandom } from '@wirestack/netsim';
import { randomAttributes, tableStreamFromWorker } from './bgp-table-stream.mjs';

const OPTIONS = { fourOctetAs: true };

function updates(count) {
  const random = seededRandom(1);
  const out = [];
  let prefixes = 0;
  let net = 0x0b000000;
  for (let i = 0; i < count; i++) {
    const attributes = randomAttributes(random, i);
    const n = 1 + Math.floor(random() * 6);
    const nlri = [];
    for (let k = 0; k < n; k++) {
      const length = random() < 0.6 ? 24 : 16 + Math.floor(random() * 8);
      net = (net + 256) >>> 0;
      nlri.push({ address: (net & (0xffffffff << (32 - length))) >>> 0, length });
    }
    prefixes += n;
    out.push(encodeMessage({ type: 'update', withdrawn: [], attributes, nlri }, OPTIONS));
  }
  return { messages: out, prefixes };
}

const attributeParser = new Parser()
  .endianness('big')
  .uint8('flags')
  .uint8('type')
  .choice('length', { tag: function () { return this.flags & 0x10 ? 1 : 0; }, choices: { 0: 'uint8', 1: 'uint16be' } })
  .buffer('value', { length: 'length' });

const updateParser = new Parser()
  .endianness('big')
  .buffer('marker', { length: 16 })
  .uint16('length')
  .uint8('type')
  .uint16('withdrawnLength')
  .buffer('withdrawn', { length: 'withdrawnLength' })
  .uint16('attributesLength')
  .array('attributes', { type: attributeParser, lengthInBytes: 'attributesLength' })
  .buffer('nlri', { length: function () { return this.length - 23 - this.withdrawnLength - this.attributesLength; } });

/** Reads the NLRI prefixes the way a binary-parser user would have to, by hand. */
function countPrefixes(nlri) {
  let n = 0;
  for (let o = 0; o < nlri.length; n++) o += 1 + ((nlri[o] + 7) >> 3);
  return n;
}

/**
 * A full table into the engine, in process: 1,000,000 IPv4 prefixes in
 * UPDATEs shaped like what the rig's feeder sends (`tableStream`), fed in
 * 64 KiB chunks to a BgpEngine whose peer is Established. Reports wall and
 * CPU seconds and the heap and RSS growth per route (the BIRD
 * figures: 2.9 s CPU, 181 B/route; bgp-rig measures BIRD itself).
 */
export async function fullTable(total = 1_000_000) {
  const { chunks, updates, octets } = await tableStreamFromWorker(total);
  const peer = 0x7f00000a;
  // routeEvents off, as `wirestack bgp` and the rig's speaker run: counts, not a million events
  const engine = new BgpEngine({ asn: 65000, routerId: 0xc0000201, random: () => 0.5, routeEvents: false, peers: [{ address: peer, asn: 65001, passive: true, import: 'accept', export: 'accept' }] });
  engine.start(0);
  const id = established(engine, peer, 65001);
  engine.takeActions();
  engine.takeEvents();

  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const chunk of chunks) {
    engine.data(id, chunk, 1);
    engine.takeActions();
    engine.takeEvents();
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  const rss = process.memoryUsage().rss - rss0;
  const routes = engine.locRibSize;
  if (routes !== total) throw new Error(`Loc-RIB holds ${routes} routes, expected ${total}`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`\n## BGP full table into BgpEngine (${total.toLocaleString('en')} prefixes, ${engine.attributeSets.toLocaleString('en')} attribute sets, ${updates.toLocaleString('en')} UPDATEs, ${(octets / 1e6).toFixed(0)} MB, in process)`);
  console.log(`  wall ${wall.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s, ${((total / wall) / 1e3).toFixed(0)} k prefixes/s`);
  console.log(`  heap ${(heap / total).toFixed(0)} B/route, RSS growth ${(rss / total).toFixed(0)} B/route  [${cpuSeconds <= 2.9 && rss / total < 300 ? 'ok' : 'MISS'}: BIRD 2.9 s CPU, < 300 B/route]`);
  return { wall, cpuSeconds, heapPerRoute: heap / total, rssPerRoute: rss / total };
}

/** Brings a passive peer's session up on a new connection (OPEN and KEEPALIVE from the peer); returns the connection. */
function established(engine, peer, asn) {
  const id = engine.newConnectionId();
  engine.accepted(id, peer, 0);
  const open = encodeMessage(buildOpen({ asn, holdTime: 90, bgpId: peer, capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }] }));
  engine.data(id, open, 0);
  engine.data(id, encodeMessage({ type: 'keepalive' }), 0);
  if (engine.peerState(peer) !== 'Established') throw new Error(`session is ${engine.peerState(peer)}`);
  return id;
}

/**
 * A full table out of the engine, in process: `total` routes learnt from
 * one eBGP peer (the table `fullTable` feeds) go to a second eBGP peer
 * whose session comes up afterwards. Measured from its Established to
 * End-of-RIB: every UPDATE packed, in the slices the engine hands out
 * while the connection takes data (here it always does: each slice is
 * counted and dropped, as a socket that keeps up would take it), the
 * messages and octets, and the peak RSS over the process before the
 * session came up (what the sending costs, the slices in flight and the
 * Adj-RIB-Out included).
 */
export async function fullTableOut(total = 1_000_000) {
  const { chunks } = await tableStreamFromWorker(total);
  const feeder = 0x7f00000a;
  const receiver = 0x7f00000b;
  const engine = new BgpEngine({
    asn: 65000,
    routerId: 0xc0000201,
    random: () => 0.5,
    peers: [
      { address: feeder, asn: 65001, passive: true, import: 'accept', export: 'reject' },
      { address: receiver, asn: 65002, passive: true, import: 'reject', export: 'accept' },
    ],
  });
  engine.start(0);
  const feed = established(engine, feeder, 65001);
  for (const chunk of chunks) {
    engine.data(feed, chunk, 1);
    engine.takeActions();
    engine.takeEvents();
  }
  chunks.length = 0;
  if (engine.locRibSize !== total) throw new Error(`Loc-RIB holds ${engine.locRibSize} routes, expected ${total}`);

  globalThis.gc?.();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const id = established(engine, receiver, 65002);
  let messages = 0;
  let octets = 0;
  let slices = 0;
  let largest = 0;
  let last;
  for (;;) {
    for (const a of engine.takeActions()) {
      if (a.type !== 'write' || a.connection !== id) continue;
      const b = a.bytes;
      for (let o = 0; o < b.length; o += (b[o + 16] << 8) | b[o + 17]) {
        if (b[o + 18] === 2) messages++;
        last = b.subarray(o, o + ((b[o + 16] << 8) | b[o + 17]));
      }
      octets += b.length;
      slices++;
      largest = Math.max(largest, b.length);
    }
    engine.takeEvents();
    peak = Math.max(peak, process.memoryUsage.rss());
    if (!engine.outputPending) break;
    engine.output(2);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const advertised = engine.counters(receiver).advertised;
  if (advertised !== total) throw new Error(`Adj-RIB-Out holds ${advertised} routes, expected ${total}`);
  if (last?.length !== 23 || last[18] !== 2) throw new Error('the last message is not End-of-RIB');
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`\n## BGP full table out of BgpEngine (${total.toLocaleString('en')} prefixes to a new eBGP peer, in process)`);
  console.log(`  wall ${wall.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s, ${((total / wall) / 1e3).toFixed(0)} k prefixes/s`);
  console.log(`  ${messages.toLocaleString('en')} UPDATEs, ${(octets / 1e6).toFixed(1)} MB in ${slices} slices (largest ${(largest / 1024).toFixed(0)} KiB), ${(total / messages).toFixed(2)} prefixes per UPDATE`);
  console.log(`  peak RSS +${((peak - rss0) / 1e6).toFixed(1)} MB over the process before the session came up (${((peak - rss0) / total).toFixed(0)} B/route)`);
  return { wall, cpuSeconds, messages, octets, slices, peakRssGrowth: peak - rss0 };
}

export default async function run() {
  await fullTable();
  await fullTableOut();
  const { messages, prefixes } = updates(20_000);
  const perMessage = prefixes / messages.length;
  const stream = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let o = 0;
  for (const m of messages) {
    stream.set(m, o);
    o += m.length;
  }
  // One operation = one prefix: each run decodes messages until n prefixes are done.
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let done = 0, i = 0; done < n; i = (i + 1) % messages.length) {
          const u = updateParser.parse(messages[i]);
          consume(u.attributes.length);
          done += countPrefixes(u.nlri);
        }
      },
    },
    {
      name: 'decodeMessage per UPDATE',
      run(n) {
        for (let done = 0, i = 0; done < n; i = (i + 1) % messages.length) {
          const d = decodeMessage(messages[i], 0, OPTIONS);
          consume(d.message.nlri.length + d.errors.length);
          done += d.message.nlri.length;
        }
      },
    },
    {
      name: 'BgpFramer + decodeMessage (64 KiB chunks)',
      run(n) {
        let done = 0;
        while (done < n) {
          const framer = new BgpFramer();
          for (let at = 0; at < stream.length && done < n; at += 65536) {
            for (const frame of framer.push(stream.subarray(at, at + 65536))) {
              const d = decodeMessage(frame, 0, OPTIONS);
              done += d.message.nlri.length;
            }
          }
        }
        consume(done);
      },
    },
  ]);
  report(`BGP UPDATE decoding, prefixes/s (${perMessage.toFixed(1)} prefixes per UPDATE, 4-octet AS)`, results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeMessage per UPDATE': { minRate: 1_000_000, label: '>= 1M prefixes/s' } },
  });
}

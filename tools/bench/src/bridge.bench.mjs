/**
 * @wirestack/bridge: learn + forward decision per frame, against a plain
 * Map-of-objects bridge in the same run; then a MAC flood.
 *
 * 1. 100,000 learned MACs over 64 ports and 16 VLANs (VLAN filtering on,
 *    every port a tagged member of every VLAN). Each frame is 802.1Q-tagged,
 *    from a known host to a known host of the same VLAN, given to the bridge
 *    through one reused EthernetView: classify the VLAN, ingress-filter,
 *    learn/refresh the source, look up the destination. Frames rotate through
 *    a pool of 16,384 distinct buffers with random (source, destination)
 *    pairs, so FDB reads are spread over the whole 7 MB table (beyond this
 *    machine's 2 MB L2: about two cache misses per frame). Target: >= 15 M
 *    frames/s. The same again with 512 frames in the pool, traffic with
 *    locality (the same 100,000 MACs learned, the frames' entries cached).
 *    Baseline: the same decision with one Map (MAC number -> { port, seen })
 *    per VLAN, a JavaScript programmer's first bridge.
 * 2. MAC flood: 10,000,000 frames from distinct random sources into a bridge
 *    with the default limit (65,536 learned entries): time, FDB size and heap.
 */
import { macFromBytes, readU16, writeMac, writeU16, writeU32 } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge } from '@wirestack/bridge';
import { compare, consume, report } from './measure.mjs';

const HOSTS = 100_000;
const PORTS = 64;
const VLANS = 16;
const FIRST_VID = 10;
const POOL = 16_384; // powers of two: the index wraps with a mask
const HOT_POOL = 512;
const AGEING = 300_000;

const hostMac = (i) => 0x02_00_00_00_00_00 + (Math.imul(i + 1, 0x9e3779b1) >>> 0);
const hostVid = (i) => FIRST_VID + (i % VLANS);
const hostPort = (i) => 1 + ((i >>> 4) % PORTS);

function taggedFrame(dst, src, vid) {
  const f = new Uint8Array(64);
  writeMac(f, 0, dst);
  writeMac(f, 6, src);
  writeU16(f, 12, 0x8100);
  writeU16(f, 14, vid);
  writeU16(f, 16, 0x0800);
  return f;
}

function makeWorkload(size) {
  let seed = 0x2545f491;
  const rand = (n) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
  const frames = [];
  const ingress = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const s = rand(HOSTS);
    let d = rand(Math.floor(HOSTS / VLANS)) * VLANS + (s % VLANS); // same VLAN as s
    if (d === s || d >= HOSTS) d = (s + VLANS) % HOSTS;
    frames.push(taggedFrame(hostMac(d), hostMac(s), hostVid(s)));
    ingress[k] = hostPort(s);
  }
  return { frames, ingress };
}

function makeBridge() {
  const br = new Bridge({ vlanFiltering: true, maxLearned: 2 * HOSTS, defaultPvid: 0 });
  for (let p = 1; p <= PORTS; p++) {
    br.addPort({ name: `p${p}` });
    for (let v = 0; v < VLANS; v++) br.vlanAdd(p, FIRST_VID + v);
  }
  const view = new EthernetView();
  for (let i = 0; i < HOSTS; i++) br.receive(hostPort(i), view.reset(taggedFrame(0xffff_ffff_ffff, hostMac(i), hostVid(i))), 0);
  if (br.fdbStats().learned !== HOSTS) throw new Error(`expected ${HOSTS} learned MACs, have ${br.fdbStats().learned}`);
  return br;
}

/** The baseline: a Map per VLAN, MAC as a number key, an object per entry. */
class MapBridge {
  constructor() {
    this.fdb = Array.from({ length: 4096 }, () => new Map());
    this.member = Array.from({ length: PORTS + 1 }, () => new Uint8Array(4096));
    for (let p = 1; p <= PORTS; p++) for (let v = 0; v < VLANS; v++) this.member[p][FIRST_VID + v] = 1;
  }
  /** Returns the egress port, -1 to flood, -2 to drop. */
  receive(port, bytes, now) {
    const dst = macFromBytes(bytes, 0);
    const src = macFromBytes(bytes, 6);
    const vid = readU16(bytes, 12) === 0x8100 ? readU16(bytes, 14) & 0xfff : 0;
    if (this.member[port][vid] === 0) return -2;
    const table = this.fdb[vid];
    const e = table.get(src);
    if (e === undefined) table.set(src, { port, seen: now });
    else {
      e.seen = now;
      e.port = port;
    }
    const to = table.get(dst);
    if (to === undefined || now - to.seen >= AGEING) return -1;
    return to.port === port ? -2 : to.port;
  }
}

function macFlood(frames) {
  const br = new Bridge();
  const attacker = br.addPort({ name: 'attacker' });
  br.addPort({ name: 'victim' });
  const f = taggedFrame(0x02_00_00_00_00_0b, 0x02_00_00_00_00_0a, 1).slice(0, 60);
  writeU16(f, 12, 0x0800);
  const view = new EthernetView(f);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  let at1M;
  for (let i = 0; i < frames; i++) {
    writeU32(f, 8, Math.imul(i + 1, 0x9e3779b1) >>> 0);
    consume(br.receive(attacker, view, i / 1e4).floodCount);
    if (i === 1_000_000) at1M = br.fdbStats();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  return { seconds, stats: br.fdbStats(), at1M, counters: br.portCounters(attacker), heapDelta: heapAfter - heapBefore };
}

function decisionCases(br, base, { frames, ingress }) {
  const mask = frames.length - 1;
  const view = new EthernetView();
  let now = 1;
  return [
    {
      name: 'Map-of-objects bridge (per-VLAN Map)',
      run(n) {
        let acc = 0;
        const t = now++;
        for (let i = 0; i < n; i++) acc += base.receive(ingress[i & mask], frames[i & mask], t);
        consume(acc);
      },
    },
    {
      name: 'Bridge.receive (reused EthernetView)',
      run(n) {
        let acc = 0;
        const t = now++;
        for (let i = 0; i < n; i++) {
          const k = i & mask;
          acc += br.receive(ingress[k], view.reset(frames[k]), t).port;
        }
        consume(acc);
      },
    },
  ];
}

export default async function bridge() {
  const br = makeBridge();
  const base = new MapBridge();
  for (let i = 0; i < HOSTS; i++) base.receive(hostPort(i), taggedFrame(0xffff_ffff_ffff, hostMac(i), hostVid(i)), 0);
  const stats = br.fdbStats();
  const options = {
    baseline: 'Map-of-objects bridge (per-VLAN Map)',
    targets: { 'Bridge.receive (reused EthernetView)': { minRate: 15e6, label: '>= 15 M frames/s' } },
  };
  const where = `${HOSTS.toLocaleString('en')} MACs over ${PORTS} ports and ${VLANS} VLANs (FDB ${stats.capacity.toLocaleString('en')} slots, ${(stats.bytes / 1e6).toFixed(1)} MB)`;
  report(`learn + forward decision, ${where}, ${POOL} random frames`, compare(decisionCases(br, base, makeWorkload(POOL))), options);
  report(`learn + forward decision, ${where}, ${HOT_POOL} frames (cached working set)`, compare(decisionCases(br, base, makeWorkload(HOT_POOL))), options);
  const c = br.counters();
  if (c.forwarded === 0 || c.flooded > HOSTS) throw new Error('the workload should be known unicast');

  const FLOOD = 10_000_000;
  const flood = macFlood(FLOOD);
  console.log(`\n## MAC flood: ${FLOOD.toLocaleString('en')} frames from distinct random sources, default limit`);
  console.log(
    `  ${(flood.seconds * 1000).toFixed(0)} ms (${(FLOOD / flood.seconds / 1e6).toFixed(2)} M frames/s); FDB ${flood.stats.learned.toLocaleString('en')} learned, ` +
      `${flood.stats.capacity.toLocaleString('en')} slots, ${(flood.stats.bytes / 1e6).toFixed(1)} MB (same at 1 M frames: ${JSON.stringify(flood.stats) === JSON.stringify(flood.at1M)}); ` +
      `refused ${flood.counters.learnLimit.toLocaleString('en')}; heap ${flood.heapDelta >= 0 ? '+' : ''}${(flood.heapDelta / 1e6).toFixed(1)} MB`,
  );
}

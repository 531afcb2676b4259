/**
 * `Bridge.receive` has a fast path for known unicast (source already learnt
 * on its port, destination live on another forwarding port) that skips the
 * last-seen write when the source was refreshed at the same `now`, and reads
 * last-seen times through epoch stamps rather than the time array. These
 * tests hold it to the complete path (`receiveFrame`): the same decisions,
 * counters and FDB after every event, and ageing exact to the millisecond
 * whether or not the write was skipped and however many epochs have gone by.
 */
import { describe, expect, it, vi } from 'vitest';
import * as fc from 'fast-check';
import { type MacAddress, parseIpv4 } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge, type BridgeDecision, type PortState } from '../src/index.js';
import { bridgeFrameBytes, macPool } from '../src/arbitraries.js';
import { mac, send } from './helpers.js';

const A = mac('02:00:00:00:00:0a');
const B = mac('02:00:00:00:00:0b');
const C = mac('02:00:00:00:00:0c');
const D = mac('02:00:00:00:00:0d');
const AGEING = 1000;

function threePorts(options: ConstructorParameters<typeof Bridge>[0] = {}) {
  const br = new Bridge({ ageingTime: AGEING, gcInterval: 0, ...options });
  const p1 = br.addPort({ name: 'veth0' });
  const p2 = br.addPort({ name: 'veth1' });
  const p3 = br.addPort({ name: 'veth2' });
  return { br, p1, p2, p3 };
}

/**
 * Sends `dst <- src` on `port` at `now`, after an unrelated frame at the
 * same time: the tested frame then finds its epoch started and its own
 * stamps compared with the current one (the first frame of a new `now`
 * starts the epoch, and is tested by the frames that follow a time step).
 */
function sendInEpoch(br: Bridge, port: number, dst: MacAddress, src: MacAddress, now: number) {
  send(br, 3, D, C, now);
  return send(br, port, dst, src, now);
}

describe('ageing with skipped last-seen writes', () => {
  it('a source refreshed many times at one `now` ages from that `now`, to the millisecond', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p2, A, B, 0); // B learnt on p2
    for (let i = 0; i < 100; i++) expect(send(br, p1, B, A, 5).action).toBe('forward'); // A learnt at 5, then refreshed at 5 (no write)
    send(br, p2, A, B, 500); // keeps B alive; A is the destination
    expect(sendInEpoch(br, p2, A, B, 5 + AGEING - 1)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(br.fdbLookup(A)?.age).toBe(AGEING - 1);
    expect(sendInEpoch(br, p2, A, B, 5 + AGEING)).toMatchObject({ action: 'flood' }); // now - seen >= ageing: gone
    expect(br.fdbLookup(A)).toBeUndefined();
  });

  it('is exact after more epochs than the ring holds (the stamp retired, the time read back)', () => {
    const { br, p1, p2, p3 } = threePorts({ ageingTime: 100_000 });
    send(br, p2, A, B, 0);
    send(br, p1, B, A, 10); // A last seen at 10
    // 3000 distinct times: epochs go round the ring (64 entries for this small table) many times.
    for (let t = 11; t < 3011; t++) send(br, p3, D, C, t);
    for (let t = 11; t < 3011; t += 997) expect(send(br, p2, A, B, t).action).toBe('forward');
    expect(sendInEpoch(br, p2, A, B, 10 + 100_000 - 1)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(sendInEpoch(br, p2, A, B, 10 + 100_000)).toMatchObject({ action: 'flood' });
  });

  it('is exact for an entry last seen more than 1024 epochs ago (its time read from `times`, not the ring)', () => {
    const { br, p1, p2, p3 } = threePorts({ ageingTime: 100_000, maxLearned: 0 });
    // 1,500 more hosts: a table of 4,096 slots, so a ring of 4,096 epochs.
    for (let i = 0; i < 1500; i++) send(br, p3, D, (0x02_00_00_02_00_00 + i) as MacAddress, 0);
    expect(br.fdbStats().capacity).toBe(4096);
    send(br, p2, A, B, 1);
    send(br, p1, B, A, 10); // A last seen at 10
    for (let t = 11; t < 2011; t++) send(br, p3, D, C, t); // 2,000 epochs, all of them still in the ring
    send(br, p2, A, B, 2011);
    expect(sendInEpoch(br, p2, A, B, 10 + 100_000 - 1)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(sendInEpoch(br, p2, A, B, 10 + 100_000)).toMatchObject({ action: 'flood' });
    // As a source, A has expired too: learnt afresh, and counted.
    expect(send(br, p1, B, A, 10 + 100_000)).toMatchObject({ action: 'forward', ports: [p2] });
    expect(br.portCounters(p1).learned).toBe(2);
  });

  it('learns afresh (and counts) a source that expired but was not swept yet', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p1, B, A, 0);
    send(br, p2, A, B, 900);
    expect(sendInEpoch(br, p1, B, A, AGEING)).toMatchObject({ action: 'forward', ports: [p2] }); // A expired at 1000, still in the table
    expect(br.portCounters(p1).learned).toBe(2);
    expect(br.fdbLookup(A)?.age).toBe(0);
  });

  it('takes each frame at its own time when time goes back and forth', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p2, A, B, 0);
    send(br, p1, B, A, 400);
    send(br, p1, B, A, 100); // the kernel stores whatever `now` the frame came with
    send(br, p1, B, A, 100);
    expect(sendInEpoch(br, p2, A, B, 100 + AGEING - 1)).toMatchObject({ action: 'forward' });
    expect(sendInEpoch(br, p2, A, B, 100 + AGEING)).toMatchObject({ action: 'flood' });
  });

  it('keeps the epoch when the table grows in the middle of a frame', () => {
    const { br, p1, p2 } = threePorts({ maxLearned: 0 });
    send(br, p2, A, B, 0);
    send(br, p1, B, A, 7); // A refreshed at 7: stamped with epoch 7
    // New sources at 7 until the table has grown twice; A and B stay put.
    const hosts = Array.from({ length: 200 }, (_, i) => (0x02_00_00_01_00_00 + i) as MacAddress);
    for (const h of hosts) send(br, p1, B, h, 7);
    expect(br.fdbStats().capacity).toBeGreaterThanOrEqual(512);
    expect(send(br, p1, B, A, 7).action).toBe('forward'); // same epoch, after the growth
    expect(sendInEpoch(br, p2, A, B, 7 + AGEING - 1)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(sendInEpoch(br, p2, hosts[0]!, B, 7 + AGEING)).toMatchObject({ action: 'flood' });
    expect(send(br, p2, A, B, 7 + AGEING)).toMatchObject({ action: 'flood' });
  });
});

/**
 * Everything a decision says, copied (the bridge reuses its one decision):
 * every own field, whatever fields BridgeDecision grows (the fast path
 * writes them one by one), the flood arrays up to floodCount.
 */
function snapshot(d: BridgeDecision) {
  const { floodPorts, floodUntagged, remotes, ...fields } = d;
  return {
    ...fields,
    remotes: [...remotes],
    floodPorts: [...floodPorts.subarray(0, d.floodCount)],
    floodUntagged: [...floodUntagged.subarray(0, d.floodCount)],
    egress: d.egressPorts(),
  };
}

type Event =
  /** `port` -1: the source's home port (hosts mostly stay where they are, so sources are known there). */
  | { kind: 'frame'; port: number; dst: number; src: number; tag: number | undefined; dt: number; offset: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'state'; port: number; state: PortState }
  | { kind: 'learning'; port: number; on: boolean }
  | { kind: 'hairpin'; port: number; on: boolean }
  | { kind: 'static'; host: number; port: number }
  | { kind: 'vlan'; port: number; vid: number; op: 'add' | 'untagged' | 'del' };

const PORTS = 4; // port 4 is a VXLAN port
const VIDS = [1, 2];

function build(filtering: boolean): Bridge {
  // 6 hosts in up to 2 VLANs: a limit of 10 entries is reached now and then.
  const br = new Bridge({ mac: mac('02:00:00:00:00:01'), vlanFiltering: filtering, ageingTime: AGEING, maxLearned: 10, gcInterval: 0 });
  for (let p = 1; p <= PORTS; p++) br.addPort({ name: `p${p}`, ...(p === 4 ? { vxlan: { vni: 7 } } : {}) });
  // Every port is in VLAN 1 (the default PVID, untagged); p1 and p4 also
  // carry VLAN 2 tagged, p2 has VLAN 2 as PVID, untagged.
  br.vlanAdd(1, 2);
  br.vlanAdd(2, 2, { pvid: true, untagged: true });
  br.vlanAdd(4, 2);
  br.vxlanFdbAdd(4, { mac: 0 as MacAddress, dst: parseIpv4('10.0.0.1') }, 'append');
  return br;
}

describe('the fast path', () => {
  it('decides, counts and learns exactly as the complete path', () => {
    const port = fc.integer({ min: 0, max: PORTS }); // 0: the bridge device sending
    const portOf = fc.integer({ min: 1, max: PORTS });
    const event: fc.Arbitrary<Event> = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.record({
          kind: fc.constant('frame' as const),
          port: fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, port),
          dst: fc.nat(7),
          src: fc.nat(7),
          tag: fc.constantFrom(undefined, 0, ...VIDS),
          // Where the frame starts in its buffer (the fast path reads
          // offset 0 and others differently).
          offset: fc.constantFrom(0, 0, 0, 5),
          // Often the same `now`; sometimes a step near the ageing time, so
          // entries expire between two frames with no sweep in between.
          dt: fc.oneof(
            { weight: 10, arbitrary: fc.constant(0) },
            { weight: 2, arbitrary: fc.integer({ min: 1, max: 300 }) },
            { weight: 1, arbitrary: fc.integer({ min: AGEING - 100, max: AGEING + 100 }) },
          ),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('state' as const),
          port: portOf,
          state: fc.constantFrom<PortState>('forwarding', 'forwarding', 'learning', 'blocking', 'disabled'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('learning' as const), port: portOf, on: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('hairpin' as const), port: portOf, on: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('static' as const), host: fc.nat(5), port: portOf }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('vlan' as const),
          port: portOf,
          vid: fc.constantFrom(...VIDS),
          op: fc.constantFrom<'add' | 'untagged' | 'del'>('add', 'untagged', 'del'),
        }),
      },
    );
    fc.assert(
      fc.property(
        macPool(6),
        fc.array(portOf, { minLength: 8, maxLength: 8 }), // each address's home port
        fc.boolean(),
        fc.array(event, { minLength: 40, maxLength: 150 }),
        (hosts, homes, filtering, events) => {
          // The 8 addresses a frame can name: 6 hosts, broadcast (an invalid
          // source) and the bridge itself (a local destination, an own source).
          const addresses = [...hosts, 0xffff_ffff_ffff, mac('02:00:00:00:00:01')];
          const fast = build(filtering);
          const complete = build(filtering);
          const slow = complete as unknown as { receiveFrame(port: number, frame: EthernetView, now: number): BridgeDecision };
          const view = new EthernetView();
          let now = 0;
          for (const e of events) {
            if (e.kind === 'frame') {
              now += e.dt;
              const frame = bridgeFrameBytes(addresses[e.dst]! as MacAddress, addresses[e.src]! as MacAddress, e.tag);
              const bytes = new Uint8Array(e.offset + frame.length);
              bytes.set(frame, e.offset);
              const p = e.port < 0 ? homes[e.src]! : e.port;
              const a = snapshot(fast.receive(p, view.reset(bytes, e.offset), now));
              const b = snapshot(slow.receiveFrame(p, view.reset(bytes, e.offset), now));
              expect(a).toEqual(b);
            } else if (e.kind === 'advance') {
              now += e.ms;
              expect(fast.advance(now)).toBe(complete.advance(now));
            } else {
              for (const br of [fast, complete]) {
                if (e.kind === 'state') br.setPort(e.port, { state: e.state });
                else if (e.kind === 'learning') br.setPort(e.port, { learning: e.on });
                else if (e.kind === 'hairpin') br.setPort(e.port, { hairpin: e.on });
                else if (e.kind === 'vlan') {
                  const pvid = br.port(e.port).pvid === e.vid;
                  if (e.op !== 'del') br.vlanAdd(e.port, e.vid, { pvid, untagged: e.op === 'untagged' });
                  else if (br.vlans(e.port).some((v) => v.vid === e.vid)) br.vlanDel(e.port, e.vid);
                } else if (!filtering || br.vlans(e.port).some((v) => v.vid === 2)) {
                  br.fdbAdd({ mac: hosts[e.host]!, port: e.port, vlan: filtering ? 2 : 0, state: 'static' }, 'replace');
                }
              }
            }
            // What the fast path relies on instead of checking VLAN
            // membership: a dynamic entry's port is in the entry's VLAN.
            if (filtering) {
              for (const entry of fast.fdbEntries()) {
                if (entry.state === 'dynamic') expect(fast.vlans(entry.port).map((v) => v.vid)).toContain(entry.vlan);
              }
            }
            expect(fast.fdbEntries()).toEqual(complete.fdbEntries());
            for (let p = 0; p <= PORTS; p++) expect(fast.portCounters(p)).toEqual(complete.portCounters(p));
            expect(fast.nextDeadline()).toBe(complete.nextDeadline());
          }
          expect(fast.counters()).toEqual(complete.counters());
        },
      ),
      { numRuns: 300 },
    );
  });

  // The equivalence above cannot see a fast path that gives up too often
  // (it falls back to the complete path, which decides the same): this
  // pins down that the common cases stay on it, whatever the frame's
  // offset in its buffer, tagged or not.
  it('takes known unicast without the complete path, at any offset, tagged or untagged, at a new `now` or not', () => {
    for (const filtering of [false, true]) {
      const { br, p1, p2 } = threePorts({ vlanFiltering: filtering });
      if (filtering) for (const p of [p1, p2]) br.vlanAdd(p, 5);
      send(br, p2, A, B, 0);
      send(br, p2, A, B, 0, filtering ? 5 : undefined);
      send(br, p1, B, A, 0);
      send(br, p1, B, A, 0, filtering ? 5 : undefined);
      const complete = vi.spyOn(br as unknown as { receiveFrame: () => BridgeDecision }, 'receiveFrame');
      const view = new EthernetView();
      let now = 0;
      for (const offset of [0, 3]) {
        for (const vid of filtering ? [undefined, 5] : [undefined]) {
          const frame = bridgeFrameBytes(B, A, vid);
          const bytes = new Uint8Array(offset + frame.length);
          bytes.set(frame, offset);
          // At the same `now` as the frame before, and at a new one.
          br.receive(p1, view.reset(bytes, offset), now);
          const d = br.receive(p1, view.reset(bytes, offset), ++now);
          expect({ action: d.action, port: d.port, vid: d.vid, untagged: d.untagged }).toEqual({
            action: 'forward',
            port: p2,
            vid: filtering ? (vid ?? 1) : 0,
            untagged: filtering && vid === undefined,
          });
        }
      }
      expect(complete).not.toHaveBeenCalled();
    }
  });

  it('known unicast repeated at one `now` changes nothing in the FDB, only counters', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p2, A, B, 0);
    send(br, p1, B, A, 1);
    const view = new EthernetView(bridgeFrameBytes(B, A));
    const before = br.fdbEntries();
    for (let i = 0; i < 1000; i++) expect(br.receive(p1, view, 1).port).toBe(p2);
    expect(br.fdbEntries()).toEqual(before);
    expect(br.portCounters(p1)).toMatchObject({ received: 1001, forwarded: 1001, learned: 1 });
    expect(br.portCounters(p2)).toMatchObject({ transmitted: 1001 });
  });
});

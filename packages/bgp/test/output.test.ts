import { describe, expect, it } from 'vitest';
import { parseIpv4, type Ipv4Address } from '@wirestack/core';
import {
  BgpEngine,
  BgpFramer,
  buildOpen,
  decodeMessage,
  encodeMessage,
  isEndOfRib,
  prefixKey,
  type BgpPrefix,
  type PathAttributes,
  type PeerConfig,
} from '../src/index.js';
import { OUTPUT_SLICE } from '../src/peer-output.js';

/**
 * The sending side of the engine: a full table in slices only while the
 * connection takes data, coalescing of changes, KEEPALIVEs that never
 * wait, and MRAI, on a manual clock. One engine; its peer is played by the
 * test, which decodes what the engine writes into the peer's Adj-RIB-In.
 */

const ip = parseIpv4;
const PEER = ip('10.0.0.2');
const LOCAL_AS = 4200000001;
const NEXT_HOP = ip('192.0.2.1');

/** The n-th distinct prefix of a test table: /24s from 10.0.0.0, with every seventh a /22 of its own /22 block higher up. */
function tablePrefix(i: number): BgpPrefix {
  if (i % 7 === 6) return { address: ((0x30000000 + i * 1024) >>> 0) as Ipv4Address, length: 22 };
  return { address: ((0x0a000000 + i * 256) >>> 0) as Ipv4Address, length: 24 };
}

/** Attributes of the n-th route: `sets` distinct sets (communities), so prefixes share sets as in a real table. */
function tableAttributes(i: number, sets: number): PathAttributes {
  return { communities: [(65000 * 65536 + (i % sets)) >>> 0] };
}

interface Received {
  /** prefix key -> attributes as the peer holds them */
  readonly rib: Map<number, PathAttributes>;
  updates: number;
  endOfRib: number;
  /** UPDATEs after the first End-of-RIB */
  afterEndOfRib: number;
  keepalives: number;
  notifications: number;
}

/** The test's side of the session: it brings the session up and decodes whatever the engine writes. */
class Peer {
  readonly engine: BgpEngine;
  readonly id: number;
  private readonly framer = new BgpFramer();
  readonly got: Received = { rib: new Map(), updates: 0, endOfRib: 0, afterEndOfRib: 0, keepalives: 0, notifications: 0 };
  /** Octets of UPDATEs in each write action, in order. */
  readonly writes: number[] = [];

  constructor(peer: Partial<PeerConfig> = {}, options: { random?: () => number; before?: (engine: BgpEngine) => void; holdTime?: number } = {}) {
    this.engine = new BgpEngine({
      asn: LOCAL_AS,
      routerId: ip('10.0.0.1'),
      nextHop: NEXT_HOP,
      peers: [{ address: PEER, asn: 65001, passive: true, holdTime: options.holdTime ?? 90, import: 'accept', export: 'accept', ...peer }],
      random: options.random ?? (() => 1),
    });
    this.engine.start(0);
    options.before?.(this.engine);
    this.id = this.engine.newConnectionId();
    expect(this.engine.accepted(this.id, PEER, 0)).toBe(true);
    const open = buildOpen({ asn: 65001, holdTime: options.holdTime ?? 90, bgpId: PEER, capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'route-refresh' }] });
    this.engine.data(this.id, encodeMessage(open), 0);
    this.engine.data(this.id, encodeMessage({ type: 'keepalive' }), 0);
    expect(this.engine.peerState(PEER)).toBe('Established');
  }

  /** Carries out the engine's actions: returns the octets of UPDATEs written. */
  take(): number {
    let updateOctets = 0;
    for (const action of this.engine.takeActions()) {
      if (action.type !== 'write' || action.connection !== this.id) continue;
      let octets = 0;
      for (const frame of this.framer.push(action.bytes)) {
        const { message, errors } = decodeMessage(frame, 0, { fourOctetAs: true });
        expect(errors).toEqual([]);
        if (message.type === 'keepalive') this.got.keepalives++;
        if (message.type === 'notification') this.got.notifications++;
        if (message.type !== 'update') continue;
        octets += frame.length;
        this.got.updates++;
        if (this.got.endOfRib > 0) this.got.afterEndOfRib++;
        if (isEndOfRib(message)) this.got.endOfRib++;
        for (const p of message.withdrawn) this.got.rib.delete(prefixKey(p.address, p.length));
        for (const p of message.nlri) this.got.rib.set(prefixKey(p.address, p.length), message.attributes);
      }
      if (octets > 0) this.writes.push(octets);
      updateOctets += octets;
    }
    return updateOctets;
  }

  /** The socket buffer filled (false) or drained (true). */
  writable(ok: boolean, now: number): void {
    this.engine.writable(this.id, ok, now);
  }

  send(bytes: Uint8Array, now: number): void {
    this.engine.data(this.id, bytes, now);
  }
}

/** What the peer should hold for an announced local route: our AS prepended and our next hop (eBGP). */
function exported(attributes: PathAttributes): PathAttributes {
  return { origin: 'igp', asPath: [{ type: 'sequence', asns: [LOCAL_AS] }], nextHop: NEXT_HOP, ...attributes };
}

/** The peer's Adj-RIB-In equals the engine's Loc-RIB, as exported. */
function expectInSync(peer: Peer): void {
  const routes = peer.engine.routes();
  expect(peer.got.rib.size).toBe(routes.length);
  for (const r of routes) {
    const { origin: _o, asPath: _a, nextHop: _n, ...rest } = r.attributes;
    expect(peer.got.rib.get(prefixKey(r.prefix.address, r.prefix.length))).toEqual(exported(rest));
  }
}

const MAX_MESSAGE = 4096;

describe('a full table goes out in slices, only while the connection takes data', () => {
  const ROUTES = 100_000;
  const SETS = 3_000;

  it('packs at most a slice per step, nothing while paused, finishes on resume, and ends with End-of-RIB', () => {
    const peer = new Peer(
      {},
      {
        before: (engine) => {
          for (let i = 0; i < ROUTES; i++) engine.announce(tablePrefix(i), tableAttributes(i, SETS), 0);
        },
      },
    );
    let now = 0;
    // the session came up: one slice, then the socket is "full" after every slice
    const first = peer.take();
    expect(first).toBeGreaterThan(OUTPUT_SLICE / 2);
    expect(first).toBeLessThanOrEqual(OUTPUT_SLICE + MAX_MESSAGE);
    peer.writable(false, now);
    expect(peer.engine.outputPending).toBe(false);

    // paused: inputs, timers and explicit output calls pack nothing, changes wait
    peer.engine.output(now);
    peer.engine.announce(tablePrefix(ROUTES), tableAttributes(1, SETS), now);
    peer.engine.withdraw(tablePrefix(3), now);
    peer.send(encodeMessage({ type: 'keepalive' }), now);
    expect(peer.take()).toBe(0);

    let slices = 1;
    for (let step = 0; step < 1000; step++) {
      now += 10;
      peer.writable(true, now);
      const octets = peer.take();
      if (octets === 0) break;
      expect(octets).toBeLessThanOrEqual(OUTPUT_SLICE + MAX_MESSAGE);
      slices++;
      peer.writable(false, now);
      peer.engine.output(now);
      expect(peer.take()).toBe(0);
    }
    expect(peer.engine.outputPending).toBe(false);
    expect(peer.got.endOfRib).toBe(1);
    // End-of-RIB after the last table UPDATE; only the two changes made while paused may follow it
    expect(peer.got.afterEndOfRib).toBeLessThanOrEqual(2);
    expect(peer.got.rib.has(prefixKey(tablePrefix(3).address, 24))).toBe(false);
    expect(peer.got.rib.has(prefixKey(tablePrefix(ROUTES).address, tablePrefix(ROUTES).length))).toBe(true);
    expectInSync(peer);
    expect(peer.engine.counters(PEER)?.advertised).toBe(ROUTES);
    // the table is sent in set order: about one UPDATE per attribute set, as if packed all at once
    expect(peer.got.updates).toBeLessThanOrEqual(SETS + slices + 4);
    const total = peer.writes.reduce((a, b) => a + b, 0);
    expect(slices).toBeGreaterThanOrEqual(Math.floor(total / (OUTPUT_SLICE + MAX_MESSAGE)));
  });

  it('a driver that drains slowly holds at most its own buffer plus about one slice', () => {
    const peer = new Peer({}, { before: (engine) => { for (let i = 0; i < ROUTES; i++) engine.announce(tablePrefix(i), tableAttributes(i, SETS), 0); } });
    // a socket with a 64 KiB high-water mark whose peer reads 32 KiB per step
    const HIGH_WATER = 64 * 1024;
    let buffered = 0;
    let full = false;
    let maxBuffered = 0;
    let now = 0;
    for (let step = 0; step < 10_000 && (buffered > 0 || peer.engine.outputPending || full); step++) {
      now++;
      buffered += peer.take();
      maxBuffered = Math.max(maxBuffered, buffered);
      if (!full && buffered > HIGH_WATER) {
        full = true;
        peer.writable(false, now);
      }
      buffered = Math.max(0, buffered - 32 * 1024);
      if (full && buffered === 0) {
        full = false;
        peer.writable(true, now);
      } else if (!full) peer.engine.output(now);
    }
    buffered += peer.take();
    expect(peer.engine.outputPending).toBe(false);
    expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER + OUTPUT_SLICE + MAX_MESSAGE);
    expect(peer.got.endOfRib).toBe(1);
    expectInSync(peer);
  });

  it('a ROUTE-REFRESH sends the whole table again, then End-of-RIB', () => {
    const peer = new Peer({}, { before: (engine) => { for (let i = 0; i < 20_000; i++) engine.announce(tablePrefix(i), tableAttributes(i, 500), 0); } });
    for (let i = 0; i < 100 && (peer.take() > 0 || peer.engine.outputPending); i++) peer.engine.output(0);
    expect(peer.got.endOfRib).toBe(1);
    peer.got.rib.clear();
    peer.send(encodeMessage({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 }), 1);
    for (let i = 0; i < 100 && (peer.take() > 0 || peer.engine.outputPending); i++) peer.engine.output(1);
    expect(peer.got.endOfRib).toBe(2);
    expectInSync(peer);
  });
});

describe('changes coalesce while the connection is paused', () => {
  const X = tablePrefix(0);
  const Y = tablePrefix(1);
  const Z = tablePrefix(2);
  const W = tablePrefix(3);
  const key = (p: BgpPrefix) => prefixKey(p.address, p.length);

  it('sends only the latest state of each prefix, and only what the peer needs', () => {
    const peer = new Peer();
    peer.engine.announce(Z, { communities: [1] }, 1);
    peer.engine.announce(W, { communities: [1] }, 1);
    peer.take();
    expect([...peer.got.rib.keys()].sort()).toEqual([key(Z), key(W)].sort());
    const before = peer.got.updates;
    peer.writable(false, 2);
    // X three times: only the last goes out
    for (const c of [10, 11, 12]) peer.engine.announce(X, { communities: [c] }, 3);
    // Y never reached the peer: announce then withdraw sends nothing
    peer.engine.announce(Y, { communities: [20] }, 3);
    peer.engine.withdraw(Y, 3);
    // Z did: it is withdrawn
    peer.engine.withdraw(Z, 3);
    // W withdrawn and announced again as it was: the peer has it already
    peer.engine.withdraw(W, 3);
    peer.engine.announce(W, { communities: [1] }, 3);
    expect(peer.take()).toBe(0);
    peer.writable(true, 4);
    peer.take();
    expect(peer.got.updates - before).toBe(2); // one withdrawal, one announcement
    expect(peer.got.rib.get(key(X))?.communities).toEqual([12]);
    expect(peer.got.rib.has(key(Y))).toBe(false);
    expect(peer.got.rib.has(key(Z))).toBe(false);
    expect(peer.got.rib.get(key(W))?.communities).toEqual([1]);
    expectInSync(peer);
  });

  it('KEEPALIVEs and a NOTIFICATION go out while the table waits', () => {
    const peer = new Peer({}, { before: (engine) => { for (let i = 0; i < 50_000; i++) engine.announce(tablePrefix(i), tableAttributes(i, 20_000), 0); } });
    peer.take();
    peer.writable(false, 0);
    const deadline = peer.engine.nextDeadline()!;
    expect(deadline).toBeLessThanOrEqual(30_000); // keepalive every hold/3
    peer.engine.tick(deadline);
    expect(peer.take()).toBe(0);
    expect(peer.got.keepalives).toBeGreaterThanOrEqual(2); // the one of OpenConfirm and the timer's
    const keepalives = peer.got.keepalives;
    peer.engine.tick(deadline + 30_000);
    peer.take();
    expect(peer.got.keepalives).toBe(keepalives + 1);
    expect(peer.got.endOfRib).toBe(0);
    peer.engine.stop(deadline + 30_001, 'maintenance');
    peer.take();
    expect(peer.got.notifications).toBe(1);
  });
});

describe('MRAI (minRouteAdvertisementInterval)', () => {
  const A = tablePrefix(0);
  const B = tablePrefix(1);
  const C = tablePrefix(2);
  const key = (p: BgpPrefix) => prefixKey(p.address, p.length);

  it('holds advertisements until the interval (with jitter) ends, and never holds withdrawals', () => {
    // hold time 0: no keepalive timer, so every deadline is MRAI's; random 0 is the shortest jitter, 0.75
    const peer = new Peer({ minRouteAdvertisementInterval: 30 }, { random: () => 0, holdTime: 0 });
    peer.take();
    expect(peer.got.endOfRib).toBe(1);
    expect(peer.engine.nextDeadline()).toBeUndefined();

    // the first advertisement goes at once and starts the interval
    peer.engine.announce(A, { communities: [1] }, 1_000);
    peer.take();
    expect(peer.got.rib.has(key(A))).toBe(true);
    expect(peer.engine.nextDeadline()).toBeUndefined(); // nothing waits

    peer.engine.announce(B, { communities: [2] }, 2_000);
    expect(peer.take()).toBe(0);
    const until = 1_000 + 0.75 * 30_000;
    expect(peer.engine.nextDeadline()).toBe(until);

    // a withdrawal does not wait
    peer.engine.withdraw(A, 3_000);
    peer.take();
    expect(peer.got.rib.has(key(A))).toBe(false);

    // more changes wait with B, coalesced
    peer.engine.announce(C, { communities: [3] }, 4_000);
    peer.engine.announce(B, { communities: [4] }, 5_000);
    peer.engine.tick(until - 1);
    expect(peer.take()).toBe(0);
    const updates = peer.got.updates;
    peer.engine.tick(until);
    peer.take();
    expect(peer.got.updates - updates).toBe(2); // B and C, B once with its latest state
    expect(peer.got.rib.get(key(B))?.communities).toEqual([4]);
    expect(peer.got.rib.get(key(C))?.communities).toEqual([3]);
    expect(peer.engine.nextDeadline()).toBeUndefined();

    // that round started the interval again
    peer.engine.announce(A, { communities: [5] }, until + 1);
    expect(peer.take()).toBe(0);
    expect(peer.engine.nextDeadline()).toBe(until + 0.75 * 30_000);
    peer.engine.tick(until + 0.75 * 30_000);
    peer.take();
    expect(peer.got.rib.get(key(A))?.communities).toEqual([5]);
    expectInSync(peer);
  });

  it('jitter comes from the injected random source: 0.75..1 of the interval', () => {
    const peer = new Peer({ minRouteAdvertisementInterval: 10 }, { random: () => 1, holdTime: 0 });
    peer.take();
    peer.engine.announce(A, {}, 100);
    peer.engine.announce(B, {}, 200);
    peer.take();
    expect(peer.engine.nextDeadline()).toBe(100 + 10_000);
  });

  it('the initial table does not wait for MRAI', () => {
    const peer = new Peer({ minRouteAdvertisementInterval: 30 }, { holdTime: 0, before: (engine) => { for (let i = 0; i < 5000; i++) engine.announce(tablePrefix(i), tableAttributes(i, 100), 0); } });
    for (let i = 0; i < 100 && (peer.take() > 0 || peer.engine.outputPending); i++) peer.engine.output(0);
    expect(peer.got.endOfRib).toBe(1);
    expect(peer.got.rib.size).toBe(5000);
  });
});

describe('minRouteAdvertisementInterval configuration', () => {
  it('a value outside 0..65535 seconds is a RangeError naming the peer', () => {
    for (const bad of [-1, Number.NaN, 70_000]) {
      expect(() => new BgpEngine({ asn: LOCAL_AS, routerId: ip('10.0.0.1'), peers: [{ address: PEER, asn: 65001, minRouteAdvertisementInterval: bad }], random: () => 1 })).toThrow(
        /peer 10\.0\.0\.2: minRouteAdvertisementInterval must be 0\.\.65535 seconds/,
      );
    }
  });
});

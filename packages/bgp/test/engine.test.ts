import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import { PROTO_BGP, PROTO_STATIC, Rib } from '@wirestack/routing';
import { BgpEngine, buildOpen, decodeMessage, encodeMessage, type EngineConfig, type EngineEvent, type PeerConfig } from '../src/index.js';

const ip = parseIpv4;

/**
 * Two or more engines wired back to back in memory with a manual clock:
 * 'connect' actions reach the other engine's `accepted`, writes become
 * `data`, closes become `closed`. Every step is deterministic.
 */
class Wire {
  now = 0;
  readonly events = new Map<Ipv4Address, EngineEvent[]>();
  /** (engine address, connection id) -> the other end */
  private readonly links = new Map<string, { engine: BgpEngine; id: number }>();
  readonly sent = new Map<Ipv4Address, Uint8Array[]>();
  private readonly engines = new Map<Ipv4Address, BgpEngine>();
  /** Addresses whose traffic is held (the peer "stopped"). */
  readonly frozen = new Set<Ipv4Address>();

  add(address: string, config: Omit<EngineConfig, 'random'>): BgpEngine {
    const engine = new BgpEngine({ ...config, random: () => 1 });
    this.engines.set(ip(address), engine);
    this.events.set(ip(address), []);
    this.sent.set(ip(address), []);
    return engine;
  }

  private addressOf(engine: BgpEngine): Ipv4Address {
    for (const [a, e] of this.engines) if (e === engine) return a;
    throw new Error('unknown engine');
  }

  /** Runs until no engine has actions left. */
  settle(): void {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (const [address, engine] of this.engines) {
        this.events.get(address)!.push(...engine.takeEvents());
        for (const a of engine.takeActions()) {
          busy = true;
          this.perform(address, engine, a);
        }
      }
      if (!busy) return;
    }
    throw new Error('did not settle');
  }

  private perform(address: Ipv4Address, engine: BgpEngine, a: ReturnType<BgpEngine['takeActions']>[number]): void {
    const key = (e: BgpEngine, id: number) => `${this.addressOf(e)}/${id}`;
    if (a.type === 'connect') {
      const remote = this.engines.get(a.address);
      if (!remote || this.frozen.has(a.address)) {
        engine.closed(a.connection, this.now);
        return;
      }
      const rid = remote.newConnectionId();
      if (!remote.accepted(rid, address, this.now)) {
        engine.closed(a.connection, this.now);
        return;
      }
      this.links.set(key(engine, a.connection), { engine: remote, id: rid });
      this.links.set(key(remote, rid), { engine, id: a.connection });
      engine.connected(a.connection, this.now);
    } else if (a.type === 'write') {
      this.sent.get(address)!.push(a.bytes);
      const other = this.links.get(key(engine, a.connection));
      if (other && !this.frozen.has(address) && !this.frozen.has(this.addressOf(other.engine))) other.engine.data(other.id, a.bytes, this.now);
    } else {
      const other = this.links.get(key(engine, a.connection));
      this.links.delete(key(engine, a.connection));
      if (other) {
        this.links.delete(key(other.engine, other.id));
        other.engine.closed(other.id, this.now);
      }
    }
  }

  /** Advances the clock to `until`, firing timers in order. */
  advance(until: number): void {
    for (;;) {
      let next: number | undefined;
      for (const [address, e] of this.engines) {
        if (this.frozen.has(address)) continue;
        const d = e.nextDeadline();
        if (d !== undefined && (next === undefined || d < next)) next = d;
      }
      if (next === undefined || next > until) break;
      this.now = Math.max(this.now, next);
      for (const [address, e] of this.engines) if (!this.frozen.has(address)) e.tick(this.now);
      this.settle();
    }
    this.now = until;
  }
}

function pair(options: { aPeer?: Partial<PeerConfig>; bPeer?: Partial<PeerConfig>; bAsn?: number; policy?: false; b?: Partial<EngineConfig> } = {}) {
  const wire = new Wire();
  const accept: Pick<PeerConfig, 'import' | 'export'> = options.policy === false ? {} : { import: 'accept', export: 'accept' };
  const bAsn = options.bAsn ?? 65001;
  const a = wire.add('10.0.0.1', { asn: 4200000001, routerId: ip('10.0.0.1'), nextHop: ip('192.0.2.1'), peers: [{ address: ip('10.0.0.2'), asn: bAsn, holdTime: 9, ...accept, ...options.aPeer }] });
  const b = wire.add('10.0.0.2', { asn: bAsn, routerId: ip('10.0.0.2'), nextHop: ip('192.0.2.2'), peers: [{ address: ip('10.0.0.1'), asn: 4200000001, passive: true, holdTime: 9, ...accept, ...options.bPeer }], ...options.b });
  b.start(0);
  a.start(0);
  wire.settle();
  return { wire, a, b };
}

const P = parseIpv4Prefix('198.51.100.0/24');

describe('two engines back to back', () => {
  it('reach Established, and a route flows with our AS prepended and next hop self', () => {
    const { wire, a, b } = pair();
    expect(a.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    a.announce(P, { communities: [0xfde8_0001] });
    wire.settle();
    const best = b.bestRoute(P);
    expect(best).toMatchObject({
      decidedBy: 'only-route',
      source: { kind: 'peer', address: ip('10.0.0.1'), external: true },
      attributes: { origin: 'igp', asPath: [{ type: 'sequence', asns: [4200000001] }], nextHop: ip('192.0.2.1'), communities: [0xfde8_0001] },
    });
    expect(b.counters(ip('10.0.0.1'))).toEqual({ received: 1, accepted: 1, advertised: 0 });
    expect(a.counters(ip('10.0.0.2'))).toEqual({ received: 0, accepted: 0, advertised: 1 });
    expect(wire.events.get(ip('10.0.0.2'))!.filter((e) => e.type === 'route')).toHaveLength(1);
    a.withdraw(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeUndefined();
    expect(b.locRibSize).toBe(0);
    // interned attribute sets are released with their last route
    expect(a.attributeSets).toBe(0);
    expect(b.attributeSets).toBe(0);
  });

  it('routes that share attributes share one interned set', () => {
    const { wire, a, b } = pair();
    for (let i = 0; i < 50; i++) a.announce({ address: (((198 << 24) | (51 << 16) | (i << 8)) >>> 0) as Ipv4Address, length: 24 }, { communities: [1] });
    wire.settle();
    expect(b.locRibSize).toBe(50);
    expect(b.attributeSets).toBe(1);
    expect(b.counters(ip('10.0.0.1'))).toMatchObject({ received: 50, accepted: 50 });
  });

  it('a new session gets the (empty) table and End-of-RIB, then each change as an UPDATE', () => {
    const { wire, a, b } = pair();
    a.announce(P);
    wire.settle();
    const updates = wire.sent.get(ip('10.0.0.1'))!.map((m) => decodeMessage(m, 0, { fourOctetAs: true }).message).filter((m) => m.type === 'update');
    // the table (one route) and End-of-RIB
    expect(updates.map((u) => (u.type === 'update' ? u.nlri.length : -1))).toEqual([0, 1]);
    expect(b.bestRoute(P)?.attributes.asPath).toEqual([{ type: 'sequence', asns: [4200000001] }]);
  });

  it('RFC 8212: without policy on an eBGP session nothing is accepted or sent, and the log says why', () => {
    const { wire, a, b } = pair({ policy: false });
    a.announce(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeUndefined();
    const logs = wire.events.get(ip('10.0.0.1'))!.filter((e) => e.type === 'log');
    expect(logs.map((l) => (l.type === 'log' ? l.message : ''))).toContainEqual(expect.stringContaining('RFC 8212'));
  });

  it('iBGP without policy accepts; LOCAL_PREF goes to iBGP peers only', () => {
    const { wire, a, b } = pair({ bAsn: 4200000001, policy: false });
    a.announce(P, { med: 5 });
    wire.settle();
    expect(b.bestRoute(P)?.attributes).toMatchObject({ localPref: 100, med: 5, asPath: [] });
    expect(b.bestRoute(P)?.source.external).toBe(false);
  });

  it('import policy functions can change attributes and reject', () => {
    const { wire, a, b } = pair({
      bPeer: { import: ({ prefix, attributes }) => (prefix.length > 24 ? 'reject' : { ...attributes, localPref: 300 }) },
    });
    a.announce(P);
    a.announce(parseIpv4Prefix('198.51.100.128/25'));
    wire.settle();
    expect(b.bestRoute(P)?.attributes.localPref).toBe(300);
    expect(b.bestRoute(parseIpv4Prefix('198.51.100.128/25'))).toBeUndefined();
  });

  it('a route carrying our own AS is ignored (loop)', () => {
    const { wire, a, b } = pair();
    a.announce(P, { asPath: [{ type: 'sequence', asns: [65001] }] });
    wire.settle();
    expect(b.bestRoute(P)).toBeUndefined();
  });

  it('the hold timer fires when the peer goes silent: 4/0 out, routes gone, and the session comes back', () => {
    const { wire, a, b } = pair();
    a.announce(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeDefined();
    wire.frozen.add(ip('10.0.0.1')); // "SIGSTOP" A: no traffic, no timers
    wire.advance(9_000);
    const bEvents = wire.events.get(ip('10.0.0.2'))!;
    expect(bEvents).toContainEqual({ type: 'notification', peer: ip('10.0.0.1'), direction: 'sent', code: 4, subcode: 0 });
    expect(b.bestRoute(P)).toBeUndefined();
    expect(b.peerState(ip('10.0.0.1'))).not.toBe('Established');
    wire.frozen.delete(ip('10.0.0.1'));
    wire.advance(200_000);
    expect(a.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    expect(b.bestRoute(P)).toBeDefined();
  });

  it('keeps the session up with keepalives for minutes', () => {
    const { wire, a, b } = pair();
    wire.advance(600_000);
    expect(a.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    const keepalives = wire.sent.get(ip('10.0.0.1'))!.filter((m) => m[18] === 4).length;
    expect(keepalives).toBeGreaterThanOrEqual(200); // every 3 s for 600 s
  });

  it('both sides active: they end with one session', () => {
    const { wire, a, b } = pair({ bPeer: { passive: false } });
    wire.advance(300_000);
    expect(a.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    a.announce(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeDefined();
  });

  it('stop sends Cease / Administrative Shutdown with the communication', () => {
    const { wire, a, b } = pair();
    a.stop(wire.now, 'maintenance');
    wire.settle();
    expect(wire.events.get(ip('10.0.0.2'))!).toContainEqual({ type: 'notification', peer: ip('10.0.0.1'), direction: 'received', code: 6, subcode: 2 });
    expect(b.peerState(ip('10.0.0.1'))).not.toBe('Established');
  });
});

describe('connection collision in the engine (RFC 4271 §6.8)', () => {
  const A = ip('10.0.0.1');
  const peerOpen = (bgpId: string) => encodeMessage(buildOpen({ asn: 65001, holdTime: 90, bgpId: ip(bgpId) }));
  const keepalive = encodeMessage({ type: 'keepalive' });

  /** Our outgoing connection 1 in OpenSent, then the peer's incoming connection 2, also in OpenSent. */
  function collided() {
    const engine = new BgpEngine({ asn: 4200000001, routerId: A, peers: [{ address: ip('10.0.0.2'), asn: 65001, import: 'accept', export: 'accept' }], random: () => 1 });
    engine.start(0);
    const connect = engine.takeActions().find((a) => a.type === 'connect');
    if (connect?.type !== 'connect') throw new Error('no connect');
    engine.connected(connect.connection, 0);
    const incoming = engine.newConnectionId();
    expect(engine.accepted(incoming, ip('10.0.0.2'), 0)).toBe(true);
    const opens = engine.takeActions().filter((a) => a.type === 'write').map((a) => (a.type === 'write' ? a.connection : -1));
    expect(opens).toEqual([connect.connection, incoming]); // an OPEN on each
    return { engine, outgoing: connect.connection, incoming };
  }

  const summary = (actions: ReturnType<BgpEngine['takeActions']>) =>
    actions.map((a) => (a.type === 'write' ? `${a.connection}:${decodeMessage(a.bytes, 0, { fourOctetAs: true }).message.type}` : `${a.type} ${a.connection}`));

  it('the peer has the higher identifier: its connection stays, ours gets Cease 6/7', () => {
    const { engine, outgoing, incoming } = collided();
    engine.data(outgoing, peerOpen('10.0.0.2'), 1);
    expect(summary(engine.takeActions())).toEqual([`${outgoing}:notification`, `close ${outgoing}`]);
    engine.data(incoming, peerOpen('10.0.0.2'), 1);
    engine.data(incoming, keepalive, 2);
    expect(engine.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(summary(engine.takeActions())).toEqual([`${incoming}:keepalive`, `${incoming}:update`]);
  });

  it('we have the higher identifier: our connection stays, theirs gets Cease 6/7', () => {
    const { engine, outgoing, incoming } = collided();
    engine.data(incoming, peerOpen('10.0.0.0'), 1);
    const first = engine.takeActions();
    expect(summary(first)).toEqual([`${incoming}:notification`, `close ${incoming}`]);
    const cease = first[0]!;
    if (cease.type !== 'write') throw new Error('no write');
    expect(decodeMessage(cease.bytes).message).toMatchObject({ code: 6, subcode: 7 });
    engine.data(outgoing, peerOpen('10.0.0.0'), 1);
    engine.data(outgoing, keepalive, 2);
    expect(engine.peerState(ip('10.0.0.2'))).toBe('Established');
  });

  it('a connection arriving while Established is refused', () => {
    const { engine, outgoing } = collided();
    engine.data(outgoing, peerOpen('10.0.0.0'), 1);
    engine.data(outgoing, keepalive, 2);
    expect(engine.peerState(ip('10.0.0.2'))).toBe('Established');
    expect(engine.accepted(engine.newConnectionId(), ip('10.0.0.2'), 3)).toBe(false);
  });
});

describe('max-prefix', () => {
  it('warns at the threshold, sends Cease 6/1 with AFI/SAFI/limit beyond the limit, and restarts after maxPrefixRestart', () => {
    const { wire, a, b } = pair({ bPeer: { maxPrefixes: 10, maxPrefixesWarning: 8, maxPrefixRestart: 30 } });
    const prefix = (i: number) => ({ address: (((198 << 24) | (51 << 16) | (i << 8)) >>> 0) as Ipv4Address, length: 24 });
    for (let i = 0; i < 10; i++) a.announce(prefix(i));
    wire.settle();
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    const logs = () => wire.events.get(ip('10.0.0.2'))!.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs()).toContainEqual(expect.stringContaining('warning threshold 8'));
    a.announce(prefix(10));
    wire.settle();
    expect(b.peerState(ip('10.0.0.1'))).toBe('Idle');
    expect(b.locRibSize).toBe(0);
    const cease = wire.sent.get(ip('10.0.0.2'))!.map((m) => decodeMessage(m, 0, { fourOctetAs: true }).message).find((m) => m.type === 'notification');
    expect(cease).toEqual({ type: 'notification', code: 6, subcode: 1, data: Uint8Array.of(0, 1, 1, 0, 0, 0, 10) });
    // passive B waits for A; A reconnects after its own idle hold, B accepts only after its 30 s
    wire.advance(wire.now + 29_000);
    expect(b.peerState(ip('10.0.0.1'))).toBe('Idle');
    wire.advance(wire.now + 200_000);
    expect(wire.events.get(ip('10.0.0.2'))!.filter((e) => e.type === 'state' && e.to === 'Established').length).toBeGreaterThanOrEqual(2);
  });
});

describe('best routes in a @wirestack/routing Rib', () => {
  const reach = (rib: Rib, prefix: string, gateway: string, metric: number) =>
    rib.add({ destination: parseIpv4Prefix(prefix), protocol: PROTO_STATIC, metric, nexthops: [{ gateway: ip(gateway) }] });

  it('installs a best route (protocol bgp, the next hop as gateway) and removes it when withdrawn', () => {
    const rib = new Rib();
    reach(rib, '192.0.2.0/24', '10.0.0.254', 0);
    // an import policy that moves the next hop when the route carries community 1
    const { wire, a, b } = pair({
      b: { rib, install: { metric: 20 } },
      bPeer: { import: ({ attributes }) => (attributes.communities?.includes(1) ? { ...attributes, nextHop: ip('192.0.2.9') } : 'accept') },
    });
    a.announce(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeDefined();
    expect(rib.selected(P)).toMatchObject({ protocol: PROTO_BGP, metric: 20, nexthops: [{ gateway: ip('192.0.2.1') }] });
    // an implicit replace with another next hop moves the gateway
    a.announce(P, { communities: [1] });
    wire.settle();
    expect(rib.selected(P)?.nexthops).toMatchObject([{ gateway: ip('192.0.2.9') }]);
    a.withdraw(P);
    wire.settle();
    expect(b.bestRoute(P)).toBeUndefined();
    expect(rib.selected(P)).toBeUndefined();
    expect(rib.routesFor(parseIpv4Prefix('192.0.2.0/24'))).toHaveLength(1);
  });

  it('our own announcements and the session going down leave nothing behind', () => {
    const rib = new Rib();
    reach(rib, '192.0.2.0/24', '10.0.0.254', 0);
    const { wire, a, b } = pair({ b: { rib } });
    b.announce(parseIpv4Prefix('203.0.113.0/24'));
    a.announce(P);
    wire.settle();
    expect(rib.selected(parseIpv4Prefix('203.0.113.0/24'))).toBeUndefined();
    expect(rib.selected(P)?.protocol).toBe(PROTO_BGP);
    a.stop(wire.now);
    wire.settle();
    expect(rib.selected(P)).toBeUndefined();
  });

  it('a route whose next hop the table cannot reach is not eligible, and becomes so when a route to it appears', () => {
    const rib = new Rib();
    const { wire, a, b } = pair({ b: { rib } });
    a.announce(P);
    wire.settle();
    expect(b.counters(ip('10.0.0.1'))).toMatchObject({ accepted: 1 });
    expect(b.bestRoute(P)).toBeUndefined();
    expect(rib.selected(P)).toBeUndefined();
    reach(rib, '192.0.2.0/24', '10.0.0.254', 0);
    wire.settle();
    expect(b.bestRoute(P)?.attributes.nextHop).toBe(ip('192.0.2.1'));
    expect(rib.selected(P)?.nexthops).toMatchObject([{ gateway: ip('192.0.2.1') }]);
    // a blackhole route does not reach a next hop
    rib.delete({ destination: parseIpv4Prefix('192.0.2.0/24') });
    rib.add({ destination: parseIpv4Prefix('192.0.2.0/24'), type: 'blackhole' });
    wire.settle();
    expect(b.bestRoute(P)).toBeUndefined();
    expect(rib.selected(P)).toBeUndefined();
  });

  it('the IGP cost step prefers the next hop with the lower metric, and falls back when it becomes unreachable', () => {
    const rib = new Rib();
    reach(rib, '192.0.2.1/32', '10.0.0.254', 10);
    reach(rib, '192.0.2.3/32', '10.0.0.253', 5);
    const wire = new Wire();
    const peer = (address: string) => ({ address: ip(address), asn: 4200000001, passive: true, holdTime: 9, import: 'accept', export: 'accept' }) as const;
    const b = wire.add('10.0.0.2', { asn: 65001, routerId: ip('10.0.0.2'), peers: [peer('10.0.0.1'), peer('10.0.0.3')], rib });
    const sender = (address: string, nextHop: string) =>
      wire.add(address, { asn: 4200000001, routerId: ip(address), nextHop: ip(nextHop), peers: [{ address: ip('10.0.0.2'), asn: 65001, holdTime: 9, import: 'accept', export: 'accept' }] });
    const a1 = sender('10.0.0.1', '192.0.2.1');
    const a3 = sender('10.0.0.3', '192.0.2.3');
    for (const e of [b, a1, a3]) e.start(0);
    wire.settle();
    a1.announce(P);
    a3.announce(P);
    wire.settle();
    expect(b.bestRoute(P)).toMatchObject({ decidedBy: 'igp-cost', source: { address: ip('10.0.0.3') } });
    expect(rib.selected(P)?.nexthops).toMatchObject([{ gateway: ip('192.0.2.3') }]);
    rib.delete({ destination: parseIpv4Prefix('192.0.2.3/32') });
    wire.settle();
    expect(b.bestRoute(P)).toMatchObject({ decidedBy: 'only-route', source: { address: ip('10.0.0.1') } });
    expect(rib.selected(P)?.nexthops).toMatchObject([{ gateway: ip('192.0.2.1') }]);
    // with both reachable at the same cost, the lower router id decides
    reach(rib, '192.0.2.3/32', '10.0.0.253', 10);
    wire.settle();
    expect(b.bestRoute(P)).toMatchObject({ decidedBy: 'router-id', source: { address: ip('10.0.0.1') } });
  });
});

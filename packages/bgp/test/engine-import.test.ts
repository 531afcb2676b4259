import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv4, type Ipv4Address } from '@wirestack/core';
import { BgpEngine, buildOpen, decodeMessage, encodeMessage, type BgpPrefix, type PathAttributes, type PeerConfig } from '../src/index.js';

const PEER = parseIpv4('127.0.0.10');

/** An engine whose one (eBGP, passive) peer is Established on connection `id`. */
function established(routeEvents?: boolean, importPolicy: PeerConfig['import'] = 'accept'): { engine: BgpEngine; id: number } {
  const engine = new BgpEngine({
    asn: 65000,
    routerId: parseIpv4('192.0.2.1'),
    random: () => 0.5,
    ...(routeEvents === undefined ? {} : { routeEvents }),
    peers: [{ address: PEER, asn: 65001, passive: true, import: importPolicy, export: 'accept' }],
  });
  engine.start(0);
  const id = engine.newConnectionId();
  engine.accepted(id, PEER, 0);
  engine.data(id, encodeMessage(buildOpen({ asn: 65001, holdTime: 90, bgpId: PEER, capabilities: [{ kind: 'four-octet-as', asn: 65001 }] })), 0);
  engine.data(id, encodeMessage({ type: 'keepalive' }), 0);
  expect(engine.peerState(PEER)).toBe('Established');
  engine.takeEvents();
  return { engine, id };
}

const attributes = (nextHop: number): PathAttributes => ({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 64512] }], nextHop: nextHop as Ipv4Address });
const updates = [
  encodeMessage({ type: 'update', withdrawn: [], attributes: attributes(0xc0000202), nlri: [0x0a000000, 0x0a000100, 0x0a000200].map((address) => ({ address: address as Ipv4Address, length: 24 })) }, { fourOctetAs: true }),
  // one prefix replaced, one withdrawn
  encodeMessage({ type: 'update', withdrawn: [{ address: 0x0a000200 as Ipv4Address, length: 24 }], attributes: attributes(0xc0000203), nlri: [{ address: 0x0a000000 as Ipv4Address, length: 24 }] }, { fourOctetAs: true }),
];

describe('route events', () => {
  it('are one per change of best route by default, and none with routeEvents: false, for the same Loc-RIB', () => {
    const on = established();
    const off = established(false);
    for (const u of updates) {
      on.engine.data(on.id, u, 1);
      off.engine.data(off.id, u, 1);
    }
    const events = on.engine.takeEvents().filter((e) => e.type === 'route');
    expect(events.map((e) => (e.type === 'route' ? [e.prefix.address, e.best?.attributes.nextHop] : []))).toEqual([
      [0x0a000000, 0xc0000202],
      [0x0a000100, 0xc0000202],
      [0x0a000200, 0xc0000202],
      [0x0a000200, undefined],
      [0x0a000000, 0xc0000203],
    ]);
    expect(off.engine.takeEvents().filter((e) => e.type === 'route')).toEqual([]);
    expect(on.engine.locRibChanges).toBe(5);
    expect(off.engine.locRibChanges).toBe(5);
    expect(off.engine.routes()).toEqual(on.engine.routes());
    expect(off.engine.locRibSize).toBe(2);
  });
});

describe('UPDATEs whose attribute octets came before (the raw attribute index)', () => {
  // the sets a peer sends: two usable, one with our AS in the path (a loop), one not starting with the peer's AS
  const sets: (PathAttributes | 'loop' | 'foreign')[] = [attributes(0xc0000202), { ...attributes(0xc0000203), communities: [0xffff0001] }, 'loop', 'foreign'];
  const wire = (i: number): PathAttributes => {
    const s = sets[i]!;
    if (s === 'loop') return { origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 65000] }], nextHop: 0xc0000202 as Ipv4Address };
    if (s === 'foreign') return { origin: 'igp', asPath: [{ type: 'sequence', asns: [64999] }], nextHop: 0xc0000202 as Ipv4Address };
    return s;
  };
  const prefix = (i: number): BgpPrefix => ({ address: ((0x0a000000 + (i << 8)) >>> 0) as Ipv4Address, length: 24 });
  const update = fc.record({
    set: fc.nat(sets.length - 1),
    nlri: fc.uniqueArray(fc.nat(15), { maxLength: 4 }),
    withdrawn: fc.uniqueArray(fc.nat(15), { maxLength: 3 }),
  });

  it('import what a full decode of every UPDATE would (a model of last announcement wins)', () => {
    fc.assert(
      fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
        const { engine, id } = established();
        const model = new Map<number, number>(); // prefix index -> set index
        let received = 0;
        for (const u of updates) {
          const withdrawn = u.withdrawn.filter((w) => !u.nlri.includes(w));
          engine.data(id, encodeMessage({ type: 'update', withdrawn: withdrawn.map(prefix), attributes: wire(u.set), nlri: u.nlri.map(prefix) }, { fourOctetAs: true }), 1);
          for (const w of withdrawn) model.delete(w);
          for (const n of u.nlri) {
            if (typeof sets[u.set] === 'string') model.delete(n);
            else model.set(n, u.set);
          }
          received += u.nlri.length;
        }
        expect(engine.peerState(PEER)).toBe('Established');
        const routes = new Map(engine.routes().map((r) => [(r.prefix.address - 0x0a000000) / 256, r.attributes]));
        expect(new Map([...routes].map(([p, a]) => [p, a.nextHop]))).toEqual(new Map([...model].map(([p, s]) => [p, (sets[s] as PathAttributes).nextHop])));
        for (const [p, s] of model) expect(routes.get(p)).toEqual(sets[s]);
        expect(engine.counters(PEER)).toMatchObject({ received, accepted: model.size });
      }),
      { numRuns: 300 },
    );
  });

  it('still reset the session for a bad prefix after known attribute octets (3/10)', () => {
    const { engine, id } = established();
    engine.data(id, encodeMessage({ type: 'update', withdrawn: [], attributes: attributes(0xc0000202), nlri: [prefix(1)] }, { fourOctetAs: true }), 1);
    engine.takeActions();
    const good = encodeMessage({ type: 'update', withdrawn: [], attributes: attributes(0xc0000202), nlri: [prefix(2)] }, { fourOctetAs: true });
    const bad = good.slice();
    bad[bad.length - 4] = 33; // the NLRI's length octet: /33
    engine.data(id, bad, 2);
    const sent = engine.takeActions().flatMap((a) => (a.type === 'write' ? [decodeMessage(a.bytes).message] : []));
    expect(sent).toMatchObject([{ type: 'notification', code: 3, subcode: 10 }]);
    expect(engine.peerState(PEER)).not.toBe('Established');
  });
});

describe('an import policy function that feeds the engine more UPDATEs while it runs', () => {
  it('leaves the UPDATE being imported whole: its prefixes and the nested one are all imported', () => {
    let inner: (() => void) | undefined;
    const { engine, id } = established(undefined, () => {
      const run = inner;
      inner = undefined;
      run?.();
      return 'accept';
    });
    const announce = (addresses: number[]) =>
      encodeMessage({ type: 'update', withdrawn: [], attributes: attributes(0xc0000202), nlri: addresses.map((address) => ({ address: address as Ipv4Address, length: 24 })) }, { fourOctetAs: true });
    // the first UPDATE makes the set known; the next ones import by its octets, the third from inside the second's policy
    engine.data(id, announce([0x0a000000]), 1);
    inner = () => engine.data(id, announce([0x0b000000, 0x0b000100, 0x0b000200]), 1);
    engine.data(id, announce([0x0c000000, 0x0c000100, 0x0c000200, 0x0c000300]), 1);
    expect(inner).toBeUndefined();
    const held = engine
      .routes()
      .map((r) => r.prefix.address)
      .sort((a, b) => a - b);
    expect(held).toEqual([0x0a000000, 0x0b000000, 0x0b000100, 0x0b000200, 0x0c000000, 0x0c000100, 0x0c000200, 0x0c000300]);
  });
});

describe('an import policy function that changes nothing', () => {
  it('keeps the set as received, so the routes share one set; a changed set is another', () => {
    const policies: PeerConfig['import'][] = ['accept', () => 'accept', ({ attributes }) => attributes];
    for (const policy of policies) {
      const { engine, id } = established(false, policy);
      engine.data(id, updates[0]!, 1);
      expect(engine.locRibSize).toBe(3);
      expect(engine.attributeSets).toBe(1);
      // kept as its octets, not as an object copy of them
      expect(engine['store'].receivedSize).toBe(1);
    }
    // a policy that sets LOCAL_PREF on one prefix: that route gets a set of its own
    const { engine, id } = established(false, ({ prefix, attributes }) => (prefix.address === 0x0a000100 ? { ...attributes, localPref: 200 } : 'accept'));
    engine.data(id, updates[0]!, 1);
    expect(engine.attributeSets).toBe(2);
    expect(engine['store'].receivedSize).toBe(1);
    expect(engine.routes().map((r) => r.attributes.localPref)).toEqual([undefined, 200, undefined]);
  });
});

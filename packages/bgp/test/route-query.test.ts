import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIpv4Prefix, ipv4Mask, parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import type { BgpPrefix, PathAttributes } from '../src/index.js';
import { BgpSpeaker } from '../src/node.js';
import { listedKeys, withinPrefix } from '../src/route-query.js';
import { prefixKey } from '../src/nlri.js';
import { ScriptedPeers } from './scripted-peers.js';

/** RIB queries: routes({ peer, prefix, match }), eachRoute, locRibSize, on the engine and the speaker. */

const ip = parseIpv4;
const A = '10.0.0.2';
const B = '10.0.0.3';
const route = (asn: number): PathAttributes => ({ origin: 'igp', asPath: [{ type: 'sequence', asns: [asn] }], nextHop: ip('192.0.2.9') });
const text = (routes: readonly { prefix: BgpPrefix }[]) => routes.map((r) => formatIpv4Prefix(r.prefix)).sort();

/** A Loc-RIB with routes from A, from B and our own. */
function table(): ScriptedPeers {
  const s = new ScriptedPeers({
    asn: 65000,
    routerId: ip('10.0.0.1'),
    peers: [A, B].map((a, i) => ({ address: ip(a), asn: 65002 + i, passive: true, import: 'accept', export: 'accept' }) as const),
  });
  s.establish(A, 65002, '192.0.2.2');
  s.establish(B, 65003, '192.0.2.3');
  s.announce(A, ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16'].map((p) => parseIpv4Prefix(p)), route(65002));
  s.announce(B, ['10.1.2.128/25', '11.0.0.0/8', '0.0.0.0/0'].map((p) => parseIpv4Prefix(p)), route(65003));
  s.engine.announce(parseIpv4Prefix('10.1.3.0/24'));
  s.pump();
  return s;
}

describe('routes({ peer, prefix, match })', () => {
  it('no filter: every best route; peer: those learnt from it', () => {
    const s = table();
    expect(s.engine.routes()).toHaveLength(8);
    expect(s.engine.locRibSize).toBe(8);
    expect(text(s.engine.routes({ peer: ip(B) }))).toEqual(['0.0.0.0/0', '10.1.2.128/25', '11.0.0.0/8']);
    expect(s.engine.routes({ peer: ip('10.9.9.9') })).toEqual([]);
  });

  it("'exact' (the default) is the prefix only, with its best route", () => {
    const s = table();
    const [r, ...rest] = s.engine.routes({ prefix: parseIpv4Prefix('10.1.0.0/16') });
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ prefix: parseIpv4Prefix('10.1.0.0/16'), source: { address: ip(A) }, decidedBy: 'only-route' });
    expect(s.engine.routes({ prefix: parseIpv4Prefix('10.1.0.0/17') })).toEqual([]);
    expect(s.engine.routes({ prefix: parseIpv4Prefix('10.1.0.0/16'), peer: ip(B) })).toEqual([]);
    // host bits beyond the length are ignored
    expect(s.engine.routes({ prefix: { address: ip('10.1.2.3'), length: 16 } })).toHaveLength(1);
  });

  it("'longer' is the prefix and every more specific route inside it", () => {
    const s = table();
    expect(text(s.engine.routes({ prefix: parseIpv4Prefix('10.1.0.0/16'), match: 'longer' }))).toEqual(['10.1.0.0/16', '10.1.2.0/24', '10.1.2.128/25', '10.1.3.0/24']);
    expect(text(s.engine.routes({ prefix: parseIpv4Prefix('10.1.0.0/16'), match: 'longer', peer: ip(A) }))).toEqual(['10.1.0.0/16', '10.1.2.0/24']);
    expect(s.engine.routes({ prefix: parseIpv4Prefix('0.0.0.0/0'), match: 'longer' })).toHaveLength(8);
  });

  it("'covering' is the prefix and every less specific route containing it, shortest first", () => {
    const s = table();
    const covering = s.engine.routes({ prefix: parseIpv4Prefix('10.1.2.192/26'), match: 'covering' });
    expect(covering.map((r) => formatIpv4Prefix(r.prefix))).toEqual(['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.128/25']);
    expect(s.engine.routes({ prefix: parseIpv4Prefix('10.1.2.192/26'), match: 'covering', peer: ip(B) }).map((r) => formatIpv4Prefix(r.prefix))).toEqual([
      '0.0.0.0/0',
      '10.1.2.128/25',
    ]);
  });
});

describe('eachRoute', () => {
  it('yields the same routes as routes(), one at a time', () => {
    const s = table();
    const it = s.engine.eachRoute({ peer: ip(A) });
    const first = it.next();
    expect(first.done).toBe(false);
    expect(text([first.value as { prefix: BgpPrefix }, ...it])).toEqual(text(s.engine.routes({ peer: ip(A) })));
  });

  it('a route removed while iterating is skipped, not yielded stale', () => {
    const s = table();
    const seen: string[] = [];
    for (const r of s.engine.eachRoute({ prefix: parseIpv4Prefix('10.0.0.0/8'), match: 'longer' })) {
      seen.push(formatIpv4Prefix(r.prefix));
      if (seen.length === 1) for (const p of ['10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16', '10.0.0.0/8']) s.withdraw(A, [parseIpv4Prefix(p)]);
    }
    // of A's four routes under 10/8 at most the first one seen was yielded
    expect(seen.filter((p) => ['10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16', '10.0.0.0/8'].includes(p)).length).toBeLessThanOrEqual(1);
    expect(seen).toContain('10.1.3.0/24');
  });
});

describe('prefix matching helpers', () => {
  const prefix = fc.tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => ({ address: ((a & ipv4Mask(l)) >>> 0) as Ipv4Address, length: l }));

  it('withinPrefix agrees with masking both ways', () => {
    fc.assert(
      fc.property(prefix, prefix, (outer, inner) => {
        const expected = inner.length >= outer.length && ((inner.address & ipv4Mask(outer.length)) >>> 0) === outer.address;
        expect(withinPrefix(outer)(prefixKey(inner.address, inner.length))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("listedKeys: one key for 'exact', length + 1 covering keys, none listed for 'longer'", () => {
    fc.assert(
      fc.property(prefix, (p) => {
        expect(listedKeys(p)).toEqual([prefixKey(p.address, p.length)]);
        const covering = listedKeys(p, 'covering')!;
        expect(covering).toHaveLength(p.length + 1);
        for (const key of covering) expect(withinPrefix({ address: ((Math.floor(key / 64) >>> 0) as Ipv4Address), length: key % 64 })(prefixKey(p.address, p.length))).toBe(true);
        expect(listedKeys(p, 'longer')).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('BgpSpeaker queries', () => {
  it('take text prefixes and peers, and count the Loc-RIB', async () => {
    const speaker = new BgpSpeaker({ asn: 65000, routerId: '192.0.2.1', listen: false, peers: [{ address: '127.0.0.2', asn: 65002, passive: true, keepPrePolicy: true }] });
    try {
      for (const p of ['198.51.100.0/24', '198.51.100.0/25', '203.0.113.0/24']) speaker.announce(p);
      expect(speaker.locRibSize).toBe(3);
      expect(text(speaker.routes({ prefix: '198.51.100.0/24', match: 'longer' }))).toEqual(['198.51.100.0/24', '198.51.100.0/25']);
      expect(text([...speaker.eachRoute({ prefix: '198.51.100.0/25', match: 'covering' })])).toEqual(['198.51.100.0/24', '198.51.100.0/25']);
      expect(speaker.routes({ peer: '127.0.0.2' })).toEqual([]);
      expect(speaker.routes({ peer: '127.0.0.2', prePolicy: true })).toEqual([]);
      expect(() => speaker.routes({ prefix: '198.51.100.1/24' })).toThrow(/host bits/);
      // the other API methods of this work take text addresses too
      expect(() => speaker.setPolicy('127.0.0.9', { import: 'accept' })).toThrow(/no peer 127\.0\.0\.9/);
      speaker.setPolicy('127.0.0.2', { import: 'accept' });
      speaker.resetPeer('127.0.0.2');
      expect(speaker.peerState('127.0.0.2')).toBe('Active');
    } finally {
      await speaker.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { parseIpv4, type Ipv4Address } from '@wirestack/core';
import { decide, packAnnouncements, packWithdrawals, decodeMessage, type Candidate, type PathAttributes, type RouteSource, type UpdateMessage } from '../src/index.js';
import { bgpPrefix, pathAttributes } from '../src/arbitraries.js';

const ip = parseIpv4;
const peer = (address: string, bgpId: string, external = true): RouteSource => ({ kind: 'peer', address: ip(address), bgpId: ip(bgpId), external });
const base: PathAttributes = { origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 65010] }], nextHop: ip('192.0.2.1') };
const c = (source: RouteSource, attributes: PathAttributes): Candidate => ({ source, attributes });
const A = peer('10.0.0.1', '1.1.1.1');
const B = peer('10.0.0.2', '2.2.2.2');

describe('decision process (RFC 4271 §9.1.2.2)', () => {
  it('each step decides when everything before it ties, and says so', () => {
    const cases: [string, Candidate, Candidate][] = [
      ['local-pref', c(B, { ...base, localPref: 200 }), c(A, { ...base, localPref: 100 })],
      ['as-path-length', c(B, base), c(A, { ...base, asPath: [{ type: 'sequence', asns: [65001, 65010, 65020] }] })],
      ['origin', c(B, base), c(A, { ...base, origin: 'incomplete' })],
      ['med', c(B, { ...base, med: 10 }), c(A, { ...base, med: 20 })],
      ['ebgp-over-ibgp', c(B, base), c(peer('10.0.0.1', '1.1.1.1', false), base)],
      ['router-id', c(A, base), c(B, base)],
      ['cluster-list-length', c(peer('10.0.0.3', '3.3.3.3', false), { ...base, originatorId: ip('9.9.9.9') }), c(peer('10.0.0.1', '1.1.1.1', false), { ...base, originatorId: ip('9.9.9.9'), clusterList: [ip('1.0.0.0')] })],
      ['peer-address', c(peer('10.0.0.1', '5.5.5.5'), base), c(peer('10.0.0.2', '5.5.5.5'), base)],
    ];
    for (const [step, winner, loser] of cases) {
      expect(decide([loser, winner]), step).toEqual({ best: winner, decidedBy: step });
      expect(decide([winner, loser]), step).toEqual({ best: winner, decidedBy: step });
    }
  });

  it('MED compares only routes from the same neighbouring AS, unless always-compare is on', () => {
    const fromOther = c(B, { ...base, asPath: [{ type: 'sequence', asns: [65002, 65010] }], med: 50 });
    const fromSame = c(A, { ...base, med: 10 });
    // different neighbour ASes: MED is skipped, and the lower router ID (A) wins
    expect(decide([fromOther, fromSame])?.decidedBy).toBe('router-id');
    expect(decide([fromOther, c(A, { ...base, med: 60 })])).toMatchObject({ decidedBy: 'router-id' });
    expect(decide([fromOther, c(A, { ...base, med: 60 })], { alwaysCompareMed: true })).toMatchObject({ best: fromOther, decidedBy: 'med' });
    // a missing MED is the lowest (0)
    expect(decide([c(B, base), c(A, { ...base, med: 1 })])).toMatchObject({ decidedBy: 'med', best: { source: B } });
  });

  it('the IGP cost hook decides between next hops', () => {
    const near = c(B, { ...base, nextHop: ip('192.0.2.9') });
    const far = c(A, base);
    expect(decide([far, near], { igpCost: (nh) => (nh === ip('192.0.2.9') ? 1 : 10) })).toEqual({ best: near, decidedBy: 'igp-cost' });
  });

  it('one route is the best by default; no routes, no best', () => {
    expect(decide([c(A, base)])?.decidedBy).toBe('only-route');
    expect(decide([])).toBeUndefined();
  });

  it('the result does not depend on the order of the candidates', () => {
    const source = fc.record({ address: fc.integer({ min: 1, max: 20 }), bgpId: fc.integer({ min: 1, max: 5 }), external: fc.boolean() });
    const candidate = fc.record({ source, attributes: pathAttributes({ fourOctetAs: true, mandatory: true }) });
    fc.assert(
      fc.property(fc.uniqueArray(candidate, { minLength: 1, maxLength: 6, selector: (x) => x.source.address }), (list) => {
        const cs = list.map((x) => ({ source: { kind: 'peer' as const, address: x.source.address as Ipv4Address, bgpId: x.source.bgpId as Ipv4Address, external: x.source.external }, attributes: x.attributes }));
        const forward = decide(cs, { alwaysCompareMed: true });
        const backward = decide([...cs].reverse(), { alwaysCompareMed: true });
        expect(backward?.best).toBe(forward?.best);
      }),
      { numRuns: 300 },
    );
  });
});

describe('UPDATE packing', () => {
  it('packs prefixes that share attributes into few messages, each within 4,096 octets, losing none', () => {
    fc.assert(
      fc.property(fc.array(bgpPrefix(), { minLength: 1, maxLength: 3000 }), (prefixes) => {
        const messages = packAnnouncements([{ attributes: base, prefixes }], { fourOctetAs: true });
        const got = messages.flatMap((m) => {
          expect(m.length).toBeLessThanOrEqual(4096);
          return (decodeMessage(m, 0, { fourOctetAs: true }).message as UpdateMessage).nlri;
        });
        expect(got).toEqual(prefixes);
        // greedy: a message is closed only when the next prefix would not fit
        const firsts = messages.map((m) => (decodeMessage(m, 0, { fourOctetAs: true }).message as UpdateMessage).nlri[0]!);
        for (let i = 0; i + 1 < messages.length; i++) expect(messages[i]!.length + 1 + Math.ceil(firsts[i + 1]!.length / 8)).toBeGreaterThan(4096);
        const withdrawals = packWithdrawals(prefixes, {});
        expect(withdrawals.flatMap((m) => (decodeMessage(m).message as UpdateMessage).withdrawn)).toEqual(prefixes);
      }),
      { numRuns: 100 },
    );
  });

  it('1,000 /24s fit one UPDATE (4,047 octets), 1,100 take two', () => {
    const prefixes = Array.from({ length: 1100 }, (_, i) => ({ address: ((198 << 24) + (18 << 16) + (i << 8)) >>> 0, length: 24 }) as { address: Ipv4Address; length: number });
    const one = packAnnouncements([{ attributes: base, prefixes: prefixes.slice(0, 1000) }], { fourOctetAs: true });
    expect(one.map((m) => m.length)).toEqual([4047]);
    expect(packAnnouncements([{ attributes: base, prefixes }], { fourOctetAs: true })).toHaveLength(2);
  });
});

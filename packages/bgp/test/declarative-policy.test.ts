import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { formatIpv4Prefix, ipv4Mask, parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import {
  BgpEngine,
  PrefixList,
  PolicySpecError,
  WellKnownCommunity,
  asPathText,
  checkPolicySpec,
  compileAsPathRegex,
  compilePolicy,
  parsePrefixListEntry,
  type AsPathSegment,
  type EngineConfig,
  type EngineEvent,
  type PathAttributes,
  type PolicyFunction,
  type PolicySpec,
} from '../src/index.js';
import { pathAttributes } from '../src/arbitraries.js';

const ip = parseIpv4;
const PEER = ip('192.0.2.10');
const c = (asn: number, value: number) => asn * 0x10000 + value;
const seq = (...asns: number[]): AsPathSegment => ({ type: 'sequence', asns });
const set = (...asns: number[]): AsPathSegment => ({ type: 'set', asns });

/** Runs a policy on one route; `prefix` in text. */
function run(policy: PolicyFunction, prefix: string, attributes: PathAttributes = {}, peer: Ipv4Address = PEER) {
  return policy({ prefix: parseIpv4Prefix(prefix), attributes, peer });
}

/** A policy accepting what `match` matches, rejecting the rest. */
function matcher(match: PolicySpec['rules'][number]['match']): (prefix: string, attributes?: PathAttributes, peer?: Ipv4Address) => boolean {
  const policy = compilePolicy({ rules: [{ match: match!, action: 'accept' }] });
  return (prefix, attributes = {}, peer = PEER) => run(policy, prefix, attributes, peer) !== 'reject';
}

/** The attributes a policy of one accepting rule with `set` makes of `attributes`. */
function setting(s: NonNullable<PolicySpec['rules'][number]['set']>, attributes: PathAttributes, options: Parameters<typeof compilePolicy>[1] = {}): PathAttributes {
  const result = run(compilePolicy({ rules: [{ set: s, action: 'accept' }] }, options), '198.51.100.0/24', attributes);
  if (result === 'reject') throw new Error('rejected');
  return result === 'accept' ? attributes : result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('prefix lists (FRR ip prefix-list semantics)', () => {
  // entry, route, matches?
  const cases: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0/9', false],
    ['10.0.0.0/8', '10.1.0.0/16', false],
    ['10.0.0.0/8', '11.0.0.0/8', false],
    ['10.0.0.0/8', '8.0.0.0/7', false],
    ['10.0.0.0/8', '0.0.0.0/0', false],
    ['10.0.0.0/8 le 16', '10.0.0.0/8', true],
    ['10.0.0.0/8 le 16', '10.1.0.0/16', true],
    ['10.0.0.0/8 le 16', '10.1.1.0/24', false],
    ['10.0.0.0/8 le 16', '8.0.0.0/7', false],
    ['10.0.0.0/8 ge 16', '10.0.0.0/8', false],
    ['10.0.0.0/8 ge 16', '10.0.0.0/15', false],
    ['10.0.0.0/8 ge 16', '10.1.0.0/16', true],
    ['10.0.0.0/8 ge 16', '10.1.1.1/32', true],
    ['10.0.0.0/8 ge 16', '11.1.0.0/16', false],
    ['10.0.0.0/8 ge 16 le 24', '10.0.0.0/15', false],
    ['10.0.0.0/8 ge 16 le 24', '10.0.0.0/16', true],
    ['10.0.0.0/8 ge 16 le 24', '10.255.255.0/24', true],
    ['10.0.0.0/8 ge 16 le 24', '10.255.255.0/25', false],
    ['10.0.0.0/8 ge 24 le 24', '10.9.9.0/24', true],
    ['10.0.0.0/8 ge 24 le 24', '10.9.0.0/23', false],
    ['10.0.0.0/8 ge 8', '10.0.0.0/8', true],
    ['10.0.0.0/8 ge 8', '10.255.255.255/32', true],
    ['10.0.0.0/8 le 32', '10.255.255.255/32', true],
    ['0.0.0.0/0', '0.0.0.0/0', true],
    ['0.0.0.0/0', '10.0.0.0/8', false],
    ['0.0.0.0/0 le 32', '0.0.0.0/0', true],
    ['0.0.0.0/0 le 32', '203.0.113.7/32', true],
    ['0.0.0.0/0 ge 1', '0.0.0.0/0', false],
    ['0.0.0.0/0 ge 1', '128.0.0.0/1', true],
    ['0.0.0.0/0 ge 25', '198.51.100.0/24', false],
    ['0.0.0.0/0 ge 25', '198.51.100.128/25', true],
    ['0.0.0.0/0 ge 32', '192.0.2.1/32', true],
    ['192.0.2.1', '192.0.2.1/32', true],
    ['192.0.2.1', '192.0.2.0/31', false],
    ['255.255.255.255/32', '255.255.255.255/32', true],
    ['128.0.0.0/1 le 32', '255.255.255.255/32', true],
    ['128.0.0.0/1 le 32', '127.255.255.255/32', false],
  ];

  it.each(cases)('%s against %s: %s', (entry, route, expected) => {
    const list = new PrefixList([parsePrefixListEntry(entry)]);
    const r = parseIpv4Prefix(route);
    expect(list.matches(r.address, r.length)).toBe(expected);
    // the same through a policy, in the text and in the object form
    expect(matcher({ prefixes: [entry] })(route)).toBe(expected);
    const e = parsePrefixListEntry(entry);
    expect(matcher({ prefixes: [{ prefix: formatIpv4Prefix(e.prefix), ...(e.ge === undefined ? {} : { ge: e.ge }), ...(e.le === undefined ? {} : { le: e.le }) }] })(route)).toBe(expected);
  });

  it('a list matches when any entry does', () => {
    const m = matcher({ prefixes: ['10.0.0.0/8 le 24', '192.168.0.0/16 ge 24', '203.0.113.0/24'] });
    expect(['10.1.0.0/16', '192.168.1.0/24', '203.0.113.0/24'].map((p) => m(p))).toEqual([true, true, true]);
    expect(['10.1.1.128/25', '192.168.0.0/16', '203.0.113.0/25', '198.51.100.0/24'].map((p) => m(p))).toEqual([false, false, false, false]);
  });

  it('entries at the same network with different ranges add up', () => {
    const m = matcher({ prefixes: ['10.0.0.0/8 ge 12 le 12', '10.0.0.0/8 ge 20 le 20'] });
    expect([12, 13, 19, 20, 21].map((n) => m(`10.0.0.0/${n}`))).toEqual([true, false, false, true, false]);
  });

  /** A valid entry: a prefix and a ge/le that fit it. */
  const entry = fc
    .record({ address: fc.integer({ min: 0, max: 0xffff_ffff }), length: fc.integer({ min: 0, max: 32 }), a: fc.integer({ min: 0, max: 32 }), b: fc.integer({ min: 0, max: 32 }), form: fc.integer({ min: 0, max: 3 }) })
    .map(({ address, length, a, b, form }) => {
      const prefix = { address: ((address & ipv4Mask(length)) >>> 0) as Ipv4Address, length };
      const [lo, hi] = [Math.max(length, Math.min(a, b)), Math.max(length, a, b)];
      return form === 0 ? { prefix } : form === 1 ? { prefix, ge: lo } : form === 2 ? { prefix, le: hi } : { prefix, ge: lo, le: hi };
    });

  /** The definition, written out: inside p/len, length within [ge or len, le or (ge ? 32 : len)]. */
  function reference(entries: readonly { prefix: { address: number; length: number }; ge?: number; le?: number }[], address: number, length: number): boolean {
    return entries.some((e) => {
      const min = e.ge ?? e.prefix.length;
      const max = e.le ?? (e.ge === undefined ? e.prefix.length : 32);
      const inside = length >= e.prefix.length && ((address & ipv4Mask(e.prefix.length)) >>> 0) === e.prefix.address;
      return inside && length >= min && length <= max;
    });
  }

  it('agrees with the definition on random lists and routes (compiled list and policy alike)', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 40 }),
        fc.array(fc.record({ pick: fc.nat(), address: fc.integer({ min: 0, max: 0xffff_ffff }), length: fc.integer({ min: 0, max: 32 }), near: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        (entries, probes) => {
          const list = new PrefixList(entries);
          const text = entries.map((e) => `${formatIpv4Prefix(e.prefix)}${e.ge === undefined ? '' : ` ge ${e.ge}`}${e.le === undefined ? '' : ` le ${e.le}`}`);
          const policy = compilePolicy({ rules: [{ match: { prefixes: text }, action: 'accept' }] });
          for (const probe of probes) {
            // half the routes are inside some entry, so matches are not rare
            const base = entries[probe.pick % entries.length]!.prefix;
            const length = probe.near ? base.length + (probe.length % (33 - base.length)) : probe.length;
            const raw = probe.near ? (base.address | (probe.address & ~ipv4Mask(base.length))) >>> 0 : probe.address;
            const address = ((raw & ipv4Mask(length)) >>> 0) as Ipv4Address;
            const expected = reference(entries, address, length);
            expect(list.matches(address, length)).toBe(expected);
            expect(policy({ prefix: { address, length }, attributes: {}, peer: PEER }) === 'accept').toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('AS-path regular expressions (Cisco/FRR style)', () => {
  it('render the path as show ip bgp does', () => {
    expect(asPathText([])).toBe('');
    expect(asPathText([seq(65001, 65002), set(65003, 65004)])).toBe('65001 65002 {65003,65004}');
    expect(asPathText([{ type: 'confed-sequence', asns: [64512, 64513] }, { type: 'confed-set', asns: [64514, 64515] }, seq(4200000001)])).toBe(
      '(64512 64513) [64514,64515] 4200000001',
    );
  });

  // expression, path, matches?
  const cases: [string, AsPathSegment[], boolean][] = [
    ['^$', [], true],
    ['^$', [seq(65001)], false],
    ['.*', [], true],
    ['.*', [seq(65001, 65002), set(1, 2)], true],
    ['_65001_', [seq(65000, 65001, 65002)], true],
    ['_65001_', [seq(65001)], true],
    ['_65001_', [seq(165001, 650011)], false],
    ['65001', [seq(165001)], true], // unanchored, as in FRR
    ['^65001_', [seq(65001, 65002)], true],
    ['^65001_', [seq(65002, 65001)], false],
    ['_65001$', [seq(65002, 65001)], true],
    ['_65001$', [seq(65001, 65002)], false],
    ['^65001$', [seq(65001)], true],
    ['^65001_65002$', [seq(65001, 65002)], true],
    ['^65001_65002$', [seq(65001, 65003, 65002)], false],
    ['_65003_', [seq(65001), set(65003, 65004)], true],
    ['_65004_', [seq(65001), set(65003, 65004)], true],
    ['^65001_\\{', [seq(65001), set(65003, 65004)], true],
    ['\\{.*\\}', [seq(65001)], false],
    ['\\{.*\\}', [seq(65001), set(65003)], true],
    ['_64513_', [{ type: 'confed-sequence', asns: [64512, 64513] }], true],
    ['_64515_', [{ type: 'confed-set', asns: [64514, 64515] }], true],
    ['_(65001|65002)_', [seq(64999, 65002)], true],
    ['^[0-9]+$', [seq(65001)], true],
    ['^[0-9]+$', [seq(65001, 65002)], false],
    ['^([0-9]+)(_\\1)*$', [seq(65001, 65001, 65001)], true],
    ['^([0-9]+)(_\\1)*$', [seq(65001, 65001, 65002)], false],
    ['[_]', [seq(1)], false], // inside a bracket expression _ is itself
    ['_4200000001_', [seq(4200000001, 65001)], true],
  ];

  it.each(cases)('%s against %j: %s', (pattern, path, expected) => {
    expect(compileAsPathRegex(pattern).test(asPathText(path))).toBe(expected);
    expect(matcher({ asPath: [pattern] })('198.51.100.0/24', { asPath: path })).toBe(expected);
  });

  it('a route without AS_PATH is the empty path; a list matches when any expression does', () => {
    expect(matcher({ asPath: ['^$'] })('198.51.100.0/24', {})).toBe(true);
    const m = matcher({ asPath: ['_666_', '^65010_'] });
    expect(m('198.51.100.0/24', { asPath: [seq(65010, 3)] })).toBe(true);
    expect(m('198.51.100.0/24', { asPath: [seq(3, 666, 4)] })).toBe(true);
    expect(m('198.51.100.0/24', { asPath: [seq(3, 6660)] })).toBe(false);
  });
});

describe('matches', () => {
  it('communities: exact, well-known names, wildcards; any of the list', () => {
    const m = matcher({ communities: ['65000:100', 'no-export'] });
    expect(m('198.51.100.0/24', { communities: [c(1, 1), c(65000, 100)] })).toBe(true);
    expect(m('198.51.100.0/24', { communities: [WellKnownCommunity.NO_EXPORT] })).toBe(true);
    expect(m('198.51.100.0/24', { communities: [c(65000, 101)] })).toBe(false);
    expect(m('198.51.100.0/24', {})).toBe(false);
    expect(matcher({ communities: ['NO_ADVERTISE'] })('198.51.100.0/24', { communities: [0xffff_ff02] })).toBe(true);
    const wild = matcher({ communities: ['65000:*'] });
    expect(wild('198.51.100.0/24', { communities: [c(65000, 0)] })).toBe(true);
    expect(wild('198.51.100.0/24', { communities: [c(65000, 65535)] })).toBe(true);
    expect(wild('198.51.100.0/24', { communities: [c(65001, 1)] })).toBe(false);
    const low = matcher({ communities: ['*:666'] });
    expect(low('198.51.100.0/24', { communities: [c(3, 666)] })).toBe(true);
    expect(low('198.51.100.0/24', { communities: [c(666, 3)] })).toBe(false);
    expect(matcher({ communities: ['*:*'] })('198.51.100.0/24', { communities: [0] })).toBe(true);
  });

  it('community patterns agree with a textual reference', () => {
    const part = fc.oneof(fc.constantFrom('*', '0', '1', '65535'), fc.integer({ min: 0, max: 3 }).map(String));
    fc.assert(
      fc.property(fc.array(fc.tuple(part, part), { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3, 65535), fc.constantFrom(0, 1, 2, 3, 65535)), { maxLength: 5 }), (patterns, communities) => {
        const m = matcher({ communities: patterns.map(([a, b]) => `${a}:${b}`) });
        const expected = communities.some(([x, y]) => patterns.some(([a, b]) => (a === '*' || Number(a) === x) && (b === '*' || Number(b) === y)));
        const attrs = communities.length === 0 ? {} : { communities: communities.map(([x, y]) => c(x, y)) };
        expect(m('198.51.100.0/24', attrs)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('large communities: exact and wildcards', () => {
    const m = matcher({ largeCommunities: ['4200000001:1:2', '64512:*:7'] });
    expect(m('198.51.100.0/24', { largeCommunities: [{ global: 4200000001, local1: 1, local2: 2 }] })).toBe(true);
    expect(m('198.51.100.0/24', { largeCommunities: [{ global: 64512, local1: 99, local2: 7 }] })).toBe(true);
    expect(m('198.51.100.0/24', { largeCommunities: [{ global: 4200000001, local1: 1, local2: 3 }, { global: 64512, local1: 7, local2: 8 }] })).toBe(false);
    expect(m('198.51.100.0/24', {})).toBe(false);
  });

  it('origin, next hop, peer, first and origin AS, path length', () => {
    expect(matcher({ origin: ['igp', 'egp'] })('198.51.100.0/24', { origin: 'egp' })).toBe(true);
    expect(matcher({ origin: ['igp'] })('198.51.100.0/24', { origin: 'incomplete' })).toBe(false);
    expect(matcher({ origin: ['igp'] })('198.51.100.0/24', {})).toBe(false);
    const nh = matcher({ nextHop: ['192.0.2.0/24', '203.0.113.9'] });
    expect([ip('192.0.2.200'), ip('203.0.113.9'), ip('203.0.113.8')].map((n) => nh('198.51.100.0/24', { nextHop: n }))).toEqual([true, true, false]);
    expect(nh('198.51.100.0/24', {})).toBe(false);
    const peer = matcher({ peer: ['127.0.0.0/8'] });
    expect(peer('198.51.100.0/24', {}, ip('127.0.0.10'))).toBe(true);
    expect(peer('198.51.100.0/24', {}, ip('192.0.2.10'))).toBe(false);
    const first = matcher({ firstAs: [65001, 4200000001] });
    expect(first('198.51.100.0/24', { asPath: [seq(4200000001, 3)] })).toBe(true);
    expect(first('198.51.100.0/24', { asPath: [seq(3, 65001)] })).toBe(false);
    expect(first('198.51.100.0/24', { asPath: [set(65001)] })).toBe(false);
    expect(first('198.51.100.0/24', {})).toBe(false);
    const origin = matcher({ originAs: [13335] });
    expect(origin('198.51.100.0/24', { asPath: [seq(65001, 13335)] })).toBe(true);
    expect(origin('198.51.100.0/24', { asPath: [seq(13335), set(1, 2)] })).toBe(false); // ends in an AS_SET: no origin AS
    expect(origin('198.51.100.0/24', { asPath: [] })).toBe(false);
    const len = matcher({ asPathLength: { min: 2, max: 3 } });
    expect([[seq(1)], [seq(1, 2)], [seq(1), set(2, 3, 4)], [seq(1, 2, 3)], [seq(1, 2, 3, 4)]].map((p) => len('198.51.100.0/24', { asPath: p }))).toEqual([false, true, true, true, false]);
    expect(matcher({ asPathLength: { max: 0 } })('198.51.100.0/24', {})).toBe(true);
  });

  it('every condition of a rule must hold', () => {
    const m = matcher({ prefixes: ['198.51.100.0/24 le 32'], communities: ['65000:1'], originAs: [65002] });
    const ok = { communities: [c(65000, 1)], asPath: [seq(65001, 65002)] };
    expect(m('198.51.100.0/25', ok)).toBe(true);
    expect(m('198.51.101.0/24', ok)).toBe(false);
    expect(m('198.51.100.0/25', { ...ok, communities: [c(65000, 2)] })).toBe(false);
    expect(m('198.51.100.0/25', { ...ok, asPath: [seq(65002, 65001)] })).toBe(false);
  });
});

describe('actions', () => {
  const base: PathAttributes = deepFreeze({
    origin: 'igp',
    asPath: [seq(65001, 65002)],
    nextHop: ip('192.0.2.1'),
    med: 10,
    localPref: 100,
    communities: [c(65000, 1), c(65000, 2), c(3, 4)],
    largeCommunities: [{ global: 64512, local1: 1, local2: 1 }],
  });

  it('set LOCAL_PREF, MED, ORIGIN and NEXT_HOP', () => {
    expect(setting({ localPref: 300, med: 0, origin: 'incomplete', nextHop: '203.0.113.1' }, base)).toEqual({
      ...base,
      localPref: 300,
      med: 0,
      origin: 'incomplete',
      nextHop: ip('203.0.113.1'),
    });
    expect(setting({ localPref: 5 }, {})).toEqual({ localPref: 5 });
  });

  it('next hop self is the nextHop option', () => {
    expect(setting({ nextHop: 'self' }, base, { nextHop: ip('198.18.0.1') }).nextHop).toBe(ip('198.18.0.1'));
    expect(() => compilePolicy({ rules: [{ set: { nextHop: 'self' }, action: 'accept' }] })).toThrow(/^rules\[0\]\.set\.nextHop: "self" needs compilePolicy's nextHop option/);
  });

  it('communities: replace, then remove (patterns), then add (once)', () => {
    expect(setting({ communities: { add: ['65000:9', '65000:1', 'no-export'] } }, base).communities).toEqual([c(65000, 1), c(65000, 2), c(3, 4), c(65000, 9), WellKnownCommunity.NO_EXPORT]);
    expect(setting({ communities: { remove: ['65000:*'] } }, base).communities).toEqual([c(3, 4)]);
    expect(setting({ communities: { remove: ['3:4', '65000:2'] } }, base).communities).toEqual([c(65000, 1)]);
    expect(setting({ communities: { replace: ['1:1', '65000:5'], remove: ['65000:*'], add: ['2:2'] } }, base).communities).toEqual([c(1, 1), c(2, 2)]);
    expect(setting({ communities: { add: ['1:1', '1:1'] } }, {}).communities).toEqual([c(1, 1)]);
  });

  it('a community list edited to nothing removes the attribute (an empty one is malformed)', () => {
    expect('communities' in setting({ communities: { remove: ['*:*'] } }, base)).toBe(false);
    expect('communities' in setting({ communities: { replace: [] } }, base)).toBe(false);
    expect('largeCommunities' in setting({ largeCommunities: { remove: ['64512:*:*'] } }, base)).toBe(false);
  });

  it('large communities: add, remove, replace', () => {
    const a = setting({ largeCommunities: { add: ['4200000001:0:7'], remove: ['*:1:*'] } }, base);
    expect(a.largeCommunities).toEqual([{ global: 4200000001, local1: 0, local2: 7 }]);
    expect(setting({ largeCommunities: { replace: ['1:2:3'] } }, base).largeCommunities).toEqual([{ global: 1, local1: 2, local2: 3 }]);
  });

  it('prepend our AS n times, or a list of ASNs; 4-octet ASNs; 255 per segment', () => {
    expect(setting({ prepend: 2 }, base, { asn: 4200000001 }).asPath).toEqual([seq(4200000001, 4200000001, 65001, 65002)]);
    expect(setting({ prepend: [64512, 4294967295] }, base).asPath).toEqual([seq(64512, 4294967295, 65001, 65002)]);
    expect(setting({ prepend: [7] }, {}).asPath).toEqual([seq(7)]);
    expect(setting({ prepend: [7] }, { asPath: [set(1, 2)] }).asPath).toEqual([seq(7), set(1, 2)]);
    const long = setting({ prepend: 255 }, { asPath: [seq(...Array.from({ length: 200 }, (_, i) => i + 1))] }, { asn: 9 }).asPath!;
    expect(long.map((s) => s.asns.length)).toEqual([255, 200]);
    expect(long.flatMap((s) => s.asns)).toEqual([...Array<number>(255).fill(9), ...Array.from({ length: 200 }, (_, i) => i + 1)]);
    expect(() => compilePolicy({ rules: [{ set: { prepend: 3 }, action: 'accept' }] })).toThrow(/^rules\[0\]\.set\.prepend: a count needs compilePolicy's asn option/);
  });

  it('a policy that changes nothing returns "accept" and allocates nothing', () => {
    const policy = compilePolicy({ rules: [{ set: { localPref: 100, communities: { add: ['65000:1'], remove: ['9:*'] } }, action: 'accept' }] });
    expect(run(policy, '198.51.100.0/24', base)).toBe('accept');
  });

  it('routes sharing an attribute object share the changed one; another object gets its own', () => {
    const policy = compilePolicy({ rules: [{ match: { asPath: ['_65002$'] }, set: { localPref: 200 }, action: 'accept' }] });
    const one = run(policy, '198.51.100.0/24', base);
    const two = run(policy, '198.51.101.0/24', base);
    expect(one).toBe(two);
    const other = deepFreeze({ ...base, med: 99 });
    const three = run(policy, '198.51.100.0/24', other);
    expect(three).toEqual({ ...other, localPref: 200 });
    expect(run(policy, '198.51.100.0/24', { ...base, asPath: [seq(65002, 1)] })).toBe('reject');
  });

  it('never modifies the attributes it is given', () => {
    const everything: PolicySpec = {
      rules: [
        { match: { communities: ['*:*'] }, set: { communities: { remove: ['0:*'], add: ['65000:77'] }, largeCommunities: { add: ['1:2:3'], remove: ['*:*:0'] } }, action: 'next' },
        { match: { asPath: ['.*'] }, set: { localPref: 7, med: 8, origin: 'egp', nextHop: 'self', prepend: 3 }, action: 'next' },
        { set: { prepend: [64512], communities: { replace: ['1:1'] } }, action: 'accept' },
      ],
    };
    const policy = compilePolicy(everything, { asn: 65000, nextHop: ip('198.18.0.1') });
    fc.assert(
      fc.property(pathAttributes({ fourOctetAs: true }), (attributes) => {
        const before = structuredClone(attributes);
        const result = policy({ prefix: parseIpv4Prefix('198.51.100.0/24'), attributes: deepFreeze(attributes), peer: PEER });
        expect(attributes).toEqual(before);
        expect(result).not.toBe('reject');
        const a = result as PathAttributes;
        expect(a.communities).toEqual([c(1, 1)]);
        expect(a.asPath![0]!.asns.slice(0, 4)).toEqual([64512, 65000, 65000, 65000]);
        expect(a).toMatchObject({ localPref: 7, med: 8, origin: 'egp', nextHop: ip('198.18.0.1') });
      }),
      { numRuns: 300 },
    );
  });
});

describe('rules: first match decides, next, default', () => {
  const spec: PolicySpec = {
    rules: [
      { name: 'bogons', match: { prefixes: ['10.0.0.0/8 le 32', '192.168.0.0/16 le 32'] }, action: 'reject' },
      { name: 'tag everything', set: { communities: { add: ['65000:1'] } }, action: 'next' },
      { name: 'customers', match: { communities: ['65000:100'] }, set: { localPref: 200 }, action: 'accept' },
      { name: 'too specific', match: { prefixes: ['0.0.0.0/0 ge 25'] }, action: 'reject' },
      { name: 'customers again', match: { communities: ['65000:100'] }, set: { localPref: 50 }, action: 'accept' },
      { match: { asPath: ['_65666_'] }, action: 'reject' },
      { match: { originAs: [65002] }, action: 'accept' },
    ],
  };
  const policy = compilePolicy(spec);

  it('the first matching rule decides', () => {
    expect(run(policy, '10.1.0.0/16', { communities: [c(65000, 100)] })).toBe('reject');
    // 'customers' comes before 'too specific'
    expect(run(policy, '198.51.100.0/25', { communities: [c(65000, 100)] })).toEqual({ communities: [c(65000, 100), c(65000, 1)], localPref: 200 });
    expect(run(policy, '198.51.100.0/25', { asPath: [seq(65002)] })).toBe('reject');
    expect(run(policy, '198.51.100.0/24', { asPath: [seq(65666, 65002)] })).toBe('reject');
  });

  it('next carries its changes on', () => {
    expect(run(policy, '198.51.100.0/24', { asPath: [seq(65001, 65002)] })).toEqual({ asPath: [seq(65001, 65002)], communities: [c(65000, 1)] });
  });

  it('no rule decides: the default, reject unless given', () => {
    expect(run(policy, '198.51.100.0/24', { asPath: [seq(65001, 65003)] })).toBe('reject');
    const open = compilePolicy({ ...spec, default: 'accept' });
    expect(run(open, '198.51.100.0/24', { asPath: [seq(65001, 65003)] })).toEqual({ asPath: [seq(65001, 65003)], communities: [c(65000, 1)] });
    expect(run(compilePolicy({ rules: [] }), '198.51.100.0/24')).toBe('reject');
    expect(run(compilePolicy({ rules: [], default: 'accept' }), '198.51.100.0/24')).toBe('accept');
    // a rule without conditions matches every route
    expect(run(compilePolicy({ rules: [{ action: 'accept' }, { action: 'reject' }] }), '198.51.100.0/24')).toBe('accept');
  });
});

describe('checkPolicySpec: errors name the path of the bad value', () => {
  const ok: PolicySpec = { rules: [{ match: { prefixes: ['10.0.0.0/8'] }, action: 'reject' }] };
  const error = (value: unknown, path = 'peers[0].import') => {
    try {
      checkPolicySpec(value, path);
    } catch (e) {
      expect(e).toBeInstanceOf(PolicySpecError);
      return (e as Error).message;
    }
    return 'no error';
  };
  const rule = (r: unknown) => ({ rules: [{ action: 'accept' }, { action: 'accept' }, r] });

  it('accepts a good spec and returns it', () => {
    expect(checkPolicySpec(ok)).toBe(ok);
  });

  it.each<[unknown, string]>([
    [rule({ match: { prefixes: ['10.0.0.0/8', '10.0.0.0/8 le 33'] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[1]: le 33 is above 32'],
    [rule({ match: { prefixes: ['10.0.0.0/8 ge 4'] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0]: ge 4 is below the prefix length 8'],
    [rule({ match: { prefixes: ['10.0.0.0/8 ge 24 le 16'] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0]: ge 24 is above le 16'],
    [rule({ match: { prefixes: [{ prefix: '10.0.0.0/8', le: 33 }] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0]: le 33 is above 32'],
    [rule({ match: { prefixes: [{ prefix: '10.0.0.0/8', le: '24' }] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0].le: must be an integer in 0..255, not string "24"'],
    [rule({ match: { prefixes: [{ prefix: '10.0.0.0/8', lt: 24 }] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0].lt: unknown key "lt" (known: prefix, ge, le)'],
    [rule({ match: { prefixes: [{ le: 24 }] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0].prefix: is required'],
    [rule({ match: { prefixes: [] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes: must not be empty (an empty list matches no route)'],
    [rule({ match: { prefixes: '10.0.0.0/8' }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes: must be an array, not string "10.0.0.0/8"'],
    [rule({ match: { asPath: ['_(65001_'] }, action: 'accept' }), 'peers[0].import.rules[2].match.asPath[0]: not a valid regular expression: '],
    [rule({ match: { communities: ['65000:1', '70000:1'] }, action: 'accept' }), 'peers[0].import.rules[2].match.communities[1]: invalid community "70000:1"'],
    [rule({ match: { communities: ['65000:*x'] }, action: 'accept' }), 'peers[0].import.rules[2].match.communities[0]: invalid community "65000:*x"'],
    [rule({ match: { largeCommunities: ['1:2'] }, action: 'accept' }), 'peers[0].import.rules[2].match.largeCommunities[0]: invalid large community "1:2"'],
    [rule({ match: { origin: ['bgp'] }, action: 'accept' }), 'peers[0].import.rules[2].match.origin[0]: must be "igp", "egp" or "incomplete", not string "bgp"'],
    [rule({ match: { nextHop: ['192.0.2.1/24'] }, action: 'accept' }), 'peers[0].import.rules[2].match.nextHop[0]: invalid IPv4 prefix "192.0.2.1/24": host bits are set'],
    [rule({ match: { firstAs: [-1] }, action: 'accept' }), 'peers[0].import.rules[2].match.firstAs[0]: must be an integer in 0..4294967295, not number -1'],
    [rule({ match: { asPathLength: { min: 3, max: 2 } }, action: 'accept' }), 'peers[0].import.rules[2].match.asPathLength: min 3 is above max 2'],
    [rule({ match: { colour: ['red'] }, action: 'accept' }), 'peers[0].import.rules[2].match.colour: unknown key "colour"'],
    [rule({ match: { prefixes: ['10.0.0.1/8'] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0]: invalid IPv4 prefix "10.0.0.1/8": host bits are set'],
    [rule({ match: { prefixes: ['10.0.0.0/8 lt 9'] }, action: 'accept' }), 'peers[0].import.rules[2].match.prefixes[0]: invalid prefix list entry "10.0.0.0/8 lt 9": expected'],
    [rule({ set: { localPref: 1 } }), 'peers[0].import.rules[2].action: is required'],
    [rule({ action: 'permit' }), 'peers[0].import.rules[2].action: must be "accept", "reject" or "next", not string "permit"'],
    [rule({ set: { med: 1 }, action: 'reject' }), 'peers[0].import.rules[2].set: has no effect in a rule whose action is "reject"'],
    [rule({ set: { localPref: 2 ** 32 }, action: 'accept' }), 'peers[0].import.rules[2].set.localPref: must be an integer in 0..4294967295, not number 4294967296'],
    [rule({ set: { nextHop: 'me' }, action: 'accept' }), 'peers[0].import.rules[2].set.nextHop: invalid IPv4 address "me"'],
    [rule({ set: { prepend: 0 }, action: 'accept' }), 'peers[0].import.rules[2].set.prepend: must be an integer in 1..255, not number 0'],
    [rule({ set: { prepend: [] }, action: 'accept' }), 'peers[0].import.rules[2].set.prepend: must hold 1..255 ASNs, not 0'],
    [rule({ set: { prepend: [1, 'x'] }, action: 'accept' }), 'peers[0].import.rules[2].set.prepend[1]: must be an integer in 0..4294967295, not string "x"'],
    [rule({ set: { communities: { add: ['65000:*'] } }, action: 'accept' }), 'peers[0].import.rules[2].set.communities.add[0]: invalid community "65000:*"'],
    [rule({ set: { communities: { delete: [] } }, action: 'accept' }), 'peers[0].import.rules[2].set.communities.delete: unknown key "delete"'],
    [rule({ name: 7, action: 'accept' }), 'peers[0].import.rules[2].name: must be a string, not number 7'],
    [rule('accept'), 'peers[0].import.rules[2]: must be an object, not string "accept"'],
    [{ rules: [], default: 'drop' }, 'peers[0].import.default: must be "accept" or "reject", not string "drop"'],
    [{ default: 'accept' }, 'peers[0].import.rules: is required'],
    [{ rules: {} }, 'peers[0].import.rules: must be an array, not an object'],
    [null, 'peers[0].import: must be an object, not null'],
  ])('%j', (value, message) => {
    expect(error(value)).toContain(message);
    expect(error(value).startsWith(message.split(':')[0]!)).toBe(true);
  });

  it('without a path, paths start at the spec', () => {
    expect(error({ rules: [{ action: 'x' }] }, '')).toBe('rules[0].action: must be "accept", "reject" or "next", not string "x"');
    expect(() => compilePolicy({ rules: [{ action: 'x' as 'accept' }] }, { path: 'p' })).toThrow(/^p\.rules\[0\]\.action: /);
  });
});

describe('in the engine', () => {
  /** Two engines back to back in memory (connect, write and close only; no timers needed). */
  function pair(aPeer: Partial<EngineConfig['peers'][number]>, bPeer: Partial<EngineConfig['peers'][number]>) {
    const a = new BgpEngine({ asn: 4200000001, routerId: ip('10.0.0.1'), nextHop: ip('192.0.2.1'), random: () => 1, peers: [{ address: ip('10.0.0.2'), asn: 65001, ...aPeer }] });
    const b = new BgpEngine({ asn: 65001, routerId: ip('10.0.0.2'), nextHop: ip('192.0.2.2'), random: () => 1, peers: [{ address: ip('10.0.0.1'), asn: 4200000001, passive: true, ...bPeer }] });
    const engines = new Map<Ipv4Address, BgpEngine>([
      [ip('10.0.0.1'), a],
      [ip('10.0.0.2'), b],
    ]);
    const links = new Map<BgpEngine, Map<number, { engine: BgpEngine; id: number }>>([
      [a, new Map()],
      [b, new Map()],
    ]);
    const events: EngineEvent[] = [];
    const settle = () => {
      for (let busy = true, round = 0; busy; round++) {
        if (round > 1000) throw new Error('did not settle');
        busy = false;
        for (const [address, engine] of engines) {
          events.push(...engine.takeEvents());
          for (const action of engine.takeActions()) {
            busy = true;
            if (action.type === 'connect') {
              const remote = engines.get(action.address)!;
              const rid = remote.newConnectionId();
              if (!remote.accepted(rid, address, 0)) engine.closed(action.connection, 0);
              else {
                links.get(engine)!.set(action.connection, { engine: remote, id: rid });
                links.get(remote)!.set(rid, { engine, id: action.connection });
                engine.connected(action.connection, 0);
              }
            } else if (action.type === 'write') {
              const other = links.get(engine)!.get(action.connection);
              other?.engine.data(other.id, action.bytes, 0);
            } else {
              const other = links.get(engine)!.get(action.connection);
              links.get(engine)!.delete(action.connection);
              if (other) {
                links.get(other.engine)!.delete(other.id);
                other.engine.closed(other.id, 0);
              }
            }
          }
        }
      }
    };
    b.start(0);
    a.start(0);
    settle();
    return { a, b, settle, events };
  }

  it('an import policy rejects and alters routes; routes of one UPDATE share the altered set', () => {
    const importPolicy = compilePolicy({
      rules: [
        { match: { prefixes: ['10.0.0.0/8 le 32'] }, action: 'reject' },
        { match: { communities: ['65000:100'] }, set: { localPref: 200, communities: { remove: ['65000:*'], add: ['65001:7'] } }, action: 'accept' },
        { match: { prefixes: ['0.0.0.0/0 le 24'], asPath: ['^4200000001$'] }, action: 'accept' },
      ],
    });
    const { a, b, settle } = pair({ import: 'accept', export: 'accept' }, { import: importPolicy, export: 'accept' });
    expect(b.peerState(ip('10.0.0.1'))).toBe('Established');
    for (let i = 0; i < 20; i++) a.announce({ address: ((0xc6120000 | (i << 8)) >>> 0) as Ipv4Address, length: 24 }, { communities: [c(65000, 100)] });
    a.announce(parseIpv4Prefix('10.1.0.0/16'), { communities: [c(65000, 100)] });
    a.announce(parseIpv4Prefix('198.51.100.0/24'));
    a.announce(parseIpv4Prefix('198.51.100.0/25'));
    settle();
    expect(b.bestRoute(parseIpv4Prefix('198.18.3.0/24'))?.attributes).toMatchObject({ localPref: 200, communities: [c(65001, 7)] });
    expect(b.bestRoute(parseIpv4Prefix('10.1.0.0/16'))).toBeUndefined();
    expect(b.bestRoute(parseIpv4Prefix('198.51.100.0/24'))?.attributes).toMatchObject({ asPath: [seq(4200000001)] });
    expect(b.bestRoute(parseIpv4Prefix('198.51.100.0/25'))).toBeUndefined(); // default reject
    expect(b.locRibSize).toBe(21);
    expect(b.counters(ip('10.0.0.1'))).toMatchObject({ received: 23, accepted: 21 });
    expect(b.attributeSets).toBe(2);
  });

  it('an export policy prepends and tags; RFC 8212 still applies to a peer without one', () => {
    const exportPolicy = compilePolicy(
      { rules: [{ match: { prefixes: ['198.51.100.0/24'] }, set: { prepend: 2, largeCommunities: { add: ['4200000001:1:1'] } }, action: 'accept' }] },
      { asn: 4200000001 },
    );
    const { a, b, settle, events } = pair({ import: 'accept', export: exportPolicy }, { import: 'accept' });
    a.announce(parseIpv4Prefix('198.51.100.0/24'));
    a.announce(parseIpv4Prefix('203.0.113.0/24'));
    b.announce(parseIpv4Prefix('192.0.2.0/24'));
    settle();
    expect(b.bestRoute(parseIpv4Prefix('198.51.100.0/24'))?.attributes).toMatchObject({
      asPath: [seq(4200000001, 4200000001, 4200000001)],
      largeCommunities: [{ global: 4200000001, local1: 1, local2: 1 }],
    });
    expect(b.bestRoute(parseIpv4Prefix('203.0.113.0/24'))).toBeUndefined();
    // b has no export policy towards its eBGP peer a: nothing goes back, and the log says why
    expect(a.bestRoute(parseIpv4Prefix('192.0.2.0/24'))).toBeUndefined();
    expect(a.counters(ip('10.0.0.2'))?.received).toBe(0);
    expect(events.some((e) => e.type === 'log' && e.message.includes('RFC 8212'))).toBe(true);
  });

  it('an export policy sees the path before our AS goes in front (as an FRR outbound route-map)', () => {
    const exportPolicy = compilePolicy({
      rules: [
        { match: { asPath: ['^$'] }, set: { med: 7 }, action: 'accept' },
        { match: { asPath: ['^4200000001'] }, action: 'reject' },
      ],
    });
    const { a, b, settle } = pair({ import: 'accept', export: exportPolicy }, { import: 'accept' });
    a.announce(parseIpv4Prefix('198.51.100.0/24'));
    settle();
    expect(b.bestRoute(parseIpv4Prefix('198.51.100.0/24'))?.attributes).toMatchObject({ asPath: [seq(4200000001)], med: 7 });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import type { PathAttributes, Policy } from '@wirestack/bgp';
import { ConfigError, parseBgpConfig } from '../src/bgp-config.js';
import { run } from '../src/run.js';
import { fakeIo } from './helpers.js';

/** Declarative import/export policies in `wirestack bgp --config FILE`. */

const IMPORT = {
  rules: [
    { name: 'bogons', match: { prefixes: ['10.0.0.0/8 le 32', '192.168.0.0/16 le 32'] }, action: 'reject' },
    { match: { prefixes: ['0.0.0.0/0 ge 25'] }, action: 'reject' },
    { match: { asPath: ['_65666_'] }, action: 'reject' },
    { match: { communities: ['65001:100'] }, set: { localPref: 200, communities: { remove: ['65001:*'] } }, action: 'accept' },
    { match: { firstAs: [65001] }, action: 'accept' },
  ],
};
const EXPORT = {
  rules: [{ match: { prefixes: ['198.18.0.0/15 le 24'] }, set: { prepend: 2, nextHop: 'self', largeCommunities: { add: ['4200000001:1:1'] } }, action: 'accept' }],
  default: 'reject',
};

function config(peer: Record<string, unknown>, root: Record<string, unknown> = {}) {
  return {
    asn: 4200000001,
    routerId: '192.0.2.1',
    peers: [{ address: '127.0.0.10', asn: 65001, ...peer }],
    ...root,
  };
}

function policyOf(c: object, key: 'import' | 'export'): Policy {
  const p = parseBgpConfig(JSON.stringify(c)).speaker.peers[0]![key];
  if (p === undefined) throw new Error(`no ${key} policy`);
  return p;
}

function apply(policy: Policy, prefix: string, attributes: PathAttributes) {
  if (typeof policy !== 'function') return policy;
  return policy({ prefix: parseIpv4Prefix(prefix), attributes, peer: parseIpv4('127.0.0.10') });
}

const seq = (...asns: number[]) => [{ type: 'sequence' as const, asns }];

describe('wirestack bgp: declarative policies in the configuration file', () => {
  it('an import policy object becomes a function that filters and sets', () => {
    const p = policyOf(config({ import: IMPORT, export: 'accept' }), 'import');
    expect(typeof p).toBe('function');
    expect(apply(p, '10.1.0.0/16', { asPath: seq(65001) })).toBe('reject');
    expect(apply(p, '198.51.100.128/25', { asPath: seq(65001) })).toBe('reject');
    expect(apply(p, '198.51.100.0/24', { asPath: seq(65001, 65666) })).toBe('reject');
    expect(apply(p, '198.51.100.0/24', { asPath: seq(65001), communities: [65001 * 65536 + 100, 3] })).toEqual({ asPath: seq(65001), communities: [3], localPref: 200 });
    expect(apply(p, '198.51.100.0/24', { asPath: seq(65001) })).toBe('accept');
    expect(apply(p, '198.51.100.0/24', { asPath: seq(65002) })).toBe('reject'); // the default
  });

  it('prepend: N prepends the configured asn; nextHop "self" is nextHop, else routerId', () => {
    const viaRouterId = policyOf(config({ import: 'accept', export: EXPORT }), 'export');
    expect(apply(viaRouterId, '198.18.0.0/24', { asPath: seq(4200000001) })).toEqual({
      asPath: seq(4200000001, 4200000001, 4200000001),
      nextHop: parseIpv4('192.0.2.1'),
      largeCommunities: [{ global: 4200000001, local1: 1, local2: 1 }],
    });
    expect(apply(viaRouterId, '203.0.113.0/24', {})).toBe('reject');
    const viaNextHop = policyOf(config({ import: 'accept', export: EXPORT }, { nextHop: '198.51.100.1' }), 'export');
    expect((apply(viaNextHop, '198.18.0.0/24', {}) as PathAttributes).nextHop).toBe(parseIpv4('198.51.100.1') as Ipv4Address);
  });

  it('"accept" and "reject" stay strings', () => {
    const peer = parseBgpConfig(JSON.stringify(config({ import: 'reject', export: 'accept' }))).speaker.peers[0]!;
    expect(peer.import).toBe('reject');
    expect(peer.export).toBe('accept');
  });

  it('a mistake inside a policy names its path in the file', () => {
    const bad = (policy: unknown, key = 'import') => {
      try {
        parseBgpConfig(JSON.stringify({ ...config({}), peers: [{ address: '127.0.0.9', asn: 65009 }, { address: '127.0.0.10', asn: 65001, [key]: policy }] }));
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return [(error as ConfigError).path, (error as ConfigError).reason];
      }
      return ['no error'];
    };
    const rules = (third: unknown) => ({ rules: [{ action: 'accept' }, { action: 'accept' }, third] });
    expect(bad(rules({ match: { prefixes: ['10.0.0.0/8', '10.0.0.0/8 le 33'] }, action: 'reject' }))).toEqual(['peers[1].import.rules[2].match.prefixes[1]', 'le 33 is above 32']);
    expect(bad(rules({ match: { asPath: ['(65001'] }, action: 'reject' }), 'export')[0]).toBe('peers[1].export.rules[2].match.asPath[0]');
    expect(bad(rules({ set: { localPref: -1 }, action: 'accept' }))).toEqual(['peers[1].import.rules[2].set.localPref', 'must be an integer in 0..4294967295, not number -1']);
    expect(bad(rules({ set: { communities: { add: ['65000:x'] } }, action: 'next' }))[0]).toBe('peers[1].import.rules[2].set.communities.add[0]');
    expect(bad(rules({ action: 'deny' }))).toEqual(['peers[1].import.rules[2].action', 'must be "accept", "reject" or "next", not string "deny"']);
    expect(bad({ rules: [], defualt: 'accept' })).toEqual(['peers[1].import.defualt', 'unknown key "defualt" (known: rules, default)']);
    expect(bad(['accept'])).toEqual(['peers[1].import', 'must be "accept", "reject" or a policy object, not an array']);
    expect(bad(true)).toEqual(['peers[1].import', 'must be "accept", "reject" or a policy object, not boolean true']);
  });

  it('the command prints the path and exits with status 1', async () => {
    const text = JSON.stringify(config({ import: { rules: [{ match: { prefixes: ['198.51.100.0/24 ge 16'] }, action: 'accept' }] } }));
    const t = fakeIo({ 's.json': text });
    expect(await run(['bgp', '--config', 's.json'], t.io)).toBe(1);
    expect(t.stderr()).toBe('wirestack: s.json: peers[0].import.rules[0].match.prefixes[0]: ge 16 is below the prefix length 24\n');
  });
});

describe('the README', () => {
  it('its policy example is a valid peer', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('"rules"'));
    expect(block).toBeDefined();
    const peer = JSON.parse(block!) as Record<string, unknown>;
    const p = parseBgpConfig(JSON.stringify({ asn: 4200000001, routerId: '192.0.2.1', peers: [peer] })).speaker.peers[0]!;
    expect(apply(p.import!, '198.51.100.0/24', { asPath: seq(64500), communities: [65000 * 65536 + 7] })).toEqual({ asPath: seq(64500), communities: [65000 * 65536 + 100], localPref: 200 });
    expect(apply(p.import!, '198.51.100.0/25', { asPath: seq(64500) })).toBe('reject');
    // an export policy sees the path before the engine puts our AS in front
    expect(apply(p.export!, '203.0.113.0/24', { asPath: seq(64501), communities: [65000 * 65536 + 100] })).toEqual({ asPath: seq(4200000001, 64501), communities: [65000 * 65536 + 100] });
    expect(apply(p.export!, '192.0.2.0/24', { asPath: [] })).toBe('accept');
    expect(apply(p.export!, '192.0.2.0/24', { asPath: seq(3) })).toBe('reject');
  });
});

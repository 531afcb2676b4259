import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import type { Ipv4Address } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import {
  bgp4mpMessageRecord,
  bgp4mpStateChangeRecord,
  bgpdumpLines,
  encodeMrt,
  encodeMrtRecord,
  readMrt,
  tableDumpV2Records,
  type BgpdumpFormatOptions,
  type MrtAddress,
  type MrtPeer,
} from '../src/mrt/index.js';
import { mrtAddress, mrtPeer, ribAttributes } from '../src/mrt/arbitraries.js';
import { updateMessage } from '../src/arbitraries.js';
import { splitAs4, type UpdateMessage } from '../src/index.js';
import { VECTOR_FILE, VECTOR_LINES } from './mrt-fixtures.js';

/**
 * bgpdump (Debian package bgpdump, 1.6) must read the MRT we write, and
 * print for it what our formatter prints: every line, field by field.
 */
const skip = missingPrerequisite({ commands: ['bgpdump'] });
const dir = mkdtempSync(join(tmpdir(), 'wirestack-mrt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bgpdump(file: Uint8Array, name: string, flags: readonly string[] = []): string[] {
  const path = join(dir, name);
  writeFileSync(path, file);
  // -v: log to stderr (not syslog); bgpdump reports problems there and skips what it cannot read.
  const out = execFileSync('bgpdump', ['-m', '-v', ...flags, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((line) => line.length > 0);
}

/**
 * IPv6 text in full (eight groups), so both spellings of one address
 * compare equal: bgpdump writes a single zero group as '::', we follow RFC
 * 5952 §4.2.2 and do not. Other fields are returned as they are.
 */
function canonicalField(field: string): string {
  const m = /^([0-9a-f:.]+)(\/\d+)?$/.exec(field);
  if (m === null || !(field.includes('::') || (field.match(/:/g) ?? []).length === 7)) return field;
  const [head, tail] = m[1]!.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':') + (m[2] ?? '');
}

function compare(file: Uint8Array, name: string, options: BgpdumpFormatOptions = {}, flags: readonly string[] = []): number {
  const theirs = bgpdump(file, name, flags);
  const ours = [...bgpdumpLines(readMrt(file), options)];
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    // Field by field, so a failure names the field that differs.
    expect({ line: i, fields: ours[i]?.split('|').map(canonicalField) }).toEqual({ line: i, fields: theirs[i]?.split('|').map(canonicalField) });
  }
  return theirs.length;
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

/** A snapshot of `count` prefixes with 1..3 paths each, from a fixed seed. */
function snapshot(seed: number, addPath: boolean) {
  const peers: MrtPeer[] = fc.sample(mrtPeer(), { seed, numRuns: 6 });
  const route = fc.record({
    address: u32,
    length: fc.integer({ min: 0, max: 32 }),
    entries: fc.array(fc.record({ peerIndex: fc.integer({ min: 0, max: peers.length - 1 }), originatedTime: u32, attributes: ribAttributes('ipv4-unicast'), pathId: u32 }), { minLength: 1, maxLength: 3 }),
  });
  const routes = fc.sample(route, { seed: seed + 1, numRuns: 300 }).map((r) => ({
    prefix: ((r.length === 0 ? 0 : r.address & (0xffff_ffff << (32 - r.length))) >>> 0) as Ipv4Address,
    length: r.length,
    entries: r.entries.map(({ pathId, ...e }) => (addPath ? { ...e, pathId } : e)),
  }));
  return encodeMrt(tableDumpV2Records({ timestamp: 1700000000, collectorId: 0xc0000201 as Ipv4Address, viewName: 'wirestack', peers, routes, addPath }));
}

/**
 * UPDATEs bgpdump prints in full: IPv4 unicast only (other families' NLRI
 * here are random octets), and LOCAL_PREF and MED below 2^31, since
 * bgpdump 1.6.2 prints those two as signed numbers for prefixes in
 * MP_REACH_NLRI (we print the unsigned value everywhere).
 */
function ipv4Update(options: { fourOctetAs: boolean; addPath: boolean }): fc.Arbitrary<UpdateMessage> {
  return updateMessage(options)
    .filter((u) => u.attributes.mpReach?.kind !== 'other' && u.attributes.mpUnreach?.kind !== 'other')
    .map((u) => {
      const { med, localPref } = u.attributes;
      return {
        ...u,
        attributes: {
          ...u.attributes,
          ...(med === undefined ? {} : { med: med & 0x7fff_ffff }),
          ...(localPref === undefined ? {} : { localPref: localPref & 0x7fff_ffff }),
        },
      };
    });
}

/** A BGP4MP log: AS4 records from the writer, and 2-octet-AS records (with AS4_PATH) from the record encoder. */
function messageLog(seed: number): Uint8Array {
  const entry = fc.record({
    family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
    timestamp: u32,
    microseconds: fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: undefined }),
    as4: fc.boolean(),
    addPath: fc.boolean(),
    local: fc.boolean(),
    peerAs: fc.integer({ min: 1, max: 0xffff }),
    localAs: fc.integer({ min: 1, max: 0xffff }),
    states: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
    seed: fc.integer(),
  });
  // bgpdump 1.6.2 prints the _LOCAL_ADDPATH subtypes (10, 11) as BGP4MP_AP with the local
  // address and AS in the peer columns; we print BGP4MP_LOCAL_AP and the peer, as for _LOCAL.
  const logged = entry.filter((e) => !(e.local && e.addPath));
  return encodeMrt(
    fc.sample(logged, { seed, numRuns: 300 }).map((e, i) => {
      const [peerAddress, localAddress] = fc.sample(mrtAddress(e.family), { seed: e.seed, numRuns: 2 }) as [MrtAddress, MrtAddress];
      // 2-octet sessions: no confederation segments, which AS4_PATH cannot carry and bgpdump 1.6.2 mangles when merging.
      const update = ipv4Update({ fourOctetAs: true, addPath: e.addPath }).filter((u) => e.as4 || !(u.attributes.asPath ?? []).some((seg) => seg.type.startsWith('confed')));
      const message = fc.sample(update, { seed: e.seed, numRuns: 1 })[0]!;
      const common = { timestamp: e.timestamp, peerAs: e.peerAs, localAs: e.localAs, peerAddress, localAddress, ...(e.microseconds === undefined ? {} : { microseconds: e.microseconds }) };
      if (i % 10 === 0) return bgp4mpStateChangeRecord({ ...common, oldState: e.states[0], newState: e.states[1] });
      if (i % 10 === 1) return bgp4mpMessageRecord({ ...common, message: { type: 'keepalive' } });
      if (e.as4) return bgp4mpMessageRecord({ ...common, local: e.local, addPath: e.addPath, message });
      // What an OLD (2-octet) speaker sends for these routes: AS_TRANS in AS_PATH/AGGREGATOR, the real ASNs in AS4_PATH/AS4_AGGREGATOR.
      // An AGGREGATOR that fits 2 octets makes RFC 6793 §4.2.3 ignore AS4_PATH (we do; bgpdump merges
      // it anyway), so these messages only carry one that needs AS4_AGGREGATOR.
      const { aggregator, ...rest } = message.attributes;
      const attributes = aggregator === undefined || aggregator.asn <= 0xffff ? rest : { ...rest, aggregator };
      const old = { ...message, attributes: splitAs4(attributes) };
      return encodeMrtRecord({ kind: 'bgp4mp-message', ...common, as4: false, interfaceIndex: 0, local: e.local, addPath: e.addPath, message: old });
    }),
  );
}

describe.skipIf(skip !== undefined)('bgpdump reads what we write', () => {
  it('the RFC 6396 vectors', () => {
    expect(bgpdump(VECTOR_FILE, 'vectors.mrt')).toEqual(VECTOR_LINES);
  });

  it('a TABLE_DUMP_V2 snapshot: PEER_INDEX_TABLE and RIB_IPV4_UNICAST', () => {
    const file = snapshot(7, false);
    expect(compare(file, 'rib.mrt')).toBeGreaterThan(300);
    compare(file, 'rib-l.mrt', { largeCommunities: true }, ['-l']);
    // Not compared: `-t change`, which bgpdump 1.6.2 prints as 0 or garbage instead of the originated time.
  });

  it('a TABLE_DUMP_V2 snapshot with ADD-PATH (RIB_IPV4_UNICAST_ADDPATH)', () => {
    expect(compare(snapshot(11, true), 'rib-addpath.mrt')).toBeGreaterThan(300);
  });

  it('a BGP4MP log: MESSAGE(_AS4) with UPDATEs and KEEPALIVEs, STATE_CHANGE(_AS4), _ET, _LOCAL, _ADDPATH', () => {
    const file = messageLog(3);
    expect(compare(file, 'updates.mrt', { largeCommunities: true }, ['-l'])).toBeGreaterThan(100);
  });
});

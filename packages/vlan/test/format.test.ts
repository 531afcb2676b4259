/**
 * formatVlanTag against its own examples and against tcpdump, which must
 * print the same words for every tag of hand-built frames (802.1Q,
 * 802.1ad + 802.1Q, the legacy 0x9100 TPID, DEI set and clear).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { fromHex } from '@wirestack/core';
import { missingPrerequisite, writePcap } from '@wirestack-tools/testkit';
import { TPID_8021AD, TPID_8021Q, TPID_QINQ_9100, encodeVlanStack, formatVlanTag, type VlanStackTagInput } from '../src/index.js';

/** tcpdump's names for the ethertypes these frames use (the real table is @wirestack/ethernet's). */
const NAMES = new Map([
  [0x0800, 'IPv4'],
  [0x8100, '802.1Q'],
  [0x88a8, '802.1Q-QinQ'],
  [0x9100, '802.1Q-9100'],
]);
const name = (t: number): string | undefined => NAMES.get(t);
/** IEEE's local experimental ethertype: tcpdump dissects nothing after it. */
const EXPERIMENTAL = 0x88b5;

describe('formatVlanTag', () => {
  it('prints tcpdump -e words: vid, priority, DEI, the ethertype that follows', () => {
    expect(formatVlanTag({ vid: 10, pcp: 5, dei: false, etherType: 0x0800 }, name)).toBe('vlan 10, p 5, ethertype IPv4 (0x0800)');
    expect(formatVlanTag({ vid: 20, pcp: 3, dei: true, etherType: 0x8100 }, name)).toBe('vlan 20, p 3, DEI, ethertype 802.1Q (0x8100)');
    expect(formatVlanTag({ vid: 4095, pcp: 0, dei: false, etherType: 0x1234 }, name)).toBe('vlan 4095, p 0, ethertype Unknown (0x1234)');
  });

  it('prints the ethertype as hex only without a name function', () => {
    expect(formatVlanTag({ vid: 1, pcp: 7, dei: false, etherType: 0x86dd })).toBe('vlan 1, p 7, ethertype 0x86dd');
  });

  const skip = missingPrerequisite({ commands: ['tcpdump'] });
  it.skipIf(skip !== undefined)('agrees with tcpdump -e -n on 802.1Q, QinQ and 0x9100 stacks', () => {
    const tpid = fc.constantFrom(TPID_8021Q, TPID_8021AD, TPID_QINQ_9100);
    const tag = fc.record({ tpid, vid: fc.integer({ min: 0, max: 4094 }), pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean() });
    const fixed: VlanStackTagInput[][] = [
      [{ tpid: TPID_8021Q, vid: 10, pcp: 5 }],
      [{ tpid: TPID_8021AD, vid: 20, pcp: 3 }, { tpid: TPID_8021Q, vid: 10, pcp: 5, dei: true }],
    ];
    const stacks = [...fixed, ...fc.sample(fc.array(tag, { minLength: 1, maxLength: 3 }), { numRuns: 200, seed: 11 })];
    const frames = stacks.map((tags) => {
      const head = encodeVlanStack({ tags, etherType: EXPERIMENTAL });
      const frame = new Uint8Array(60);
      frame.set(fromHex('020000000002 020000000001'));
      frame.set(head, 12);
      return frame;
    });
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-vlan-format-'));
    try {
      writePcap(join(dir, 'f.pcap'), frames);
      const out = execFileSync('tcpdump', ['-e', '-n', '-r', join(dir, 'f.pcap')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      // One header line per frame (tcpdump hex-dumps the unknown payload on indented lines after it).
      const lines = out.split('\n').filter((l) => /^\d/.test(l));
      expect(lines).toHaveLength(frames.length);
      stacks.forEach((tags, i) => {
        const ours = tags.map((t, k) => formatVlanTag({ vid: t.vid, pcp: t.pcp ?? 0, dei: t.dei ?? false, etherType: tags[k + 1]?.tpid ?? EXPERIMENTAL }, name));
        const first = `ethertype ${name(tags[0]!.tpid!)} (0x${tags[0]!.tpid!.toString(16)}), length 60: `;
        expect(lines[i]).toContain(`${first}${ours.join(', ')}, `);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

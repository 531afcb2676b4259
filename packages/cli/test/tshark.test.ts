/**
 * Differential test against tshark: thousands of random frames from the
 * stack's arbitraries, written with our pcap and pcapng writers; every
 * contract field `wirestack decode --json` prints must equal tshark's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { writePcap, writePcapng } from '@wirestack/stack';
import { frame } from '@wirestack/stack/arbitraries';
import { run } from '../src/run.js';
import { fakeIo } from './helpers.js';
import { compareWithTshark } from './tshark-compare.js';

const skip = missingPrerequisite({ commands: ['tshark'] });
// 0x88a8 and 0x9200 tags through tshark's VLAN dissector (its 802.1ad dissector names the fields differently; 0x9200 it does not dissect).
const TSHARK_VLAN = ['-d', 'ethertype==0x88a8,vlan', '-d', 'ethertype==0x9200,vlan'];

async function ourJson(file: Uint8Array): Promise<string[]> {
  const t = fakeIo({ f: file });
  expect(await run(['decode', '--json', 'f'], t.io)).toBe(0);
  return t.text().trimEnd().split('\n');
}

describe('tshark reads the frames we build and write with the values we decode', () => {
  it.skipIf(skip !== undefined)('3000 frames in pcap (microseconds, little-endian), 1000 in pcapng (nanoseconds, big-endian)', async () => {
    const samples = fc.sample(frame({ forPeers: true }), { numRuns: 3000, seed: 4 }).map((s) => s.bytes);
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-tshark-'));
    try {
      const pcap = writePcap(samples.map((data, i) => ({ data, seconds: 1_700_000_000 + i, nanoseconds: i * 1000 })));
      writeFileSync(join(dir, 'f.pcap'), pcap);
      expect(compareWithTshark(join(dir, 'f.pcap'), await ourJson(pcap), TSHARK_VLAN).slice(0, 20)).toEqual([]);
      const some = samples.slice(0, 1000);
      const ng = writePcapng(some.map((data, i) => ({ data, seconds: 1_700_000_000 + i, nanoseconds: i })), { nanosecond: true, littleEndian: false });
      writeFileSync(join(dir, 'f.pcapng'), ng);
      expect(compareWithTshark(join(dir, 'f.pcapng'), await ourJson(ng), TSHARK_VLAN).slice(0, 20)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { missingPrerequisite, writePcap } from '@wirestack-tools/testkit';
import { ArpOp, encodeArp, formatArp } from '../src/index.js';
import { arpPacket } from '../src/arbitraries.js';

/**
 * formatArp promises tcpdump's wording for the named operations of the
 * Ethernet/IPv4 form; tcpdump itself checks that promise.
 */
const missing = missingPrerequisite({ commands: ['tcpdump'] });

const ETHERNET_ARP = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06);

function tcpdumpLines(frames: readonly Uint8Array[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-arp-tcpdump-'));
  try {
    const file = join(dir, 'arp.pcap');
    writePcap(file, frames);
    const out = execFileSync('tcpdump', ['-n', '-t', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('formatArp', () => {
  it.skipIf(missing !== undefined)('reads as tcpdump -n prints the named operations', () => {
    const seed = Date.now();
    const known = Object.values(ArpOp) as number[];
    const packets = fc.sample(arpPacket().filter((p) => known.includes(p.op)), { numRuns: 1000, seed });
    const frames = packets.map((p) => {
      const f = new Uint8Array(14 + 28);
      f.set(ETHERNET_ARP, 0);
      encodeArp(p, f, 14);
      return f;
    });
    const lines = tcpdumpLines(frames);
    expect(lines.length, `seed ${seed}`).toBe(packets.length);
    packets.forEach((p, i) => {
      expect(lines[i], `packet ${i}, seed ${seed}`).toBe(`ARP, ${formatArp(p)}, length 28`);
    });
  });
});

/**
 * Ground truth from the tools people trust: tshark (Wireshark's dissector)
 * and tcpdump read the frames our arbitraries build, and must see the same
 * fields we decode. Locally these skip when a tool is missing; under CI
 * they fail instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MacAddress, formatMac, hex, toHex } from '@wirestack/core';
import { missingPrerequisite, tsharkFields, writePcap } from '@wirestack-tools/testkit';
import { decodeEthernet, encodeEthernet, etherTypeName, formatEthernet } from '../src/index.js';
import { ethernetFrame, malformedEthernetFrame } from '../src/arbitraries.js';
import { ARP_REQUEST_ON_THE_WIRE, KERNEL_ARP_REQUEST, STP_BPDU } from './frames.js';

const noTshark = missingPrerequisite({ commands: ['tshark'] });
const noTcpdump = missingPrerequisite({ commands: ['tcpdump'] });

/**
 * pcap files say nothing about an FCS, so tell Wireshark instead of letting
 * it guess; and keep its F5 trailer heuristic from claiming the bytes
 * after a short 802.3 payload.
 */
const NO_FCS = ['--disable-protocol', 'f5ethtrailer', '-o', 'eth.fcs:Never'];
const WITH_FCS = ['--disable-protocol', 'f5ethtrailer', '-o', 'eth.fcs:Always', '-o', 'eth.check_fcs:TRUE'];

/**
 * Some frames Wireshark hands to a dissector that replaces its Ethernet
 * one (Cisco FabricPath for 0x8903, TTEthernet for 0x891d with a matching
 * destination): those rows lack the fields, and are left out, as long as
 * they stay rare.
 */
const RARE = 0.02;

/** A field that occurs more than once (an inner Ethernet header in TEB, PBB, TRILL) lists the outer one first. */
const first = (cell: string | undefined) => (cell ?? '').split(',')[0];

/** Seeded samples, so a failure names the seed that reproduces it. */
function sample<T>(arbitrary: fc.Arbitrary<T>, count: number): { seed: number; values: T[] } {
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  return { seed, values: fc.sample(arbitrary, { numRuns: count, seed }) };
}

/** `tcpdump -t -e -n` over the frames: one link-level line per frame. */
function tcpdumpLines(frames: readonly Uint8Array[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-tcpdump-'));
  try {
    const file = join(dir, 'frames.pcap');
    writePcap(file, frames);
    const out = execFileSync('tcpdump', ['-t', '-e', '-n', '-r', file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Continuation lines (hex dumps of unknown payloads) start with whitespace.
    return out.split('\n').filter((line) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5} > /.test(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tshark', () => {
  it.skipIf(noTshark)('reads the same dst, src and type/length from arbitrary frames', () => {
    const { seed, values } = sample(ethernetFrame(), 400);
    const rows = tsharkFields(
      values.map((v) => v.bytes),
      ['eth.dst', 'eth.src', 'eth.type', 'eth.len'],
      NO_FCS,
    );
    expect(rows.length).toBe(values.length);
    let replaced = 0;
    values.forEach(({ bytes }, i) => {
      const d = decodeEthernet(bytes);
      const row = rows[i]!;
      const where = `seed ${seed}, frame ${i}: ${toHex(bytes)}`;
      if (row['eth.dst'] === '') {
        replaced++;
        return;
      }
      expect(first(row['eth.dst']), where).toBe(formatMac(d.header.dst));
      expect(first(row['eth.src']), where).toBe(formatMac(d.header.src));
      if ('etherType' in d.header) {
        expect([first(row['eth.type']), row['eth.len']], where).toEqual([hex(d.header.etherType), '']);
      } else if (d.header.length === 0) {
        // Wireshark reads a zero Length/Type as EtherType 0 (Cisco MDS
        // frames); 802.3 says 0 is a length, and so do we.
        expect([first(row['eth.type']), row['eth.len']], where).toEqual(['0x0000', '']);
      } else {
        expect([row['eth.type'], row['eth.len']], where).toEqual(['', String(d.header.length)]);
      }
    });
    expect(replaced).toBeLessThan(values.length * RARE);
  });

  it.skipIf(noTshark)('flags the Length/Type values we reject as bad-value', () => {
    const { seed, values } = sample(
      malformedEthernetFrame().filter((m) => m.code === 'bad-value'),
      100,
    );
    const rows = tsharkFields(
      values.map((v) => v.bytes),
      ['eth.invalid_lentype'],
      NO_FCS,
    );
    values.forEach(({ bytes }, i) => {
      const value = (bytes[12]! << 8) | bytes[13]!;
      expect(rows[i]!['eth.invalid_lentype'], `seed ${seed}, frame ${i}`).toBe(hex(value));
    });
  });

  it.skipIf(noTshark)('accepts the FCS we append, and rejects the frames we call bad-checksum', () => {
    const good = sample(ethernetFrame({ fcs: true }), 200);
    const bad = sample(
      malformedEthernetFrame().filter((m) => m.code === 'bad-checksum'),
      100,
    );
    const frames = [ARP_REQUEST_ON_THE_WIRE, ...good.values.map((v) => v.bytes), ...bad.values.map((v) => v.bytes)];
    const rows = tsharkFields(frames, ['eth.fcs', 'eth.fcs.status'], WITH_FCS);
    let replaced = 0;
    frames.forEach((bytes, i) => {
      const d = decodeEthernet(bytes, 0, { fcs: true, mode: 'lax' });
      const where = `seeds ${good.seed}/${bad.seed}, frame ${i}: ${toHex(bytes)}`;
      if (rows[i]!['eth.fcs'] === '') {
        replaced++;
        return;
      }
      // Wireshark shows the four FCS bytes in wire order, i.e. our value byte-swapped.
      const swapped = ((d.fcs! & 0xff) << 24) | ((d.fcs! >>> 8) & 0xff) << 16 | ((d.fcs! >>> 16) & 0xff) << 8 | (d.fcs! >>> 24);
      expect(rows[i]!['eth.fcs'], where).toBe(hex(swapped >>> 0, 8));
      const ours = d.issues.some((issue) => issue.code === 'bad-checksum') ? '0' : '1'; // 1 = Good, 0 = Bad
      expect(rows[i]!['eth.fcs.status'], where).toBe(ours);
    });
    expect(replaced).toBeLessThan(frames.length * RARE);
    expect(rows[0]!['eth.fcs.status']).toBe('1');
  });
});

describe('tcpdump -e', () => {
  /**
   * Where tcpdump names an EtherType we print its name; where it says
   * Unknown we may still have one (FCoE, PBB, ...). 0x8870 (jumbo LLC) is
   * the one type tcpdump prints as LLC instead of an ethertype.
   */
  function agrees(tcpdump: string, ours: string, etherType: number | undefined): boolean {
    if (tcpdump.startsWith(`${ours}:`)) return true;
    const addresses = ours.slice(0, ours.indexOf(', ') + 2);
    if (!tcpdump.startsWith(addresses)) return false;
    // Too short for the tag it announces (e.g. 802.1Q with under 4 bytes
    // left), tcpdump prints the addresses and a truncation mark instead.
    if (/^,?\s*\[\|\w+\]$/.test(tcpdump.slice(addresses.length - 2))) return true;
    if (etherType === undefined) return false;
    if (etherType === 0x8870) return true;
    const name = etherTypeName(etherType);
    return name !== hex(etherType) && tcpdump.startsWith(`${ours.replace(`ethertype ${name} `, 'ethertype Unknown ')}:`);
  }

  it.skipIf(noTcpdump)('prints every EtherType as we do', () => {
    const frames: Uint8Array[] = [];
    for (let etherType = 0x0600; etherType <= 0xffff; etherType++) {
      frames.push(encodeEthernet({ dst: 0x020000000002 as MacAddress, src: 0x020000000001 as MacAddress, etherType }));
    }
    const lines = tcpdumpLines(frames);
    expect(lines.length).toBe(frames.length);
    let named = 0;
    frames.forEach((bytes, i) => {
      const etherType = 0x0600 + i;
      const ours = formatEthernet(decodeEthernet(bytes).header, bytes.length);
      expect(agrees(lines[i]!, ours, etherType), `tcpdump: ${lines[i]}\nours:    ${ours}`).toBe(true);
      if (!lines[i]!.includes('ethertype Unknown')) named++;
    });
    expect(named).toBeGreaterThan(40);
  });

  it.skipIf(noTcpdump)('prints the same link-level summary for arbitrary frames', () => {
    const { seed, values } = sample(ethernetFrame(), 300);
    const frames = [...values.map((v) => v.bytes), STP_BPDU, KERNEL_ARP_REQUEST];
    const lines = tcpdumpLines(frames);
    expect(lines.length).toBe(frames.length);
    frames.forEach((bytes, i) => {
      const { header } = decodeEthernet(bytes);
      const ours = formatEthernet(header, bytes.length);
      const etherType = 'etherType' in header ? header.etherType : undefined;
      expect(agrees(lines[i]!, ours, etherType), `seed ${seed}, frame ${i}:\n  tcpdump: ${lines[i]}\n  ours:    ${ours}`).toBe(true);
    });
  });
});

/**
 * Ground truth from the tools people trust: tshark (Wireshark's VXLAN,
 * UDP, IPv4 and Ethernet dissectors, checksum checking on) and tcpdump
 * read the frames our arbitraries and `encapsulate` build, and must see
 * what we encoded and decapsulate. Locally these skip when a tool is
 * missing; under CI they fail instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatMac, hex, macFromBytes, readU16, toHex } from '@wirestack/core';
import { ipv4Address, macAddress } from '@wirestack/core/arbitraries';
import { missingPrerequisite, readPcap, tsharkFields, writePcap } from '@wirestack-tools/testkit';
import { decapsulate, decodeVxlan, encapsulate, encodeVxlan, formatVxlan } from '../src/index.js';
import { anyVxlanHeader, encapsulatedFrame, innerFrame, vni } from '../src/arbitraries.js';

const noTshark = missingPrerequisite({ commands: ['tshark'] });
const noTcpdump = missingPrerequisite({ commands: ['tcpdump'] });

/** Checksum checks on, and VXLAN on our two non-IANA ports too. */
const ARGS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-d', 'udp.port==9527,vxlan', '-d', 'udp.port==8472,vxlan'];
const FIELDS = [
  'eth.src',
  'eth.dst',
  'vlan.id',
  'ip.src',
  'ip.dst',
  'ip.checksum.status',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'udp.checksum.status',
  'vxlan.flags',
  'vxlan.vni',
];
/** Wireshark's checksum status values (PROTO_CHECKSUM_E_*). */
const GOOD = '1';
const NOT_PRESENT = '3';

/** The occurrences of a field in a row: outer layer first, then what the inner frame adds. */
const all = (row: Record<string, string>, field: string) => (row[field] ?? '').split(',');
const first = (row: Record<string, string>, field: string) => all(row, field)[0];

function sample<T>(arbitrary: fc.Arbitrary<T>, count: number): { seed: number; values: T[] } {
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  return { seed, values: fc.sample(arbitrary, { numRuns: count, seed }) };
}

const outerInput = fc.record({
  srcMac: macAddress(),
  dstMac: macAddress(),
  srcIp: ipv4Address(),
  dstIp: ipv4Address(),
  dstPort: fc.constantFrom(4789, 8472, 9527),
  ttl: fc.integer({ min: 1, max: 255 }),
  id: fc.integer({ min: 0, max: 0xffff }),
  df: fc.boolean(),
});

describe('tshark', () => {
  it.skipIf(noTshark)('reads the outer headers, VLAN tags, VXLAN header and inner addresses decapsulate reads', () => {
    const { seed, values } = sample(encapsulatedFrame(), 2500);
    const rows = tsharkFields(values.map((s) => s.bytes), [...FIELDS, 'ieee8021ad.id', 'ieee8021ad.svid', 'ieee8021ad.cvid'], ARGS);
    expect(rows.length).toBe(values.length);
    values.forEach((s, i) => {
      const row = rows[i]!;
      const where = `seed ${seed}, frame ${i}: ${toHex(s.bytes)}`;
      const d = decapsulate(s.bytes, s.options);
      const tags = d.outer.vlanIds.length;
      expect(all(row, 'eth.src').slice(0, 2), where).toEqual([formatMac(d.outer.srcMac), formatMac(macFromBytes(d.inner, 6))]);
      expect(all(row, 'eth.dst').slice(0, 2), where).toEqual([formatMac(d.outer.dstMac), formatMac(macFromBytes(d.inner, 0))]);
      // Wireshark files 802.1Q tags under vlan.id, 802.1ad ones under
      // ieee8021ad.id, or .svid/.cvid when two 802.1ad tags are stacked.
      const tpids = d.outer.vlanIds.map((_, t) => readU16(s.bytes, 12 + 4 * t));
      const q = d.outer.vlanIds.filter((_, t) => tpids[t] === 0x8100).map(String);
      const ad = d.outer.vlanIds.filter((_, t) => tpids[t] === 0x88a8).map(String);
      expect(q.length === 0 ? [] : all(row, 'vlan.id').slice(0, q.length), where).toEqual(q);
      const adFields = ad.length === 2 ? [row['ieee8021ad.svid'], row['ieee8021ad.cvid']] : ad.length === 1 ? [row['ieee8021ad.id']] : [];
      expect(adFields, where).toEqual(ad);
      expect([first(row, 'ip.src'), first(row, 'ip.dst'), first(row, 'ip.checksum.status')], where).toEqual([
        formatIpv4(d.outer.srcIp),
        formatIpv4(d.outer.dstIp),
        GOOD,
      ]);
      expect([first(row, 'udp.srcport'), first(row, 'udp.dstport'), first(row, 'udp.length')], where).toEqual([
        String(d.outer.srcPort),
        String(d.outer.dstPort),
        String(16 + d.inner.length),
      ]);
      expect(first(row, 'udp.checksum.status'), where).toBe(s.udpChecksum ? GOOD : NOT_PRESENT);
      expect([first(row, 'vxlan.flags'), first(row, 'vxlan.vni')], where).toEqual(['0x0800', String(d.vni)]);
    });
  });

  it.skipIf(noTshark)('accepts what encapsulate builds: lengths, both checksums, VNI and inner frame', () => {
    const input = fc.record({ inner: innerFrame(), vni: vni(), outer: outerInput, udpChecksum: fc.boolean() });
    const { seed, values } = sample(input, 1500);
    const frames = values.map((v) => encapsulate(v.inner, v));
    const rows = tsharkFields(frames, [...FIELDS, 'ip.ttl', 'ip.id', 'ip.flags.df', 'ip.len'], ARGS);
    values.forEach((v, i) => {
      const row = rows[i]!;
      const where = `seed ${seed}, frame ${i}: ${toHex(frames[i]!)}`;
      expect(all(row, 'eth.src').slice(0, 2), where).toEqual([formatMac(v.outer.srcMac), formatMac(macFromBytes(v.inner, 6))]);
      expect(all(row, 'eth.dst').slice(0, 2), where).toEqual([formatMac(v.outer.dstMac), formatMac(macFromBytes(v.inner, 0))]);
      expect(
        [first(row, 'ip.src'), first(row, 'ip.dst'), first(row, 'ip.ttl'), first(row, 'ip.id'), first(row, 'ip.flags.df'), first(row, 'ip.len')],
        where,
      ).toEqual([
        formatIpv4(v.outer.srcIp),
        formatIpv4(v.outer.dstIp),
        String(v.outer.ttl),
        hex(v.outer.id),
        v.outer.df ? '1' : '0',
        String(36 + v.inner.length),
      ]);
      expect(first(row, 'ip.checksum.status'), where).toBe(GOOD);
      expect([first(row, 'udp.dstport'), first(row, 'udp.length'), first(row, 'udp.checksum.status')], where).toEqual([
        String(v.outer.dstPort),
        String(16 + v.inner.length),
        v.udpChecksum ? GOOD : NOT_PRESENT,
      ]);
      expect([first(row, 'vxlan.flags'), first(row, 'vxlan.vni')], where).toEqual(['0x0800', String(v.vni)]);
    });
  });

  it.skipIf(noTshark)('reads any VXLAN header bits as we encode them', () => {
    const inner = readPcap(join(import.meta.dirname, 'fixtures', 'kernel-vxlan-4789.pcap'))[0]!.subarray(50);
    const { seed, values } = sample(fc.record({ header: anyVxlanHeader(), outer: outerInput }), 1500);
    const frames = values.map(({ header, outer }) => {
      const frame = encapsulate(inner, { vni: header.vni, outer });
      encodeVxlan(header, frame, 42);
      return frame;
    });
    const rows = tsharkFields(frames, ['vxlan.flags', 'vxlan.gbp', 'vxlan.vni', 'vxlan.reserved8'], ARGS);
    values.forEach(({ header }, i) => {
      const d = decodeVxlan(frames[i]!, 42, { mode: 'lax' }).header;
      expect(d).toEqual(header);
      // Wireshark reads the first 16 bits as flags (VXLAN-GBP's layout) and the next 16 as the group policy ID.
      expect(rows[i], `seed ${seed}, frame ${i}: ${toHex(frames[i]!)}`).toEqual({
        'vxlan.flags': hex((d.flags << 8) | (d.reserved1 >>> 16)),
        'vxlan.gbp': String(d.reserved1 & 0xffff),
        'vxlan.vni': String(d.vni),
        'vxlan.reserved8': String(d.reserved2),
      });
    });
  });
});

describe('tcpdump -n', () => {
  it.skipIf(noTcpdump)('prints the VXLAN line formatVxlan prints', () => {
    const inner = readPcap(join(import.meta.dirname, 'fixtures', 'kernel-vxlan-4789.pcap'))[0]!.subarray(50);
    const { seed, values } = sample(fc.record({ header: anyVxlanHeader(), outer: outerInput.map((o) => ({ ...o, dstPort: 4789 })) }), 300);
    const frames = values.map(({ header, outer }) => {
      const frame = encapsulate(inner, { vni: header.vni, outer });
      encodeVxlan(header, frame, 42);
      return frame;
    });
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-tcpdump-'));
    let out: string;
    try {
      writePcap(join(dir, 'frames.pcap'), frames);
      out = execFileSync('tcpdump', ['-t', '-n', '-r', join(dir, 'frames.pcap')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const lines = out.split('\n').filter((l) => l.includes(': VXLAN, '));
    expect(lines.length).toBe(frames.length);
    frames.forEach((frame, i) => {
      const srcPort = readU16(frame, 34);
      const o = values[i]!.outer;
      const ours = `IP ${formatIpv4(o.srcIp)}.${srcPort} > ${formatIpv4(o.dstIp)}.4789: ${formatVxlan(decodeVxlan(frame, 42, { mode: 'lax' }).header)}`;
      expect(lines[i], `seed ${seed}, frame ${i}`).toBe(ours);
    });
  });
});

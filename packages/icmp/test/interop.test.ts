import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIpv4 } from '@wirestack/core';
import { missingPrerequisite, tsharkFields, writePcap } from '@wirestack-tools/testkit';
import { decodeIcmp, encodeIcmp, formatIcmp, type IcmpMessage } from '../src/index.js';
import { icmpMessage } from '../src/arbitraries.js';
import { icmpFrame } from './helpers.js';

/**
 * The ground truth: thousands of our messages, each in a hand-written
 * Ethernet + IPv4 frame (correct IPv4 checksum, protocol 1), read by
 * Wireshark's ICMP dissector (field by field) and printed by tcpdump.
 */
const missingTshark = missingPrerequisite({ commands: ['tshark'] });
const missingTcpdump = missingPrerequisite({ commands: ['tcpdump'] });

const FIELDS = [
  'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.checksum.status', 'icmp.ident', 'icmp.seq', 'icmp.mtu', 'icmp.redir_gw',
  'icmp.pointer', 'icmp.length', 'icmp.originate_timestamp', 'icmp.receive_timestamp', 'icmp.transmit_timestamp',
  'icmp.address_mask', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'tcp.srcport', 'tcp.dstport',
] as const;

/** The first value of a field that occurs once per layer (the outer ICMP message's comes first). */
function first(row: Record<string, string>, field: string): string {
  return (row[field] ?? '').split(',')[0]!;
}

/** The fields Wireshark shows for the outer message, as we decoded them. */
function expectedOuter(m: IcmpMessage): Record<string, string> {
  const out: Record<string, string> = {
    'icmp.type': String(m.type),
    'icmp.code': String(m.code),
    'icmp.checksum': `0x${m.checksum.toString(16).padStart(4, '0')}`,
    // Wireshark verifies ICMP checksums without being asked (there is no preference to turn it on): 1 = Good
    'icmp.checksum.status': '1',
  };
  switch (m.kind) {
    case 'echo-request': case 'echo-reply': case 'info-request': case 'info-reply': case 'mask-request': case 'mask-reply':
    case 'timestamp': case 'timestamp-reply':
      out['icmp.ident'] = String(m.id);
      out['icmp.seq'] = String(m.seq);
      if (m.kind === 'timestamp' || m.kind === 'timestamp-reply') {
        out['icmp.originate_timestamp'] = String(m.originate);
        out['icmp.receive_timestamp'] = String(m.receive);
        out['icmp.transmit_timestamp'] = String(m.transmit);
      }
      if (m.kind === 'mask-request' || m.kind === 'mask-reply') out['icmp.address_mask'] = formatIpv4(m.mask as never);
      break;
    case 'dest-unreachable':
      if (m.code === 4) out['icmp.mtu'] = String(m.mtu);
      break;
    case 'redirect':
      out['icmp.redir_gw'] = formatIpv4(m.gateway);
      break;
    case 'parameter-problem':
      out['icmp.pointer'] = String(m.pointer);
      break;
    default:
      break;
  }
  if ('length' in m && m.length > 0) out['icmp.length'] = String(m.length);
  return out;
}

/**
 * Whether Wireshark dissects the quote as an IPv4 header: it is whole
 * (options included) and its IHL and total length are not bogus.
 */
function quoteHasAddresses(m: IcmpMessage): boolean {
  if (!('quoted' in m)) return false;
  const ip = m.quoted.ip;
  return ip !== undefined && ip.ihl >= 5 && m.quoted.raw.length >= ip.ihl * 4 && ip.totalLength >= ip.ihl * 4;
}

describe('tshark reads what we encode', () => {
  it.skipIf(missingTshark !== undefined)('on 4000 messages of every kind, quoted datagrams included', () => {
    const seed = Date.now();
    const messages = fc.sample(icmpMessage(), { numRuns: 4000, seed });
    const rows = tsharkFields(messages.map((m) => icmpFrame(encodeIcmp(m))), FIELDS);
    expect(rows.length, `seed ${seed}`).toBe(messages.length);
    let quotes = 0;
    let ports = 0;
    messages.forEach((m, i) => {
      const row = rows[i]!;
      const where = `message ${i} (${m.kind}), seed ${seed}`;
      const expected = expectedOuter(m);
      expect(Object.fromEntries(Object.keys(expected).map((f) => [f, first(row, f)])), where).toEqual(expected);
      // the outer IPv4 header is ours (10.0.0.1 -> 10.0.0.2); the quoted one comes second
      const src = row['ip.src']!.split(',');
      const dst = row['ip.dst']!.split(',');
      expect([src[0], dst[0]], where).toEqual(['10.0.0.1', '10.0.0.2']);
      if (!quoteHasAddresses(m) || !('quoted' in m)) return;
      quotes++;
      const ip = m.quoted.ip!;
      expect([src[1], dst[1]], where).toEqual([formatIpv4(ip.src), formatIpv4(ip.dst)]);
      const t = m.quoted.transport;
      if (t !== undefined && !ip.mf) {
        ports++;
        expect([first(row, `${t.protocol}.srcport`), first(row, `${t.protocol}.dstport`)], where).toEqual([String(t.srcPort), String(t.dstPort)]);
      }
    });
    // the comparison covered quoted datagrams, not only the outer headers
    // (about 1100 and 100 of 4000 on average)
    expect(quotes).toBeGreaterThan(500);
    expect(ports).toBeGreaterThan(30);
  });

  it.skipIf(missingTshark !== undefined)('and flags the checksums we get wrong on purpose, as our decoder does', () => {
    const seed = Date.now();
    const messages = fc.sample(fc.tuple(icmpMessage(), fc.integer({ min: 0, max: 0xffff })), { numRuns: 500, seed });
    const encoded = messages.map(([m, checksum]) => encodeIcmp({ ...m, checksum } as IcmpMessage));
    const rows = tsharkFields(encoded.map((b) => icmpFrame(b)), ['icmp.checksum.status']);
    encoded.forEach((bytes, i) => {
      const valid = decodeIcmp(bytes, 0, { checksum: 'ignore' }).header.checksumValid;
      expect(first(rows[i]!, 'icmp.checksum.status'), `message ${i}, seed ${seed}`).toBe(valid ? '1' : '0');
    });
  });
});

/**
 * Messages tcpdump prints in one line from what we decode. It prints
 * "[|icmp]" for a quote too short for the fields it shows (the IPv4 header;
 * for port unreachable, the port), where we print '?'.
 */
function tcpdumpComparable(m: IcmpMessage): boolean {
  if (m.kind === 'unknown') return m.type !== 9; // router advertisements: tcpdump lists their addresses
  if (!('quoted' in m)) return true;
  const ip = m.quoted.ip;
  if (ip === undefined || ip.ihl < 5) return false;
  return !(m.kind === 'dest-unreachable' && m.code === 3 && m.quoted.raw.length < ip.ihl * 4 + 4);
}

describe('tcpdump prints what formatIcmp prints', () => {
  it.skipIf(missingTcpdump !== undefined)('on 3000 messages of every kind', () => {
    const seed = Date.now();
    const messages = fc.sample(icmpMessage().filter(tcpdumpComparable), { numRuns: 3000, seed });
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-icmp-tcpdump-'));
    try {
      const file = join(dir, 'icmp.pcap');
      writePcap(file, messages.map((m) => icmpFrame(encodeIcmp(m))));
      const out = execFileSync('tcpdump', ['-n', '-r', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = out.trimEnd().split('\n');
      expect(lines.length, `seed ${seed}`).toBe(messages.length);
      messages.forEach((m, i) => {
        // "12:00:00.000000 IP 10.0.0.1 > 10.0.0.2: ICMP ..."
        const printed = lines[i]!.slice(lines[i]!.indexOf(': ') + 2);
        expect(printed, `message ${i}, seed ${seed}`).toBe(formatIcmp(m));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

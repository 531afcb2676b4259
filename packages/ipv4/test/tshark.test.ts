import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { formatIpv4, type Ipv4Address } from '@wirestack/core';
import { missingPrerequisite, tsharkFields } from '@wirestack-tools/testkit';
import { Ipv4View, decodeIpv4, fragmentIpv4, type Ipv4Option } from '../src/index.js';
import { ipv4Packet } from '../src/arbitraries.js';
import { inEthernet } from './helpers.js';

/**
 * tshark, the ground truth: thousands of our datagrams in Ethernet frames,
 * every header field compared with what Wireshark's IPv4 dissector reads,
 * with checksum validation on and reassembly off.
 */
const missing = missingPrerequisite({ commands: ['tshark'] });

const FIELDS = [
  'ip.version',
  'ip.hdr_len',
  'ip.dsfield.dscp',
  'ip.dsfield.ecn',
  'ip.len',
  'ip.id',
  'ip.flags.rb',
  'ip.flags.df',
  'ip.flags.mf',
  'ip.frag_offset',
  'ip.ttl',
  'ip.proto',
  'ip.checksum',
  'ip.checksum.status',
  'ip.src',
  'ip.dst',
  'ip.opt.type',
  'ip.opt.len',
  'ip.opt.ptr',
  'ip.opt.ra',
  'ip.opt.flag',
  'ip.opt.overflow',
] as const;
const ARGS = ['-o', 'ip.check_checksum:TRUE', '-o', 'ip.defragment:FALSE'];

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
const list = (values: readonly (number | string)[]): string => values.join(',');

/**
 * The option fields tshark shows, from our decoded options. Wireshark
 * labels an option it does not know "Unknown" without ip.opt.type or
 * ip.opt.len, so unknown options are left out of those lists.
 */
function optionFields(all: readonly Ipv4Option[]) {
  const options = all.filter((o) => o.kind !== 'unknown');
  const lengths: number[] = [];
  const pointers: number[] = [];
  const alerts: number[] = [];
  const flags: number[] = [];
  const overflows: number[] = [];
  for (const o of options) {
    switch (o.kind) {
      case 'record-route':
      case 'loose-source-route':
      case 'strict-source-route':
        lengths.push(3 + 4 * o.addresses.length);
        pointers.push(o.pointer);
        break;
      case 'timestamp':
        lengths.push(4 + (o.flag === 0 ? 4 : 8) * o.entries.length);
        pointers.push(o.pointer);
        flags.push(o.flag);
        overflows.push(o.overflow);
        break;
      case 'router-alert':
        lengths.push(4);
        alerts.push(o.value);
        break;
      default:
        break;
    }
  }
  return {
    'ip.opt.type': list(options.map((o) => o.type)),
    'ip.opt.len': list(lengths),
    'ip.opt.ptr': list(pointers),
    'ip.opt.ra': list(alerts),
    'ip.opt.flag': list(flags.map((f) => `0x${f.toString(16).padStart(2, '0')}`)),
    'ip.opt.overflow': list(overflows),
  };
}

/**
 * Wireshark's ip.dst on a source-routed datagram: when the first source
 * route option is still in progress (its pointer at or before the last
 * slot), the header's destination field is shown as the current route
 * (ip.cur_rt) rather than ip.dst; and every source route option in
 * progress adds its last address as a "Destination Address" (ip.dst).
 */
function wiresharkDestinations(dst: Ipv4Address, options: readonly Ipv4Option[]): string {
  const routes = options.filter((o) => o.kind === 'loose-source-route' || o.kind === 'strict-source-route');
  const inProgress = (o: Ipv4Option): boolean => 'addresses' in o && o.addresses.length > 0 && o.pointer <= 4 * o.addresses.length;
  const values: Ipv4Address[] = routes.length > 0 && inProgress(routes[0]!) ? [] : [dst];
  for (const o of routes) if (inProgress(o) && 'addresses' in o) values.push(o.addresses[o.addresses.length - 1]!);
  return list(values.map(formatIpv4));
}

/**
 * Option types Wireshark interprets itself (security, stream ID, MTU probe,
 * traceroute, quick-start, CIPSO, ...): random data in them is a different
 * option to Wireshark than to us, so the interop run keeps unknown options
 * to types Wireshark treats as unknown too.
 */
const WIRESHARK_KNOWN = new Set([2, 5, 10, 11, 12, 15, 25, 30, 82, 94, 130, 133, 134, 136, 142, 145, 147, 149, 150, 151, 152, 158, 205, 222]);
const interopSafe = (options: readonly Ipv4Option[]): boolean => options.every((o) => o.kind !== 'unknown' || !WIRESHARK_KNOWN.has(o.type));

describe('tshark agrees with our decoding', () => {
  it.skipIf(missing !== undefined)('on 3000 random datagrams, options included', () => {
    const seed = Date.now();
    // No payload: tshark would dissect random bytes as the next protocol
    // (an ICMP error or IP-in-IP quotes another IPv4 header, and its ip.*
    // fields would join ours).
    const cases = fc.sample(
      ipv4Packet({ maxPayload: 0, trailing: false }).filter((c) => interopSafe(c.header.options)),
      { numRuns: 3000, seed },
    );
    const rows = tsharkFields(cases.map((c) => inEthernet(c.bytes)), FIELDS, ARGS);
    expect(rows.length, `seed ${seed}`).toBe(cases.length);
    cases.forEach((c, i) => {
      const h = decodeIpv4(c.bytes).header;
      const row = rows[i]!;
      const ours = {
        'ip.version': String(h.version),
        'ip.hdr_len': String(h.ihl * 4),
        'ip.dsfield.dscp': String(h.dscp),
        'ip.dsfield.ecn': String(h.ecn),
        'ip.len': String(h.totalLength),
        'ip.id': hex4(h.id),
        'ip.flags.rb': h.reservedFlag ? '1' : '0',
        'ip.flags.df': h.df ? '1' : '0',
        'ip.flags.mf': h.mf ? '1' : '0',
        'ip.frag_offset': String(h.fragmentOffset / 8),
        'ip.ttl': String(h.ttl),
        'ip.proto': String(h.protocol),
        'ip.checksum': hex4(h.checksum),
        'ip.checksum.status': h.checksumValid ? '1' : '0',
        'ip.src': formatIpv4(h.src),
        'ip.dst': wiresharkDestinations(h.dst, h.options),
        ...optionFields(h.options),
      };
      expect(row, `datagram ${i}, seed ${seed}`).toEqual(ours);
    });
  });

  it.skipIf(missing !== undefined)('on fragments: a bad checksum is flagged, fragment offsets and MF as we wrote them', () => {
    const seed = Date.now();
    const cases = fc.sample(ipv4Packet({ minPayload: 200, maxPayload: 1200, trailing: false }).filter((c) => !c.header.df && !c.header.mf && c.header.fragmentOffset === 0 && interopSafe(c.header.options)), { numRuns: 200, seed });
    const frames: Uint8Array[] = [];
    const expected: { offset: number; mf: boolean; valid: boolean }[] = [];
    for (const [i, c] of cases.entries()) {
      // Protocol 253 (experimental): tshark leaves the first fragment's data
      // alone instead of dissecting it (an ICMP error would quote another
      // IPv4 header, whose fields would join ours).
      new Ipv4View(c.bytes).protocol = 253;
      new Ipv4View(c.bytes).fillChecksum();
      for (const f of fragmentIpv4(c.bytes, 68 + (i % 500))) {
        const bad = frames.length % 7 === 3;
        if (bad) f[10]! ^= 0x10; // corrupt the checksum of some
        const h = decodeIpv4(f, 0, { checksum: 'ignore' }).header;
        expect(h.checksumValid).toBe(!bad);
        frames.push(inEthernet(f));
        expected.push({ offset: h.fragmentOffset / 8, mf: h.mf, valid: !bad });
      }
    }
    const rows = tsharkFields(frames, ['ip.frag_offset', 'ip.flags.mf', 'ip.checksum.status'], ARGS);
    expect(rows.length, `seed ${seed}`).toBe(frames.length);
    rows.forEach((row, i) => {
      const e = expected[i]!;
      expect(row, `fragment ${i}, seed ${seed}`).toEqual({
        'ip.frag_offset': String(e.offset),
        'ip.flags.mf': e.mf ? '1' : '0',
        'ip.checksum.status': e.valid ? '1' : '0',
      });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { internetChecksum, parseIpv4, readU16, toHex, type Ipv4Address } from '@wirestack/core';
import { readPcap } from '@wirestack-tools/testkit';
import {
  IpProtocol,
  Ipv4Reassembler,
  decodeIpv4,
  encodeIpv4,
  formatIpv4Header,
  ipProtocolName,
  ipv4OptionName,
  isCopiedOption,
  type DecodedIpv4Header,
  type Ipv4Option,
} from '../src/index.js';
import { hexLines } from './helpers.js';

const ip = (text: string): Ipv4Address => parseIpv4(text);
const fixture = (name: string): Uint8Array[] => readPcap(join(__dirname, 'fixtures', name));

/** Fills in the header checksum with core's internetChecksum (independent of encodeIpv4). */
function withChecksum(datagram: Uint8Array): Uint8Array {
  const out = datagram.slice();
  out[10] = 0;
  out[11] = 0;
  const headerLength = (out[0]! & 0x0f) * 4;
  const checksum = internetChecksum(out, 0, headerLength);
  out[10] = checksum >>> 8;
  out[11] = checksum & 0xff;
  return out;
}

describe('RFC 791 header, bytes checked by hand', () => {
  // The classic worked example of the header checksum (UDP from 192.168.0.1
  // to 192.168.0.199): the one's complement sum of the other nine words is
  // 0x479e, so the checksum is 0xb861.
  const bytes = hexLines(`
    45          # version 4, IHL 5
    00          # DSCP 0, ECN 0
    00 73       # total length 115
    00 00       # identification 0
    40 00       # flags DF, fragment offset 0
    40          # TTL 64
    11          # protocol 17 UDP
    b8 61       # header checksum
    c0 a8 00 01 # source 192.168.0.1
    c0 a8 00 c7 # destination 192.168.0.199
  `);
  const datagram = new Uint8Array(115);
  datagram.set(bytes);

  it('decodes every field', () => {
    const d = decodeIpv4(datagram);
    expect(d.header).toEqual({
      version: 4,
      ihl: 5,
      dscp: 0,
      ecn: 0,
      totalLength: 115,
      id: 0,
      reservedFlag: false,
      df: true,
      mf: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: IpProtocol.UDP,
      checksum: 0xb861,
      src: ip('192.168.0.1'),
      dst: ip('192.168.0.199'),
      options: [],
      checksumValid: true,
    } satisfies DecodedIpv4Header);
    expect(d.headerLength).toBe(20);
    expect(d.payload.length).toBe(95);
    expect(d.issues).toEqual([]);
    expect(formatIpv4Header(d.header)).toBe('192.168.0.1 > 192.168.0.199: UDP, length 115');
  });

  it('encodes the same bytes, computing IHL, total length and the checksum', () => {
    const { header, payload } = decodeIpv4(datagram);
    const { ihl, totalLength, checksum, ...rest } = header;
    expect([ihl, totalLength, checksum]).toEqual([5, 115, 0xb861]);
    expect(toHex(encodeIpv4({ ...rest, payload }))).toBe(toHex(datagram));
  });

  it('every flag and the DSCP/ECN split of the old TOS octet', () => {
    // TOS 0xb9: DSCP 46 (EF), ECN 1 (ECT(1)); flags reserved + MF, offset 0x0123 units = 2328 bytes
    const d = decodeIpv4(withChecksum(hexLines('45 b9 0014 abcd a123 01 fd 0000 0a000001 0a000002')));
    expect(d.header).toMatchObject({ dscp: 46, ecn: 1, id: 0xabcd, reservedFlag: true, df: false, mf: true, fragmentOffset: 0x123 * 8, ttl: 1, protocol: 253 });
    expect(formatIpv4Header(d.header)).toBe('10.0.0.1 > 10.0.0.2: 0xfd, length 20 (frag 43981:0@2328+)');
    expect(formatIpv4Header(d.header, { verbose: true })).toBe(
      'IP (tos 0xb9,ECT(1), ttl 1, id 43981, offset 2328, flags [+, rsvd], proto 0xfd (253), length 20) 10.0.0.1 > 10.0.0.2',
    );
  });
});

/** A 20-byte fixed header (checksum filled in) followed by `options`, no payload. */
function withOptions(options: string): Uint8Array {
  const bytes = hexLines(options);
  const headerLength = 20 + bytes.length;
  expect(headerLength % 4).toBe(0);
  const out = new Uint8Array(headerLength);
  out.set(hexLines('40 00 0000 0001 0000 40 01 0000 0a000001 0a000002'));
  out[0] = 0x40 | (headerLength / 4);
  out[3] = headerLength;
  out.set(bytes, 20);
  return withChecksum(out);
}

/** Decodes, checks the options, and that encoding the header gives the same bytes. */
function expectOptions(options: string, expected: readonly Ipv4Option[]): void {
  const datagram = withOptions(options);
  const d = decodeIpv4(datagram);
  expect(d.issues).toEqual([]);
  expect(d.header.options).toEqual(expected);
  expect(toHex(encodeIpv4(d.header))).toBe(toHex(datagram));
  // and from the options alone: IHL, length and checksum computed
  const { ihl, totalLength, checksum, ...rest } = d.header;
  expect(toHex(encodeIpv4(rest))).toBe(toHex(datagram));
}

describe('options, one vector per type (RFC 791 §3.1, RFC 2113)', () => {
  it('No Operation and End of Option List', () => {
    expectOptions('01 01 01 00', [{ type: 1, kind: 'nop' }, { type: 1, kind: 'nop' }, { type: 1, kind: 'nop' }, { type: 0, kind: 'eol' }]);
    // what follows EOL is padding, not options
    expectOptions('00 00 00 00', [{ type: 0, kind: 'eol' }]);
  });

  it('Record Route (type 7): pointer 8 after one hop', () => {
    expectOptions('07 0b 08 0a000001 00000000 00', [
      { type: 7, kind: 'record-route', pointer: 8, addresses: [ip('10.0.0.1'), ip('0.0.0.0')] },
      { type: 0, kind: 'eol' },
    ]);
  });

  it('Loose Source and Record Route (type 131, copied)', () => {
    expectOptions('83 0b 04 c0000201 c0000202 00', [
      { type: 131, kind: 'loose-source-route', pointer: 4, addresses: [ip('192.0.2.1'), ip('192.0.2.2')] },
      { type: 0, kind: 'eol' },
    ]);
  });

  it('Strict Source and Record Route (type 137, copied): pointer past the end means the route is done', () => {
    expectOptions('01 89 07 08 c0000201', [
      { type: 1, kind: 'nop' },
      { type: 137, kind: 'strict-source-route', pointer: 8, addresses: [ip('192.0.2.1')] },
    ]);
  });

  it('Timestamp flag 0: timestamps only', () => {
    expectOptions('44 0c 09 00 0526 5c00 00000000', [
      { type: 68, kind: 'timestamp', pointer: 9, overflow: 0, flag: 0, entries: [{ timestamp: 0x05265c00 }, { timestamp: 0 }] },
    ]);
  });

  it('Timestamp flag 1: address and timestamp, overflow counted in the high nibble', () => {
    expectOptions('44 14 0d 21 0a000001 05265c00 00000000 00000000', [
      {
        type: 68,
        kind: 'timestamp',
        pointer: 13,
        overflow: 2,
        flag: 1,
        entries: [{ address: ip('10.0.0.1'), timestamp: 86_400_000 }, { address: ip('0.0.0.0'), timestamp: 0 }],
      },
    ]);
  });

  it('Timestamp flag 3: prespecified addresses', () => {
    expectOptions('44 14 05 03 0a000001 00000000 0a000002 00000000', [
      {
        type: 68,
        kind: 'timestamp',
        pointer: 5,
        overflow: 0,
        flag: 3,
        entries: [{ address: ip('10.0.0.1'), timestamp: 0 }, { address: ip('10.0.0.2'), timestamp: 0 }],
      },
    ]);
  });

  it('Router Alert (type 148, RFC 2113 §2.1: 10010100 00000100 then the value)', () => {
    const datagram = withOptions('94 04 0000');
    expect(decodeIpv4(datagram).header.options).toEqual([{ type: 148, kind: 'router-alert', value: 0 }]);
    expectOptions('94 04 0000', [{ type: 148, kind: 'router-alert', value: 0 }]);
    expect(formatIpv4Header(decodeIpv4(datagram).header, { verbose: true })).toContain('options (RA 0)');
  });

  it('unknown options (Stream ID 136, Security 130) are kept as bytes and written back', () => {
    expectOptions('88 04 1234 82 0b 0000 0000 0000 0000 00 00', [
      { type: 136, kind: 'unknown', data: hexLines('1234') },
      { type: 130, kind: 'unknown', data: hexLines('0000 0000 0000 0000 00') },
      { type: 0, kind: 'eol' },
    ]);
  });

  it('malformed option lists: DecodeError in strict mode, an issue and the raw bytes in lax mode', () => {
    const cases: [string, number, string][] = [
      ['07 00 0000', 20, 'length 0'],
      ['01 44 01 00', 21, 'length 1'],
      ['01 01 01 07', 23, 'no length octet'],
      ['94 09 0000', 20, 'runs past the header'],
      ['07 05 04 00 00 000000', 20, 'RR length not 3 + 4n'],
      ['94 03 00 00', 20, 'RA length 3'],
      ['44 08 05 02 00000000', 20, 'TS flag 2'],
    ];
    for (const [options, at, why] of cases) {
      const datagram = withOptions(options);
      expect(() => decodeIpv4(datagram), why).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'bad-option', layer: 'ipv4', offset: at }));
      const lax = decodeIpv4(datagram, 0, { mode: 'lax' });
      expect(lax.issues.map((i) => [i.code, i.offset]), why).toEqual([['bad-option', at]]);
      expect(lax.header.options.some((o) => o.kind === 'malformed'), why).toBe(true);
      expect(toHex(encodeIpv4(lax.header)), why).toBe(toHex(datagram));
    }
  });

  it('a misplaced pointer is an issue, but the option stays readable', () => {
    const datagram = withOptions('07 07 05 0a000001 00');
    expect(() => decodeIpv4(datagram)).toThrow(expect.objectContaining({ code: 'bad-option', offset: 20 }));
    const lax = decodeIpv4(datagram, 0, { mode: 'lax' });
    expect(lax.header.options).toEqual([
      { type: 7, kind: 'record-route', pointer: 5, addresses: [ip('10.0.0.1')] },
      { type: 0, kind: 'eol' },
    ]);
  });
});

describe('kernel captures: fragmented ping (ping -s 3000 over MTU 1500)', () => {
  const frames = fixture('kernel-fragments.pcap');
  const expected = [
    { id: 0x4ced, mf: true, fragmentOffset: 0, totalLength: 1500, checksum: 0xf36b, src: '10.99.0.1', dst: '10.99.0.2' },
    { id: 0x4ced, mf: true, fragmentOffset: 1480, totalLength: 1500, checksum: 0xf2b2, src: '10.99.0.1', dst: '10.99.0.2' },
    { id: 0x4ced, mf: false, fragmentOffset: 2960, totalLength: 68, checksum: 0x1792, src: '10.99.0.1', dst: '10.99.0.2' },
    { id: 0xbd51, mf: true, fragmentOffset: 0, totalLength: 1500, checksum: 0x8307, src: '10.99.0.2', dst: '10.99.0.1' },
    { id: 0xbd51, mf: true, fragmentOffset: 1480, totalLength: 1500, checksum: 0x824e, src: '10.99.0.2', dst: '10.99.0.1' },
    { id: 0xbd51, mf: false, fragmentOffset: 2960, totalLength: 68, checksum: 0xa72d, src: '10.99.0.2', dst: '10.99.0.1' },
  ];
  // tcpdump -v -n -r kernel-fragments.pcap, first line of each packet
  const tcpdump = [
    'IP (tos 0x0, ttl 64, id 19693, offset 0, flags [+], proto ICMP (1), length 1500)',
    'IP (tos 0x0, ttl 64, id 19693, offset 1480, flags [+], proto ICMP (1), length 1500)',
    'IP (tos 0x0, ttl 64, id 19693, offset 2960, flags [none], proto ICMP (1), length 68)',
    'IP (tos 0x0, ttl 64, id 48465, offset 0, flags [+], proto ICMP (1), length 1500)',
    'IP (tos 0x0, ttl 64, id 48465, offset 1480, flags [+], proto ICMP (1), length 1500)',
    'IP (tos 0x0, ttl 64, id 48465, offset 2960, flags [none], proto ICMP (1), length 68)',
  ];

  it('has the six frames tshark lists', () => {
    expect(frames.length).toBe(6);
  });

  it.each(expected.map((e, i) => [i + 1, e] as const))('frame %i decodes field by field', (n, e) => {
    const frame = frames[n - 1]!;
    expect(readU16(frame, 12)).toBe(0x0800);
    const d = decodeIpv4(frame, 14);
    expect(d.header).toEqual({
      version: 4,
      ihl: 5,
      dscp: 0,
      ecn: 0,
      totalLength: e.totalLength,
      id: e.id,
      reservedFlag: false,
      df: false,
      mf: e.mf,
      fragmentOffset: e.fragmentOffset,
      ttl: 64,
      protocol: IpProtocol.ICMP,
      checksum: e.checksum,
      src: ip(e.src),
      dst: ip(e.dst),
      options: [],
      checksumValid: true,
    });
    expect(d.headerLength).toBe(20);
    expect(d.payload.length).toBe(e.totalLength - 20);
    expect(formatIpv4Header(d.header, { verbose: true })).toBe(`${tcpdump[n - 1]} ${e.src} > ${e.dst}`);
    expect(toHex(encodeIpv4(d.header, undefined, 0))).toBe(toHex(frame.subarray(14, 34)));
  });

  it('the fragments reassemble, in any order, to the 3028-byte echo request and reply', () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      for (const [first, icmpType] of [[0, 8], [3, 0]] as const) {
        const reassembler = new Ipv4Reassembler();
        const results = order.map((i) => reassembler.push(frames[first + i]!, 1000 + i, 14));
        expect(results.slice(0, 2)).toEqual([undefined, undefined]);
        const datagram = results[2]!;
        expect(datagram).toBeInstanceOf(Uint8Array);
        const d = decodeIpv4(datagram);
        expect(d.header).toMatchObject({ totalLength: 3028, mf: false, fragmentOffset: 0, id: expected[first]!.id, checksumValid: true });
        // 8 ICMP header bytes + 3000 data bytes (ping -s 3000), with a valid ICMP checksum
        expect(d.payload.length).toBe(3008);
        expect(d.payload[0]).toBe(icmpType);
        expect(internetChecksum(d.payload)).toBe(0);
        // the reassembled first header is the first fragment's, MF cleared
        expect(toHex(datagram.subarray(20, 1500))).toBe(toHex(frames[first]!.subarray(34)));
        expect(reassembler.stats).toMatchObject({ reasmReqds: 3, reasmOKs: 1, reasmFails: 0 });
        expect(reassembler.pendingCount).toBe(0);
        expect(reassembler.memory).toBe(0);
      }
    }
  });
});

describe('kernel captures: ping -R (Record Route through one router)', () => {
  const frames = fixture('kernel-record-route.pcap');
  const zero = ip('0.0.0.0');

  it('the echo request carries NOP + an RR option with the sender recorded (pointer 8)', () => {
    const d = decodeIpv4(frames[0]!, 14);
    expect(d.headerLength).toBe(60);
    expect(d.header).toMatchObject({ ihl: 15, totalLength: 124, id: 0xdbd1, df: true, ttl: 64, checksum: 0x0974, checksumValid: true });
    expect(d.header.options).toEqual([
      { type: 1, kind: 'nop' },
      { type: 7, kind: 'record-route', pointer: 8, addresses: [ip('10.99.1.1'), zero, zero, zero, zero, zero, zero, zero, zero] },
    ]);
    expect(d.payload.length).toBe(64);
    expect(internetChecksum(d.payload)).toBe(0);
    expect(toHex(encodeIpv4(d.header))).toBe(toHex(frames[0]!.subarray(14, 74)));
  });

  it('the reply carries the route there and back (pointer 24: five addresses), then EOL', () => {
    const d = decodeIpv4(frames[1]!, 14);
    expect(d.header).toMatchObject({ ihl: 15, totalLength: 124, id: 0x6f91, df: false, ttl: 63, checksum: 0xdac2, checksumValid: true });
    expect(d.header.options).toEqual([
      {
        type: 7,
        kind: 'record-route',
        pointer: 24,
        addresses: [ip('10.99.1.1'), ip('10.99.2.254'), ip('10.99.2.2'), ip('10.99.2.2'), ip('10.99.1.254'), zero, zero, zero, zero],
      },
      { type: 0, kind: 'eol' },
    ]);
    expect(formatIpv4Header(d.header, { verbose: true })).toBe(
      'IP (tos 0x0, ttl 63, id 28561, offset 0, flags [none], proto ICMP (1), length 124, options (RR ptr 24: 10.99.1.1 10.99.2.254 10.99.2.2 10.99.2.2 10.99.1.254 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0,EOL)) 10.99.2.2 > 10.99.1.1',
    );
    expect(toHex(encodeIpv4(d.header))).toBe(toHex(frames[1]!.subarray(14, 74)));
  });
});

describe('names', () => {
  it('IP protocol numbers: named ones, unknown ones as hex (the enumeration is open)', () => {
    expect([1, 2, 6, 17, 47, 50, 51, 58, 89, 132].map(ipProtocolName)).toEqual(['ICMP', 'IGMP', 'TCP', 'UDP', 'GRE', 'ESP', 'AH', 'ICMPv6', 'OSPF', 'SCTP']);
    expect(ipProtocolName(200)).toBe('0xc8');
    expect(IpProtocol.SCTP).toBe(132);
  });

  it('option names and the copied flag', () => {
    expect([0, 1, 7, 68, 131, 137, 148, 30].map(ipv4OptionName)).toEqual(['EOL', 'NOP', 'RR', 'TS', 'LSRR', 'SSRR', 'RA', '0x1e']);
    expect([7, 68, 131, 137, 148].map(isCopiedOption)).toEqual([false, false, true, true, true]);
  });
});

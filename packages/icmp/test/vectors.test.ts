import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bytesEqual, formatIpv4, parseIpv4, readU16, toHex } from '@wirestack/core';
import { readPcap } from '@wirestack-tools/testkit';
import {
  IcmpView,
  decodeIcmp,
  encodeIcmp,
  formatIcmp,
  fragmentationNeeded,
  timeExceeded,
  type IcmpMessage,
} from '../src/index.js';
import { hexLines } from './helpers.js';

const frames = readPcap(join(import.meta.dirname, 'fixtures', 'kernel-icmp.pcap'));

/** The ICMP message of a captured Ethernet/IPv4 frame: offset and length from the (hand-read) IPv4 header. */
function icmpOf(frame: Uint8Array): { offset: number; length: number } {
  expect(readU16(frame, 12)).toBe(0x0800);
  expect(frame[23]).toBe(1); // protocol ICMP
  const ihl = (frame[14]! & 0x0f) * 4;
  return { offset: 14 + ihl, length: readU16(frame, 16) - ihl };
}

function decodeFrame(n: number): IcmpMessage {
  const frame = frames[n - 1]!;
  const { offset, length } = icmpOf(frame);
  const d = decodeIcmp(frame, offset, { length });
  expect(d.issues).toEqual([]);
  expect(d.header.checksumValid).toBe(true);
  expect(new IcmpView(frame, offset, length).verifyChecksum()).toBe(true);
  // what was captured re-encodes byte for byte
  expect(toHex(encodeIcmp(d.header))).toBe(toHex(frame.subarray(offset, offset + length)));
  return d.header;
}

/** The 8 lines `tcpdump -n -r kernel-icmp.pcap` prints, after "IP a > b: " (frame 3 is the UDP datagram). */
const TCPDUMP: Readonly<Record<number, string>> = {
  1: 'ICMP echo request, id 25236, seq 1, length 64',
  2: 'ICMP echo reply, id 25236, seq 1, length 64',
  4: 'ICMP 10.99.2.2 udp port 33434 unreachable, length 45',
  5: 'ICMP echo request, id 25239, seq 1, length 64',
  6: 'ICMP time exceeded in-transit, length 92',
  7: 'ICMP echo request, id 25240, seq 1, length 1408',
  8: 'ICMP 10.99.2.2 unreachable - need to frag (mtu 1280), length 556',
};

describe('kernel capture (test/fixtures/kernel-icmp.pcap, checked against tshark -V)', () => {
  it('holds the 8 frames the fixture README lists', () => {
    expect(frames.map((f) => f.length)).toEqual([98, 98, 51, 79, 98, 126, 98, 590].map((n, i) => (i === 6 ? 1442 : n)));
    expect(frames[2]![23]).toBe(17); // frame 3: the UDP datagram to the closed port
  });

  it('echo request and reply: id 0x6294, seq 1, 56 bytes of data, checksums 0x4393 / 0x4b93', () => {
    const request = decodeFrame(1);
    const reply = decodeFrame(2);
    expect(request).toMatchObject({ kind: 'echo-request', type: 8, code: 0, checksum: 0x4393, id: 25236, seq: 1 });
    expect(reply).toMatchObject({ kind: 'echo-reply', type: 0, code: 0, checksum: 0x4b93, id: 25236, seq: 1 });
    if (request.kind !== 'echo-request' || reply.kind !== 'echo-reply') throw new Error('kinds');
    expect(request.data.length).toBe(56);
    expect(bytesEqual(request.data, reply.data)).toBe(true);
    // ping's pattern after its 16-byte timestamp: 0x10, 0x11, ...
    expect(Array.from(request.data.subarray(16, 20))).toEqual([0x10, 0x11, 0x12, 0x13]);
  });

  it('port unreachable quotes the UDP datagram whole: 10.99.1.1:37191 -> 10.99.2.2:33434, "wirestack"', () => {
    const m = decodeFrame(4);
    expect(m).toMatchObject({ kind: 'dest-unreachable', type: 3, code: 3, checksum: 0x14e8, unused: 0, length: 0, mtu: 0 });
    if (m.kind !== 'dest-unreachable') throw new Error(m.kind);
    expect(m.quoted.raw.length).toBe(37);
    expect(m.quoted.truncated).toBe(false);
    expect(m.quoted.ip).toMatchObject({
      version: 4, ihl: 5, dscp: 0, ecn: 0, totalLength: 37, id: 0xa71c, df: true, mf: false, fragmentOffset: 0,
      ttl: 63, protocol: 17, checksum: 0x7ce3,
    });
    expect(formatIpv4(m.quoted.ip!.src)).toBe('10.99.1.1');
    expect(formatIpv4(m.quoted.ip!.dst)).toBe('10.99.2.2');
    expect(m.quoted.ip!.options.length).toBe(0);
    expect(m.quoted.transport).toEqual({ protocol: 'udp', srcPort: 37191, dstPort: 33434, length: 17, checksum: 0xaa7a });
    expect(new TextDecoder().decode(m.quoted.raw.subarray(28))).toBe('wirestack');
  });

  it('TTL exceeded (from the router 10.99.1.254) quotes the whole 84-byte echo request it dropped', () => {
    const m = decodeFrame(6);
    expect(m).toMatchObject({ kind: 'time-exceeded', type: 11, code: 0, checksum: 0xf4ff, unused: 0, length: 0 });
    if (m.kind !== 'time-exceeded') throw new Error(m.kind);
    expect(m.quoted.raw.length).toBe(84);
    expect(m.quoted.ip).toMatchObject({ totalLength: 84, id: 0xf075, ttl: 1, protocol: 1, checksum: 0x716b, df: true });
    expect(m.quoted.transport).toBeUndefined(); // ICMP: no ports
    // the quoted echo request is frame 5's, byte for byte
    expect(toHex(m.quoted.raw)).toBe(toHex(frames[4]!.subarray(14)));
  });

  it('fragmentation needed carries next-hop MTU 1280 and quotes 548 bytes (576-byte datagram, RFC 1812)', () => {
    const m = decodeFrame(8);
    expect(m).toMatchObject({ kind: 'dest-unreachable', type: 3, code: 4, checksum: 0x0ec9, mtu: 1280, length: 0 });
    if (m.kind !== 'dest-unreachable') throw new Error(m.kind);
    expect(m.quoted.raw.length).toBe(548);
    expect(m.quoted.truncated).toBe(false); // header + 8 bytes are there; the rest of the 1428 need not be
    expect(m.quoted.ip).toMatchObject({ totalLength: 1428, id: 0, ttl: 64, protocol: 1, df: true });
  });

  it('formatIcmp prints what tcpdump -n printed for each message', () => {
    for (const [n, line] of Object.entries(TCPDUMP)) {
      const frame = frames[Number(n) - 1]!;
      const { offset, length } = icmpOf(frame);
      expect(formatIcmp(decodeIcmp(frame, offset, { length }).header), `frame ${n}`).toBe(line);
    }
  });

  it('errorFor rebuilds the router\'s time exceeded and fragmentation needed byte for byte', () => {
    const dropped = frames[4]!.subarray(14); // the ttl 1 echo request
    const tooBig = frames[6]!.subarray(14); // the 1428-byte DF echo request
    const te = frames[5]!.subarray(34);
    const fn = frames[7]!.subarray(34);
    expect(toHex(encodeIcmp(timeExceeded(dropped)))).toBe(toHex(te));
    expect(toHex(encodeIcmp(fragmentationNeeded(tooBig, 1280)))).toBe(toHex(fn));
  });
});

describe('hand-made vectors (RFC 792, 950, 1191, 4884 layouts; checksums computed by hand)', () => {
  it('echo request id 0x1234 seq 1 "abcd": checksum ~(0800+1234+0001+6162+6364) = 0x2104', () => {
    const bytes = hexLines(`
      08 00     # type 8 echo request, code 0
      21 04     # checksum
      12 34     # identifier
      00 01     # sequence number
      61 62 63 64  # data "abcd"
    `);
    const { header, headerLength, payload } = decodeIcmp(bytes);
    expect(header).toEqual({ kind: 'echo-request', type: 8, code: 0, checksum: 0x2104, checksumValid: true, id: 0x1234, seq: 1, data: Uint8Array.of(0x61, 0x62, 0x63, 0x64) });
    expect(headerLength).toBe(8);
    expect(Array.from(payload)).toEqual([0x61, 0x62, 0x63, 0x64]);
    expect(toHex(encodeIcmp({ kind: 'echo-request', id: 0x1234, seq: 1, data: Uint8Array.of(0x61, 0x62, 0x63, 0x64) }))).toBe(toHex(bytes));
    expect(formatIcmp(header)).toBe('ICMP echo request, id 4660, seq 1, length 12');
  });

  it('timestamp reply (RFC 792): 20 bytes, three 32-bit times', () => {
    const bytes = hexLines(`
      0e 00 00 00   # type 14, code 0, checksum (filled below)
      00 07 00 02   # id 7, seq 2
      00 00 03 e8   # originate 1000 ms
      05 26 5c 00   # receive 86400000 ms = 24:00:00.000
      80 00 00 01   # transmit: high bit = not milliseconds since midnight
    `);
    const view = new IcmpView(bytes);
    view.fillChecksum();
    // ~(0e00 + 0007 + 0002 + 0000 + 03e8 + 0526 + 5c00 + 8000 + 0001) = ~0xf318 = 0x0ce7
    expect(view.checksum).toBe(0x0ce7);
    const { header, headerLength } = decodeIcmp(bytes);
    expect(header).toEqual({ kind: 'timestamp-reply', type: 14, code: 0, checksum: 0x0ce7, checksumValid: true, id: 7, seq: 2, originate: 1000, receive: 86_400_000, transmit: 0x8000_0001 });
    expect(headerLength).toBe(20);
    expect(formatIcmp(header)).toBe('ICMP time stamp reply id 7 seq 2: org 00:00:01.000, recv 24:00:00.000, xmit 596:31:23.649, length 20');
  });

  it('address mask reply (RFC 950)', () => {
    const mask = encodeIcmp({ kind: 'mask-reply', id: 1, seq: 1, mask: 0xffff_ff00 });
    // ~(1200 + 0001 + 0001 + ffff + ff00) = ~fold(0x21101) = ~0x1103 = 0xeefc
    expect(toHex(mask)).toBe('1200eefc00010001ffffff00');
    expect(decodeIcmp(mask).header).toEqual({ kind: 'mask-reply', type: 18, code: 0, checksum: 0xeefc, checksumValid: true, id: 1, seq: 1, mask: 0xffff_ff00 });
    expect(formatIcmp(decodeIcmp(mask).header)).toBe('ICMP address mask is 0xffffff00, length 12');
  });

  it('redirect to host (RFC 792): gateway in bytes 4-7, the datagram quoted after', () => {
    const quoted = hexLines(`
      45 00 00 1c 00 01 00 00 40 11 00 00   # IPv4, 28 bytes, UDP (checksum left 0)
      0a 00 00 01 0a 00 09 09               # 10.0.0.1 -> 10.0.9.9
      04 00 00 35 00 08 00 00               # UDP 1024 -> 53
    `);
    const bytes = hexLines(`
      05 01 00 00   # type 5 redirect, code 1 host, checksum (below)
      0a 00 00 fe   # gateway 10.0.0.254
    `);
    const message = Uint8Array.from([...bytes, ...quoted]);
    new IcmpView(message).fillChecksum();
    const { header } = decodeIcmp(message);
    expect(header).toMatchObject({ kind: 'redirect', type: 5, code: 1, gateway: parseIpv4('10.0.0.254'), checksumValid: true });
    if (header.kind !== 'redirect') throw new Error(header.kind);
    expect(header.quoted.transport).toEqual({ protocol: 'udp', srcPort: 1024, dstPort: 53, length: 8, checksum: 0 });
    expect(formatIcmp(header)).toBe('ICMP redirect 10.0.9.9 to host 10.0.0.254, length 36');
    expect(toHex(encodeIcmp(header))).toBe(toHex(message));
  });

  it('RFC 4884: length 32 words splits a 128-byte quote from the extension structure', () => {
    const quote = new Uint8Array(128);
    quote.set([0x45, 0, 0, 128], 0);
    const extensions = hexLines('20 00 00 00  00 08 01 01  00 00 00 05'); // version 2, one object (class 1 ctype 1)
    const bytes = encodeIcmp({ kind: 'time-exceeded', quoted: { raw: quote.subarray(0, 100) }, extensions });
    expect(bytes.length).toBe(8 + 128 + 12); // zero-padded to 128, length computed
    expect(bytes[5]).toBe(32);
    const { header } = decodeIcmp(bytes);
    if (header.kind !== 'time-exceeded') throw new Error(header.kind);
    expect(header.length).toBe(32);
    expect(header.quoted.raw.length).toBe(128);
    expect(toHex(header.extensions)).toBe(toHex(extensions));
  });

  it('a quote cut before the transport header decodes with truncated set, in strict mode and with an issue in lax', () => {
    const bytes = encodeIcmp({ kind: 'dest-unreachable', code: 3, quoted: { raw: hexLines('45 00 00 25 a7 1c 40 00 3f 11 7c e3 0a 63 01 01 0a 63 02 02 91 47') } });
    const strict = decodeIcmp(bytes);
    if (strict.header.kind !== 'dest-unreachable') throw new Error(strict.header.kind);
    expect(strict.header.quoted.truncated).toBe(true);
    expect(strict.header.quoted.transport).toBeUndefined();
    expect(strict.header.quoted.ip?.dst).toBe(parseIpv4('10.99.2.2'));
    expect(strict.issues).toEqual([]);
    const lax = decodeIcmp(bytes, 0, { mode: 'lax' });
    expect(lax.issues).toEqual([expect.objectContaining({ code: 'quote-truncated', layer: 'icmp', offset: 8 })]);
    expect(formatIcmp(strict.header)).toBe('ICMP 10.99.2.2 udp port ? unreachable, length 30');
  });
});

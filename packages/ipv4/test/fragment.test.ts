import { describe, expect, it } from 'vitest';
import { bytesEqual, parseIpv4 } from '@wirestack/core';
import { Ipv4Reassembler, decodeIpv4, encodeIpv4, fragmentIpv4, type Ipv4Input } from '../src/index.js';

const ip = parseIpv4;
const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

const datagram: Ipv4Input = {
  id: 0x1234,
  ttl: 64,
  protocol: 17,
  src: ip('10.0.0.1'),
  dst: ip('10.0.0.2'),
  options: [
    { kind: 'record-route', pointer: 4, addresses: [ip('0.0.0.0'), ip('0.0.0.0')] }, // 11 bytes, not copied
    { kind: 'loose-source-route', pointer: 4, addresses: [ip('192.0.2.1'), ip('192.0.2.2')] }, // 11 bytes, copied
    { kind: 'router-alert', value: 0 }, // 4 bytes, copied
  ],
  payload,
};

describe('fragmentIpv4 (RFC 791 §3.2)', () => {
  it('splits at multiples of 8, keeps every option in the first fragment and only copied ones after, padded to 4', () => {
    const bytes = encodeIpv4(datagram);
    expect(bytes.length).toBe(48 + 1000); // 26 bytes of options, padded to 28
    const fragments = fragmentIpv4(bytes, 300);
    const decoded = fragments.map((f) => decodeIpv4(f));
    // first: 48-byte header + floor(252 / 8) * 8 = 248; later: 36-byte header (15 bytes of options + EOL) + 264
    expect(decoded.map((d) => [d.headerLength, d.header.fragmentOffset, d.payload.length, d.header.mf])).toEqual([
      [48, 0, 248, true],
      [36, 248, 264, true],
      [36, 512, 264, true],
      [36, 776, 224, false],
    ]);
    expect(fragments.map((f) => f.length)).toEqual([296, 300, 300, 260]);
    expect(decoded[0]!.header.options.map((o) => o.kind)).toEqual(['record-route', 'loose-source-route', 'router-alert', 'eol']);
    for (const d of decoded.slice(1)) {
      expect(d.header.options.map((o) => o.kind)).toEqual(['loose-source-route', 'router-alert', 'eol']);
    }
    for (const d of decoded) {
      expect(d.header).toMatchObject({ id: 0x1234, ttl: 64, protocol: 17, df: false, checksumValid: true });
    }
    expect(bytesEqual(Uint8Array.from(decoded.flatMap((d) => [...d.payload])), payload)).toBe(true);
  });

  it('a datagram that fits comes back alone, as a copy without trailing bytes', () => {
    const bytes = encodeIpv4({ ...datagram, payload: payload.subarray(0, 100) });
    const padded = Uint8Array.from([...bytes, 0, 0, 0]);
    const [only, ...rest] = fragmentIpv4(padded, 1500);
    expect(rest).toEqual([]);
    expect(bytesEqual(only!, bytes)).toBe(true);
    expect(only!.buffer).not.toBe(padded.buffer);
  });

  it("Don't Fragment: an EncodeError when the datagram does not fit, none when it does", () => {
    const bytes = encodeIpv4({ ...datagram, df: true });
    expect(() => fragmentIpv4(bytes, 1500)).not.toThrow();
    expect(() => fragmentIpv4(bytes, 1000)).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'dont-fragment', field: 'df' }));
  });

  it('an MTU with no room for 8 data bytes after the header is refused', () => {
    const bytes = encodeIpv4(datagram);
    expect(() => fragmentIpv4(bytes, 55)).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'out-of-range', field: 'mtu' }));
    expect(fragmentIpv4(bytes, 56).length).toBeGreaterThan(1); // 48 + 8
    expect(() => fragmentIpv4(encodeIpv4({ ...datagram, options: [] }), 27)).toThrow(expect.objectContaining({ field: 'mtu' }));
  });

  it('re-fragmenting a fragment keeps offsets and MF right, and everything reassembles', () => {
    const bytes = encodeIpv4(datagram);
    const [a, b, c] = fragmentIpv4(bytes, 600); // data 0..552 (MF) behind 48 header bytes, then 552..1000 behind 36
    expect(c).toBeUndefined();
    const smaller = fragmentIpv4(a!, 200); // the first fragment, MF set, split further
    const last = fragmentIpv4(b!, 120); // the last fragment, MF clear, offset 552
    for (const f of smaller) expect(decodeIpv4(f).header.mf).toBe(true);
    const lastHeaders = last.map((f) => decodeIpv4(f).header);
    expect(lastHeaders[0]!.fragmentOffset).toBe(decodeIpv4(b!).header.fragmentOffset);
    expect(lastHeaders.map((h) => h.mf)).toEqual([...lastHeaders.slice(1).map(() => true), false]);
    for (const h of lastHeaders) expect(h.fragmentOffset % 8).toBe(0);
    const reassembler = new Ipv4Reassembler();
    const results = [...last, ...smaller.reverse()].map((f, i) => reassembler.push(f, i));
    expect(bytesEqual(results[results.length - 1]!, bytes)).toBe(true);
  });

  it('rejects bytes that are not a datagram with a DecodeError', () => {
    expect(() => fragmentIpv4(new Uint8Array(10), 68)).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'truncated' }));
  });
});

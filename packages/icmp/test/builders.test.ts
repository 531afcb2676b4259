import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { bytesEqual, isEncodeError, parseIpv4, type Ipv4Address } from '@wirestack/core';
import { ipv4Address } from '@wirestack/core/arbitraries';
import {
  DEFAULT_MAX_QUOTE,
  IcmpErrorRefused,
  decodeIcmp,
  echoReply,
  echoRequest,
  encodeIcmp,
  errorFor,
  fragmentationNeeded,
  icmpErrorRefusal,
  portUnreachable,
  timeExceeded,
  type IcmpErrorRefusal,
} from '../src/index.js';
import { icmpMessage } from '../src/arbitraries.js';
import { ipv4Datagram, udpDatagram } from './helpers.js';

const ip = parseIpv4;

describe('echo', () => {
  it('echoRequest encodes id, seq and data; echoReply answers with the same, from the object or the bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 100 }), (id, seq, data) => {
        const request = encodeIcmp(echoRequest({ id, seq, data }));
        const decoded = decodeIcmp(request).header;
        expect(decoded).toMatchObject({ kind: 'echo-request', type: 8, code: 0, id, seq, data, checksumValid: true });
        if (decoded.kind !== 'echo-request') throw new Error(decoded.kind);
        const fromObject = encodeIcmp(echoReply(decoded));
        const fromBytes = encodeIcmp(echoReply(request));
        expect(bytesEqual(fromObject, fromBytes)).toBe(true);
        expect(decodeIcmp(fromBytes).header).toMatchObject({ kind: 'echo-reply', type: 0, code: 0, id, seq, data, checksumValid: true });
        // type 8 -> 0 changes one word by 0x0800: the checksum moves by the same amount (RFC 1624)
        expect(fromBytes.length).toBe(request.length);
        expect(bytesEqual(fromBytes.subarray(4), request.subarray(4))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('echoReply refuses anything but an echo request (EncodeError invalid); bad bytes give DecodeError', () => {
    fc.assert(
      fc.property(icmpMessage().filter((m) => m.kind !== 'echo-request'), (m) => {
        expect(() => echoReply(encodeIcmp(m))).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'invalid', field: 'request' }));
      }),
      { numRuns: 200 },
    );
    expect(() => echoReply(Uint8Array.of(8, 0, 0))).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'truncated' }));
    const bad = encodeIcmp({ ...echoRequest({ id: 1, seq: 1 }), checksum: 0x1234 });
    expect(() => echoReply(bad)).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'bad-checksum' }));
  });
});

interface Offending {
  readonly bytes: Uint8Array;
  readonly headerLength: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol: number;
  readonly fragmentOffset: number;
  readonly payload: Uint8Array;
}

/** Mostly ordinary unicast datagrams, with every case RFC 1122 forbids well represented. */
const offending: fc.Arbitrary<Offending> = fc
  .record({
    src: fc.oneof({ weight: 6, arbitrary: ipv4Address() }, { weight: 1, arbitrary: fc.constantFrom(0, 0xffff_ffff, 0xe000_0001, 0xf000_0001).map((a) => a as Ipv4Address) }),
    dst: fc.oneof({ weight: 6, arbitrary: ipv4Address() }, { weight: 1, arbitrary: fc.constantFrom(0xffff_ffff, 0xe000_00fb).map((a) => a as Ipv4Address) }),
    protocol: fc.constantFrom(1, 6, 17, 47),
    fragmentOffset: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1fff }).map((b) => b * 8) }),
    optionWords: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }) }),
    icmpType: fc.constantFrom(0, 3, 4, 5, 8, 11, 12, 13, 42),
    payloadLength: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1480 })),
    mf: fc.boolean(),
  })
  .chain((f) =>
    fc.tuple(fc.uint8Array({ minLength: f.payloadLength, maxLength: f.payloadLength }), fc.uint8Array({ minLength: f.optionWords * 4, maxLength: f.optionWords * 4 })).map(([payload, options]) => {
      if (f.protocol === 1 && payload.length > 0) payload[0] = f.icmpType;
      const bytes = ipv4Datagram({ src: f.src, dst: f.dst, protocol: f.protocol, fragmentOffset: f.fragmentOffset, mf: f.mf, options }, payload);
      return { bytes, headerLength: 20 + options.length, src: f.src, dst: f.dst, protocol: f.protocol, fragmentOffset: f.fragmentOffset, payload };
    }),
  );

/** RFC 1122 3.2.2, restated for the test from the datagram's fields. */
function expectedRefusal(o: Offending): IcmpErrorRefusal | undefined {
  if (o.protocol === 1 && o.fragmentOffset === 0 && o.payload.length === 0) return 'malformed';
  if (o.fragmentOffset !== 0) return 'non-initial-fragment';
  if (o.protocol === 1 && [3, 4, 5, 11, 12].includes(o.payload[0]!)) return 'icmp-error';
  if (o.dst === 0xffff_ffff) return 'broadcast-destination';
  if (o.dst >>> 28 === 0xe) return 'multicast-destination';
  if (o.src === 0 || o.src === 0xffff_ffff || o.src >>> 28 >= 0xe) return 'invalid-source';
  return undefined;
}

describe('errorFor', () => {
  it('quotes header + options + at least 8 bytes, up to a 576-byte datagram, or refuses as RFC 1122 says', () => {
    fc.assert(
      fc.property(offending, fc.constantFrom(3, 11, 12, 4), (o, type) => {
        const refusal = expectedRefusal(o);
        expect(icmpErrorRefusal(o.bytes)).toBe(refusal);
        if (refusal !== undefined) {
          expect(() => errorFor(o.bytes, type, 0)).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'refused', reason: refusal }));
          return;
        }
        const bytes = encodeIcmp(errorFor(o.bytes, type, 0));
        expect(20 + bytes.length).toBeLessThanOrEqual(576);
        const quoteLength = bytes.length - 8;
        expect(quoteLength).toBe(Math.min(o.bytes.length, DEFAULT_MAX_QUOTE));
        expect(quoteLength).toBeGreaterThanOrEqual(Math.min(o.bytes.length, o.headerLength + 8));
        expect(bytesEqual(bytes.subarray(8), o.bytes.subarray(0, quoteLength))).toBe(true);
        const d = decodeIcmp(bytes).header;
        expect(d.type).toBe(type);
        if (!('quoted' in d)) throw new Error(d.kind);
        expect(d.quoted.ip).toMatchObject({ src: o.src, dst: o.dst, protocol: o.protocol, ihl: o.headerLength / 4 });
        expect(d.quoted.truncated).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it('maxQuote limits the quote, but never below header + 8 bytes; padding after the total length is not quoted', () => {
    fc.assert(
      fc.property(offending, fc.integer({ min: 0, max: 600 }), fc.uint8Array({ maxLength: 20 }), (o, maxQuote, padding) => {
        if (expectedRefusal(o) !== undefined) return;
        const padded = Uint8Array.from([...o.bytes, ...padding]);
        const { quoted } = errorFor(padded, 11, 0, { maxQuote });
        expect(quoted.raw.length).toBe(Math.min(o.bytes.length, Math.max(maxQuote, o.headerLength + 8)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses link-layer broadcasts and directed broadcasts it is told about', () => {
    const udp = ipv4Datagram({ src: ip('10.0.0.1'), dst: ip('10.0.0.255'), protocol: 17 }, udpDatagram(1000, 2000, new Uint8Array(4)));
    expect(icmpErrorRefusal(udp)).toBeUndefined();
    expect(icmpErrorRefusal(udp, { linkBroadcast: true })).toBe('link-broadcast');
    const isBroadcast = (a: Ipv4Address): boolean => (a & 0xff) === 0xff;
    expect(icmpErrorRefusal(udp, { isBroadcast })).toBe('broadcast-destination');
    let error: unknown;
    try {
      portUnreachable(udp, { isBroadcast });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IcmpErrorRefused);
    expect(isEncodeError(error)).toBe(true);
    expect((error as IcmpErrorRefused).reason).toBe('broadcast-destination');
  });

  it('refuses malformed offending datagrams', () => {
    const good = ipv4Datagram({ src: ip('10.0.0.1'), dst: ip('10.0.0.2'), protocol: 17 }, udpDatagram(1, 2, new Uint8Array(0)));
    expect(icmpErrorRefusal(good.subarray(0, 19))).toBe('malformed');
    expect(icmpErrorRefusal(Uint8Array.from([0x65, ...good.subarray(1)]))).toBe('malformed'); // version 6
    expect(icmpErrorRefusal(Uint8Array.from([0x44, ...good.subarray(1)]))).toBe('malformed'); // IHL 4
    expect(icmpErrorRefusal(Uint8Array.from([0x48, ...good.subarray(1)]))).toBe('malformed'); // IHL 8: 32 bytes, only 28 there
    const short = good.slice();
    short[3] = 19; // total length 19 < header
    expect(icmpErrorRefusal(short)).toBe('malformed');
  });

  it('builds every error type with its fields, and checks what each needs', () => {
    const udp = ipv4Datagram({ src: ip('10.0.0.1'), dst: ip('10.0.9.9'), protocol: 17 }, udpDatagram(33000, 33434, new Uint8Array(12)));
    const unreachable = decodeIcmp(encodeIcmp(portUnreachable(udp))).header;
    expect(unreachable).toMatchObject({ kind: 'dest-unreachable', code: 3, mtu: 0 });
    if (unreachable.kind !== 'dest-unreachable') throw new Error(unreachable.kind);
    expect(unreachable.quoted.transport).toEqual({ protocol: 'udp', srcPort: 33000, dstPort: 33434, length: 20, checksum: 0 });
    expect(decodeIcmp(encodeIcmp(fragmentationNeeded(udp, 1400))).header).toMatchObject({ kind: 'dest-unreachable', code: 4, mtu: 1400 });
    expect(decodeIcmp(encodeIcmp(timeExceeded(udp, 1))).header).toMatchObject({ kind: 'time-exceeded', code: 1 });
    expect(decodeIcmp(encodeIcmp(errorFor(udp, 5, 1, { gateway: ip('10.0.0.254') }))).header).toMatchObject({ kind: 'redirect', code: 1, gateway: ip('10.0.0.254') });
    expect(decodeIcmp(encodeIcmp(errorFor(udp, 12, 0, { pointer: 9 }))).header).toMatchObject({ kind: 'parameter-problem', pointer: 9 });
    expect(decodeIcmp(encodeIcmp(errorFor(udp, 4, 0))).header).toMatchObject({ kind: 'source-quench', unused: 0 });
    expect(() => errorFor(udp, 5, 0)).toThrow(expect.objectContaining({ code: 'invalid', field: 'gateway' }));
    expect(() => errorFor(udp, 3, 4)).toThrow(expect.objectContaining({ code: 'invalid', field: 'mtu' }));
    expect(() => errorFor(udp, 8, 0)).toThrow(expect.objectContaining({ code: 'invalid', field: 'type' }));
    expect(() => errorFor(udp, 3, 256)).toThrow(expect.objectContaining({ code: 'out-of-range', field: 'code' }));
  });
});

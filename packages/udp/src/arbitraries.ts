/**
 * fast-check arbitraries for UDP. Import from `@wirestack/udp/arbitraries`;
 * fast-check is an optional peer dependency the main entry never loads.
 *
 * Datagram bytes are written field by field with core's byte and checksum
 * helpers, independently of `encodeUdp`, so they can test it.
 */
import * as fc from 'fast-check';
import { checksumAdd, checksumAddU16, checksumAddU32, checksumFinish, writeU16, type Ipv4Address } from '@wirestack/core';
import { ipv4Address, uint16 } from '@wirestack/core/arbitraries';
import type { UdpDecodeOptions, UdpHeader, UdpPseudoHeader } from './codec.js';
import { UDP_HEADER_LENGTH } from './layout.js';
import { UdpPort } from './ports.js';

/** Mostly any port, often a well-known one. */
export function udpPort(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...Object.values(UdpPort)) }, { weight: 3, arbitrary: uint16() });
}

/** Any header object: every field any value its width allows (Length 0..7 included). */
export function udpHeader(): fc.Arbitrary<UdpHeader> {
  return fc.record({ srcPort: udpPort(), dstPort: udpPort(), length: uint16(), checksum: uint16() });
}

export function udpPseudoHeader(): fc.Arbitrary<UdpPseudoHeader> {
  return fc.record({ src: ipv4Address(), dst: ipv4Address() });
}

/** A valid datagram and what it was built from. */
export interface UdpDatagramSample {
  /** What decoding `bytes` gives: Length = bytes.length, checksum right or 0. */
  readonly header: UdpHeader;
  readonly payload: Uint8Array;
  /** The addresses the checksum was computed with. */
  readonly pseudoHeader: UdpPseudoHeader;
  /** Exactly the datagram, header then payload. */
  readonly bytes: Uint8Array;
}

export interface UdpDatagramOptions {
  /** Largest payload generated (default 200). */
  readonly maxPayload?: number;
  /** Send no checksum (field 0): true, false, or undefined for one datagram in five at random. */
  readonly zeroChecksum?: boolean;
}

/** The checksum field for the datagram in `bytes` (whose checksum field is 0), by RFC 768's recipe. */
function checksumFor(bytes: Uint8Array, { src, dst }: UdpPseudoHeader): number {
  let sum = checksumAddU32(checksumAddU32(0, src), dst);
  sum = checksumAddU16(checksumAddU16(sum, 17), bytes.length);
  const value = checksumFinish(checksumAdd(bytes, 0, bytes.length, sum));
  return value === 0 ? 0xffff : value;
}

export function udpDatagram(options: UdpDatagramOptions = {}): fc.Arbitrary<UdpDatagramSample> {
  const zero =
    options.zeroChecksum === undefined
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
      : fc.constant(options.zeroChecksum);
  return fc
    .record({
      srcPort: udpPort(),
      dstPort: udpPort(),
      payload: fc.uint8Array({ maxLength: options.maxPayload ?? 200 }),
      pseudoHeader: udpPseudoHeader(),
      zero,
    })
    .map(({ srcPort, dstPort, payload, pseudoHeader, zero }) => {
      const bytes = new Uint8Array(UDP_HEADER_LENGTH + payload.length);
      writeU16(bytes, 0, srcPort);
      writeU16(bytes, 2, dstPort);
      writeU16(bytes, 4, bytes.length);
      bytes.set(payload, UDP_HEADER_LENGTH);
      const checksum = zero ? 0 : checksumFor(bytes, pseudoHeader);
      writeU16(bytes, 6, checksum);
      return { header: { srcPort, dstPort, length: bytes.length, checksum }, payload, pseudoHeader, bytes };
    });
}

/**
 * Bytes `decodeUdp(bytes, offset, options)` must reject in strict mode with
 * `code` at `errorOffset` (and list as an issue in lax mode, unless the
 * 8-byte header itself is missing).
 */
export interface MalformedUdpCase {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly options: UdpDecodeOptions;
  readonly code: 'truncated' | 'bad-length' | 'bad-checksum';
  readonly errorOffset: number;
}

/**
 * - 'truncated' at the datagram: cut anywhere before its end (required 8
 *   while the header is cut, then Length);
 * - 'bad-length' at the Length field: Length 0..7, or an `ipPayloadLength`
 *   that differs from Length;
 * - 'bad-checksum' at the checksum field: one bit flipped in a checksummed
 *   datagram (not in its Length, and not turning the checksum into 0,
 *   which means "none"), or verified with a different address.
 */
export function malformedUdpDatagram(): fc.Arbitrary<MalformedUdpCase> {
  const placed = fc.record({ datagram: udpDatagram(), before: fc.nat({ max: 12 }) });
  const place = (before: number, bytes: Uint8Array): Uint8Array => {
    const out = new Uint8Array(before + bytes.length);
    out.set(bytes, before);
    return out;
  };
  const truncated = placed.chain(({ datagram, before }) =>
    fc.nat({ max: datagram.bytes.length - 1 }).map(
      (kept): MalformedUdpCase => ({
        bytes: place(before, datagram.bytes.subarray(0, kept)),
        offset: before,
        options: { pseudoHeader: datagram.pseudoHeader },
        code: 'truncated',
        errorOffset: before,
      }),
    ),
  );
  const shortLength = fc.record({ p: placed, length: fc.nat({ max: UDP_HEADER_LENGTH - 1 }) }).map(({ p, length }): MalformedUdpCase => {
    const bytes = place(p.before, p.datagram.bytes);
    writeU16(bytes, p.before + 4, length);
    return { bytes, offset: p.before, options: {}, code: 'bad-length', errorOffset: p.before + 4 };
  });
  const ipMismatch = fc
    .record({ p: placed, delta: fc.integer({ min: -20, max: 20 }).filter((d) => d !== 0) })
    .map(({ p, delta }): MalformedUdpCase => ({
      bytes: place(p.before, p.datagram.bytes),
      offset: p.before,
      options: { ipPayloadLength: Math.max(0, p.datagram.bytes.length + delta) },
      code: 'bad-length',
      errorOffset: p.before + 4,
    }))
    .filter((c) => c.options.ipPayloadLength !== c.bytes.length - c.offset);
  const flipped = fc
    .record({ p: fc.record({ datagram: udpDatagram({ zeroChecksum: false }), before: fc.nat({ max: 12 }) }), bit: fc.nat() })
    .map(({ p, bit }) => {
      const bytes = place(p.before, p.datagram.bytes);
      // Any bit outside the Length field (bytes 4 and 5).
      const bits = (p.datagram.bytes.length - 2) * 8;
      let at = Math.floor((bit % bits) / 8);
      if (at >= 4) at += 2;
      bytes[p.before + at] = bytes[p.before + at]! ^ (1 << (bit % 8));
      return { p, bytes };
    })
    .filter(({ p, bytes }) => (bytes[p.before + 6]! | bytes[p.before + 7]!) !== 0)
    .map(
      ({ p, bytes }): MalformedUdpCase => ({
        bytes,
        offset: p.before,
        options: { pseudoHeader: p.datagram.pseudoHeader },
        code: 'bad-checksum',
        errorOffset: p.before + 6,
      }),
    );
  const wrongAddress = fc
    .record({ datagram: udpDatagram({ zeroChecksum: false }), other: ipv4Address(), which: fc.constantFrom('src', 'dst') })
    .filter(({ datagram, other, which }) => !sameSum(datagram.pseudoHeader[which], other))
    .map(
      ({ datagram, other, which }): MalformedUdpCase => ({
        bytes: datagram.bytes,
        offset: 0,
        options: { pseudoHeader: { ...datagram.pseudoHeader, [which]: other } },
        code: 'bad-checksum',
        errorOffset: 6,
      }),
    );
  return fc.oneof(truncated, shortLength, ipMismatch, flipped, wrongAddress);
}

/**
 * Two addresses whose 16-bit halves add up to the same one's complement
 * sum give the same checksum (e.g. 1.2.3.4 and 3.4.1.2): no error to find.
 */
function sameSum(a: Ipv4Address, b: Ipv4Address): boolean {
  const fold = (n: number) => {
    let s = (n >>> 16) + (n & 0xffff);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return s === 0xffff ? 0 : s;
  };
  return fold(a) === fold(b);
}

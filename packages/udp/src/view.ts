import {
  EncodeError,
  checkUint,
  requireBytes,
  writeU16,
  type HeaderView,
  type Ipv4Address,
} from '@wirestack/core';
import { udpChecksum, udpChecksumMatches } from './checksum.js';
import { LAYER, UDP_HEADER_LENGTH } from './layout.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const UNATTACHED = new Uint8Array(0);

/**
 * Zero-copy accessor over the UDP header at (bytes, offset), for hot paths:
 * getters read and setters write in place, nothing allocates (except the
 * `payload` subarray), and `reset` re-points the view at the next datagram.
 *
 * `reset` checks only that the 8-byte header is there. The Length field is
 * data like any other: `payloadLength` clamps it to the bytes present, and
 * the checksum methods refuse a Length that does not fit (see each).
 */
export class UdpView implements HeaderView {
  /** The buffer viewed; change it with `reset`. */
  bytes: Uint8Array;
  /** Where the header starts in `bytes`; change it with `reset`. */
  offset: number;
  readonly headerLength: number = UDP_HEADER_LENGTH;

  /** Without arguments the view is unattached until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0) {
    this.bytes = UNATTACHED;
    this.offset = 0;
    if (bytes !== undefined) this.reset(bytes, offset);
  }

  /** Points the view at a header; throws DecodeError 'truncated' when 8 bytes are not there. */
  reset(bytes: Uint8Array, offset = 0): this {
    // One comparison on the hot path; requireBytes, called only when it
    // fails, throws (or lets through what it always has, e.g. a NaN offset).
    if (!(bytes.length - offset >= 8 /* UDP_HEADER_LENGTH */)) requireBytes(bytes, offset, UDP_HEADER_LENGTH, LAYER);
    this.bytes = bytes;
    this.offset = offset;
    return this;
  }

  get srcPort(): number {
    const b = this.bytes;
    const o = this.offset /* + SOURCE_PORT (0) */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set srcPort(value: number) {
    writeU16(this.bytes, this.offset /* + SOURCE_PORT (0) */, checkUint(value, 0xffff, 'srcPort'));
  }

  get dstPort(): number {
    const b = this.bytes;
    const o = this.offset + 2 /* DESTINATION_PORT */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set dstPort(value: number) {
    writeU16(this.bytes, this.offset + 2 /* DESTINATION_PORT */, checkUint(value, 0xffff, 'dstPort'));
  }

  /** The Length field: header + data, as the sender wrote it. */
  get length(): number {
    const b = this.bytes;
    const o = this.offset + 4 /* LENGTH */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set length(value: number) {
    writeU16(this.bytes, this.offset + 4 /* LENGTH */, checkUint(value, 0xffff, 'length'));
  }

  /** The checksum field; 0 means the sender computed none. */
  get checksum(): number {
    const b = this.bytes;
    const o = this.offset + 6 /* CHECKSUM */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set checksum(value: number) {
    writeU16(this.bytes, this.offset + 6 /* CHECKSUM */, checkUint(value, 0xffff, 'checksum'));
  }

  /** Where the data starts in `bytes`. */
  get payloadOffset(): number {
    return this.offset + 8 /* UDP_HEADER_LENGTH */;
  }

  /**
   * Data bytes: Length - 8, clamped to what is present (0 when Length is
   * under 8), so bytes after the datagram (Ethernet padding) are not data.
   */
  get payloadLength(): number {
    const b = this.bytes;
    const o = this.offset;
    const present = b.length - o;
    const length = (b[o + 4]! << 8) | b[o + 5]! /* LENGTH */;
    const end = length < present ? length : present;
    return end > 8 /* UDP_HEADER_LENGTH */ ? end - 8 : 0;
  }

  /** The data in place (a subarray: writes go to the datagram). */
  get payload(): Uint8Array {
    const start = this.offset + 8 /* UDP_HEADER_LENGTH */;
    return this.bytes.subarray(start, start + this.payloadLength);
  }

  /** True when the Length field is at least 8 and the datagram it announces is all present. */
  get lengthFits(): boolean {
    const length = this.length;
    return length >= UDP_HEADER_LENGTH && length <= this.bytes.length - this.offset;
  }

  /**
   * Computes the checksum with the IPv4 pseudo-header of `src` and `dst`
   * over the Length field's bytes, writes it and returns it (never 0: a
   * computed 0 is written as 0xFFFF). Throws EncodeError 'invalid' (field
   * 'length') when Length is under 8 or runs past the bytes.
   */
  fillChecksum(src: Ipv4Address, dst: Ipv4Address): number {
    if (!this.lengthFits) throw badLengthForChecksum(this.length, this.bytes.length - this.offset);
    const value = udpChecksum(this.bytes, this.offset, this.length, src, dst);
    writeU16(this.bytes, this.offset + 6 /* CHECKSUM */, value);
    return value;
  }

  /**
   * Checks the checksum with the IPv4 pseudo-header of `src` and `dst`:
   * null when the field is 0 (no checksum to check), else whether it is
   * right; false when the Length field does not fit the bytes (the
   * datagram cannot be checked, so it cannot be trusted).
   */
  verifyChecksum(src: Ipv4Address, dst: Ipv4Address): boolean | null {
    if (this.checksum === 0) return null;
    if (!this.lengthFits) return false;
    return udpChecksumMatches(this.bytes, this.offset, this.length, src, dst);
  }
}

// Outside the class, so the hot methods stay small enough to inline.
function badLengthForChecksum(length: number, available: number): EncodeError {
  return new EncodeError(
    'invalid',
    'length',
    `length: ${length} must be at least 8 and fit the ${available} bytes from the header on to compute a checksum`,
  );
}

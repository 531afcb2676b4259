import {
  checkUint,
  checksumAdd,
  checksumFinish,
  writeIpv4,
  writeU16,
  writeU32,
  type HeaderView,
  type Ipv4Address,
} from '@wirestack/core';
import { icmpMessageEnd } from './codec.js';
import { ICMP_HEADER_LENGTH } from './layout.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const EMPTY = new Uint8Array(0);

/**
 * Zero-copy accessors over an ICMPv4 message in place, for hot paths: the
 * 8-byte header's fields read and write the bytes directly and allocate
 * nothing (`payload` excepted: a subarray), and `reset` re-points the view.
 *
 * The rest-of-header word is readable as a whole (`rest`) and under the
 * names the types give its parts (`id`/`seq`, `mtu`, `gateway`, `pointer`,
 * `length`: the RFC 4884 length, as in the decoded object), whatever the
 * type: the view does not check that the name fits the type; `decodeIcmp`
 * does that.
 *
 * The message runs from `offset` to the end of `bytes`, or `messageLength`
 * bytes (the IPv4 payload length) when `reset` is given one; the checksum covers
 * exactly that range.
 */
export class IcmpView implements HeaderView {
  private _bytes: Uint8Array = EMPTY;
  private _offset = 0;
  private _end = 0;

  /** Without bytes the view is detached until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0, messageLength?: number) {
    if (bytes !== undefined) this.reset(bytes, offset, messageLength);
  }

  /** Points the view at the message at `offset`; DecodeError 'truncated' when its 8-byte header does not fit. */
  reset(bytes: Uint8Array, offset = 0, messageLength?: number): this {
    // Fast path, comparisons only: an integer offset and size, the size at
    // least the header and within the bytes. Anything else (NaN and
    // fractions fail `(x | 0) === x`) goes to icmpMessageEnd, which throws
    // the right error or accepts what it always has.
    const size = messageLength ?? bytes.length - offset;
    this._end =
      size >= 8 /* ICMP_HEADER_LENGTH */ && size <= bytes.length - offset && offset >= 0 && (offset | 0) === offset && (size | 0) === size
        ? offset + size
        : icmpMessageEnd(bytes, offset, messageLength);
    this._bytes = bytes;
    this._offset = offset;
    return this;
  }

  get bytes(): Uint8Array {
    return this._bytes;
  }

  get offset(): number {
    return this._offset;
  }

  /** The 8 bytes of the common header (the view reads no further fixed fields). */
  get headerLength(): number {
    return ICMP_HEADER_LENGTH;
  }

  /** Bytes of the whole message, header included: what the checksum covers. */
  get messageLength(): number {
    return this._end - this._offset;
  }

  get type(): number {
    return this._bytes[this._offset /* + TYPE (0) */]!;
  }

  set type(value: number) {
    this._bytes[this._offset /* + TYPE (0) */] = checkUint(value, 0xff, 'type');
  }

  get code(): number {
    return this._bytes[this._offset + 1 /* CODE */]!;
  }

  set code(value: number) {
    this._bytes[this._offset + 1 /* CODE */] = checkUint(value, 0xff, 'code');
  }

  get checksum(): number {
    const b = this._bytes;
    const o = this._offset + 2 /* CHECKSUM */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set checksum(value: number) {
    writeU16(this._bytes, this._offset + 2 /* CHECKSUM */, checkUint(value, 0xffff, 'checksum'));
  }

  /** The rest-of-header word, bytes 4-7, as a uint32. */
  get rest(): number {
    const b = this._bytes;
    const o = this._offset + 4 /* REST */;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  set rest(value: number) {
    writeU32(this._bytes, this._offset + 4 /* REST */, checkUint(value, 0xffff_ffff, 'rest'));
  }

  /** Identifier (echo, timestamp, information, address mask): bytes 4-5. */
  get id(): number {
    const b = this._bytes;
    const o = this._offset + 4 /* ID */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set id(value: number) {
    writeU16(this._bytes, this._offset + 4 /* ID */, checkUint(value, 0xffff, 'id'));
  }

  /** Sequence number (echo, timestamp, information, address mask): bytes 6-7. */
  get seq(): number {
    const b = this._bytes;
    const o = this._offset + 6 /* SEQ */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set seq(value: number) {
    writeU16(this._bytes, this._offset + 6 /* SEQ */, checkUint(value, 0xffff, 'seq'));
  }

  /** Next-hop MTU of fragmentation needed (RFC 1191): bytes 6-7. */
  get mtu(): number {
    const b = this._bytes;
    const o = this._offset + 6 /* MTU */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set mtu(value: number) {
    writeU16(this._bytes, this._offset + 6 /* MTU */, checkUint(value, 0xffff, 'mtu'));
  }

  /** Redirect gateway: bytes 4-7. */
  get gateway(): Ipv4Address {
    const b = this._bytes;
    const o = this._offset + 4 /* GATEWAY */;
    return (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) as Ipv4Address;
  }

  set gateway(value: Ipv4Address) {
    writeIpv4(this._bytes, this._offset + 4 /* GATEWAY */, checkUint(value, 0xffff_ffff, 'gateway') as Ipv4Address);
  }

  /** Parameter problem pointer: byte 4. */
  get pointer(): number {
    return this._bytes[this._offset + 4 /* POINTER */]!;
  }

  set pointer(value: number) {
    this._bytes[this._offset + 4 /* POINTER */] = checkUint(value, 0xff, 'pointer');
  }

  /** RFC 4884 length of the quoted datagram in 32-bit words: byte 5. */
  get length(): number {
    return this._bytes[this._offset + 5 /* LENGTH */]!;
  }

  set length(value: number) {
    this._bytes[this._offset + 5 /* LENGTH */] = checkUint(value, 0xff, 'length');
  }

  /** The bytes after the 8-byte header (echo data, quoted datagram, ...): a live subarray. */
  get payload(): Uint8Array {
    return this._bytes.subarray(this._offset + 8 /* ICMP_HEADER_LENGTH */, this._end);
  }

  /** True when the checksum over the whole message is right. */
  verifyChecksum(): boolean {
    return checksumFinish(checksumAdd(this._bytes, this._offset, this._end)) === 0;
  }

  /** Computes the checksum over the whole message and writes it in place. */
  fillChecksum(): void {
    const at = this._offset + 2 /* CHECKSUM */;
    this._bytes[at] = 0;
    this._bytes[at + 1] = 0;
    writeU16(this._bytes, at, checksumFinish(checksumAdd(this._bytes, this._offset, this._end)));
  }
}

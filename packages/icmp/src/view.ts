import {
  checkUint,
  checksumAdd,
  checksumFinish,
  ipv4FromBytes,
  readU16,
  readU32,
  writeIpv4,
  writeU16,
  writeU32,
  type HeaderView,
  type Ipv4Address,
} from '@wirestack/core';
import { icmpMessageEnd } from './codec.js';
import { CHECKSUM, CODE, GATEWAY, ICMP_HEADER_LENGTH, ID, LENGTH, MTU, POINTER, REST, SEQ, TYPE } from './layout.js';

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
    this._end = icmpMessageEnd(bytes, offset, messageLength);
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
    return this._bytes[this._offset + TYPE]!;
  }

  set type(value: number) {
    this._bytes[this._offset + TYPE] = checkUint(value, 0xff, 'type');
  }

  get code(): number {
    return this._bytes[this._offset + CODE]!;
  }

  set code(value: number) {
    this._bytes[this._offset + CODE] = checkUint(value, 0xff, 'code');
  }

  get checksum(): number {
    return readU16(this._bytes, this._offset + CHECKSUM);
  }

  set checksum(value: number) {
    writeU16(this._bytes, this._offset + CHECKSUM, checkUint(value, 0xffff, 'checksum'));
  }

  /** The rest-of-header word, bytes 4-7, as a uint32. */
  get rest(): number {
    return readU32(this._bytes, this._offset + REST);
  }

  set rest(value: number) {
    writeU32(this._bytes, this._offset + REST, checkUint(value, 0xffff_ffff, 'rest'));
  }

  /** Identifier (echo, timestamp, information, address mask): bytes 4-5. */
  get id(): number {
    return readU16(this._bytes, this._offset + ID);
  }

  set id(value: number) {
    writeU16(this._bytes, this._offset + ID, checkUint(value, 0xffff, 'id'));
  }

  /** Sequence number (echo, timestamp, information, address mask): bytes 6-7. */
  get seq(): number {
    return readU16(this._bytes, this._offset + SEQ);
  }

  set seq(value: number) {
    writeU16(this._bytes, this._offset + SEQ, checkUint(value, 0xffff, 'seq'));
  }

  /** Next-hop MTU of fragmentation needed (RFC 1191): bytes 6-7. */
  get mtu(): number {
    return readU16(this._bytes, this._offset + MTU);
  }

  set mtu(value: number) {
    writeU16(this._bytes, this._offset + MTU, checkUint(value, 0xffff, 'mtu'));
  }

  /** Redirect gateway: bytes 4-7. */
  get gateway(): Ipv4Address {
    return ipv4FromBytes(this._bytes, this._offset + GATEWAY);
  }

  set gateway(value: Ipv4Address) {
    writeIpv4(this._bytes, this._offset + GATEWAY, checkUint(value, 0xffff_ffff, 'gateway') as Ipv4Address);
  }

  /** Parameter problem pointer: byte 4. */
  get pointer(): number {
    return this._bytes[this._offset + POINTER]!;
  }

  set pointer(value: number) {
    this._bytes[this._offset + POINTER] = checkUint(value, 0xff, 'pointer');
  }

  /** RFC 4884 length of the quoted datagram in 32-bit words: byte 5. */
  get length(): number {
    return this._bytes[this._offset + LENGTH]!;
  }

  set length(value: number) {
    this._bytes[this._offset + LENGTH] = checkUint(value, 0xff, 'length');
  }

  /** The bytes after the 8-byte header (echo data, quoted datagram, ...): a live subarray. */
  get payload(): Uint8Array {
    return this._bytes.subarray(this._offset + ICMP_HEADER_LENGTH, this._end);
  }

  /** True when the checksum over the whole message is right. */
  verifyChecksum(): boolean {
    return checksumFinish(checksumAdd(this._bytes, this._offset, this._end)) === 0;
  }

  /** Computes the checksum over the whole message and writes it in place. */
  fillChecksum(): void {
    const at = this._offset + CHECKSUM;
    this._bytes[at] = 0;
    this._bytes[at + 1] = 0;
    writeU16(this._bytes, at, checksumFinish(checksumAdd(this._bytes, this._offset, this._end)));
  }
}

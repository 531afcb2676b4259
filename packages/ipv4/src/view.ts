import {
  EncodeError,
  checkUint,
  checksumUpdate16,
  readU16,
  requireBytes,
  writeIpv4,
  writeU16,
  type HeaderView,
  type Ipv4Address,
} from '@wirestack/core';
import {
  FLAG_DF,
  FLAG_MF,
  FLAG_RESERVED,
  FRAGMENT_OFFSET_MASK,
  FRAGMENT_UNIT,
  IPV4_MIN_HEADER_LENGTH,
  MAX_FRAGMENT_OFFSET,
} from './layout.js';
import { headerChecksum } from './checksum.js';
import { LAYER, checkOffset } from './length.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const UNATTACHED = new Uint8Array(0);

/**
 * Zero-copy accessors over an IPv4 header in place, for hot paths (a
 * router's forwarding loop): reading and writing fields allocates nothing
 * (except `optionsBytes`/`payload`, which are subarrays), and `reset`
 * re-points the view at the next datagram.
 *
 * `reset` checks that the header (IHL x 4 bytes, at least 20) is present
 * and fixes the header length for the life of the view: IHL has no setter,
 * so every accessor stays inside the checked bounds. Nothing else is
 * validated (version, checksum, Total Length): read them, or use
 * `decodeIpv4` for a checked decode. The view reads what lax decoding
 * reads, field for field.
 *
 * Setters do not update the checksum: call `fillChecksum()` after writing,
 * or use `decrementTtl()`, which updates it incrementally.
 */
export class Ipv4View implements HeaderView {
  private _bytes: Uint8Array = UNATTACHED;
  private _offset = 0;
  private _headerLength = 0;

  /** Without bytes the view is unattached (headerLength 0) until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0) {
    if (bytes !== undefined) this.reset(bytes, offset);
  }

  /**
   * Points the view at the datagram at `offset`. Throws DecodeError
   * 'truncated' (at `offset`) when the 20 fixed bytes, or the IHL x 4
   * bytes the header announces, are not there. An IHL below 5 is read as
   * a 20-byte header, as lax decoding does.
   */
  reset(bytes: Uint8Array, offset = 0): this {
    // Fast path: a whole header present (a missing byte or a bad offset
    // reads undefined, the comparison fails and the careful path reports it).
    const ihl = bytes[offset /* + VERSION_IHL (0) */]! & 0x0f;
    const headerLength = ihl < 5 ? 20 /* IPV4_MIN_HEADER_LENGTH */ : ihl * 4;
    // `(offset | 0) === offset`: an integer (one above 2^31 takes the careful
    // path, which lets it through).
    if (!(offset >= 0 && bytes.length - offset >= headerLength && (offset | 0) === offset)) {
      rejectHeader(bytes, offset, headerLength);
    }
    this._bytes = bytes;
    this._offset = offset;
    this._headerLength = headerLength;
    return this;
  }

  get bytes(): Uint8Array {
    return this._bytes;
  }

  get offset(): number {
    return this._offset;
  }

  /** IHL x 4 (20 when IHL is below 5), fixed at `reset`. */
  get headerLength(): number {
    return this._headerLength;
  }

  get version(): number {
    return this._bytes[this._offset /* + VERSION_IHL (0) */]! >>> 4;
  }

  set version(value: number) {
    const at = this._offset /* + VERSION_IHL (0) */;
    this._bytes[at] = (checkUint(value, 0x0f, 'version') << 4) | (this._bytes[at]! & 0x0f);
  }

  /** IHL as on the wire (read-only: it fixes the layout the view checked). */
  get ihl(): number {
    return this._bytes[this._offset /* + VERSION_IHL (0) */]! & 0x0f;
  }

  get dscp(): number {
    return this._bytes[this._offset + 1 /* DSCP_ECN */]! >>> 2;
  }

  set dscp(value: number) {
    const at = this._offset + 1 /* DSCP_ECN */;
    this._bytes[at] = (checkUint(value, 0x3f, 'dscp') << 2) | (this._bytes[at]! & 0x03);
  }

  get ecn(): number {
    return this._bytes[this._offset + 1 /* DSCP_ECN */]! & 0x03;
  }

  set ecn(value: number) {
    const at = this._offset + 1 /* DSCP_ECN */;
    this._bytes[at] = (this._bytes[at]! & 0xfc) | checkUint(value, 0x03, 'ecn');
  }

  get totalLength(): number {
    const b = this._bytes;
    const o = this._offset + 2 /* TOTAL_LENGTH */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set totalLength(value: number) {
    writeU16(this._bytes, this._offset + 2 /* TOTAL_LENGTH */, checkUint(value, 0xffff, 'totalLength'));
  }

  /** Identification. */
  get id(): number {
    const b = this._bytes;
    const o = this._offset + 4 /* IDENTIFICATION */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set id(value: number) {
    writeU16(this._bytes, this._offset + 4 /* IDENTIFICATION */, checkUint(value, 0xffff, 'id'));
  }

  get reservedFlag(): boolean {
    return (this._bytes[this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */]! & 0x80) /* FLAG_RESERVED >>> 8 */ !== 0;
  }

  set reservedFlag(value: boolean) {
    this.setFlag(FLAG_RESERVED >>> 8, value);
  }

  get df(): boolean {
    return (this._bytes[this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */]! & 0x40) /* FLAG_DF >>> 8 */ !== 0;
  }

  set df(value: boolean) {
    this.setFlag(FLAG_DF >>> 8, value);
  }

  get mf(): boolean {
    return (this._bytes[this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */]! & 0x20) /* FLAG_MF >>> 8 */ !== 0;
  }

  set mf(value: boolean) {
    this.setFlag(FLAG_MF >>> 8, value);
  }

  /** In bytes (8 x the wire value), as in the header object. */
  get fragmentOffset(): number {
    const b = this._bytes;
    const o = this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */;
    return (((b[o]! & 0x1f) << 8) | b[o + 1]!) /* & FRAGMENT_OFFSET_MASK */ * 8 /* FRAGMENT_UNIT */;
  }

  set fragmentOffset(value: number) {
    if (!(value >= 0 && value <= MAX_FRAGMENT_OFFSET && value % FRAGMENT_UNIT === 0)) throw badFragmentOffset(value);
    const at = this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */;
    writeU16(this._bytes, at, (readU16(this._bytes, at) & ~FRAGMENT_OFFSET_MASK) | (value / FRAGMENT_UNIT));
  }

  /** True when this is a fragment: MF set or a non-zero offset. */
  get isFragment(): boolean {
    const b = this._bytes;
    const o = this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */;
    // MF and the 13-bit offset: FLAG_MF | FRAGMENT_OFFSET_MASK.
    return (((b[o]! & 0x3f) << 8) | b[o + 1]!) !== 0;
  }

  get ttl(): number {
    return this._bytes[this._offset + 8 /* TTL */]!;
  }

  set ttl(value: number) {
    this._bytes[this._offset + 8 /* TTL */] = checkUint(value, 0xff, 'ttl');
  }

  get protocol(): number {
    return this._bytes[this._offset + 9 /* PROTOCOL */]!;
  }

  set protocol(value: number) {
    this._bytes[this._offset + 9 /* PROTOCOL */] = checkUint(value, 0xff, 'protocol');
  }

  /** The Header Checksum as on the wire. */
  get checksum(): number {
    const b = this._bytes;
    const o = this._offset + 10 /* HEADER_CHECKSUM */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set checksum(value: number) {
    writeU16(this._bytes, this._offset + 10 /* HEADER_CHECKSUM */, checkUint(value, 0xffff, 'checksum'));
  }

  get src(): Ipv4Address {
    const b = this._bytes;
    const o = this._offset + 12 /* SOURCE */;
    return (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) as Ipv4Address;
  }

  set src(value: Ipv4Address) {
    writeIpv4(this._bytes, this._offset + 12 /* SOURCE */, checkUint(value, 0xffff_ffff, 'src') as Ipv4Address);
  }

  get dst(): Ipv4Address {
    const b = this._bytes;
    const o = this._offset + 16 /* DESTINATION */;
    return (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) as Ipv4Address;
  }

  set dst(value: Ipv4Address) {
    writeIpv4(this._bytes, this._offset + 16 /* DESTINATION */, checkUint(value, 0xffff_ffff, 'dst') as Ipv4Address);
  }

  /** The options and their padding in place (a subarray: writes go to the packet); empty without options. */
  get optionsBytes(): Uint8Array {
    return this._bytes.subarray(this._offset + 20 /* OPTIONS */, this._offset + this._headerLength);
  }

  /** Where the payload starts in `bytes`. */
  get payloadOffset(): number {
    return this._offset + this._headerLength;
  }

  /**
   * Bytes of payload: Total Length minus the header, or up to the end of
   * `bytes` when Total Length is shorter than the header or longer than
   * what is present (as lax decoding reads it).
   */
  get payloadLength(): number {
    const b = this._bytes;
    const o = this._offset;
    const headerLength = this._headerLength;
    const totalLength = (b[o + 2]! << 8) | b[o + 3]! /* TOTAL_LENGTH */;
    const available = b.length - o;
    const end = totalLength < headerLength || totalLength > available ? available : totalLength;
    return end - headerLength;
  }

  /** The payload in place (a subarray). */
  get payload(): Uint8Array {
    const start = this._offset + this._headerLength;
    return this._bytes.subarray(start, start + this.payloadLength);
  }

  /** True when the header checksum is right. */
  verifyChecksum(): boolean {
    return headerChecksum(this._bytes, this._offset, this._headerLength) === 0;
  }

  /** Computes the header checksum, writes it and returns it. */
  fillChecksum(): number {
    const at = this._offset + 10 /* HEADER_CHECKSUM */;
    writeU16(this._bytes, at, 0);
    const checksum = headerChecksum(this._bytes, this._offset, this._headerLength);
    writeU16(this._bytes, at, checksum);
    return checksum;
  }

  /**
   * What a router does to a datagram it forwards: TTL minus one, and the
   * checksum updated incrementally (RFC 1624 eqn. 3, over the TTL/protocol
   * word) instead of recomputed. A correct checksum stays correct (and an
   * incorrect one stays incorrect, as RFC 1624 intends). Returns the new
   * TTL. Throws EncodeError 'out-of-range' when TTL is already 0; a router
   * checks TTL <= 1 first and answers with ICMP Time Exceeded.
   */
  decrementTtl(): number {
    const at = this._offset + 8 /* TTL */;
    const ttl = this._bytes[at]!;
    if (ttl === 0) throw new EncodeError('out-of-range', 'ttl', 'ttl: already 0, cannot be decremented');
    const protocol = this._bytes[at + 1]!;
    const checksumAt = this._offset + 10 /* HEADER_CHECKSUM */;
    writeU16(
      this._bytes,
      checksumAt,
      checksumUpdate16(readU16(this._bytes, checksumAt), (ttl << 8) | protocol, ((ttl - 1) << 8) | protocol),
    );
    this._bytes[at] = ttl - 1;
    return ttl - 1;
  }

  private setFlag(bit: number, value: boolean): void {
    const at = this._offset + 6 /* FLAGS_FRAGMENT_OFFSET */;
    this._bytes[at] = value ? this._bytes[at]! | bit : this._bytes[at]! & ~bit;
  }
}

/**
 * The careful path of `reset`, out of line so the hot one stays small:
 * RangeError for a bad offset, else DecodeError 'truncated' for the fixed
 * 20 bytes or the IHL x 4 the header announces.
 */
function rejectHeader(bytes: Uint8Array, offset: number, headerLength: number): void {
  checkOffset(bytes, offset);
  requireBytes(bytes, offset, IPV4_MIN_HEADER_LENGTH, LAYER);
  requireBytes(bytes, offset, headerLength, LAYER);
}

// Out of line, so the setter stays small enough to inline.
function badFragmentOffset(value: number): EncodeError {
  return new EncodeError('out-of-range', 'fragmentOffset', `fragmentOffset: ${value} is not a multiple of 8 in 0..${MAX_FRAGMENT_OFFSET}`);
}

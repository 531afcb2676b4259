import {
  type HeaderView,
  type MacAddress,
  checkUint,
  requireBytes,
  writeMac,
  writeU16,
} from '@wirestack/core';
import { ETHERNET_HEADER_LENGTH, MAX_LENGTH_VALUE } from './layout.js';

const LAYER = 'ethernet';
const MAX_MAC = 0xffff_ffff_ffff;
const TWO_32 = 0x1_0000_0000;
// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const UNATTACHED = new Uint8Array(0);

/**
 * Zero-copy accessor over the Ethernet header at (bytes, offset). Reading a
 * field allocates nothing; setters write in place. Re-point a view at the
 * next frame with `reset` instead of creating a new one.
 *
 * The view knows nothing about an FCS: the frame runs to the end of
 * `bytes`, so hand it `frame.subarray(0, frame.length - 4)` when the
 * capture carries one (or use `decodeEthernet(..., { fcs: true })`).
 */
export class EthernetView implements HeaderView {
  /** The buffer viewed; change it with `reset`. */
  bytes: Uint8Array;
  /** Where the header starts in `bytes`; change it with `reset`. */
  offset: number;
  readonly headerLength: number = ETHERNET_HEADER_LENGTH;

  /** Without arguments the view is unattached until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0) {
    this.bytes = UNATTACHED;
    this.offset = 0;
    if (bytes !== undefined) this.reset(bytes, offset);
  }

  /** Points the view at a header; throws DecodeError 'truncated' when 14 bytes are not there. */
  reset(bytes: Uint8Array, offset = 0): this {
    // One comparison on the hot path; requireBytes, called only when it
    // fails, throws (or lets through what it always has, e.g. a NaN offset).
    if (!(bytes.length - offset >= 14 /* ETHERNET_HEADER_LENGTH */)) requireBytes(bytes, offset, ETHERNET_HEADER_LENGTH, LAYER);
    this.bytes = bytes;
    this.offset = offset;
    return this;
  }

  get dst(): MacAddress {
    const b = this.bytes;
    const o = this.offset /* + DESTINATION_OFFSET (0) */;
    return (((b[o]! << 8) | b[o + 1]!) * TWO_32 +
      (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0)) as MacAddress;
  }

  set dst(mac: MacAddress) {
    writeMac(this.bytes, this.offset /* + DESTINATION_OFFSET (0) */, checkUint(mac, MAX_MAC, 'dst') as MacAddress);
  }

  get src(): MacAddress {
    const b = this.bytes;
    const o = this.offset + 6 /* SOURCE_OFFSET */;
    return (((b[o]! << 8) | b[o + 1]!) * TWO_32 +
      (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0)) as MacAddress;
  }

  set src(mac: MacAddress) {
    writeMac(this.bytes, this.offset + 6 /* SOURCE_OFFSET */, checkUint(mac, MAX_MAC, 'src') as MacAddress);
  }

  /**
   * The Length/Type field as it is on the wire. From 0x0600 up it is the
   * EtherType; up to 1500 `isLength` is true and it is an IEEE 802.3 length
   * (what the header object from `decodeEthernet` calls `length`). Values
   * in between are invalid: decodeEthernet rejects them in strict mode, and
   * like lax mode the view treats them as an (unknown) EtherType. The setter
   * writes any uint16, so it can also build bad frames.
   */
  get etherType(): number {
    const b = this.bytes;
    const o = this.offset + 12 /* LENGTH_TYPE_OFFSET */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set etherType(value: number) {
    writeU16(this.bytes, this.offset + 12 /* LENGTH_TYPE_OFFSET */, checkUint(value, 0xffff, 'etherType'));
  }

  /** True when the Length/Type field is an IEEE 802.3 length (1500 or less), not an EtherType. */
  get isLength(): boolean {
    return this.etherType <= MAX_LENGTH_VALUE;
  }

  /** Where the MAC client data starts in `bytes`. */
  get payloadOffset(): number {
    return this.offset + 14 /* ETHERNET_HEADER_LENGTH */;
  }

  /**
   * Bytes of MAC client data: up to the end of `bytes` for an EtherType
   * frame; the length field (or what is present, if fewer) for a length
   * frame, whose remaining bytes are padding.
   */
  get payloadLength(): number {
    const present = this.bytes.length - this.offset - ETHERNET_HEADER_LENGTH;
    const value = this.etherType;
    return value <= MAX_LENGTH_VALUE && value < present ? value : present;
  }
}

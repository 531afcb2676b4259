import { checkUint, readU24, requireBytes, writeU24, type HeaderView } from '@wirestack/core';
import { LAYER, MAX_VNI, VXLAN_HEADER_LENGTH } from './layout.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const UNATTACHED = new Uint8Array(0);

/**
 * Zero-copy accessor over the VXLAN header at (bytes, offset): getters read
 * and setters write in place, nothing allocates (except the `payload`
 * subarray), and `reset` re-points the view at the next packet. The view
 * reads any bits as they are; `decodeVxlan` is where they are judged.
 */
export class VxlanView implements HeaderView {
  /** The buffer viewed; change it with `reset`. */
  bytes: Uint8Array;
  /** Where the header starts in `bytes`; change it with `reset`. */
  offset: number;
  readonly headerLength: number = VXLAN_HEADER_LENGTH;

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
    if (!(bytes.length - offset >= 8 /* VXLAN_HEADER_LENGTH */)) requireBytes(bytes, offset, VXLAN_HEADER_LENGTH, LAYER);
    this.bytes = bytes;
    this.offset = offset;
    return this;
  }

  /** The flags octet (0x08, the I flag, in a valid header). */
  get flags(): number {
    return this.bytes[this.offset /* + FLAGS (0) */]!;
  }

  set flags(value: number) {
    this.bytes[this.offset /* + FLAGS (0) */] = checkUint(value, 0xff, 'flags');
  }

  /** True when the I flag is set, i.e. the VNI is valid. */
  get hasVni(): boolean {
    return (this.bytes[this.offset /* + FLAGS (0) */]! & 0x08) /* VXLAN_FLAG_I */ !== 0;
  }

  /** The 24-bit VXLAN Network Identifier. */
  get vni(): number {
    const b = this.bytes;
    const o = this.offset + 4 /* VNI */;
    return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }

  set vni(value: number) {
    writeU24(this.bytes, this.offset + 4 /* VNI */, checkUint(value, MAX_VNI, 'vni'));
  }

  /** The 24-bit Reserved field after the flags. */
  get reserved1(): number {
    return readU24(this.bytes, this.offset + 1 /* RESERVED1 */);
  }

  set reserved1(value: number) {
    writeU24(this.bytes, this.offset + 1 /* RESERVED1 */, checkUint(value, 0xff_ffff, 'reserved1'));
  }

  /** The 8-bit Reserved field after the VNI. */
  get reserved2(): number {
    return this.bytes[this.offset + 7 /* RESERVED2 */]!;
  }

  set reserved2(value: number) {
    this.bytes[this.offset + 7 /* RESERVED2 */] = checkUint(value, 0xff, 'reserved2');
  }

  /** Where the inner Ethernet frame starts in `bytes`. */
  get payloadOffset(): number {
    return this.offset + 8 /* VXLAN_HEADER_LENGTH */;
  }

  /** The inner Ethernet frame in place: everything after the header (a subarray). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + 8 /* VXLAN_HEADER_LENGTH */);
  }
}

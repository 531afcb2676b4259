import { checkUint, readU24, requireBytes, writeU24, type HeaderView } from '@wirestack/core';
import { FLAGS, LAYER, MAX_VNI, RESERVED1, RESERVED2, VNI, VXLAN_FLAG_I, VXLAN_HEADER_LENGTH } from './layout.js';

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
    requireBytes(bytes, offset, VXLAN_HEADER_LENGTH, LAYER);
    this.bytes = bytes;
    this.offset = offset;
    return this;
  }

  /** The flags octet (0x08, the I flag, in a valid header). */
  get flags(): number {
    return this.bytes[this.offset + FLAGS]!;
  }

  set flags(value: number) {
    this.bytes[this.offset + FLAGS] = checkUint(value, 0xff, 'flags');
  }

  /** True when the I flag is set, i.e. the VNI is valid. */
  get hasVni(): boolean {
    return (this.bytes[this.offset + FLAGS]! & VXLAN_FLAG_I) !== 0;
  }

  /** The 24-bit VXLAN Network Identifier. */
  get vni(): number {
    return readU24(this.bytes, this.offset + VNI);
  }

  set vni(value: number) {
    writeU24(this.bytes, this.offset + VNI, checkUint(value, MAX_VNI, 'vni'));
  }

  /** The 24-bit Reserved field after the flags. */
  get reserved1(): number {
    return readU24(this.bytes, this.offset + RESERVED1);
  }

  set reserved1(value: number) {
    writeU24(this.bytes, this.offset + RESERVED1, checkUint(value, 0xff_ffff, 'reserved1'));
  }

  /** The 8-bit Reserved field after the VNI. */
  get reserved2(): number {
    return this.bytes[this.offset + RESERVED2]!;
  }

  set reserved2(value: number) {
    this.bytes[this.offset + RESERVED2] = checkUint(value, 0xff, 'reserved2');
  }

  /** Where the inner Ethernet frame starts in `bytes`. */
  get payloadOffset(): number {
    return this.offset + VXLAN_HEADER_LENGTH;
  }

  /** The inner Ethernet frame in place: everything after the header (a subarray). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + VXLAN_HEADER_LENGTH);
  }
}

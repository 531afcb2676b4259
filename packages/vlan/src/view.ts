import { type HeaderView, checkUint, requireBytes } from '@wirestack/core';
import { LAYER, PCP_MAX, VID_RESERVED, VLAN_TAG_LAYER_LENGTH } from './layout.js';
import { checkVid } from './tci.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const EMPTY = new Uint8Array(0);

/**
 * Zero-copy accessors over one VLAN tag layer: the TCI and inner ethertype
 * at `offset` (the 4 bytes after the TPID, see layout.ts). Reusable with
 * `reset`, allocation-free, for hot paths: one view per dispatch slot.
 *
 *   const tag = new VlanTagView();
 *   tag.reset(frame, 14);          // TCI of the first tag of an Ethernet frame
 *   tag.vid; tag.pcp; tag.etherType;
 *
 * Setters write in place and throw EncodeError for values that do not fit
 * (and for VID 4095, which must not be transmitted; `tci` writes raw bits).
 */
export class VlanTagView implements HeaderView {
  private _bytes: Uint8Array;
  private _offset: number;

  /** Without `bytes` the view points at nothing until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0) {
    this._bytes = EMPTY;
    this._offset = 0;
    if (bytes !== undefined) this.reset(bytes, offset);
  }

  /** Re-points the view; DecodeError 'truncated' unless 4 bytes are present at `offset`. */
  reset(bytes: Uint8Array, offset = 0): this {
    // One comparison on the hot path; requireBytes, called only when it
    // fails, throws (or lets through what it always has, e.g. a NaN offset).
    if (!(bytes.length - offset >= 4 /* VLAN_TAG_LAYER_LENGTH */)) requireBytes(bytes, offset, VLAN_TAG_LAYER_LENGTH, LAYER);
    this._bytes = bytes;
    this._offset = offset;
    return this;
  }

  get bytes(): Uint8Array {
    return this._bytes;
  }

  /** Offset of the TCI in `bytes`. */
  get offset(): number {
    return this._offset;
  }

  /** Always 4: TCI + inner ethertype. */
  get headerLength(): number {
    return VLAN_TAG_LAYER_LENGTH;
  }

  /** Offset of what the tag encapsulates (the next TCI when `etherType` is a TPID). */
  get payloadOffset(): number {
    return this._offset + 4 /* VLAN_TAG_LAYER_LENGTH */;
  }

  /** The raw 16-bit Tag Control Information. */
  get tci(): number {
    const b = this._bytes;
    const o = this._offset;
    return (b[o]! << 8) | b[o + 1]!;
  }

  /** Writes all 16 TCI bits unchecked against 802.1Q's rules (VID 4095 included). */
  set tci(value: number) {
    checkUint(value, 0xffff, 'tci');
    this._bytes[this._offset] = value >>> 8;
    this._bytes[this._offset + 1] = value;
  }

  get pcp(): number {
    return this._bytes[this._offset]! >>> 5;
  }

  set pcp(value: number) {
    checkUint(value, PCP_MAX, 'pcp');
    const o = this._offset;
    this._bytes[o] = (this._bytes[o]! & 0x1f) | (value << 5);
  }

  get dei(): boolean {
    return (this._bytes[this._offset]! & 0x10) !== 0;
  }

  set dei(value: boolean) {
    const o = this._offset;
    this._bytes[o] = value ? this._bytes[o]! | 0x10 : this._bytes[o]! & 0xef;
  }

  get vid(): number {
    const b = this._bytes;
    const o = this._offset;
    return ((b[o]! & 0x0f) << 8) | b[o + 1]!;
  }

  set vid(value: number) {
    checkVid(value);
    const o = this._offset;
    this._bytes[o] = (this._bytes[o]! & 0xf0) | (value >>> 8);
    this._bytes[o + 1] = value;
  }

  /** True for VID 4095, which 802.1Q reserves: a decoder accepts it, an encoder refuses it. */
  get reservedVid(): boolean {
    return this.vid === VID_RESERVED;
  }

  /** The ethertype of what follows: the next tag's TPID when tags are stacked. */
  get etherType(): number {
    const b = this._bytes;
    const o = this._offset + 2;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set etherType(value: number) {
    checkUint(value, 0xffff, 'etherType');
    this._bytes[this._offset + 2] = value >>> 8;
    this._bytes[this._offset + 3] = value;
  }
}

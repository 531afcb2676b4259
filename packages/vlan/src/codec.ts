import {
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  checkUint,
  outputRegion,
  readU16,
  requireBytes,
} from '@wirestack/core';
import { LAYER, VID_MASK, VID_RESERVED, VLAN_TAG_LAYER_LENGTH } from './layout.js';
import { type TciFields, type TciInput, encodeTci } from './tci.js';

/**
 * One VLAN tag layer as plain data: the TCI fields and the ethertype the tag
 * encapsulates. The TPID is not here: it is the previous layer's ethertype
 * (see layout.ts); `decodeVlanStack` reports it with each tag.
 */
export interface VlanTag extends TciFields {
  /** The ethertype after the TCI: the payload's protocol, or the next tag's TPID. */
  readonly etherType: number;
}

/** Input of `encodeVlanTag`: `pcp` defaults to 0 and `dei` to false. */
export interface VlanTagInput extends TciInput {
  readonly etherType: number;
}

/** Shared by every result without issues, so strict decodes allocate no array. */
export const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);

/**
 * The TCI fields of `tci`, with `reservedVid` only when VID is 4095.
 * Object literals of a fixed shape keep the common case monomorphic.
 */
export function tagFromTci(tci: number, etherType: number): VlanTag {
  const vid = tci & VID_MASK;
  const pcp = tci >>> 13;
  const dei = (tci & 0x1000) !== 0;
  return vid === VID_RESERVED ? { pcp, dei, vid, etherType, reservedVid: true } : { pcp, dei, vid, etherType };
}

/**
 * Decodes the tag layer at `offset`: the TCI and inner ethertype, i.e. the
 * 4 bytes after a TPID (offset 14 for the first tag of an Ethernet frame).
 * `payload` is everything after them, as a subarray. Throws DecodeError
 * 'truncated' when 4 bytes are not there; otherwise every bit pattern is a
 * tag (VID 4095 decodes with `reservedVid: true`), so `options` change
 * nothing here: the parameter is the common signature of every decoder.
 */
export function decodeVlanTag(bytes: Uint8Array, offset = 0, options?: DecodeOptions): Decoded<VlanTag> {
  requireBytes(bytes, offset, VLAN_TAG_LAYER_LENGTH, LAYER);
  return {
    header: tagFromTci(readU16(bytes, offset), readU16(bytes, offset + 2)),
    headerLength: VLAN_TAG_LAYER_LENGTH,
    payload: bytes.subarray(offset + VLAN_TAG_LAYER_LENGTH),
    issues: NO_ISSUES,
  };
}

/**
 * Writes the tag layer (TCI + inner ethertype, 4 bytes) into `out` at
 * `offset`, or into a new array, and returns the written bytes. EncodeError
 * 'out-of-range' for a PCP, VID or ethertype that does not fit, 'reserved'
 * for VID 4095, 'buffer-too-small' when `out` is too short.
 */
export function encodeVlanTag(tag: VlanTagInput, out?: Uint8Array, offset = 0): Uint8Array {
  const tci = encodeTci(tag);
  const etherType = checkUint(tag.etherType, 0xffff, 'etherType');
  const region = outputRegion(VLAN_TAG_LAYER_LENGTH, out, offset);
  region[0] = tci >>> 8;
  region[1] = tci;
  region[2] = etherType >>> 8;
  region[3] = etherType;
  return region;
}

import { EncodeError, checkUint } from '@wirestack/core';
import { DEI_MASK, PCP_MAX, PCP_SHIFT, VID_MASK, VID_RESERVED } from './layout.js';

/** The TCI fields, as both tag shapes (layer header and stack entry) carry them. */
export interface TciFields {
  /** Priority Code Point, 0..7 (802.1Q Annex I: 1 is the lowest, 0 the default). */
  readonly pcp: number;
  /** Drop Eligible Indicator (the CFI bit of 802.1Q-2005 and earlier). */
  readonly dei: boolean;
  /** VLAN identifier, 0..4095: 0 is a priority tag, 4095 is reserved (decoded, never encoded). */
  readonly vid: number;
  /** Present, and true, only when `vid` is the reserved 4095: such a tag decodes but cannot be encoded. */
  readonly reservedVid?: true;
}

/** What an encoder needs for a TCI: `pcp` defaults to 0 and `dei` to false. */
export interface TciInput {
  readonly pcp?: number;
  readonly dei?: boolean;
  readonly vid: number;
}

/**
 * The 16-bit TCI for `input`, or EncodeError: 'out-of-range' for a PCP or
 * VID that does not fit its bits, 'reserved' for VID 4095. `field` prefixes
 * the offending field's name (e.g. 'tags[1].') so stack errors say which tag.
 */
export function encodeTci(input: TciInput, field = ''): number {
  const pcp = input.pcp ?? 0;
  const vid = input.vid;
  // Valid values pass without building field names; only a bad one pays for its error message.
  if (!(Number.isInteger(pcp) && pcp >= 0 && pcp <= PCP_MAX)) checkUint(pcp, PCP_MAX, `${field}pcp`);
  if (!(Number.isInteger(vid) && vid >= 0 && vid < VID_RESERVED)) checkVid(vid, `${field}vid`);
  return (pcp << PCP_SHIFT) | (input.dei === true ? DEI_MASK : 0) | vid;
}

/** Returns `vid` if it may be encoded (0..4094); EncodeError 'out-of-range' or, for 4095, 'reserved'. */
export function checkVid(vid: number, field = 'vid'): number {
  checkUint(vid, VID_MASK, field);
  if (vid === VID_RESERVED) {
    throw new EncodeError('reserved', field, `${field}: VID 4095 is reserved by IEEE 802.1Q and must not be transmitted`);
  }
  return vid;
}

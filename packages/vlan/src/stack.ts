import {
  type DecodeIssue,
  type DecodeOptions,
  EncodeError,
  IssueCollector,
  checkUint,
  hex,
  outputRegion,
  readU16,
  requireBytes,
} from '@wirestack/core';
import { NO_ISSUES } from './codec.js';
import {
  ETH_TYPE_OFFSET,
  LAYER,
  TPID_8021Q,
  VID_MASK,
  VID_RESERVED,
  VLAN_TAG_LENGTH,
  isVlanTpid,
} from './layout.js';
import { type TciFields, type TciInput, encodeTci } from './tci.js';

/** One tag of a stack: its TPID and TCI fields, as it sits on the wire. */
export interface VlanStackTag extends TciFields {
  /** One of VLAN_TPIDS: 0x8100 (802.1Q C-tag), 0x88a8 (802.1ad S-tag), 0x9100, 0x9200. */
  readonly tpid: number;
}

/** Input for one tag of `encodeVlanStack` and `pushVlanTag`: `tpid` defaults to 0x8100. */
export interface VlanStackTagInput extends TciInput {
  readonly tpid?: number;
}

/** The tags of a frame, outermost first, and what they carry. */
export interface VlanStack {
  /** Outermost (first on the wire) first; empty for an untagged frame. */
  readonly tags: readonly VlanStackTag[];
  /** The ethertype after the last tag (in lax mode, after the depth limit: a TPID). */
  readonly etherType: number;
  /** Offset in the frame of the first byte after that ethertype. */
  readonly payloadOffset: number;
  /** Problems found in lax mode (always empty in strict mode). */
  readonly issues: readonly DecodeIssue[];
}

export interface VlanStackInput {
  readonly tags: readonly VlanStackTagInput[];
  /** The ethertype after the last tag; a TPID here is refused, as the result would not decode back. */
  readonly etherType: number;
}

export interface VlanStackOptions extends DecodeOptions {
  /** Most tags walked before giving up (default 8): strict throws 'too-many-tags', lax stops and reports it. */
  readonly maxTags?: number;
}

/**
 * Deepest stack decodeVlanStack walks by default. Real networks stop at 2
 * (QinQ), rarely 3; the limit bounds the work a hostile jumbo frame of
 * repeated TPIDs can cause (Wireshark's dissector has a similar guard).
 */
export const DEFAULT_MAX_VLAN_TAGS = 8;

const NO_TAGS: readonly VlanStackTag[] = Object.freeze([]);

function stackTag(tpid: number, tci: number): VlanStackTag {
  const vid = tci & VID_MASK;
  const pcp = tci >>> 13;
  const dei = (tci & 0x1000) !== 0;
  return vid === VID_RESERVED ? { tpid, pcp, dei, vid, reservedVid: true } : { tpid, pcp, dei, vid };
}

/**
 * Walks the VLAN tags of an Ethernet frame from the TPID at `offset` (12,
 * the Ethernet ethertype field, by default), while the ethertype read is one
 * of VLAN_TPIDS. An untagged frame gives no tags, its ethertype, and
 * `payloadOffset` offset + 2.
 *
 * DecodeError 'truncated' (both modes) when the ethertype or a tag's TCI and
 * next ethertype are cut off: the error names the TCI's offset and the 4
 * bytes it needs. More than `maxTags` tags: strict throws 'too-many-tags' at
 * the offending TPID; lax returns the first `maxTags` tags, that TPID as
 * `etherType` and its TCI as `payloadOffset`, with the issue recorded.
 */
export function decodeVlanStack(frame: Uint8Array, offset = ETH_TYPE_OFFSET, options?: VlanStackOptions): VlanStack {
  requireBytes(frame, offset, 2, LAYER);
  const maxTags = options?.maxTags ?? DEFAULT_MAX_VLAN_TAGS;
  // Created at the first tag, as a one-element literal: untagged frames share
  // NO_TAGS, and a literal is cheaper than growing an empty array (measured).
  let tags: VlanStackTag[] | undefined;
  let count = 0;
  let etherType = readU16(frame, offset);
  let o = offset + 2;
  let issues = NO_ISSUES;
  while (isVlanTpid(etherType)) {
    if (count >= maxTags) {
      const collector = new IssueCollector(options);
      collector.report({
        code: 'too-many-tags',
        layer: LAYER,
        offset: o - 2,
        message: `${LAYER} at offset ${o - 2}: more than ${maxTags} stacked tags (TPID ${hex(etherType)})`,
      });
      issues = collector.issues;
      break;
    }
    requireBytes(frame, o, VLAN_TAG_LENGTH, LAYER);
    const tag = stackTag(etherType, readU16(frame, o));
    if (tags === undefined) tags = [tag];
    else tags.push(tag);
    count++;
    etherType = readU16(frame, o + 2);
    o += VLAN_TAG_LENGTH;
  }
  return { tags: tags ?? NO_TAGS, etherType, payloadOffset: o, issues };
}

/** Bytes `encodeVlanStack` writes for `tagCount` tags: a TPID+TCI each, then the ethertype. */
export function vlanStackLength(tagCount: number): number {
  return tagCount * VLAN_TAG_LENGTH + 2;
}

/**
 * The inverse of decodeVlanStack: writes TPID, TCI for each tag, outermost
 * first, then the final ethertype (4 * tags + 2 bytes, from the Ethernet
 * ethertype position) into `out` at `offset`, or a new array; returns the
 * written bytes. EncodeError 'invalid' for a TPID outside VLAN_TPIDS or a
 * final ethertype that is a TPID (either would decode differently),
 * 'out-of-range'/'reserved' as encodeVlanTag; fields are named `tags[i].vid`.
 */
export function encodeVlanStack(stack: VlanStackInput, out?: Uint8Array, offset = 0): Uint8Array {
  const { tags } = stack;
  const etherType = checkUint(stack.etherType, 0xffff, 'etherType');
  if (isVlanTpid(etherType)) {
    throw new EncodeError('invalid', 'etherType', `etherType: ${hex(etherType)} is a VLAN TPID; put that tag in tags`);
  }
  // Validate everything before writing anything into the caller's buffer.
  const words: number[] = [];
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    words.push(checkTpid(tag.tpid ?? TPID_8021Q, `tags[${i}].tpid`), encodeTci(tag, `tags[${i}].`));
  }
  const region = outputRegion(vlanStackLength(tags.length), out, offset);
  words.push(etherType);
  for (let i = 0; i < words.length; i++) {
    region[2 * i] = words[i]! >>> 8;
    region[2 * i + 1] = words[i]!;
  }
  return region;
}

/** Returns `tpid` if it is one of VLAN_TPIDS, else EncodeError 'invalid'. */
export function checkTpid(tpid: number, field = 'tpid'): number {
  if (!isVlanTpid(tpid)) throw notATpid(tpid, field);
  return tpid;
}

function notATpid(tpid: number, field: string): EncodeError {
  return new EncodeError('invalid', field, `${field}: ${hex(tpid)} is not a VLAN TPID (0x8100, 0x88a8, 0x9100, 0x9200)`);
}

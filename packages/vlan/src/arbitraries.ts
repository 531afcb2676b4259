/**
 * fast-check arbitraries for VLAN tags and tagged Ethernet frames. Import
 * from `@wirestack/vlan/arbitraries`; fast-check is an optional peer
 * dependency that the main entry never loads.
 *
 * Frames are assembled here byte by byte (not with this package's encoders)
 * so that tests comparing a decoder with them compare two independent
 * statements of the format.
 */
import * as fc from 'fast-check';
import { type MacAddress, writeMac, writeU16 } from '@wirestack/core';
import { macAddress, uint16 } from '@wirestack/core/arbitraries';
import type { VlanTag } from './codec.js';
import { ETH_TYPE_OFFSET, PCP_MAX, VID_MAX, VID_RESERVED, VLAN_TPIDS, isVlanTpid } from './layout.js';
import { DEFAULT_MAX_VLAN_TAGS, type VlanStackTag } from './stack.js';

function pcp(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: PCP_MAX });
}

/** VIDs that encode: 0 (priority tag) to 4094, with the edges weighted in. */
function vid(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(0, 1, VID_MAX), fc.integer({ min: 0, max: VID_MAX }));
}

/**
 * Ethertypes a stack can end with: common ones, 802.3 length values
 * (<= 1500) and anything else, but never a TPID (the walk would go on).
 */
export function innerEtherType(): fc.Arbitrary<number> {
  return fc
    .oneof(fc.constantFrom(0x0800, 0x0806, 0x86dd, 0x88cc, 0x0040, 0x05dc, 0x0600), uint16())
    .filter((t) => !isVlanTpid(t));
}

/** A tag layer (TCI + inner ethertype) that encodeVlanTag accepts; the ethertype may be anything, TPIDs included. */
export function vlanTag(): fc.Arbitrary<VlanTag> {
  return fc.record({ pcp: pcp(), dei: fc.boolean(), vid: vid(), etherType: uint16() });
}

/** One tag of a stack, with any of the TPIDs in VLAN_TPIDS. */
export function vlanStackTag(): fc.Arbitrary<VlanStackTag> {
  return fc.record({ tpid: fc.constantFrom(...VLAN_TPIDS), pcp: pcp(), dei: fc.boolean(), vid: vid() });
}

export interface VlanStackValue {
  readonly tags: readonly VlanStackTag[];
  readonly etherType: number;
}

/**
 * A stack of tags (outermost first) and the ethertype after them, valid for
 * encodeVlanStack. `depth` is an exact tag count or a range (default 1..3).
 */
export function vlanStack(depth: number | { min: number; max: number } = { min: 1, max: 3 }): fc.Arbitrary<VlanStackValue> {
  const { min, max } = typeof depth === 'number' ? { min: depth, max: depth } : depth;
  return fc.record({ tags: fc.array(vlanStackTag(), { minLength: min, maxLength: max }), etherType: innerEtherType() });
}

/** A whole tagged Ethernet frame and the values a decoder must read from it. */
export interface TaggedFrame {
  readonly frame: Uint8Array;
  readonly dst: MacAddress;
  readonly src: MacAddress;
  /** Outermost first. */
  readonly tags: readonly VlanStackTag[];
  /** The ethertype after the last tag. */
  readonly etherType: number;
  /** Offset of the first byte after that ethertype. */
  readonly payloadOffset: number;
}

function frameBytes(dst: MacAddress, src: MacAddress, tags: readonly VlanStackTag[], etherType: number, payload: Uint8Array): Uint8Array {
  const payloadOffset = ETH_TYPE_OFFSET + 4 * tags.length + 2;
  const frame = new Uint8Array(payloadOffset + payload.length);
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  let o = ETH_TYPE_OFFSET;
  for (const t of tags) {
    writeU16(frame, o, t.tpid);
    writeU16(frame, o + 2, (t.pcp << 13) | (t.dei ? 0x1000 : 0) | t.vid);
    o += 4;
  }
  writeU16(frame, o, etherType);
  frame.set(payload, payloadOffset);
  return frame;
}

/**
 * An Ethernet II frame with `depth` tags (default 1..3, any TPID at any
 * position) and a payload that makes it at least 64 bytes, as on the wire
 * without FCS.
 */
export function taggedFrame(depth: number | { min: number; max: number } = { min: 1, max: 3 }): fc.Arbitrary<TaggedFrame> {
  return fc
    .record({
      dst: macAddress(),
      src: macAddress(),
      stack: vlanStack(depth),
      payload: fc.uint8Array({ minLength: 46, maxLength: 96 }),
    })
    .map(({ dst, src, stack, payload }) => ({
      frame: frameBytes(dst, src, stack.tags, stack.etherType, payload),
      dst,
      src,
      tags: stack.tags,
      etherType: stack.etherType,
      payloadOffset: ETH_TYPE_OFFSET + 4 * stack.tags.length + 2,
    }));
}

/** The DecodeError fields a malformed frame must produce. */
export interface ExpectedDecodeError {
  readonly code: string;
  readonly offset: number;
  readonly required?: number;
  readonly available?: number;
}

export interface MalformedVlanFrame {
  /**
   * 'truncated': cut inside the ethertype or a tag; 'too-many-tags': more
   * tags than DEFAULT_MAX_VLAN_TAGS; 'reserved-vid': well formed, but one tag
   * carries VID 4095 (decodes flagged `reservedVid`, cannot be re-encoded).
   */
  readonly kind: 'truncated' | 'too-many-tags' | 'reserved-vid';
  readonly frame: Uint8Array;
  /** What decodeVlanStack(frame) throws in strict mode; undefined for 'reserved-vid'. */
  readonly error: ExpectedDecodeError | undefined;
}

function truncatedFrame(): fc.Arbitrary<MalformedVlanFrame> {
  return taggedFrame()
    .chain((t) => fc.record({ t: fc.constant(t), length: fc.integer({ min: 0, max: t.payloadOffset - 1 }) }))
    .map(({ t, length }) => {
      let error: ExpectedDecodeError;
      if (length < ETH_TYPE_OFFSET + 2) {
        error = { code: 'truncated', offset: ETH_TYPE_OFFSET, required: 2, available: Math.max(length - ETH_TYPE_OFFSET, 0) };
      } else {
        // The first tag whose TCI + next ethertype does not fit.
        const tci = ETH_TYPE_OFFSET + 2 + 4 * Math.floor((length - ETH_TYPE_OFFSET - 2) / 4);
        error = { code: 'truncated', offset: tci, required: 4, available: length - tci };
      }
      return { kind: 'truncated' as const, frame: t.frame.slice(0, length), error };
    });
}

function deepFrame(): fc.Arbitrary<MalformedVlanFrame> {
  return taggedFrame({ min: DEFAULT_MAX_VLAN_TAGS + 1, max: DEFAULT_MAX_VLAN_TAGS + 4 }).map((t) => ({
    kind: 'too-many-tags' as const,
    frame: t.frame,
    error: { code: 'too-many-tags', offset: ETH_TYPE_OFFSET + 4 * DEFAULT_MAX_VLAN_TAGS },
  }));
}

function reservedVidFrame(): fc.Arbitrary<MalformedVlanFrame> {
  return taggedFrame()
    .chain((t) => fc.record({ t: fc.constant(t), index: fc.integer({ min: 0, max: t.tags.length - 1 }) }))
    .map(({ t, index }) => {
      const frame = t.frame.slice();
      const tci = ETH_TYPE_OFFSET + 2 + 4 * index;
      frame[tci] = frame[tci]! | (VID_RESERVED >>> 8);
      frame[tci + 1] = VID_RESERVED & 0xff;
      return { kind: 'reserved-vid' as const, frame, error: undefined };
    });
}

/** Frames that are cut short, too deeply tagged, or carry the reserved VID 4095, with what a decoder must say. */
export function malformedVlanFrame(): fc.Arbitrary<MalformedVlanFrame> {
  return fc.oneof(truncatedFrame(), deepFrame(), reservedVidFrame());
}

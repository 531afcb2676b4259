import { writeU16 } from '@wirestack/core';
import { splitAs4 } from './as-path.js';
import { encodeAttributes } from './attributes.js';
import { writeHeader } from './header.js';
import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './layout.js';
import type { BgpCodecOptions, BgpPrefix, PathAttributes } from './messages.js';
import { prefixesLength, writePrefixes } from './nlri.js';

/**
 * Outbound UPDATE packing: as many prefixes per message as fit when they
 * share one attribute set (the attributes are encoded once per set), and
 * withdrawals packed the same way. Every message fits the session's
 * maximum length.
 */

/** Prefixes that share one attribute set. */
export interface AnnouncementGroup {
  readonly attributes: PathAttributes;
  readonly prefixes: readonly BgpPrefix[];
}

const UPDATE_FIXED = HEADER_LENGTH + 4;

function maxLength(options: BgpCodecOptions): number {
  return options.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

function prefixLength(p: BgpPrefix, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((p.length + 7) >>> 3);
}

/** Splits `prefixes` into runs whose encoding fits `room` octets each. */
function runs(prefixes: readonly BgpPrefix[], room: number, addPath: boolean): BgpPrefix[][] {
  const out: BgpPrefix[][] = [];
  let current: BgpPrefix[] = [];
  let used = 0;
  for (const p of prefixes) {
    const n = prefixLength(p, addPath);
    if (used + n > room && current.length > 0) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(p);
    used += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** UPDATE messages (whole, with headers) that withdraw `prefixes`. */
export function packWithdrawals(prefixes: readonly BgpPrefix[], options: BgpCodecOptions = {}): Uint8Array[] {
  const addPath = options.addPath === true;
  return runs(prefixes, maxLength(options) - UPDATE_FIXED, addPath).map((run) => {
    const wlen = prefixesLength(run, addPath);
    const out = new Uint8Array(UPDATE_FIXED + wlen);
    writeHeader(out, 0, out.length, MessageType.UPDATE);
    writeU16(out, HEADER_LENGTH, wlen);
    writePrefixes(out, HEADER_LENGTH + 2, run, addPath, 'withdrawn');
    writeU16(out, HEADER_LENGTH + 2 + wlen, 0);
    return out;
  });
}

/** UPDATE messages that announce each group's prefixes with the group's attributes. */
export function packAnnouncements(groups: readonly AnnouncementGroup[], options: BgpCodecOptions = {}): Uint8Array[] {
  const addPath = options.addPath === true;
  const messages: Uint8Array[] = [];
  for (const group of groups) {
    if (group.prefixes.length === 0) continue;
    const attrs = encodeAttributes(group.attributes, options);
    const attrBytes = new Uint8Array(attrs.length);
    attrs.write(attrBytes, 0);
    const room = maxLength(options) - UPDATE_FIXED - attrs.length;
    if (room < 5 + 4) throw new RangeError(`path attributes of ${attrs.length} octets leave no room for NLRI`);
    for (const run of runs(group.prefixes, room, addPath)) {
      const nlriLength = prefixesLength(run, addPath);
      const out = new Uint8Array(UPDATE_FIXED + attrs.length + nlriLength);
      writeHeader(out, 0, out.length, MessageType.UPDATE);
      writeU16(out, HEADER_LENGTH, 0);
      writeU16(out, HEADER_LENGTH + 2, attrs.length);
      out.set(attrBytes, UPDATE_FIXED);
      writePrefixes(out, UPDATE_FIXED + attrs.length, run, addPath, 'nlri');
      messages.push(out);
    }
  }
  return messages;
}

/** Octets a prefix key (`prefixKey`: address * 64 + length) takes as NLRI or a withdrawn route, without ADD-PATH. */
function keyOctets(key: number): number {
  return 1 + (((key % 64) + 7) >>> 3);
}

/** Writes a prefix key at `o` as a length octet and the fewest address octets; returns the offset after it. */
function writeKey(out: Uint8Array, o: number, key: number): number {
  const length = key % 64;
  const address = Math.floor(key / 64);
  out[o++] = length;
  for (let i = 0, n = (length + 7) >>> 3; i < n; i++) out[o++] = address >>> (24 - 8 * i);
  return o;
}

interface SliceGroup {
  /** The set's path attributes, encoded once for the slice. */
  readonly attributes: Uint8Array;
  readonly keys: number[];
  /** NLRI octets in the group's last message so far. */
  used: number;
}

/**
 * One batch of a peer's outbound UPDATEs, built prefix by prefix from
 * prefix keys (`prefixKey`, so no object per prefix): withdrawals, and
 * announcements grouped by attribute set with each set encoded once.
 * `length` is always the exact number of octets `pack` will write, so the
 * engine can stop adding prefixes at a budget. Messages are split exactly
 * as `packWithdrawals`/`packAnnouncements` split them. No ADD-PATH: this
 * speaker never negotiates sending it.
 */
export class UpdateSlice {
  /** Octets of the messages packed so far. */
  length = 0;
  /** Room for withdrawn routes or attributes + NLRI in one message. */
  private readonly room: number;
  private readonly withdrawn: number[] = [];
  private withdrawnUsed = 0;
  private readonly groups = new Map<number, SliceGroup>();

  constructor(private readonly options: BgpCodecOptions) {
    this.room = maxLength(options) - UPDATE_FIXED;
  }

  withdraw(key: number): void {
    const n = keyOctets(key);
    if (this.withdrawn.length === 0 || this.withdrawnUsed + n > this.room) {
      this.length += UPDATE_FIXED;
      this.withdrawnUsed = 0;
    }
    this.withdrawnUsed += n;
    this.length += n;
    this.withdrawn.push(key);
  }

  /**
   * Announces `key` with `attributes`. Prefixes with the same `group`
   * number share one attribute set (the caller's promise: only the first
   * prefix's attributes are encoded, in the session's AS number form).
   */
  announce(key: number, group: number, attributes: PathAttributes): void {
    let g = this.groups.get(group);
    if (g === undefined) {
      const encoded = encodeAttributes(this.options.fourOctetAs ? attributes : splitAs4(attributes), this.options);
      if (this.room - encoded.length < 5 + 4) throw new RangeError(`path attributes of ${encoded.length} octets leave no room for NLRI`);
      const bytes = new Uint8Array(encoded.length);
      encoded.write(bytes, 0);
      g = { attributes: bytes, keys: [], used: 0 };
      this.groups.set(group, g);
    }
    const n = keyOctets(key);
    if (g.keys.length === 0 || g.used + n > this.room - g.attributes.length) {
      this.length += UPDATE_FIXED + g.attributes.length;
      g.used = 0;
    }
    g.used += n;
    this.length += n;
    g.keys.push(key);
  }

  /** The messages back to back in one buffer: withdrawals first, then the announcements set by set. */
  pack(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    const w = this.withdrawn;
    for (let i = 0; i < w.length; ) {
      const start = o;
      let p = start + HEADER_LENGTH + 2;
      const limit = p + this.room;
      p = writeKey(out, p, w[i++]!);
      while (i < w.length && p + keyOctets(w[i]!) <= limit) p = writeKey(out, p, w[i++]!);
      writeU16(out, start + HEADER_LENGTH, p - start - HEADER_LENGTH - 2);
      writeU16(out, p, 0);
      o = p + 2;
      writeHeader(out, start, o - start, MessageType.UPDATE);
    }
    for (const group of this.groups.values()) {
      const keys = group.keys;
      const attrs = group.attributes;
      for (let i = 0; i < keys.length; ) {
        const start = o;
        writeU16(out, start + HEADER_LENGTH, 0);
        writeU16(out, start + HEADER_LENGTH + 2, attrs.length);
        out.set(attrs, start + UPDATE_FIXED);
        let p = start + UPDATE_FIXED + attrs.length;
        const limit = p + this.room - attrs.length;
        p = writeKey(out, p, keys[i++]!);
        while (i < keys.length && p + keyOctets(keys[i]!) <= limit) p = writeKey(out, p, keys[i++]!);
        o = p;
        writeHeader(out, start, o - start, MessageType.UPDATE);
      }
    }
    return out;
  }
}

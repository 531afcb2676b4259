import { writeU16 } from '@wirestack/core';
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

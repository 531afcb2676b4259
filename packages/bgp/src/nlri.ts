import { EncodeError, checkUint, ipv4Mask, readU32, writeU32, type Ipv4Address } from '@wirestack/core';
import type { BgpPrefix } from './messages.js';

/**
 * IPv4 prefixes as NLRI encodes them (RFC 4271 §4.3): a length octet and
 * the fewest octets that hold the prefix, optionally after a 4-octet Path
 * Identifier (RFC 7911). Used for the withdrawn routes, the NLRI field and
 * the IPv4 unicast MP_REACH/MP_UNREACH attributes.
 */

/**
 * Reads the prefixes in bytes[start, end). A prefix longer than 32 bits or
 * one that runs past `end` is a syntax error: `fail(offset, detail)` builds
 * the error to throw (its handling depends on where the field is).
 * Trailing bits beyond the prefix length are irrelevant (RFC 4271) and are
 * cleared.
 */
export function decodePrefixes(
  bytes: Uint8Array,
  start: number,
  end: number,
  addPath: boolean,
  fail: (offset: number, detail: string) => Error,
): BgpPrefix[] {
  const prefixes: BgpPrefix[] = [];
  let o = start;
  while (o < end) {
    let pathId: number | undefined;
    if (addPath) {
      if (o + 4 >= end) throw fail(o, 'path identifier and prefix length run past the field');
      pathId = readU32(bytes, o);
      o += 4;
    }
    const length = bytes[o]!;
    if (length > 32) throw fail(o, `prefix length ${length} > 32`);
    const octets = (length + 7) >>> 3;
    if (o + 1 + octets > end) throw fail(o, `prefix of /${length} needs ${octets} octets, field has ${end - o - 1}`);
    let address = 0;
    for (let i = 0; i < octets; i++) address |= bytes[o + 1 + i]! << (24 - 8 * i);
    address = (address & ipv4Mask(length)) >>> 0;
    prefixes.push(
      pathId === undefined
        ? { address: address as Ipv4Address, length }
        : { address: address as Ipv4Address, length, pathId },
    );
    o += 1 + octets;
  }
  return prefixes;
}

/** Octets the prefixes take on the wire. */
export function prefixesLength(prefixes: readonly BgpPrefix[], addPath: boolean): number {
  let n = 0;
  for (const p of prefixes) n += (addPath ? 5 : 1) + ((p.length + 7) >>> 3);
  return n;
}

/**
 * Writes the prefixes at `offset`, returns the offset after them. Throws
 * EncodeError for a length outside 0..32, host bits set, or a missing/extra
 * path identifier.
 */
export function writePrefixes(out: Uint8Array, offset: number, prefixes: readonly BgpPrefix[], addPath: boolean, field: string): number {
  let o = offset;
  for (const p of prefixes) {
    checkPrefix(p, field);
    if (addPath) {
      if (p.pathId === undefined) throw new EncodeError('invalid', `${field}.pathId`, `${field}: ADD-PATH needs a pathId on every prefix`);
      writeU32(out, o, checkUint(p.pathId, 0xffff_ffff, `${field}.pathId`));
      o += 4;
    } else if (p.pathId !== undefined) {
      throw new EncodeError('invalid', `${field}.pathId`, `${field}: pathId given but ADD-PATH is off`);
    }
    out[o++] = p.length;
    const octets = (p.length + 7) >>> 3;
    for (let i = 0; i < octets; i++) out[o++] = p.address >>> (24 - 8 * i);
  }
  return o;
}

function checkPrefix(p: BgpPrefix, field: string): void {
  checkUint(p.length, 32, `${field}.length`);
  checkUint(p.address, 0xffff_ffff, `${field}.address`);
  if ((p.address & ~ipv4Mask(p.length)) !== 0) {
    throw new EncodeError('invalid', `${field}.address`, `${field}: host bits set beyond /${p.length}`);
  }
}

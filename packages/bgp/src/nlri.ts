import { EncodeError, checkUint, ipv4Mask, readU32, writeU32, type Ipv4Address } from '@wirestack/core';
import type { BgpPrefix } from './messages.js';

/**
 * IPv4 prefixes as NLRI encodes them (RFC 4271 §4.3): a length octet and
 * the fewest octets that hold the prefix, optionally after a 4-octet Path
 * Identifier (RFC 7911). Used for the withdrawn routes, the NLRI field and
 * the IPv4 unicast MP_REACH/MP_UNREACH attributes.
 */

/** A prefix as one number: address * 64 + length (exact below 2^38), as the RIBs key their tables. */
export function prefixKey(address: number, length: number): number {
  return address * 64 + length;
}

export function prefixOfKey(key: number): { address: Ipv4Address; length: number } {
  return { address: Math.floor(key / 64) as Ipv4Address, length: key % 64 };
}

/**
 * Reads the prefixes in bytes[start, end) as prefix keys (`prefixKey`),
 * appended to `keys`, and their Path Identifiers to `pathIds` (ADD-PATH).
 * No object per prefix: the engine stores keys, and a full table is a
 * million prefixes. A prefix longer than 32 bits or one that runs past
 * `end` is a syntax error: `fail(offset, detail)` builds the error to
 * throw (its handling depends on where the field is). Trailing bits
 * beyond the prefix length are irrelevant (RFC 4271) and are cleared.
 */
export function decodePrefixKeys(
  bytes: Uint8Array,
  start: number,
  end: number,
  addPath: boolean,
  fail: (offset: number, detail: string) => Error,
  keys: number[],
  pathIds?: number[],
): void {
  let o = start;
  while (o < end) {
    if (addPath) {
      if (o + 4 >= end) throw fail(o, 'path identifier and prefix length run past the field');
      pathIds?.push(readU32(bytes, o));
      o += 4;
    }
    const length = bytes[o]!;
    if (length > 32) throw fail(o, `prefix length ${length} > 32`);
    const octets = (length + 7) >>> 3;
    if (o + 1 + octets > end) throw fail(o, `prefix of /${length} needs ${octets} octets, field has ${end - o - 1}`);
    let address = 0;
    for (let i = 0; i < octets; i++) address |= bytes[o + 1 + i]! << (24 - 8 * i);
    keys.push(prefixKey((address & ipv4Mask(length)) >>> 0, length));
    o += 1 + octets;
  }
}

/** The prefixes in bytes[start, end) as objects (see `decodePrefixKeys`, which checks and reads them). */
export function decodePrefixes(
  bytes: Uint8Array,
  start: number,
  end: number,
  addPath: boolean,
  fail: (offset: number, detail: string) => Error,
): BgpPrefix[] {
  const keys: number[] = [];
  const pathIds: number[] | undefined = addPath ? [] : undefined;
  decodePrefixKeys(bytes, start, end, addPath, fail, keys, pathIds);
  return prefixesOfKeys(keys, pathIds);
}

/** Prefix objects for keys (`prefixKey`), with ADD-PATH path identifiers when `pathIds` holds one per key. */
export function prefixesOfKeys(keys: readonly number[], pathIds: readonly number[] | undefined): BgpPrefix[] {
  return keys.map((key, i) => (pathIds === undefined ? prefixOfKey(key) : { ...prefixOfKey(key), pathId: pathIds[i]! }));
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

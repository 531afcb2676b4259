import { EncodeError, checkUint, ipv4FromBytes, ipv4Mask, writeIpv4, type Ipv4Address } from '@wirestack/core';
import { mrtError, need } from './errors.js';
import type { MrtAddress, MrtPrefix } from './records.js';

/** Addresses and prefixes of both families as MRT lays them out. */

/**
 * `bytes` as a plain Uint8Array over the same memory. A subclass such as
 * Node's Buffer has a `slice` that does not copy and would leak into the
 * records; decoders use this first so every `slice` copies and every
 * field holds a plain Uint8Array.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function addressLength(family: 'ipv4' | 'ipv6'): number {
  return family === 'ipv4' ? 4 : 16;
}

export function readAddress(bytes: Uint8Array, offset: number, family: 'ipv4' | 'ipv6'): MrtAddress {
  return family === 'ipv4'
    ? { family, address: ipv4FromBytes(bytes, offset) }
    : { family, address: bytes.slice(offset, offset + 16) };
}

export function writeAddress(out: Uint8Array, offset: number, a: MrtAddress, field: string): number {
  if (a.family === 'ipv4') {
    writeIpv4(out, offset, checkUint(a.address, 0xffff_ffff, field) as Ipv4Address);
    return offset + 4;
  }
  if (a.family !== 'ipv6' || !(a.address instanceof Uint8Array) || a.address.length !== 16) {
    throw new EncodeError('invalid', field, `${field}: expected an IPv4 number or 16 IPv6 octets`);
  }
  out.set(a.address, offset);
  return offset + 16;
}

/** Octets a prefix takes: a length octet and the fewest octets that hold it (RFC 6396 §4.3.2). */
export function prefixWireLength(p: MrtPrefix): number {
  return 1 + ((p.length + 7) >>> 3);
}

/** Reads Prefix Length and Prefix at `offset`; trailing bits beyond the length are cleared. */
export function readPrefix(bytes: Uint8Array, offset: number, end: number, family: 'ipv4' | 'ipv6'): MrtPrefix {
  need(bytes, offset, 1, end);
  const length = bytes[offset]!;
  const max = family === 'ipv4' ? 32 : 128;
  if (length > max) throw mrtError('bad-prefix-length', offset, `prefix length ${length} > ${max}`);
  const octets = (length + 7) >>> 3;
  need(bytes, offset + 1, octets, end);
  if (family === 'ipv4') {
    let address = 0;
    for (let i = 0; i < octets; i++) address |= bytes[offset + 1 + i]! << (24 - 8 * i);
    return { family, address: ((address & ipv4Mask(length)) >>> 0) as Ipv4Address, length };
  }
  const address = new Uint8Array(16);
  address.set(bytes.subarray(offset + 1, offset + 1 + octets));
  if (length % 8 !== 0) address[octets - 1]! &= 0xff << (8 - (length % 8));
  return { family, address, length };
}

/** Writes a prefix; EncodeError for a length the family does not allow or host bits set. */
export function writePrefix(out: Uint8Array, offset: number, p: MrtPrefix, field: string): number {
  if (p.family === 'ipv4') {
    checkUint(p.length, 32, `${field}.length`);
    checkUint(p.address, 0xffff_ffff, `${field}.address`);
    if ((p.address & ~ipv4Mask(p.length)) !== 0) throw new EncodeError('invalid', `${field}.address`, `${field}: host bits set beyond /${p.length}`);
    out[offset] = p.length;
    const octets = (p.length + 7) >>> 3;
    for (let i = 0; i < octets; i++) out[offset + 1 + i] = p.address >>> (24 - 8 * i);
    return offset + 1 + octets;
  }
  checkUint(p.length, 128, `${field}.length`);
  if (!(p.address instanceof Uint8Array) || p.address.length !== 16) throw new EncodeError('invalid', `${field}.address`, `${field}: expected 16 IPv6 octets`);
  const octets = (p.length + 7) >>> 3;
  for (let i = 0; i < 16; i++) {
    const keep = i < octets - 1 ? 0xff : i === octets - 1 ? (0xff << (8 - (p.length % 8 || 8))) & 0xff : 0;
    if ((p.address[i]! & ~keep) !== 0) throw new EncodeError('invalid', `${field}.address`, `${field}: host bits set beyond /${p.length}`);
  }
  out[offset] = p.length;
  out.set(p.address.subarray(0, octets), offset + 1);
  return offset + 1 + octets;
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups as '::'. */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hexGroups = groups.map((g) => g.toString(16));
  // An IPv4-mapped address keeps its dotted tail, as inet_ntop prints it.
  if (bestStart === 0 && bestLength === 5 && groups[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  if (bestStart < 0) return hexGroups.join(':');
  return `${hexGroups.slice(0, bestStart).join(':')}::${hexGroups.slice(bestStart + bestLength).join(':')}`;
}

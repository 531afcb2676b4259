import { DecodeError, EncodeError, checkUint, ipv4FromBytes, readU16, readU32, writeIpv4, writeU16, writeU32, type Ipv4Address } from '@wirestack/core';
import { decodeAttributes, encodeAttributes } from '../attributes.js';
import type { BgpError } from '../errors.js';
import { AFI_IPV4, AFI_IPV6, ATTR_EXTENDED_LENGTH, ATTR_OPTIONAL, ATTR_TRANSITIVE, AttributeType, SAFI_MULTICAST, SAFI_UNICAST } from '../layout.js';
import type { MpReach, PathAttributes, UnknownAttribute } from '../messages.js';
import { addressLength, prefixWireLength, readAddress, readPrefix, writeAddress, writePrefix } from './address.js';
import { mrtError, need, shiftDecodeError } from './errors.js';
import { PEER_TYPE_AS4, PEER_TYPE_IPV6, TableDumpV2Subtype } from './layout.js';
import type { MrtPeer, PeerIndexTableRecord, RibEntry, RibRecord, RibTable } from './records.js';

/**
 * TABLE_DUMP_V2 bodies (RFC 6396 §4.3): PEER_INDEX_TABLE and the
 * AFI/SAFI-specific RIB subtypes, with the ADD-PATH variants of RFC 8050.
 * RIB entries carry BGP path attributes with 4-octet ASNs and an
 * abbreviated MP_REACH_NLRI (next hop only, §4.3.4).
 */

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Subtype number → (table, addPath), and back. */
const RIB_SUBTYPES: Readonly<Record<number, { table: RibTable; addPath: boolean }>> = {
  [TableDumpV2Subtype.RIB_IPV4_UNICAST]: { table: 'ipv4-unicast', addPath: false },
  [TableDumpV2Subtype.RIB_IPV4_MULTICAST]: { table: 'ipv4-multicast', addPath: false },
  [TableDumpV2Subtype.RIB_IPV6_UNICAST]: { table: 'ipv6-unicast', addPath: false },
  [TableDumpV2Subtype.RIB_IPV6_MULTICAST]: { table: 'ipv6-multicast', addPath: false },
  [TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH]: { table: 'ipv4-unicast', addPath: true },
  [TableDumpV2Subtype.RIB_IPV4_MULTICAST_ADDPATH]: { table: 'ipv4-multicast', addPath: true },
  [TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH]: { table: 'ipv6-unicast', addPath: true },
  [TableDumpV2Subtype.RIB_IPV6_MULTICAST_ADDPATH]: { table: 'ipv6-multicast', addPath: true },
};

export function ribSubtypeInfo(subtype: number): { table: RibTable; addPath: boolean } | undefined {
  return RIB_SUBTYPES[subtype];
}

export function ribSubtype(table: RibTable, addPath: boolean): number {
  for (const [subtype, info] of Object.entries(RIB_SUBTYPES)) {
    if (info.table === table && info.addPath === addPath) return Number(subtype);
  }
  throw new EncodeError('invalid', 'table', `table: expected ipv4-unicast, ipv4-multicast, ipv6-unicast or ipv6-multicast, got ${String(table)}`);
}

function tableFamily(table: RibTable): 'ipv4' | 'ipv6' {
  return table.startsWith('ipv4') ? 'ipv4' : 'ipv6';
}

function tableAfiSafi(table: RibTable): { afi: number; safi: number } {
  return { afi: tableFamily(table) === 'ipv4' ? AFI_IPV4 : AFI_IPV6, safi: table.endsWith('unicast') ? SAFI_UNICAST : SAFI_MULTICAST };
}

// ---- PEER_INDEX_TABLE -----------------------------------------------------------

export function decodePeerIndexTable(bytes: Uint8Array, start: number, end: number, timestamp: number): PeerIndexTableRecord {
  need(bytes, start, 6, end);
  const collectorId = ipv4FromBytes(bytes, start);
  const nameLength = readU16(bytes, start + 4);
  need(bytes, start + 6, nameLength + 2, end);
  const viewName = utf8.decode(bytes.subarray(start + 6, start + 6 + nameLength));
  let o = start + 6 + nameLength;
  const count = readU16(bytes, o);
  o += 2;
  const peers: MrtPeer[] = [];
  for (let i = 0; i < count; i++) {
    need(bytes, o, 5, end);
    const type = bytes[o]!;
    const family = type & PEER_TYPE_IPV6 ? 'ipv6' : 'ipv4';
    const asSize = type & PEER_TYPE_AS4 ? 4 : 2;
    const bgpId = ipv4FromBytes(bytes, o + 1);
    const a = o + 5;
    need(bytes, a, addressLength(family) + asSize, end);
    const address = readAddress(bytes, a, family);
    const asAt = a + addressLength(family);
    const asn = asSize === 4 ? readU32(bytes, asAt) : readU16(bytes, asAt);
    peers.push({ bgpId, address, asn });
    o = asAt + asSize;
  }
  if (o !== end) throw mrtError('bad-length', o, `${end - o} octets after the last peer entry`);
  return { kind: 'peer-index-table', timestamp, collectorId, viewName, peers };
}

/** A peer's AS goes in 2 octets when it fits (the AS size bit clear), else 4. */
export function encodePeerIndexTable(r: PeerIndexTableRecord): Uint8Array {
  const name = utf8Encoder.encode(r.viewName);
  if (name.length > 0xffff) throw new EncodeError('too-long', 'viewName');
  if (r.peers.length > 0xffff) throw new EncodeError('too-long', 'peers', `peers: ${r.peers.length} > 65535`);
  let length = 8 + name.length;
  for (const p of r.peers) length += 5 + addressLength(p.address.family) + (p.asn > 0xffff ? 4 : 2);
  const out = new Uint8Array(length);
  writeIpv4(out, 0, checkUint(r.collectorId, 0xffff_ffff, 'collectorId') as Ipv4Address);
  writeU16(out, 4, name.length);
  out.set(name, 6);
  let o = 6 + name.length;
  writeU16(out, o, r.peers.length);
  o += 2;
  r.peers.forEach((p, i) => {
    const as4 = checkUint(p.asn, 0xffff_ffff, `peers[${i}].asn`) > 0xffff;
    out[o] = (p.address.family === 'ipv6' ? PEER_TYPE_IPV6 : 0) | (as4 ? PEER_TYPE_AS4 : 0);
    writeIpv4(out, o + 1, checkUint(p.bgpId, 0xffff_ffff, `peers[${i}].bgpId`) as Ipv4Address);
    o = writeAddress(out, o + 5, p.address, `peers[${i}].address`);
    if (as4) writeU32(out, o, p.asn);
    else writeU16(out, o, p.asn);
    o += as4 ? 4 : 2;
  });
  return out;
}

// ---- RIB entries ------------------------------------------------------------------

export function decodeRib(bytes: Uint8Array, start: number, end: number, timestamp: number, table: RibTable, addPath: boolean): RibRecord {
  need(bytes, start, 4, end);
  const sequence = readU32(bytes, start);
  const prefix = readPrefix(bytes, start + 4, end, tableFamily(table));
  let o = start + 4 + prefixWireLength(prefix);
  need(bytes, o, 2, end);
  const count = readU16(bytes, o);
  o += 2;
  const entries: RibEntry[] = [];
  const fixed = addPath ? 12 : 8;
  for (let i = 0; i < count; i++) {
    need(bytes, o, fixed, end);
    const peerIndex = readU16(bytes, o);
    const originatedTime = readU32(bytes, o + 2);
    const pathId = addPath ? readU32(bytes, o + 6) : undefined;
    const attributesLength = readU16(bytes, o + fixed - 2);
    const a = o + fixed;
    need(bytes, a, attributesLength, end);
    const errors: BgpError[] = [];
    const attributes = decodeRibAttributes(bytes, a, a + attributesLength, table, errors);
    entries.push({
      peerIndex,
      originatedTime,
      ...(pathId === undefined ? {} : { pathId }),
      attributes,
      ...(errors.length === 0 ? {} : { errors }),
    });
    o = a + attributesLength;
  }
  if (o !== end) throw mrtError('bad-length', o, `${end - o} octets after the last RIB entry`);
  return { kind: 'rib', timestamp, table, addPath, sequence, prefix, entries };
}

/**
 * The Optional and Transitive bits each known attribute has on the wire
 * (RFC 4271 §5, RFC 4456, RFC 4760, RFC 4360, RFC 6793, RFC 8092).
 */
const WIRE_FLAGS: Readonly<Record<number, number>> = {
  [AttributeType.ORIGIN]: ATTR_TRANSITIVE,
  [AttributeType.AS_PATH]: ATTR_TRANSITIVE,
  [AttributeType.NEXT_HOP]: ATTR_TRANSITIVE,
  [AttributeType.MULTI_EXIT_DISC]: ATTR_OPTIONAL,
  [AttributeType.LOCAL_PREF]: ATTR_TRANSITIVE,
  [AttributeType.ATOMIC_AGGREGATE]: ATTR_TRANSITIVE,
  [AttributeType.AGGREGATOR]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
  [AttributeType.COMMUNITIES]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
  [AttributeType.ORIGINATOR_ID]: ATTR_OPTIONAL,
  [AttributeType.CLUSTER_LIST]: ATTR_OPTIONAL,
  [AttributeType.MP_REACH_NLRI]: ATTR_OPTIONAL,
  [AttributeType.MP_UNREACH_NLRI]: ATTR_OPTIONAL,
  [AttributeType.EXTENDED_COMMUNITIES]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
  [AttributeType.AS4_PATH]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
  [AttributeType.AS4_AGGREGATOR]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
  [AttributeType.LARGE_COMMUNITY]: ATTR_OPTIONAL | ATTR_TRANSITIVE,
};
const FLAG_BITS = ATTR_OPTIONAL | ATTR_TRANSITIVE;

/**
 * A copy of the attributes in bytes[start, end) with the Optional and
 * Transitive bits every known attribute should have, or undefined when
 * they already have them. BIRD 2 writes every attribute of its
 * TABLE_DUMP_V2 entries with flags 0; MRT readers (bgpdump among them) go
 * by the type code, and so do we: the BGP decoder would discard them.
 * Unknown attributes without the Optional bit become optional transitive,
 * so they are kept rather than read as unrecognized well-known ones.
 */
function withWireFlags(bytes: Uint8Array, start: number, end: number): Uint8Array | undefined {
  let copy: Uint8Array | undefined;
  let o = start;
  while (o < end) {
    const flags = bytes[o]!;
    const headerLength = flags & ATTR_EXTENDED_LENGTH ? 4 : 3;
    if (o + headerLength > end) break;
    const type = bytes[o + 1]!;
    const want = WIRE_FLAGS[type] ?? (flags & ATTR_OPTIONAL ? flags & FLAG_BITS : FLAG_BITS);
    if ((flags & FLAG_BITS) !== want) {
      copy ??= bytes.slice(start, end);
      copy[o - start] = (flags & ~FLAG_BITS) | want;
    }
    o += headerLength + (headerLength === 4 ? readU16(bytes, o + 2) : bytes[o + 2]!);
  }
  return copy;
}

/**
 * The path attributes of one RIB entry. The abbreviated MP_REACH_NLRI
 * would read as a malformed full one, so it is located first, decoded here,
 * and the attributes before and after it go to the BGP decoder. Errors
 * keep offsets into `bytes`, also when flags had to be corrected in a copy.
 */
function decodeRibAttributes(bytes: Uint8Array, start: number, end: number, table: RibTable, errors: BgpError[]): PathAttributes {
  const fixed = withWireFlags(bytes, start, end);
  if (fixed === undefined) return decodeRibAttributesIn(bytes, start, end, table, errors);
  const found: BgpError[] = [];
  try {
    const attributes = decodeRibAttributesIn(fixed, 0, fixed.length, table, found);
    for (const e of found) errors.push(shiftDecodeError(e, start) as BgpError);
    return attributes;
  } catch (error) {
    throw error instanceof DecodeError ? shiftDecodeError(error, start) : error;
  }
}

function decodeRibAttributesIn(bytes: Uint8Array, start: number, end: number, table: RibTable, errors: BgpError[]): PathAttributes {
  const options = { fourOctetAs: true };
  const mp = findAttribute(bytes, start, end, AttributeType.MP_REACH_NLRI);
  if (mp === undefined) return decodeAttributes(bytes, start, end, options, errors).attributes;
  const before = decodeAttributes(bytes, start, mp.start, options, errors).attributes;
  const after = decodeAttributes(bytes, mp.valueEnd, end, options, errors).attributes;
  const unknown: UnknownAttribute[] = [...(before.unknown ?? []), ...(after.unknown ?? [])];
  const merged: PathAttributes = { ...before, ...after, mpReach: abbreviatedMpReach(bytes, mp.valueStart, mp.valueEnd, mp.start, table) };
  if (unknown.length === 0) return merged;
  return { ...merged, unknown };
}

function findAttribute(bytes: Uint8Array, start: number, end: number, type: number): { start: number; valueStart: number; valueEnd: number } | undefined {
  let o = start;
  while (o < end) {
    const headerLength = bytes[o]! & ATTR_EXTENDED_LENGTH ? 4 : 3;
    if (o + headerLength > end) return undefined;
    const length = headerLength === 4 ? readU16(bytes, o + 2) : bytes[o + 2]!;
    const valueStart = o + headerLength;
    if (valueStart + length > end) return undefined;
    if (bytes[o + 1] === type) return { start: o, valueStart, valueEnd: valueStart + length };
    o = valueStart + length;
  }
  return undefined;
}

/** RFC 6396 §4.3.4: Next Hop Address Length and Next Hop Address, nothing else. */
function abbreviatedMpReach(bytes: Uint8Array, start: number, end: number, attributeStart: number, table: RibTable): MpReach {
  const nextHopLength = start < end ? bytes[start]! : -1;
  if (nextHopLength < 0 || start + 1 + nextHopLength !== end) {
    throw mrtError('bad-mp-reach', attributeStart, 'abbreviated MP_REACH_NLRI: next hop length does not match the attribute length');
  }
  if (table === 'ipv4-unicast' && nextHopLength === 4) return { kind: 'ipv4-unicast', nextHop: ipv4FromBytes(bytes, start + 1), nlri: [] };
  return { kind: 'other', ...tableAfiSafi(table), nextHop: bytes.slice(start + 1, end), nlri: new Uint8Array(0) };
}

/** The attributes block of a RIB entry: 4-octet ASNs, MP_REACH_NLRI abbreviated and first. */
export function encodeRibAttributes(a: PathAttributes, field: string): Uint8Array {
  const { mpReach, ...rest } = a;
  if (rest.mpUnreach !== undefined) throw new EncodeError('invalid', `${field}.mpUnreach`, `${field}: a RIB entry cannot carry MP_UNREACH_NLRI`);
  const block = encodeAttributes(rest, { fourOctetAs: true });
  let nextHop: Uint8Array | undefined;
  if (mpReach !== undefined) {
    if (mpReach.kind === 'ipv4-unicast') {
      if (mpReach.nlri.length > 0) throw new EncodeError('invalid', `${field}.mpReach.nlri`, `${field}: RIB entries carry MP_REACH_NLRI without NLRI`);
      nextHop = new Uint8Array(4);
      writeIpv4(nextHop, 0, checkUint(mpReach.nextHop, 0xffff_ffff, `${field}.mpReach.nextHop`) as Ipv4Address);
    } else {
      if (mpReach.nlri.length > 0) throw new EncodeError('invalid', `${field}.mpReach.nlri`, `${field}: RIB entries carry MP_REACH_NLRI without NLRI`);
      if (mpReach.nextHop.length > 254) throw new EncodeError('too-long', `${field}.mpReach.nextHop`);
      nextHop = mpReach.nextHop;
    }
  }
  const mpLength = nextHop === undefined ? 0 : 4 + nextHop.length;
  const out = new Uint8Array(mpLength + block.length);
  if (nextHop !== undefined) {
    out[0] = ATTR_OPTIONAL;
    out[1] = AttributeType.MP_REACH_NLRI;
    out[2] = 1 + nextHop.length;
    out[3] = nextHop.length;
    out.set(nextHop, 4);
  }
  block.write(out, mpLength);
  return out;
}

/**
 * A RIB record's body, after `reserve` zero octets (room for the common
 * header, so the snapshot writer allocates each record once).
 * `attributeBytes` turns an entry's attributes into their block; the
 * snapshot writer passes a cached one, since one attribute set usually
 * serves many prefixes.
 */
export function encodeRib(r: RibRecord, attributeBytes: (a: PathAttributes, field: string) => Uint8Array = encodeRibAttributes, reserve = 0): Uint8Array {
  const family = tableFamily(r.table);
  if (r.prefix.family !== family) throw new EncodeError('invalid', 'prefix', `prefix: a ${r.table} RIB needs an ${family} prefix`);
  if (r.entries.length > 0xffff) throw new EncodeError('too-long', 'entries', `entries: ${r.entries.length} > 65535`);
  const blocks = r.entries.map((e, i) => {
    const block = attributeBytes(e.attributes, `entries[${i}].attributes`);
    if (block.length > 0xffff) throw new EncodeError('too-long', `entries[${i}].attributes`);
    return block;
  });
  const fixed = r.addPath ? 12 : 8;
  let length = reserve + 4 + prefixWireLength(r.prefix) + 2;
  for (const b of blocks) length += fixed + b.length;
  const out = new Uint8Array(length);
  writeU32(out, reserve, checkUint(r.sequence, 0xffff_ffff, 'sequence'));
  let o = writePrefix(out, reserve + 4, r.prefix, 'prefix');
  writeU16(out, o, r.entries.length);
  o += 2;
  r.entries.forEach((e, i) => {
    writeU16(out, o, checkUint(e.peerIndex, 0xffff, `entries[${i}].peerIndex`));
    writeU32(out, o + 2, checkUint(e.originatedTime, 0xffff_ffff, `entries[${i}].originatedTime`));
    if (r.addPath) {
      if (e.pathId === undefined) throw new EncodeError('invalid', `entries[${i}].pathId`, `entries[${i}]: an ADD-PATH RIB needs a pathId on every entry`);
      writeU32(out, o + 6, checkUint(e.pathId, 0xffff_ffff, `entries[${i}].pathId`));
    } else if (e.pathId !== undefined) {
      throw new EncodeError('invalid', `entries[${i}].pathId`, `entries[${i}]: pathId given but the RIB is not ADD-PATH`);
    }
    const block = blocks[i]!;
    writeU16(out, o + fixed - 2, block.length);
    out.set(block, o + fixed);
    o += fixed + block.length;
  });
  return out;
}

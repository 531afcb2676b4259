import { EncodeError, checkUint, ipv4FromBytes, readU16, readU32, writeIpv4, writeU16, writeU32, type Ipv4Address } from '@wirestack/core';
import { asPathWireLength, decodeAsPath, writeAsPath } from './as-path.js';
import { BgpError, notification, type BgpErrorHandling } from './errors.js';
import {
  AFI_IPV4,
  ATTR_EXTENDED_LENGTH,
  ATTR_OPTIONAL,
  ATTR_PARTIAL,
  ATTR_TRANSITIVE,
  AttributeType,
  SAFI_UNICAST,
} from './layout.js';
import type {
  Aggregator,
  AsPathSegment,
  BgpCodecOptions,
  ExtendedCommunity,
  LargeCommunity,
  MpReach,
  MpUnreach,
  Origin,
  PathAttributes,
  UnknownAttribute,
} from './messages.js';
import { decodePrefixes, prefixesLength, writePrefixes } from './nlri.js';
import { ErrorCode, UpdateSubcode } from './notification-codes.js';

/**
 * Path attributes (RFC 4271 §4.3, §5) with the error handling of RFC 7606:
 * each malformed attribute gets the least drastic handling its RFC allows
 * (§7 of RFC 7606, RFC 6793 §6 for the AS4 attributes, RFC 8092 §6 for
 * large communities, RFC 4760 §7 for MP_REACH/MP_UNREACH).
 */

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete'];
const ORIGIN_VALUE: Readonly<Record<Origin, number>> = { igp: 0, egp: 1, incomplete: 2 };

const WELL_KNOWN = ATTR_TRANSITIVE;
const OPTIONAL_TRANSITIVE = ATTR_OPTIONAL | ATTR_TRANSITIVE;
const OPTIONAL_NON_TRANSITIVE = ATTR_OPTIONAL;

/** Per known type: the Optional/Transitive bits it must carry and what a malformed one gets. */
const KNOWN: Readonly<Record<number, { flags: number; handling: BgpErrorHandling }>> = {
  [AttributeType.ORIGIN]: { flags: WELL_KNOWN, handling: 'treat-as-withdraw' },
  [AttributeType.AS_PATH]: { flags: WELL_KNOWN, handling: 'treat-as-withdraw' },
  [AttributeType.NEXT_HOP]: { flags: WELL_KNOWN, handling: 'treat-as-withdraw' },
  [AttributeType.MULTI_EXIT_DISC]: { flags: OPTIONAL_NON_TRANSITIVE, handling: 'treat-as-withdraw' },
  [AttributeType.LOCAL_PREF]: { flags: WELL_KNOWN, handling: 'treat-as-withdraw' },
  [AttributeType.ATOMIC_AGGREGATE]: { flags: WELL_KNOWN, handling: 'attribute-discard' },
  [AttributeType.AGGREGATOR]: { flags: OPTIONAL_TRANSITIVE, handling: 'attribute-discard' },
  [AttributeType.COMMUNITIES]: { flags: OPTIONAL_TRANSITIVE, handling: 'treat-as-withdraw' },
  [AttributeType.ORIGINATOR_ID]: { flags: OPTIONAL_NON_TRANSITIVE, handling: 'treat-as-withdraw' },
  [AttributeType.CLUSTER_LIST]: { flags: OPTIONAL_NON_TRANSITIVE, handling: 'treat-as-withdraw' },
  [AttributeType.MP_REACH_NLRI]: { flags: OPTIONAL_NON_TRANSITIVE, handling: 'afisafi-disable' },
  [AttributeType.MP_UNREACH_NLRI]: { flags: OPTIONAL_NON_TRANSITIVE, handling: 'afisafi-disable' },
  [AttributeType.EXTENDED_COMMUNITIES]: { flags: OPTIONAL_TRANSITIVE, handling: 'treat-as-withdraw' },
  [AttributeType.AS4_PATH]: { flags: OPTIONAL_TRANSITIVE, handling: 'attribute-discard' },
  [AttributeType.AS4_AGGREGATOR]: { flags: OPTIONAL_TRANSITIVE, handling: 'attribute-discard' },
  [AttributeType.LARGE_COMMUNITY]: { flags: OPTIONAL_TRANSITIVE, handling: 'treat-as-withdraw' },
};

/** True for the type codes this codec interprets. */
export function isKnownAttributeType(type: number): boolean {
  return KNOWN[type] !== undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One attribute as found on the wire: where it starts, where its value is. */
interface RawAttribute {
  readonly start: number;
  readonly flags: number;
  readonly type: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * Which attribute types the current decode has met. One table for every
 * decode (allocating 256 octets per UPDATE showed in full-table profiles);
 * a decode clears only the entries the previous one set.
 */
const SEEN = new Uint8Array(256);
/** The types the last decode set in SEEN (each at most once), and how many: no array to empty (a length write is a runtime call). */
const seenTypes = new Uint8Array(256);
let seenCount = 0;

function resetSeen(): void {
  for (let i = 0; i < seenCount; i++) SEEN[seenTypes[i]!] = 0;
  seenCount = 0;
}

class AttributeReader {
  readonly attributes: Mutable<PathAttributes> = {};
  readonly seen = SEEN;
  private unknown: UnknownAttribute[] | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: BgpCodecOptions,
    private readonly errors: BgpError[],
  ) {}

  /** Reports an error; throws it when it resets the session. */
  report(error: BgpError): void {
    if (error.handling === 'session-reset') throw error;
    this.errors.push(error);
  }

  /** An error about attribute `a`, with the whole attribute as NOTIFICATION data. */
  malformed(a: RawAttribute, code: string, subcode: number, handling = KNOWN[a.type]!.handling, detail?: string): void {
    const afiSafi = handling === 'afisafi-disable' ? this.afiSafiOf(a) : undefined;
    this.report(
      new BgpError({
        code,
        offset: a.start,
        handling: handling === 'afisafi-disable' && afiSafi === undefined ? 'session-reset' : handling,
        notification: notification(ErrorCode.UPDATE_MESSAGE, subcode, this.bytes.slice(a.start, a.valueEnd)),
        attributeType: a.type,
        ...(afiSafi ?? {}),
        ...(detail === undefined ? {} : { message: `bgp at offset ${a.start}: ${code}: ${detail} (${handling})` }),
      }),
    );
  }

  /** MP attributes name their address family in their first 3 octets; without them the family is unknown. */
  private afiSafiOf(a: RawAttribute): { afi: number; safi: number } | undefined {
    if (a.valueEnd - a.valueStart < 3) return undefined;
    return { afi: readU16(this.bytes, a.valueStart), safi: this.bytes[a.valueStart + 2]! };
  }

  read(a: RawAttribute): void {
    const known = KNOWN[a.type];
    if (known === undefined) {
      this.readUnknown(a);
      return;
    }
    if ((a.flags & (ATTR_OPTIONAL | ATTR_TRANSITIVE)) !== known.flags) {
      this.malformed(a, 'attribute-flags', UpdateSubcode.ATTRIBUTE_FLAGS_ERROR);
      return;
    }
    const { bytes } = this;
    const v = a.valueStart;
    const length = a.valueEnd - a.valueStart;
    const lengthError = (): void => this.malformed(a, 'attribute-length', UpdateSubcode.ATTRIBUTE_LENGTH_ERROR);
    const attrs = this.attributes;
    switch (a.type) {
      case AttributeType.ORIGIN: {
        if (length !== 1) return lengthError();
        const origin = ORIGINS[bytes[v]!];
        if (origin === undefined) return this.malformed(a, 'bad-origin', UpdateSubcode.INVALID_ORIGIN_ATTRIBUTE);
        attrs.origin = origin;
        return;
      }
      case AttributeType.AS_PATH: {
        const path = decodeAsPath(bytes, v, a.valueEnd, this.options.fourOctetAs ? 4 : 2);
        if (typeof path === 'number') return this.malformed(a, 'malformed-as-path', UpdateSubcode.MALFORMED_AS_PATH);
        attrs.asPath = path;
        return;
      }
      case AttributeType.NEXT_HOP:
        if (length !== 4) return lengthError();
        attrs.nextHop = ipv4FromBytes(bytes, v);
        return;
      case AttributeType.MULTI_EXIT_DISC:
        if (length !== 4) return lengthError();
        attrs.med = readU32(bytes, v);
        return;
      case AttributeType.LOCAL_PREF:
        if (length !== 4) return lengthError();
        attrs.localPref = readU32(bytes, v);
        return;
      case AttributeType.ATOMIC_AGGREGATE:
        if (length !== 0) return lengthError();
        attrs.atomicAggregate = true;
        return;
      case AttributeType.AGGREGATOR: {
        const aggregator = this.readAggregator(v, length, this.options.fourOctetAs ? 4 : 2);
        if (aggregator === undefined) return lengthError();
        attrs.aggregator = aggregator;
        return;
      }
      case AttributeType.COMMUNITIES: {
        if (length === 0 || length % 4 !== 0) return lengthError();
        const list = new Array<number>(length / 4);
        for (let i = 0; i < list.length; i++) list[i] = readU32(bytes, v + 4 * i);
        attrs.communities = list;
        return;
      }
      case AttributeType.ORIGINATOR_ID:
        if (length !== 4) return lengthError();
        attrs.originatorId = ipv4FromBytes(bytes, v);
        return;
      case AttributeType.CLUSTER_LIST: {
        if (length === 0 || length % 4 !== 0) return lengthError();
        const list = new Array<Ipv4Address>(length / 4);
        for (let i = 0; i < list.length; i++) list[i] = ipv4FromBytes(bytes, v + 4 * i);
        attrs.clusterList = list;
        return;
      }
      case AttributeType.MP_REACH_NLRI:
        return this.readMpReach(a);
      case AttributeType.MP_UNREACH_NLRI:
        return this.readMpUnreach(a);
      case AttributeType.EXTENDED_COMMUNITIES: {
        if (length === 0 || length % 8 !== 0) return lengthError();
        const list = new Array<ExtendedCommunity>(length / 8);
        for (let i = 0; i < list.length; i++) list[i] = { high: readU32(bytes, v + 8 * i), low: readU32(bytes, v + 8 * i + 4) };
        attrs.extendedCommunities = list;
        return;
      }
      case AttributeType.AS4_PATH: {
        // RFC 6793 §3: only a session without the capability carries it; a NEW speaker discards it.
        if (this.options.fourOctetAs) return this.malformed(a, 'unexpected-as4-attribute', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR);
        const path = decodeAsPath(bytes, v, a.valueEnd, 4);
        // RFC 6793 §6: a malformed AS4_PATH, or one with confederation segments, is discarded.
        if (typeof path === 'number' || path.some((s) => s.type === 'confed-sequence' || s.type === 'confed-set')) {
          return this.malformed(a, 'malformed-as4-path', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR);
        }
        attrs.as4Path = path;
        return;
      }
      case AttributeType.AS4_AGGREGATOR: {
        if (this.options.fourOctetAs) return this.malformed(a, 'unexpected-as4-attribute', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR);
        const aggregator = this.readAggregator(v, length, 4);
        if (aggregator === undefined) return lengthError();
        attrs.as4Aggregator = aggregator;
        return;
      }
      case AttributeType.LARGE_COMMUNITY: {
        if (length === 0 || length % 12 !== 0) return lengthError();
        const list = new Array<LargeCommunity>(length / 12);
        for (let i = 0; i < list.length; i++) {
          const o = v + 12 * i;
          list[i] = { global: readU32(bytes, o), local1: readU32(bytes, o + 4), local2: readU32(bytes, o + 8) };
        }
        attrs.largeCommunities = list;
        return;
      }
    }
  }

  private readAggregator(v: number, length: number, asnSize: 2 | 4): Aggregator | undefined {
    if (length !== 2 + asnSize + 2) return undefined;
    const asn = asnSize === 4 ? readU32(this.bytes, v) : readU16(this.bytes, v);
    return { asn, address: ipv4FromBytes(this.bytes, v + asnSize) };
  }

  private readUnknown(a: RawAttribute): void {
    if ((a.flags & ATTR_OPTIONAL) === 0) {
      // RFC 4271 §6.3: a well-known attribute we do not know; RFC 7606 leaves this a session reset.
      this.report(
        new BgpError({
          code: 'unrecognized-well-known-attribute',
          offset: a.start,
          handling: 'session-reset',
          notification: notification(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, this.bytes.slice(a.start, a.valueEnd)),
          attributeType: a.type,
        }),
      );
      return;
    }
    (this.unknown ??= []).push({ flags: a.flags, type: a.type, value: this.bytes.slice(a.valueStart, a.valueEnd) });
    this.attributes.unknown = this.unknown;
  }

  private readMpReach(a: RawAttribute): void {
    const { bytes } = this;
    const v = a.valueStart;
    const end = a.valueEnd;
    if (end - v < 5) return this.malformed(a, 'malformed-mp-reach', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR);
    const afi = readU16(bytes, v);
    const safi = bytes[v + 2]!;
    const nextHopLength = bytes[v + 3]!;
    const nlriStart = v + 4 + nextHopLength + 1; // one reserved octet (RFC 4760 §3), ignored on receipt
    if (nlriStart > end) return this.malformed(a, 'malformed-mp-reach', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'afisafi-disable', 'next hop overruns the attribute');
    if (afi !== AFI_IPV4 || safi !== SAFI_UNICAST) {
      this.attributes.mpReach = { kind: 'other', afi, safi, nextHop: bytes.slice(v + 4, v + 4 + nextHopLength), nlri: bytes.slice(nlriStart, end) };
      return;
    }
    // RFC 7606 §7.11: a next hop length the AFI/SAFI does not allow.
    if (nextHopLength !== 4) return this.malformed(a, 'malformed-mp-reach', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'afisafi-disable', `next hop length ${nextHopLength} for IPv4 unicast`);
    const nlri = decodePrefixes(bytes, nlriStart, end, this.options.addPath === true, () => new MpNlriError());
    this.attributes.mpReach = { kind: 'ipv4-unicast', nextHop: ipv4FromBytes(bytes, v + 4), nlri };
  }

  private readMpUnreach(a: RawAttribute): void {
    const { bytes } = this;
    const v = a.valueStart;
    const end = a.valueEnd;
    if (end - v < 3) return this.malformed(a, 'malformed-mp-unreach', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR);
    const afi = readU16(bytes, v);
    const safi = bytes[v + 2]!;
    if (afi !== AFI_IPV4 || safi !== SAFI_UNICAST) {
      this.attributes.mpUnreach = { kind: 'other', afi, safi, withdrawn: bytes.slice(v + 3, end) };
      return;
    }
    const withdrawn = decodePrefixes(bytes, v + 3, end, this.options.addPath === true, () => new MpNlriError());
    this.attributes.mpUnreach = { kind: 'ipv4-unicast', withdrawn };
  }
}

/** Internal signal from decodePrefixes inside an MP attribute; turned into an afisafi-disable error. */
class MpNlriError extends Error {}

/**
 * Decodes the path attributes in bytes[start, end) (the Total Path
 * Attribute Length the UPDATE gave). Non-fatal errors are appended to
 * `errors`; session-reset ones are thrown as BgpError. An attribute whose
 * header overruns the block stops the parse with treat-as-withdraw (RFC
 * 7606 §4: the total length still locates the NLRI). Duplicates: a second
 * MP_REACH_NLRI or MP_UNREACH_NLRI resets the session (3/1), any other is
 * discarded (RFC 7606 §3 g). `seen` (type -> 1) is shared scratch: valid
 * until the next call.
 */
export function decodeAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  options: BgpCodecOptions,
  errors: BgpError[],
): { attributes: PathAttributes; seen: Uint8Array } {
  resetSeen();
  const reader = new AttributeReader(bytes, options, errors);
  let o = start;
  while (o < end) {
    const flags = bytes[o]!;
    const headerLength = flags & ATTR_EXTENDED_LENGTH ? 4 : 3;
    if (o + headerLength > end) {
      reader.report(overrun(bytes, o, end, 'attribute header runs past the path attributes'));
      break;
    }
    const type = bytes[o + 1]!;
    const length = headerLength === 4 ? readU16(bytes, o + 2) : bytes[o + 2]!;
    const valueStart = o + headerLength;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      reader.report(overrun(bytes, o, end, `attribute ${type} of ${length} octets runs past the path attributes`, type));
      break;
    }
    const raw = { start: o, flags, type, valueStart, valueEnd };
    o = valueEnd;
    if (reader.seen[type]) {
      if (type === AttributeType.MP_REACH_NLRI || type === AttributeType.MP_UNREACH_NLRI) {
        reader.malformed(raw, 'duplicate-attribute', UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'session-reset');
      }
      reader.malformed(raw, 'duplicate-attribute', UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'attribute-discard');
      continue;
    }
    reader.seen[type] = 1;
    seenTypes[seenCount++] = type;
    try {
      reader.read(raw);
    } catch (error) {
      if (!(error instanceof MpNlriError)) throw error;
      reader.malformed(raw, 'invalid-mp-nlri', UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'afisafi-disable', 'NLRI syntax error');
    }
  }
  return { attributes: reader.attributes, seen: reader.seen };
}

function overrun(bytes: Uint8Array, offset: number, end: number, detail: string, type?: number): BgpError {
  return new BgpError({
    code: 'attribute-overrun',
    offset,
    handling: 'treat-as-withdraw',
    available: end - offset,
    message: `bgp at offset ${offset}: attribute-overrun: ${detail} (treat-as-withdraw)`,
    notification: notification(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, bytes.slice(offset, end)),
    ...(type === undefined ? {} : { attributeType: type }),
  });
}

// ---- encoding -----------------------------------------------------------------

/**
 * Writes path attributes straight into the output, or, without `out`,
 * only checks them and counts their octets: the same walk both times, so
 * the length and the bytes cannot disagree. No array per attribute: a
 * full table passed on encodes some 300,000 sets, and a small array, an
 * object and a sort for each was most of the time it took.
 */
class AttributeWriter {
  constructor(
    private readonly out: Uint8Array | undefined,
    public o: number,
  ) {}

  /** An attribute's flags, type and length; Extended Length when the value needs it or `extendedLength` (an unknown attribute that came with it). */
  header(flags: number, type: number, length: number, extendedLength = false): void {
    if (length > 0xffff) throw new EncodeError('too-long', `attribute ${type}`);
    const ext = extendedLength || length > 255;
    const out = this.out;
    if (out !== undefined) {
      out[this.o] = (flags & ~ATTR_EXTENDED_LENGTH) | (ext ? ATTR_EXTENDED_LENGTH : 0);
      out[this.o + 1] = type;
      if (ext) writeU16(out, this.o + 2, length);
      else out[this.o + 2] = length;
    }
    this.o += ext ? 4 : 3;
  }

  u8(value: number): void {
    if (this.out !== undefined) this.out[this.o] = value;
    this.o += 1;
  }

  u32(value: number, field: string): void {
    const v = checkUint(value, 0xffff_ffff, field);
    if (this.out !== undefined) writeU32(this.out, this.o, v);
    this.o += 4;
  }

  bytes(value: Uint8Array): void {
    this.out?.set(value, this.o);
    this.o += value.length;
  }

  /** An attribute of one 32-bit value. */
  u32Attribute(flags: number, type: number, value: number, field: string): void {
    this.header(flags, type, 4);
    this.u32(value, field);
  }

  /** An attribute of 32-bit values, `count` of them, the i-th `valueAt(i)` (named `${field}[i]` in errors). */
  u32ListAttribute(flags: number, type: number, count: number, valueAt: (i: number) => number, field: string): void {
    if (count === 0) throw new EncodeError('invalid', field, `${field}: an empty list cannot be encoded (RFC 7606 treats it as malformed)`);
    this.header(flags, type, count * 4);
    for (let i = 0; i < count; i++) this.u32(valueAt(i), `${field}[${i}]`);
  }

  asPath(type: number, segments: readonly AsPathSegment[], asnSize: 2 | 4, field: string): void {
    this.header(type === AttributeType.AS_PATH ? WELL_KNOWN : OPTIONAL_TRANSITIVE, type, asPathWireLength(segments, asnSize));
    this.o = writeAsPath(this.out, this.o, segments, asnSize, field);
  }

  aggregator(type: number, a: Aggregator, asnSize: 2 | 4, field: string): void {
    this.header(OPTIONAL_TRANSITIVE, type, asnSize + 4);
    const asn = checkUint(a.asn, asnSize === 4 ? 0xffff_ffff : 0xffff, `${field}.asn`);
    if (this.out !== undefined) {
      if (asnSize === 4) writeU32(this.out, this.o, asn);
      else writeU16(this.out, this.o, asn);
    }
    this.o += asnSize;
    this.u32(a.address, `${field}.address`);
  }

  unknown(u: UnknownAttribute): void {
    this.header(u.flags, u.type, u.value.length, (u.flags & ATTR_EXTENDED_LENGTH) !== 0);
    this.bytes(u.value);
  }
}

function mpReachBytes(m: MpReach, addPath: boolean): Uint8Array {
  if (m.kind === 'ipv4-unicast') {
    const out = new Uint8Array(5 + 4 + prefixesLength(m.nlri, addPath));
    writeU16(out, 0, AFI_IPV4);
    out[2] = SAFI_UNICAST;
    out[3] = 4;
    writeIpv4(out, 4, checkUint(m.nextHop, 0xffff_ffff, 'mpReach.nextHop') as Ipv4Address);
    writePrefixes(out, 9, m.nlri, addPath, 'mpReach.nlri');
    return out;
  }
  if (m.kind !== 'other') throw new EncodeError('invalid', 'mpReach.kind');
  if (m.nextHop.length > 255) throw new EncodeError('too-long', 'mpReach.nextHop');
  const out = new Uint8Array(5 + m.nextHop.length + m.nlri.length);
  writeU16(out, 0, checkUint(m.afi, 0xffff, 'mpReach.afi'));
  out[2] = checkUint(m.safi, 0xff, 'mpReach.safi');
  out[3] = m.nextHop.length;
  out.set(m.nextHop, 4);
  out.set(m.nlri, 5 + m.nextHop.length);
  return out;
}

function mpUnreachBytes(m: MpUnreach, addPath: boolean): Uint8Array {
  if (m.kind === 'ipv4-unicast') {
    const out = new Uint8Array(3 + prefixesLength(m.withdrawn, addPath));
    writeU16(out, 0, AFI_IPV4);
    out[2] = SAFI_UNICAST;
    writePrefixes(out, 3, m.withdrawn, addPath, 'mpUnreach.withdrawn');
    return out;
  }
  if (m.kind !== 'other') throw new EncodeError('invalid', 'mpUnreach.kind');
  const out = new Uint8Array(3 + m.withdrawn.length);
  writeU16(out, 0, checkUint(m.afi, 0xffff, 'mpUnreach.afi'));
  out[2] = checkUint(m.safi, 0xff, 'mpUnreach.safi');
  out.set(m.withdrawn, 3);
  return out;
}

/**
 * The known attributes of `a` other than MP_REACH_NLRI and MP_UNREACH_NLRI,
 * by type code, each after the unknown attributes of lower codes (`unknown`
 * sorted by type; `placed`: how many of them are written so far, updated).
 */
function writeKnown(w: AttributeWriter, a: PathAttributes, asnSize: 2 | 4, unknown: readonly UnknownAttribute[], placed: { n: number }): void {
  const before = (type: number): void => {
    while (placed.n < unknown.length && unknown[placed.n]!.type < type) w.unknown(unknown[placed.n++]!);
  };
  if (a.origin !== undefined) {
    const v = ORIGIN_VALUE[a.origin];
    if (v === undefined) throw new EncodeError('invalid', 'origin', `origin: expected 'igp', 'egp' or 'incomplete'`);
    before(AttributeType.ORIGIN);
    w.header(WELL_KNOWN, AttributeType.ORIGIN, 1);
    w.u8(v);
  }
  if (a.asPath !== undefined) {
    before(AttributeType.AS_PATH);
    w.asPath(AttributeType.AS_PATH, a.asPath, asnSize, 'asPath');
  }
  if (a.nextHop !== undefined) {
    before(AttributeType.NEXT_HOP);
    w.u32Attribute(WELL_KNOWN, AttributeType.NEXT_HOP, a.nextHop, 'nextHop');
  }
  if (a.med !== undefined) {
    before(AttributeType.MULTI_EXIT_DISC);
    w.u32Attribute(OPTIONAL_NON_TRANSITIVE, AttributeType.MULTI_EXIT_DISC, a.med, 'med');
  }
  if (a.localPref !== undefined) {
    before(AttributeType.LOCAL_PREF);
    w.u32Attribute(WELL_KNOWN, AttributeType.LOCAL_PREF, a.localPref, 'localPref');
  }
  if (a.atomicAggregate === true) {
    before(AttributeType.ATOMIC_AGGREGATE);
    w.header(WELL_KNOWN, AttributeType.ATOMIC_AGGREGATE, 0);
  }
  if (a.aggregator !== undefined) {
    before(AttributeType.AGGREGATOR);
    w.aggregator(AttributeType.AGGREGATOR, a.aggregator, asnSize, 'aggregator');
  }
  const communities = a.communities;
  if (communities !== undefined) {
    before(AttributeType.COMMUNITIES);
    w.u32ListAttribute(OPTIONAL_TRANSITIVE, AttributeType.COMMUNITIES, communities.length, (i) => communities[i]!, 'communities');
  }
  if (a.originatorId !== undefined) {
    before(AttributeType.ORIGINATOR_ID);
    w.u32Attribute(OPTIONAL_NON_TRANSITIVE, AttributeType.ORIGINATOR_ID, a.originatorId, 'originatorId');
  }
  const clusterList = a.clusterList;
  if (clusterList !== undefined) {
    before(AttributeType.CLUSTER_LIST);
    w.u32ListAttribute(OPTIONAL_NON_TRANSITIVE, AttributeType.CLUSTER_LIST, clusterList.length, (i) => clusterList[i]!, 'clusterList');
  }
  const extended = a.extendedCommunities;
  if (extended !== undefined) {
    before(AttributeType.EXTENDED_COMMUNITIES);
    // each community as two words, high then low, numbered as one list in errors
    w.u32ListAttribute(OPTIONAL_TRANSITIVE, AttributeType.EXTENDED_COMMUNITIES, extended.length * 2, (i) => (i % 2 === 0 ? extended[i >> 1]!.high : extended[i >> 1]!.low), 'extendedCommunities');
  }
  if (a.as4Path !== undefined) {
    before(AttributeType.AS4_PATH);
    w.asPath(AttributeType.AS4_PATH, a.as4Path, 4, 'as4Path');
  }
  if (a.as4Aggregator !== undefined) {
    before(AttributeType.AS4_AGGREGATOR);
    w.aggregator(AttributeType.AS4_AGGREGATOR, a.as4Aggregator, 4, 'as4Aggregator');
  }
  const large = a.largeCommunities;
  if (large !== undefined) {
    before(AttributeType.LARGE_COMMUNITY);
    // each community as three words, numbered as one list in errors
    w.u32ListAttribute(OPTIONAL_TRANSITIVE, AttributeType.LARGE_COMMUNITY, large.length * 3, (i) => { const c = large[(i / 3) | 0]!; return i % 3 === 0 ? c.global : i % 3 === 1 ? c.local1 : c.local2; }, 'largeCommunities');
  }
  before(256);
}

/** The unknown attributes checked (a type no known attribute has, once each, flags an octet) and sorted by type. */
function sortedUnknown(unknown: readonly UnknownAttribute[] | undefined): readonly UnknownAttribute[] {
  if (unknown === undefined || unknown.length === 0) return NO_UNKNOWN;
  const seen = new Set<number>();
  unknown.forEach((u, i) => {
    const type = checkUint(u.type, 0xff, `unknown[${i}].type`);
    checkUint(u.flags, 0xff, `unknown[${i}].flags`);
    if (KNOWN[type] !== undefined || seen.has(type)) {
      throw new EncodeError('invalid', `unknown[${i}].type`, `unknown[${i}]: type ${type} is a known or repeated attribute`);
    }
    seen.add(type);
  });
  return [...unknown].sort((x, y) => x.type - y.type);
}

const NO_UNKNOWN: readonly UnknownAttribute[] = [];

/**
 * Octets and writer of the path attributes block, in the order they go on
 * the wire: MP_REACH_NLRI and MP_UNREACH_NLRI first (RFC 7606 §5.1), then
 * the rest by type code, unknown attributes among them. EncodeError (at
 * once, before any write) for a value that cannot go on the wire.
 */
export function encodeAttributes(a: PathAttributes, options: BgpCodecOptions): { length: number; write(out: Uint8Array, offset: number): number } {
  const asnSize = options.fourOctetAs ? 4 : 2;
  const addPath = options.addPath === true;
  const mpReach = a.mpReach === undefined ? undefined : mpReachBytes(a.mpReach, addPath);
  const mpUnreach = a.mpUnreach === undefined ? undefined : mpUnreachBytes(a.mpUnreach, addPath);
  const emit = (w: AttributeWriter, unknown: readonly UnknownAttribute[]): number => {
    if (mpReach !== undefined) {
      w.header(OPTIONAL_NON_TRANSITIVE, AttributeType.MP_REACH_NLRI, mpReach.length);
      w.bytes(mpReach);
    }
    if (mpUnreach !== undefined) {
      w.header(OPTIONAL_NON_TRANSITIVE, AttributeType.MP_UNREACH_NLRI, mpUnreach.length);
      w.bytes(mpUnreach);
    }
    const placed = { n: 0 };
    writeKnown(w, a, asnSize, unknown, placed);
    while (placed.n < unknown.length) w.unknown(unknown[placed.n++]!);
    return w.o;
  };
  // the known attributes are checked before the unknown ones, which are counted after them
  let length = emit(new AttributeWriter(undefined, 0), NO_UNKNOWN);
  const unknown = sortedUnknown(a.unknown);
  for (const u of unknown) {
    if (u.value.length > 0xffff) throw new EncodeError('too-long', `attribute ${u.type}`);
    length += ((u.flags & ATTR_EXTENDED_LENGTH) !== 0 || u.value.length > 255 ? 4 : 3) + u.value.length;
  }
  return { length, write: (out, offset) => emit(new AttributeWriter(out, offset), unknown) };
}

/**
 * The attributes as they are passed on to another peer (RFC 4271 §5,
 * §9.1.3): unknown optional transitive attributes get the Partial bit,
 * unknown non-transitive ones are dropped.
 */
export function attributesForPropagation(a: PathAttributes): PathAttributes {
  if (a.unknown === undefined) return a;
  const { unknown, ...rest } = a;
  const kept = unknown
    .filter((u) => (u.flags & ATTR_OPTIONAL) !== 0 && (u.flags & ATTR_TRANSITIVE) !== 0)
    .map((u) => ({ flags: u.flags | ATTR_PARTIAL, type: u.type, value: u.value }));
  return kept.length > 0 ? { ...rest, unknown: kept } : rest;
}

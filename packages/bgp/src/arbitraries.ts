/**
 * fast-check arbitraries for BGP messages. Import from
 * `@wirestack/bgp/arbitraries`; fast-check is an optional peer dependency
 * that the main entry never loads.
 *
 * Every message arbitrary yields messages that encode under the options
 * given and decode back to themselves without errors; `malformedUpdate`
 * yields UPDATE octets with one known defect and the RFC 7606 handling it
 * must get.
 */
import * as fc from 'fast-check';
import { ipv4Mask, type Ipv4Address } from '@wirestack/core';
import { isKnownAttributeType } from './attributes.js';
import { encodeMessage } from './codec.js';
import type { BgpErrorHandling } from './errors.js';
import { AttributeType, CapabilityCode } from './layout.js';
import type {
  Aggregator,
  AsPathSegment,
  BgpCodecOptions,
  BgpMessage,
  BgpPrefix,
  Capability,
  ExtendedCommunity,
  KeepaliveMessage,
  LargeCommunity,
  MpReach,
  MpUnreach,
  NotificationMessage,
  OpenMessage,
  PathAttributes,
  RouteRefreshMessage,
  UnknownAttribute,
  UpdateMessage,
} from './messages.js';
import { ErrorCode, UpdateSubcode } from './notification-codes.js';

const u8 = () => fc.integer({ min: 0, max: 0xff });
const u16 = () => fc.integer({ min: 0, max: 0xffff });
const u32 = () => fc.integer({ min: 0, max: 0xffff_ffff });
const ipv4 = () => u32().map((n) => n as Ipv4Address);

/** A canonical IPv4 prefix (host bits clear), with a path identifier when `addPath`. */
export function bgpPrefix(addPath = false): fc.Arbitrary<BgpPrefix> {
  return fc.record({ address: u32(), length: fc.integer({ min: 0, max: 32 }), pathId: u32() }).map(({ address, length, pathId }) => {
    const a = ((address & ipv4Mask(length)) >>> 0) as Ipv4Address;
    return addPath ? { address: a, length, pathId } : { address: a, length };
  });
}

function asn(fourOctetAs: boolean): fc.Arbitrary<number> {
  return fourOctetAs ? fc.oneof(u16(), u32()) : u16();
}

/** AS_PATH segments whose ASNs fit the session's width; confederation segments only when asked. */
export function asPathSegments(options: { fourOctetAs?: boolean; confederation?: boolean; maxSegments?: number } = {}): fc.Arbitrary<AsPathSegment[]> {
  const types = options.confederation ? (['sequence', 'set', 'confed-sequence', 'confed-set'] as const) : (['sequence', 'set'] as const);
  const segment = fc.record({
    type: fc.constantFrom(...types),
    asns: fc.array(asn(options.fourOctetAs === true), { minLength: 1, maxLength: 8 }),
  });
  return fc.array(segment, { maxLength: options.maxSegments ?? 4 });
}

function aggregator(fourOctetAs: boolean): fc.Arbitrary<Aggregator> {
  return fc.record({ asn: asn(fourOctetAs), address: ipv4() });
}

const UNKNOWN_TYPES = Array.from({ length: 256 }, (_, i) => i).filter((t) => !isKnownAttributeType(t) && t !== 0);

/** An optional attribute of a type this codec does not interpret. */
export function unknownAttribute(): fc.Arbitrary<UnknownAttribute> {
  return fc.record({
    type: fc.constantFrom(...UNKNOWN_TYPES),
    flags: u8().map((f) => f | 0x80),
    value: fc.uint8Array({ maxLength: 40 }),
  });
}

function mpReach(addPath: boolean): fc.Arbitrary<MpReach> {
  return fc.oneof(
    fc.record({ kind: fc.constant('ipv4-unicast' as const), nextHop: ipv4(), nlri: fc.array(bgpPrefix(addPath), { maxLength: 10 }) }),
    fc.record({
      kind: fc.constant('other' as const),
      afi: fc.constant(2),
      safi: fc.constantFrom(1, 2),
      nextHop: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      nlri: fc.uint8Array({ maxLength: 40 }),
    }),
  );
}

function mpUnreach(addPath: boolean): fc.Arbitrary<MpUnreach> {
  return fc.oneof(
    fc.record({ kind: fc.constant('ipv4-unicast' as const), withdrawn: fc.array(bgpPrefix(addPath), { maxLength: 10 }) }),
    fc.record({ kind: fc.constant('other' as const), afi: fc.constant(2), safi: fc.constantFrom(1, 2), withdrawn: fc.uint8Array({ maxLength: 40 }) }),
  );
}

/**
 * Path attributes valid for the session `options` describes: ASNs fit the
 * negotiated width, AS4_PATH/AS4_AGGREGATOR only on 2-octet sessions.
 * `mandatory` adds ORIGIN, AS_PATH and NEXT_HOP.
 */
export function pathAttributes(options: BgpCodecOptions & { mandatory?: boolean } = {}): fc.Arbitrary<PathAttributes> {
  const four = options.fourOctetAs === true;
  const addPath = options.addPath === true;
  const required = options.mandatory === true;
  const extendedCommunity: fc.Arbitrary<ExtendedCommunity> = fc.record({ high: u32(), low: u32() });
  const largeCommunity: fc.Arbitrary<LargeCommunity> = fc.record({ global: u32(), local1: u32(), local2: u32() });
  const record = fc.record(
    {
      origin: fc.constantFrom('igp' as const, 'egp' as const, 'incomplete' as const),
      asPath: asPathSegments({ fourOctetAs: four, confederation: true }),
      nextHop: ipv4(),
      med: u32(),
      localPref: u32(),
      atomicAggregate: fc.constant(true),
      aggregator: aggregator(four),
      communities: fc.array(u32(), { minLength: 1, maxLength: 8 }),
      originatorId: ipv4(),
      clusterList: fc.array(ipv4(), { minLength: 1, maxLength: 4 }),
      mpReach: mpReach(addPath),
      mpUnreach: mpUnreach(addPath),
      extendedCommunities: fc.array(extendedCommunity, { minLength: 1, maxLength: 4 }),
      largeCommunities: fc.array(largeCommunity, { minLength: 1, maxLength: 4 }),
      unknown: fc.uniqueArray(unknownAttribute(), { minLength: 1, maxLength: 3, selector: (u) => u.type }).map((list) => [...list].sort((x, y) => x.type - y.type)),
      ...(four ? {} : { as4Path: asPathSegments({ fourOctetAs: true }), as4Aggregator: aggregator(true) }),
    },
    { requiredKeys: required ? ['origin', 'asPath', 'nextHop'] : [] },
  );
  // An MP_REACH_NLRI needs ORIGIN and AS_PATH beside it (RFC 4760 §3).
  return record.map((a) => (a.mpReach !== undefined && (a.origin === undefined || a.asPath === undefined) ? { ...a, origin: a.origin ?? 'igp', asPath: a.asPath ?? [] } : a) as PathAttributes);
}

/** An UPDATE that decodes without errors under `options` (it carries the mandatory attributes when it has NLRI). */
export function updateMessage(options: BgpCodecOptions = {}): fc.Arbitrary<UpdateMessage> {
  const addPath = options.addPath === true;
  return fc
    .record({
      withdrawn: fc.array(bgpPrefix(addPath), { maxLength: 20 }),
      nlri: fc.array(bgpPrefix(addPath), { maxLength: 20 }),
    })
    .chain(({ withdrawn, nlri }) =>
      pathAttributes({ ...options, mandatory: nlri.length > 0 }).map((attributes) => ({ type: 'update' as const, withdrawn, attributes, nlri })),
    );
}

const KNOWN_CAPABILITY_CODES = new Set<number>([
  CapabilityCode.MULTIPROTOCOL,
  CapabilityCode.ROUTE_REFRESH,
  CapabilityCode.EXTENDED_MESSAGE,
  CapabilityCode.GRACEFUL_RESTART,
  CapabilityCode.FOUR_OCTET_AS,
  CapabilityCode.ADD_PATH,
  CapabilityCode.ENHANCED_ROUTE_REFRESH,
  CapabilityCode.FQDN,
]);

/** Any capability, unknown ones included (values up to 120 octets, so OPENs sometimes need RFC 9072's form). */
export function capability(): fc.Arbitrary<Capability> {
  const family = fc.record({ afi: u16(), safi: u8() });
  return fc.oneof(
    family.map((f) => ({ kind: 'multiprotocol' as const, ...f })),
    fc.constant({ kind: 'route-refresh' as const }),
    fc.constant({ kind: 'enhanced-route-refresh' as const }),
    fc.constant({ kind: 'extended-message' as const }),
    u32().map((n) => ({ kind: 'four-octet-as' as const, asn: n })),
    fc.record({
      kind: fc.constant('graceful-restart' as const),
      restarted: fc.boolean(),
      notification: fc.boolean(),
      restartTime: fc.integer({ min: 0, max: 4095 }),
      families: fc.array(fc.record({ afi: u16(), safi: u8(), forwardingPreserved: fc.boolean() }), { maxLength: 4 }),
    }),
    fc.record({
      kind: fc.constant('add-path' as const),
      families: fc.array(fc.record({ afi: u16(), safi: u8(), direction: fc.constantFrom('receive' as const, 'send' as const, 'both' as const) }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant('fqdn' as const), hostname: fc.string({ maxLength: 30 }), domain: fc.string({ maxLength: 30 }) }),
    fc.record({
      kind: fc.constant('unknown' as const),
      code: u8().filter((c) => !KNOWN_CAPABILITY_CODES.has(c)),
      value: fc.uint8Array({ maxLength: 120 }),
    }),
  );
}

/** A valid OPEN: version 4, hold time 0 or ≥ 3, non-zero identifier; sometimes unknown optional parameters. */
export function openMessage(): fc.Arbitrary<OpenMessage> {
  return fc
    .record(
      {
        myAs: u16(),
        holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
        bgpId: fc.integer({ min: 1, max: 0xffff_ffff }).map((n) => n as Ipv4Address),
        capabilities: fc.array(capability(), { maxLength: 10 }),
        parameters: fc.array(fc.record({ type: u8().filter((t) => t !== 2 && t !== 255), value: fc.uint8Array({ maxLength: 20 }) }), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['myAs', 'holdTime', 'bgpId', 'capabilities'] },
    )
    .map((r) => ({ type: 'open' as const, version: 4, ...r }));
}

export function notificationMessage(): fc.Arbitrary<NotificationMessage> {
  return fc.record({ type: fc.constant('notification' as const), code: u8(), subcode: u8(), data: fc.uint8Array({ maxLength: 60 }) });
}

export function keepaliveMessage(): fc.Arbitrary<KeepaliveMessage> {
  return fc.constant({ type: 'keepalive' as const });
}

export function routeRefreshMessage(): fc.Arbitrary<RouteRefreshMessage> {
  return fc.record({ type: fc.constant('route-refresh' as const), afi: u16(), subtype: u8(), safi: u8() });
}

/** Any message valid under `options`. */
export function bgpMessage(options: BgpCodecOptions = {}): fc.Arbitrary<BgpMessage> {
  return fc.oneof(openMessage(), updateMessage(options), notificationMessage(), keepaliveMessage(), routeRefreshMessage());
}

/** The octets of a valid message, with the message. */
export function bgpMessageBytes(options: BgpCodecOptions = {}): fc.Arbitrary<{ message: BgpMessage; bytes: Uint8Array }> {
  return bgpMessage(options).map((message) => ({ message, bytes: encodeMessage(message, options) }));
}

/** Several messages as one byte stream, cut into chunks at arbitrary points. */
export function bgpStream(options: BgpCodecOptions = {}): fc.Arbitrary<{ messages: BgpMessage[]; bytes: Uint8Array; chunks: Uint8Array[] }> {
  return fc
    .array(bgpMessage(options), { minLength: 1, maxLength: 8 })
    .chain((messages) => {
      const parts = messages.map((m) => encodeMessage(m, options));
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
      return fc
        .uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 })
        .map((cuts) => {
          const points = [0, ...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
          const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
          return { messages, bytes, chunks };
        });
    });
}

// ---- malformed UPDATEs ----------------------------------------------------------

/** What a malformed UPDATE must produce. */
export interface MalformedExpectation {
  readonly code: string;
  readonly handling: BgpErrorHandling;
  readonly notification: { readonly code: number; readonly subcode: number };
  readonly attributeType?: number;
}

interface MalformedCase {
  readonly name: string;
  /** The attribute type the base UPDATE must leave out so the defect is the only instance. */
  readonly replaces?: number;
  /** Raw attribute octets to add to the path attributes (flags, type, length, value). */
  readonly attribute?: Uint8Array;
  /** Where the attribute goes: first in the path attributes (default) or last, for overruns of the block. */
  readonly placement?: 'first' | 'last';
  /** Or: rewrite the whole message. */
  readonly rewrite?: (bytes: Uint8Array) => Uint8Array;
  /** Attribute types to remove from the base. */
  readonly omit?: readonly number[];
  readonly expected: MalformedExpectation;
}

const T = AttributeType;
const WK = 0x40;
const OPT_T = 0xc0;
const OPT_N = 0x80;
const update = (subcode: number) => ({ code: ErrorCode.UPDATE_MESSAGE, subcode });
const attr = (flags: number, type: number, ...value: number[]) => Uint8Array.of(flags, type, value.length, ...value);

/**
 * The RFC 7606 matrix: each case is one defect and the handling, error
 * code and NOTIFICATION the decoder must report. Exported for tests and for
 * anyone checking another implementation against the same list.
 */
export const MALFORMED_UPDATE_CASES: readonly MalformedCase[] = [
  { name: 'ORIGIN length 2', replaces: T.ORIGIN, attribute: attr(WK, T.ORIGIN, 0, 0), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.ORIGIN } },
  { name: 'ORIGIN value 3', replaces: T.ORIGIN, attribute: attr(WK, T.ORIGIN, 3), expected: { code: 'bad-origin', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.INVALID_ORIGIN_ATTRIBUTE), attributeType: T.ORIGIN } },
  { name: 'ORIGIN flagged optional', replaces: T.ORIGIN, attribute: attr(OPT_T, T.ORIGIN, 0), expected: { code: 'attribute-flags', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_FLAGS_ERROR), attributeType: T.ORIGIN } },
  { name: 'AS_PATH segment type 9', replaces: T.AS_PATH, attribute: attr(WK, T.AS_PATH, 9, 1, 0, 1), expected: { code: 'malformed-as-path', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MALFORMED_AS_PATH), attributeType: T.AS_PATH } },
  { name: 'AS_PATH segment overrun', replaces: T.AS_PATH, attribute: attr(WK, T.AS_PATH, 2, 3, 0, 1), expected: { code: 'malformed-as-path', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MALFORMED_AS_PATH), attributeType: T.AS_PATH } },
  { name: 'AS_PATH empty segment', replaces: T.AS_PATH, attribute: attr(WK, T.AS_PATH, 2, 0), expected: { code: 'malformed-as-path', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MALFORMED_AS_PATH), attributeType: T.AS_PATH } },
  { name: 'NEXT_HOP length 3', replaces: T.NEXT_HOP, attribute: attr(WK, T.NEXT_HOP, 192, 0, 2), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.NEXT_HOP } },
  { name: 'MED length 2', replaces: T.MULTI_EXIT_DISC, attribute: attr(OPT_N, T.MULTI_EXIT_DISC, 0, 1), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.MULTI_EXIT_DISC } },
  { name: 'LOCAL_PREF length 5', replaces: T.LOCAL_PREF, attribute: attr(WK, T.LOCAL_PREF, 0, 0, 0, 0, 100), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.LOCAL_PREF } },
  { name: 'ATOMIC_AGGREGATE length 1', replaces: T.ATOMIC_AGGREGATE, attribute: attr(WK, T.ATOMIC_AGGREGATE, 0), expected: { code: 'attribute-length', handling: 'attribute-discard', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.ATOMIC_AGGREGATE } },
  { name: 'AGGREGATOR length 5', replaces: T.AGGREGATOR, attribute: attr(OPT_T, T.AGGREGATOR, 0, 1, 10, 0, 0), expected: { code: 'attribute-length', handling: 'attribute-discard', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.AGGREGATOR } },
  { name: 'AGGREGATOR flagged well-known', replaces: T.AGGREGATOR, attribute: attr(WK, T.AGGREGATOR, 0, 1, 10, 0, 0, 1), expected: { code: 'attribute-flags', handling: 'attribute-discard', notification: update(UpdateSubcode.ATTRIBUTE_FLAGS_ERROR), attributeType: T.AGGREGATOR } },
  { name: 'COMMUNITIES length 6', replaces: T.COMMUNITIES, attribute: attr(OPT_T, T.COMMUNITIES, 0, 1, 0, 2, 0, 3), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.COMMUNITIES } },
  { name: 'COMMUNITIES empty', replaces: T.COMMUNITIES, attribute: attr(OPT_T, T.COMMUNITIES), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.COMMUNITIES } },
  { name: 'ORIGINATOR_ID length 0', replaces: T.ORIGINATOR_ID, attribute: attr(OPT_N, T.ORIGINATOR_ID), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.ORIGINATOR_ID } },
  { name: 'CLUSTER_LIST length 5', replaces: T.CLUSTER_LIST, attribute: attr(OPT_N, T.CLUSTER_LIST, 1, 2, 3, 4, 5), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.CLUSTER_LIST } },
  { name: 'EXTENDED_COMMUNITIES length 4', replaces: T.EXTENDED_COMMUNITIES, attribute: attr(OPT_T, T.EXTENDED_COMMUNITIES, 0, 2, 0, 1), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.EXTENDED_COMMUNITIES } },
  { name: 'LARGE_COMMUNITY length 8', replaces: T.LARGE_COMMUNITY, attribute: attr(OPT_T, T.LARGE_COMMUNITY, 0, 0, 0, 1, 0, 0, 0, 2), expected: { code: 'attribute-length', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.ATTRIBUTE_LENGTH_ERROR), attributeType: T.LARGE_COMMUNITY } },
  { name: 'AS4_AGGREGATOR on a 4-octet session', replaces: T.AS4_AGGREGATOR, attribute: attr(OPT_T, T.AS4_AGGREGATOR, 0, 0, 0, 1, 10, 0, 0, 1), expected: { code: 'unexpected-as4-attribute', handling: 'attribute-discard', notification: update(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR), attributeType: T.AS4_AGGREGATOR } },
  { name: 'MP_REACH IPv4 unicast with a 16-octet next hop', replaces: T.MP_REACH_NLRI, attribute: attr(OPT_N, T.MP_REACH_NLRI, 0, 1, 1, 16, ...new Array<number>(16).fill(1), 0, 8, 10), expected: { code: 'malformed-mp-reach', handling: 'afisafi-disable', notification: update(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR), attributeType: T.MP_REACH_NLRI } },
  { name: 'MP_REACH NLRI /33', replaces: T.MP_REACH_NLRI, attribute: attr(OPT_N, T.MP_REACH_NLRI, 0, 1, 1, 4, 192, 0, 2, 1, 0, 33, 1, 2, 3, 4, 5), expected: { code: 'invalid-mp-nlri', handling: 'afisafi-disable', notification: update(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR), attributeType: T.MP_REACH_NLRI } },
  { name: 'MP_UNREACH of 2 octets', replaces: T.MP_UNREACH_NLRI, attribute: attr(OPT_N, T.MP_UNREACH_NLRI, 0, 1), expected: { code: 'malformed-mp-unreach', handling: 'session-reset', notification: update(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR), attributeType: T.MP_UNREACH_NLRI } },
  { name: 'two MP_UNREACH_NLRI', replaces: T.MP_UNREACH_NLRI, attribute: Uint8Array.of(...attr(OPT_N, T.MP_UNREACH_NLRI, 0, 1, 1), ...attr(OPT_N, T.MP_UNREACH_NLRI, 0, 1, 1)), expected: { code: 'duplicate-attribute', handling: 'session-reset', notification: update(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST), attributeType: T.MP_UNREACH_NLRI } },
  { name: 'two COMMUNITIES', replaces: T.COMMUNITIES, attribute: Uint8Array.of(...attr(OPT_T, T.COMMUNITIES, 0, 1, 0, 2), ...attr(OPT_T, T.COMMUNITIES, 0, 1, 0, 3)), expected: { code: 'duplicate-attribute', handling: 'attribute-discard', notification: update(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST), attributeType: T.COMMUNITIES } },
  { name: 'unrecognized well-known attribute 200', attribute: attr(WK, 200, 1, 2, 3), expected: { code: 'unrecognized-well-known-attribute', handling: 'session-reset', notification: update(UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE), attributeType: 200 } },
  { name: 'last attribute overruns the block', replaces: 250, placement: 'last', attribute: Uint8Array.of(OPT_T, 250, 40, 1, 2, 3), expected: { code: 'attribute-overrun', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST), attributeType: 250 } },
  { name: 'two octets left for an attribute header', placement: 'last', attribute: Uint8Array.of(OPT_T, 250), expected: { code: 'attribute-overrun', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST) } },
  { name: 'ORIGIN missing', omit: [T.ORIGIN], expected: { code: 'missing-well-known-attribute', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE), attributeType: T.ORIGIN } },
  { name: 'NEXT_HOP missing', omit: [T.NEXT_HOP], expected: { code: 'missing-well-known-attribute', handling: 'treat-as-withdraw', notification: update(UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE), attributeType: T.NEXT_HOP } },
  { name: 'NLRI /33', rewrite: (b) => appendOctets(b, [33, 1, 2, 3, 4, 5]), expected: { code: 'invalid-network-field', handling: 'session-reset', notification: update(UpdateSubcode.INVALID_NETWORK_FIELD) } },
  { name: 'NLRI prefix cut short', rewrite: (b) => appendOctets(b, [24, 10, 0]), expected: { code: 'invalid-network-field', handling: 'session-reset', notification: update(UpdateSubcode.INVALID_NETWORK_FIELD) } },
  { name: 'withdrawn length past the message', rewrite: (b) => setU16(b, 19, 0xfff0), expected: { code: 'bad-withdrawn-length', handling: 'session-reset', notification: update(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST) } },
];

function appendOctets(bytes: Uint8Array, extra: readonly number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  setU16(out, 16, out.length);
  return out;
}

function setU16(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
  return bytes;
}

/** Inserts raw attribute octets at the start of an encoded UPDATE's path attributes and fixes the lengths. */
export function insertAttribute(update: Uint8Array, attribute: Uint8Array): Uint8Array {
  const withdrawnLength = (update[19]! << 8) | update[20]!;
  const alenAt = 21 + withdrawnLength;
  const attributesLength = (update[alenAt]! << 8) | update[alenAt + 1]!;
  const at = alenAt + 2;
  const out = new Uint8Array(update.length + attribute.length);
  out.set(update.subarray(0, at));
  out.set(attribute, at);
  out.set(update.subarray(at), at + attribute.length);
  setU16(out, 16, out.length);
  setU16(out, alenAt, attributesLength + attribute.length);
  return out;
}

/** Appends raw octets at the end of the path attributes (before the NLRI): for a final overrunning attribute. */
export function appendAttribute(update: Uint8Array, attribute: Uint8Array): Uint8Array {
  const withdrawnLength = (update[19]! << 8) | update[20]!;
  const alenAt = 21 + withdrawnLength;
  const attributesLength = (update[alenAt]! << 8) | update[alenAt + 1]!;
  const at = alenAt + 2 + attributesLength;
  const out = new Uint8Array(update.length + attribute.length);
  out.set(update.subarray(0, at));
  out.set(attribute, at);
  out.set(update.subarray(at), at + attribute.length);
  setU16(out, 16, out.length);
  setU16(out, alenAt, attributesLength + attribute.length);
  return out;
}

const ATTRIBUTE_KEYS: Readonly<Record<number, keyof PathAttributes>> = {
  [T.ORIGIN]: 'origin',
  [T.AS_PATH]: 'asPath',
  [T.NEXT_HOP]: 'nextHop',
  [T.MULTI_EXIT_DISC]: 'med',
  [T.LOCAL_PREF]: 'localPref',
  [T.ATOMIC_AGGREGATE]: 'atomicAggregate',
  [T.AGGREGATOR]: 'aggregator',
  [T.COMMUNITIES]: 'communities',
  [T.ORIGINATOR_ID]: 'originatorId',
  [T.CLUSTER_LIST]: 'clusterList',
  [T.MP_REACH_NLRI]: 'mpReach',
  [T.MP_UNREACH_NLRI]: 'mpUnreach',
  [T.EXTENDED_COMMUNITIES]: 'extendedCommunities',
  [T.AS4_PATH]: 'as4Path',
  [T.AS4_AGGREGATOR]: 'as4Aggregator',
  [T.LARGE_COMMUNITY]: 'largeCommunities',
};

function without(a: PathAttributes, types: readonly number[]): PathAttributes {
  const copy: Record<string, unknown> = { ...a };
  for (const t of types) {
    const key = ATTRIBUTE_KEYS[t];
    if (key !== undefined) delete copy[key];
  }
  // unknown attributes of the case's type would be duplicates too
  if (a.unknown) {
    const kept = a.unknown.filter((u) => !types.includes(u.type) && u.type !== 200);
    if (kept.length > 0) copy.unknown = kept;
    else delete copy.unknown;
  }
  return copy as PathAttributes;
}

/**
 * An UPDATE (on a 4-octet AS session) with NLRI and one defect from
 * MALFORMED_UPDATE_CASES, and the error the decoder must report for it.
 */
export function malformedUpdate(): fc.Arbitrary<{ name: string; bytes: Uint8Array; expected: MalformedExpectation }> {
  const options = { fourOctetAs: true };
  return fc
    .record({
      index: fc.integer({ min: 0, max: MALFORMED_UPDATE_CASES.length - 1 }),
      base: updateMessage(options).filter((u) => u.nlri.length > 0),
    })
    .map(({ index, base }) => {
      const c = MALFORMED_UPDATE_CASES[index]!;
      const drop = [...(c.omit ?? []), ...(c.replaces === undefined ? [] : [c.replaces])];
      // MP_REACH cases need an MP_REACH-free base; NLRI-field cases need the mandatory attributes intact.
      const attributes = without(base.attributes, drop);
      let bytes = encodeMessage({ ...base, attributes }, options);
      if (c.attribute) bytes = c.placement === 'last' ? appendAttribute(bytes, c.attribute) : insertAttribute(bytes, c.attribute);
      if (c.rewrite) bytes = c.rewrite(bytes);
      return { name: c.name, bytes, expected: c.expected };
    });
}
export * from './mrt/arbitraries.js';

import type { Ipv4Address } from '@wirestack/core';

/**
 * The plain-object form of every BGP message: readonly data that is easy to
 * print, compare and build. AS numbers are always full 32-bit numbers here;
 * whether they travel in 2 or 4 octets is a codec option.
 */

/** An IPv4 unicast prefix as NLRI carries it; `pathId` with ADD-PATH (RFC 7911). */
export interface BgpPrefix {
  readonly address: Ipv4Address;
  readonly length: number;
  readonly pathId?: number;
}

// ---- OPEN -------------------------------------------------------------------

export interface MultiprotocolCapability {
  readonly kind: 'multiprotocol';
  readonly afi: number;
  readonly safi: number;
}

export interface RouteRefreshCapability {
  readonly kind: 'route-refresh';
}

export interface EnhancedRouteRefreshCapability {
  readonly kind: 'enhanced-route-refresh';
}

export interface ExtendedMessageCapability {
  readonly kind: 'extended-message';
}

export interface FourOctetAsCapability {
  readonly kind: 'four-octet-as';
  readonly asn: number;
}

export interface GracefulRestartFamily {
  readonly afi: number;
  readonly safi: number;
  /** F bit: forwarding state preserved. */
  readonly forwardingPreserved: boolean;
}

export interface GracefulRestartCapability {
  readonly kind: 'graceful-restart';
  /** R bit: the sender has restarted. */
  readonly restarted: boolean;
  /** N bit: graceful notification support (RFC 8538). */
  readonly notification: boolean;
  /** Restart Time in seconds, 0..4095. */
  readonly restartTime: number;
  readonly families: readonly GracefulRestartFamily[];
}

export type AddPathDirection = 'receive' | 'send' | 'both';

export interface AddPathFamily {
  readonly afi: number;
  readonly safi: number;
  readonly direction: AddPathDirection;
}

export interface AddPathCapability {
  readonly kind: 'add-path';
  readonly families: readonly AddPathFamily[];
}

export interface FqdnCapability {
  readonly kind: 'fqdn';
  readonly hostname: string;
  readonly domain: string;
}

/** Any capability we do not interpret, kept byte for byte. */
export interface UnknownCapability {
  readonly kind: 'unknown';
  readonly code: number;
  readonly value: Uint8Array;
}

export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | EnhancedRouteRefreshCapability
  | ExtendedMessageCapability
  | FourOctetAsCapability
  | GracefulRestartCapability
  | AddPathCapability
  | FqdnCapability
  | UnknownCapability;

/** An optional parameter other than Capabilities (type 2), kept as bytes. */
export interface UnknownParameter {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The 2-octet My Autonomous System field: AS_TRANS when the real AS needs 4 octets. */
  readonly myAs: number;
  readonly holdTime: number;
  readonly bgpId: Ipv4Address;
  readonly capabilities: readonly Capability[];
  /** Optional parameters other than Capabilities (deprecated or unknown ones). */
  readonly parameters?: readonly UnknownParameter[];
}

// ---- UPDATE -----------------------------------------------------------------

export type Origin = 'igp' | 'egp' | 'incomplete';

export type AsPathSegmentType = 'set' | 'sequence' | 'confed-sequence' | 'confed-set';

export interface AsPathSegment {
  readonly type: AsPathSegmentType;
  readonly asns: readonly number[];
}

export interface Aggregator {
  readonly asn: number;
  readonly address: Ipv4Address;
}

/** An RFC 4360 extended community as its two 32-bit halves (type and subtype are the high 16 bits). */
export interface ExtendedCommunity {
  readonly high: number;
  readonly low: number;
}

/** An RFC 8092 large community: Global Administrator, Local Data Part 1 and 2. */
export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

/** MP_REACH_NLRI for IPv4 unicast with a 4-octet next hop. */
export interface Ipv4UnicastMpReach {
  readonly kind: 'ipv4-unicast';
  readonly nextHop: Ipv4Address;
  readonly nlri: readonly BgpPrefix[];
}

/** MP_REACH_NLRI of any other AFI/SAFI (or next-hop form), kept as bytes. */
export interface OtherMpReach {
  readonly kind: 'other';
  readonly afi: number;
  readonly safi: number;
  readonly nextHop: Uint8Array;
  readonly nlri: Uint8Array;
}

export type MpReach = Ipv4UnicastMpReach | OtherMpReach;

export interface Ipv4UnicastMpUnreach {
  readonly kind: 'ipv4-unicast';
  readonly withdrawn: readonly BgpPrefix[];
}

export interface OtherMpUnreach {
  readonly kind: 'other';
  readonly afi: number;
  readonly safi: number;
  readonly withdrawn: Uint8Array;
}

export type MpUnreach = Ipv4UnicastMpUnreach | OtherMpUnreach;

/** A path attribute we do not interpret: its flags as received (Extended Length included), type and value. */
export interface UnknownAttribute {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

/**
 * The path attributes of an UPDATE. Absent properties are absent
 * attributes. `as4Path`/`as4Aggregator` appear only on sessions without the
 * 4-octet AS capability (see `mergeAs4`).
 */
export interface PathAttributes {
  readonly origin?: Origin;
  readonly asPath?: readonly AsPathSegment[];
  readonly nextHop?: Ipv4Address;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  readonly aggregator?: Aggregator;
  readonly communities?: readonly number[];
  readonly originatorId?: Ipv4Address;
  readonly clusterList?: readonly Ipv4Address[];
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  readonly extendedCommunities?: readonly ExtendedCommunity[];
  readonly as4Path?: readonly AsPathSegment[];
  readonly as4Aggregator?: Aggregator;
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly unknown?: readonly UnknownAttribute[];
}

export interface UpdateMessage {
  readonly type: 'update';
  readonly withdrawn: readonly BgpPrefix[];
  readonly attributes: PathAttributes;
  readonly nlri: readonly BgpPrefix[];
}

// ---- the others -------------------------------------------------------------

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly safi: number;
  /** RFC 7313: 0 normal request, 1 Begin-of-RR, 2 End-of-RR; others are to be ignored. */
  readonly subtype: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/**
 * What the codec must know about the session: the negotiated capabilities
 * that change the wire format. Every flag defaults to false, the RFC 4271
 * format without capabilities.
 */
export interface BgpCodecOptions {
  /** Both sides sent the 4-octet AS capability (RFC 6793): AS_PATH and AGGREGATOR carry 4-octet ASNs. */
  readonly fourOctetAs?: boolean;
  /** Both sides sent the extended message capability (RFC 8654): messages up to 65,535 octets. */
  readonly extendedMessage?: boolean;
  /** IPv4 unicast NLRI carry a Path Identifier (RFC 7911) in this direction. */
  readonly addPath?: boolean;
}

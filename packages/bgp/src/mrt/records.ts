import type { DecodeError, Ipv4Address } from '@wirestack/core';
import type { BgpError } from '../errors.js';
import type { BgpMessage, PathAttributes } from '../messages.js';

/**
 * The plain-object form of MRT records (RFC 6396). One model serves the
 * reader and the writer: `encodeMrtRecord(decodeMrtRecord(b).record)`
 * gives back equivalent bytes, and every record the writer builds decodes
 * to itself.
 */

/** An IPv4 address as a number (core's form) or an IPv6 address as 16 octets. */
export type MrtAddress =
  | { readonly family: 'ipv4'; readonly address: Ipv4Address }
  | { readonly family: 'ipv6'; readonly address: Uint8Array };

/** A prefix of either family; host bits beyond `length` are clear. */
export type MrtPrefix =
  | { readonly family: 'ipv4'; readonly address: Ipv4Address; readonly length: number }
  | { readonly family: 'ipv6'; readonly address: Uint8Array; readonly length: number };

/** One peer of a PEER_INDEX_TABLE. The AS and address widths on the wire follow the values. */
export interface MrtPeer {
  readonly bgpId: Ipv4Address;
  readonly address: MrtAddress;
  readonly asn: number;
}

/** TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1): the peers RIB entries refer to by index. */
export interface PeerIndexTableRecord {
  readonly kind: 'peer-index-table';
  readonly timestamp: number;
  readonly collectorId: Ipv4Address;
  readonly viewName: string;
  readonly peers: readonly MrtPeer[];
}

/** The AFI/SAFI-specific RIB subtypes this codec decodes (RFC 6396 §4.3.2, RFC 8050 §4). */
export type RibTable = 'ipv4-unicast' | 'ipv4-multicast' | 'ipv6-unicast' | 'ipv6-multicast';

/**
 * One path of a RIB record. Attributes are decoded as a 4-octet-AS session
 * would (TABLE_DUMP_V2 always carries 4-octet ASNs, RFC 6396 §4.3.4);
 * MP_REACH_NLRI appears in the abbreviated form RIB entries use (next hop
 * only) as an `mpReach` with empty NLRI.
 */
export interface RibEntry {
  readonly peerIndex: number;
  /** Seconds since the epoch when the route was received. */
  readonly originatedTime: number;
  /** Path Identifier of the ADD-PATH subtypes (RFC 8050); absent otherwise. */
  readonly pathId?: number;
  readonly attributes: PathAttributes;
  /** RFC 7606 problems that did not stop the attributes decoding (absent when none). */
  readonly errors?: readonly BgpError[];
}

/** TABLE_DUMP_V2 RIB_IPV4_UNICAST and its siblings: every path to one prefix. */
export interface RibRecord {
  readonly kind: 'rib';
  readonly timestamp: number;
  readonly table: RibTable;
  /** The _ADDPATH subtype: entries carry a `pathId`. */
  readonly addPath: boolean;
  readonly sequence: number;
  readonly prefix: MrtPrefix;
  readonly entries: readonly RibEntry[];
}

/** Fields BGP4MP messages and state changes share (RFC 6396 §4.4). */
export interface Bgp4mpPeering {
  readonly timestamp: number;
  /** Present for BGP4MP_ET records: the Microsecond Timestamp, 0..999999. */
  readonly microseconds?: number;
  /** The _AS4 subtype: Peer/Local AS in 4 octets (and, for messages, 4-octet AS_PATHs). */
  readonly as4: boolean;
  readonly peerAs: number;
  readonly localAs: number;
  readonly interfaceIndex: number;
  /** Both addresses have the same family (one Address Family field). */
  readonly peerAddress: MrtAddress;
  readonly localAddress: MrtAddress;
}

/** BGP4MP_MESSAGE and its _AS4, _LOCAL and _ADDPATH variants: one BGP message, header included. */
export interface Bgp4mpMessageRecord extends Bgp4mpPeering {
  readonly kind: 'bgp4mp-message';
  /** The _LOCAL subtypes: a message the local speaker sent rather than received. */
  readonly local: boolean;
  /** The _ADDPATH subtypes: IPv4 NLRI carry Path Identifiers. */
  readonly addPath: boolean;
  readonly message: BgpMessage;
  /** RFC 7606 problems the message had that did not stop its decoding (absent when none). */
  readonly errors?: readonly BgpError[];
}

/** BGP4MP_STATE_CHANGE(_AS4): an FSM transition, states numbered 1 Idle .. 6 Established. */
export interface Bgp4mpStateChangeRecord extends Bgp4mpPeering {
  readonly kind: 'bgp4mp-state-change';
  readonly oldState: number;
  readonly newState: number;
}

/**
 * Any other record, kept byte for byte: other types (TABLE_DUMP, OSPF,
 * IS-IS) and subtypes (RIB_GENERIC, GEO_PEER_TABLE). In lax mode also a
 * record whose body did not decode, with the `error` it gave.
 */
export interface UnknownMrtRecord {
  readonly kind: 'unknown';
  readonly timestamp: number;
  readonly type: number;
  readonly subtype: number;
  /** Everything after the 12-octet common header (an _ET type's microseconds included). */
  readonly body: Uint8Array;
  readonly error?: DecodeError;
}

export type MrtRecord = PeerIndexTableRecord | RibRecord | Bgp4mpMessageRecord | Bgp4mpStateChangeRecord | UnknownMrtRecord;

/** Reader options. */
export interface MrtDecodeOptions {
  /**
   * 'strict' (default): a record whose body does not decode ends the read
   * with its error. 'lax': it is yielded as an `unknown` record carrying
   * the error, and reading goes on (the common header still frames the
   * next record). A broken common header ends the read in both modes.
   */
  readonly mode?: 'strict' | 'lax';
}

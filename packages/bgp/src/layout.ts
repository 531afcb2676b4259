/**
 * Wire constants of BGP-4 (RFC 4271 §4) and its extensions, named after the
 * RFCs' field and registry names.
 */

/** Marker (16 octets of 0xff), Length (2), Type (1). */
export const HEADER_LENGTH = 19;
export const MARKER_LENGTH = 16;
export const LENGTH_OFFSET = 16;
export const TYPE_OFFSET = 18;

/** The largest message without the extended-message capability (RFC 4271 §4.1). */
export const MAX_MESSAGE_LENGTH = 4096;
/** The largest UPDATE/NOTIFICATION/ROUTE-REFRESH after the extended-message capability (RFC 8654). */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

/** Message types (RFC 4271 §4.1, RFC 2918). */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;

/** Smallest legal length of each message type, header included (RFC 4271 §6.1). */
export const MIN_LENGTH_BY_TYPE: Readonly<Record<number, number>> = {
  1: 29,
  2: 23,
  3: 21,
  4: 19,
  5: 23,
};

/** The only BGP version there is. */
export const BGP_VERSION = 4;
/** RFC 6793: the 2-octet stand-in for an AS number that does not fit 16 bits. */
export const AS_TRANS = 23456;

/** OPEN optional parameter types (RFC 5492; 1 was authentication, deprecated). */
export const OPTIONAL_PARAMETER_CAPABILITIES = 2;
/** RFC 9072: Non-Ext OP Type that flags the extended optional parameters form. */
export const EXTENDED_OPTIONAL_PARAMETERS = 255;

/** Capability codes (IANA "Capability Codes"). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  LONG_LIVED_GRACEFUL_RESTART: 71,
  FQDN: 73,
} as const;

/** Address family identifiers and subsequent AFIs used here (RFC 4760). */
export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;
export const SAFI_MULTICAST = 2;

/** Path attribute flag bits (RFC 4271 §4.3). */
export const ATTR_OPTIONAL = 0x80;
export const ATTR_TRANSITIVE = 0x40;
export const ATTR_PARTIAL = 0x20;
export const ATTR_EXTENDED_LENGTH = 0x10;

/** Path attribute type codes (IANA "BGP Path Attributes"). */
export const AttributeType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
} as const;

/** AS_PATH segment types (RFC 4271 §4.3, RFC 5065). */
export const SegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;

/** ROUTE-REFRESH message subtypes (RFC 7313 §3.2; 0 is RFC 2918's plain refresh). */
export const RouteRefreshSubtype = {
  NORMAL: 0,
  BEGIN: 1,
  END: 2,
} as const;

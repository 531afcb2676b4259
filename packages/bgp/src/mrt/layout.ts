/**
 * Wire constants of MRT (RFC 6396), with the ADD-PATH subtypes of RFC 8050,
 * named after the RFCs' field and registry names.
 */

/** Timestamp (4), Type (2), Subtype (2), Length (4); Length excludes these 12 octets. */
export const MRT_HEADER_LENGTH = 12;
/** The _ET types carry a Microsecond Timestamp (4) after the header, counted in Length (RFC 6396 §3). */
export const MICROSECOND_LENGTH = 4;

/** MRT Types (RFC 6396 §4); only TABLE_DUMP_V2 and BGP4MP(_ET) are decoded, the rest are kept as bytes. */
export const MrtType = {
  OSPFV2: 11,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
  ISIS: 32,
  ISIS_ET: 33,
  OSPFV3: 48,
  OSPFV3_ET: 49,
} as const;

/** TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 6397, RFC 8050 §4). */
export const TableDumpV2Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  GEO_PEER_TABLE: 7,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const;

/** BGP4MP subtypes (RFC 6396 §4.4, RFC 8050 §3). */
export const Bgp4mpSubtype = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;

/** PEER_INDEX_TABLE Peer Type bits (RFC 6396 §4.3.1). */
export const PEER_TYPE_IPV6 = 0x01;
export const PEER_TYPE_AS4 = 0x02;

/** BGP4MP Address Family values (the AFI registry). */
export const MRT_AFI_IPV4 = 1;
export const MRT_AFI_IPV6 = 2;

/** BGP FSM states as BGP4MP_STATE_CHANGE numbers them (RFC 6396 §4.4.1). */
export const BgpFsmState = {
  IDLE: 1,
  CONNECT: 2,
  ACTIVE: 3,
  OPEN_SENT: 4,
  OPEN_CONFIRM: 5,
  ESTABLISHED: 6,
} as const;

/**
 * MRT (RFC 6396) for @wirestack/bgp: TABLE_DUMP_V2 and BGP4MP records,
 * read from bytes or chunks, written from a RIB snapshot or a message log,
 * printed the way `bgpdump -m` prints them. Browser-safe; file and gzip
 * access is in `./node.js`.
 */
export {
  MRT_HEADER_LENGTH,
  MrtType,
  TableDumpV2Subtype,
  Bgp4mpSubtype,
  BgpFsmState,
  PEER_TYPE_IPV6,
  PEER_TYPE_AS4,
} from './layout.js';
export type {
  MrtAddress,
  MrtPrefix,
  MrtPeer,
  MrtRecord,
  PeerIndexTableRecord,
  RibTable,
  RibEntry,
  RibRecord,
  Bgp4mpPeering,
  Bgp4mpMessageRecord,
  Bgp4mpStateChangeRecord,
  UnknownMrtRecord,
  MrtDecodeOptions,
} from './records.js';
export { formatIpv6 } from './address.js';
export { type DecodedMrtRecord, readMrtHeader, decodeMrtRecord, encodeMrtRecord } from './codec.js';
export { type MrtStreamOptions, readMrt, MrtStreamDecoder } from './reader.js';
export {
  type SnapshotEntry,
  type SnapshotPrefix,
  type TableDumpV2Snapshot,
  type Bgp4mpInit,
  type Bgp4mpMessageInit,
  type Bgp4mpStateChangeInit,
  mrtIpv4,
  tableDumpV2Records,
  bgp4mpMessageRecord,
  bgp4mpStateChangeRecord,
  encodeMrt,
} from './writer.js';
export {
  type BgpdumpFormatOptions,
  BgpdumpFormatter,
  bgpdumpLines,
  formatMrtAddress,
  formatAsPath,
  formatBgpdumpCommunity,
} from './format.js';

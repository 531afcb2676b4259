export {
  IPV4_MIN_HEADER_LENGTH,
  IPV4_MAX_HEADER_LENGTH,
  IPV4_MAX_PACKET_LENGTH,
  IPV4_MIN_MTU,
} from './layout.js';
export { IpProtocol, ipProtocolName, knownIpProtocolName } from './protocols.js';
export {
  type Ipv4Option,
  type Ipv4OptionInput,
  type Ipv4OptionKind,
  type EndOfOptionListOption,
  type NoOperationOption,
  type RecordRouteOption,
  type LooseSourceRouteOption,
  type StrictSourceRouteOption,
  type TimestampOption,
  type TimestampEntry,
  type RouterAlertOption,
  type UnknownOption,
  type MalformedOption,
  Ipv4OptionType,
  OPTION_COPIED,
  isCopiedOption,
  ipv4OptionName,
} from './options.js';
export type { Ipv4Header, DecodedIpv4Header, Ipv4Input } from './header.js';
export { decodeIpv4, encodeIpv4, ipv4HeaderLength } from './codec.js';
export { Ipv4View } from './view.js';
export { type FormatIpv4Options, formatIpv4Header, formatIpv4Option } from './format.js';
export { fragmentIpv4 } from './fragment.js';
export {
  type Ipv4ReassemblerOptions,
  type Ipv4ReassemblyStats,
  Ipv4Reassembler,
  FRAGMENT_OVERHEAD,
  DATAGRAM_OVERHEAD,
} from './reassembly.js';

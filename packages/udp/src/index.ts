export { UDP_HEADER_LENGTH, UDP_MAX_LENGTH, IP_PROTOCOL_UDP } from './layout.js';
export { UdpPort, udpPortName } from './ports.js';
export { udpPseudoHeaderSum, udpChecksum, udpChecksumMatches } from './checksum.js';
export { UdpView } from './view.js';
export {
  type UdpHeader,
  type UdpPseudoHeader,
  type UdpDecodeOptions,
  type DecodedUdp,
  type UdpInput,
  decodeUdp,
  encodeUdp,
} from './codec.js';
export { formatUdp } from './format.js';

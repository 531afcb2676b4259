export {
  ARP_FIXED_LENGTH,
  ARP_HTYPE_ETHERNET,
  ARP_PTYPE_IPV4,
  arpPacketLength,
} from './layout.js';
export { ArpOp, arpOpName } from './operations.js';
export type {
  ArpPacket,
  EthernetIpv4Arp,
  GenericArp,
  ArpInput,
  EthernetIpv4ArpInput,
  GenericArpInput,
} from './packet.js';
export { arpHeaderLength } from './length.js';
export { ArpView } from './view.js';
export { decodeArp, encodeArp } from './codec.js';
export {
  type ArpRequestInit,
  type ArpReplyInit,
  type ArpOwnAddressInit,
  type ArpProbeInit,
  arpRequest,
  arpReply,
  replyTo,
  gratuitousArp,
  arpProbe,
  arpAnnouncement,
} from './constructors.js';
export { isGratuitous, isProbe, isAnnouncement } from './predicates.js';
export { formatArp } from './format.js';

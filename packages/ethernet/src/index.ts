export {
  ETHERNET_HEADER_LENGTH,
  ETHERNET_FCS_LENGTH,
  ETHERNET_MIN_FRAME_LENGTH,
} from './layout.js';
export { EtherType, etherTypeName } from './ethertype.js';
export { crc32 } from './crc32.js';
export { EthernetView } from './view.js';
export {
  type EthernetIIHeader,
  type Ieee8023Header,
  type EthernetHeader,
  type EthernetDecodeOptions,
  type DecodedEthernet,
  type EthernetInput,
  decodeEthernet,
  encodeEthernet,
  splitPadding,
} from './codec.js';
export { formatEthernet } from './format.js';

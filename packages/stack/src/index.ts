export { type BuiltinLayer, type LayerName, type NextKey, type CustomLayer, Registry, defaultRegistry } from './registry.js';
export { type VerifyLevel, DEFAULT_MAX_LAYERS } from './walk.js';
export { type StackParserOptions, LayerSlot, StackParser } from './parser.js';
export {
  type EthernetLayer,
  type VlanLayer,
  type ArpLayer,
  type Ipv4Layer,
  type IcmpLayer,
  type UdpLayer,
  type VxlanLayer,
  type PayloadLayer,
  type ErrorLayer,
  type CustomLayerObject,
  type PacketLayer,
  type DecodePacketOptions,
  decodePacket,
} from './decode.js';
export { type JsonValue, type JsonObject, toJsonLayers, formatTimestamp } from './json.js';
export { type FormatPacketOptions, type FormatFrameOptions, formatPacket, formatFrame } from './format.js';
export {
  type EthernetLayerInput,
  type VlanLayerInput,
  type ArpLayerInput,
  type Ipv4LayerInput,
  type IcmpLayerInput,
  type UdpLayerInput,
  type VxlanLayerInput,
  type PayloadLayerInput,
  type LayerInput,
  build,
  buildInto,
  PacketBuilder,
  ether,
} from './builder.js';
export {
  type CapturePacket,
  type CaptureOption,
  type CaptureInterface,
  type CaptureInfo,
  LINKTYPE_ETHERNET,
} from './capture-types.js';
export {
  type PcapHeader,
  type PcapWriterOptions,
  type PacketToWrite,
  PCAP_MAGIC_MICROS,
  PCAP_MAGIC_NANOS,
  PCAP_MAX_SNAPLEN,
  readPcapHeader,
  PcapWriter,
  writePcap,
} from './pcap.js';
export { type PcapngWriterOptions, PcapngWriter, writePcapng } from './pcapng.js';
export { CaptureDecoder, readCapture, readCaptureStream, captureInfo } from './capture.js';
export { type UdpFrameFields, type UdpFrameChanges, UdpFrameTemplate } from './udp-frame.js';

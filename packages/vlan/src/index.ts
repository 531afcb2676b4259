export {
  TPID_8021Q,
  TPID_8021AD,
  TPID_QINQ_9100,
  TPID_QINQ_9200,
  VLAN_TPIDS,
  isVlanTpid,
  VID_PRIORITY_TAG,
  VID_RESERVED,
  VID_MAX,
  PCP_MAX,
  PCP_TRAFFIC_TYPES,
  type PcpTrafficType,
  VLAN_TAG_LENGTH,
  VLAN_TAG_LAYER_LENGTH,
} from './layout.js';
export { type TciFields, type TciInput } from './tci.js';
export { VlanTagView } from './view.js';
export { type VlanTag, type VlanTagInput, decodeVlanTag, encodeVlanTag } from './codec.js';
export {
  type VlanStack,
  type VlanStackTag,
  type VlanStackTagInput,
  type VlanStackInput,
  type VlanStackOptions,
  DEFAULT_MAX_VLAN_TAGS,
  decodeVlanStack,
  encodeVlanStack,
  vlanStackLength,
} from './stack.js';
export { formatVlanTag } from './format.js';
export { pushVlanTag, popVlanTag, pushVlanTagInPlace, popVlanTagInPlace } from './push-pop.js';

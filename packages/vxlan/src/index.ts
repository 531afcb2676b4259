export { VXLAN_HEADER_LENGTH, VXLAN_FLAG_I, VXLAN_PORT, LINUX_VXLAN_PORT, MAX_VNI } from './layout.js';
export { VxlanView } from './view.js';
export { type VxlanHeader, type VxlanInput, decodeVxlan, encodeVxlan } from './codec.js';
export { VXLAN_SOURCE_PORT_MIN, VXLAN_SOURCE_PORT_MAX, innerFlowHash, vxlanSourcePort } from './flow-hash.js';
export { type OuterInput, type EncapsulateOptions, VXLAN_OVERHEAD, encapsulate } from './encapsulate.js';
export { type DecapsulateOptions, type OuterAddresses, type Decapsulated, decapsulate, tryDecapsulate } from './decapsulate.js';
export { formatVxlan } from './format.js';

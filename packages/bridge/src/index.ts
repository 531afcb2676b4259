export {
  Bridge,
  MAX_PORTS,
  type BridgeOptions,
  type FdbEntry,
  type FdbAddOptions,
  type FdbAddMode,
  type VxlanFdbAddOptions,
} from './bridge.js';
export { BridgeDecision, type BridgeAction, type DropReason } from './decision.js';
export {
  type PortState,
  type PortSettings,
  type PortOptions,
  type PortInfo,
  type PortKind,
  PORT_STATES,
} from './ports.js';
export { type PortCounters } from './counters.js';
export { type PortVlan, type VlanFlags } from './vlans.js';
export { type VxlanRemote, type VxlanOptions, type VxlanEntryState, VXLAN_PORT } from './vxlan-fdb.js';
export { retagFrame } from './egress.js';
export { type BridgeErrorCode, BridgeError, isBridgeError } from './errors.js';

export {
  NeighbourTable,
  type NeighbourTableOptions,
  type NeighbourEntry,
  type InterfaceAddress,
  type AdminState,
} from './neighbour-table.js';
export type {
  NeighbourAction,
  SendArpAction,
  TransmitAction,
  DropAction,
  DropReason,
  ConflictAction,
  AppProbeAction,
  Resolution,
  ResolveDropReason,
} from './actions.js';
export { type NeighbourParameters, DEFAULT_PARAMETERS, resolveParameters } from './parameters.js';
export { Nud, type NudStateName, NUD_VALID, NUD_CONNECTED, NUD_IN_TIMER, nudStateName } from './states.js';
export { type NeighbourStats, formatArpCacheStats } from './stats.js';
export { formatNeighbour } from './listing.js';
export { ipv4MulticastMac, noArpMac } from './link-address.js';

/**
 * Port configuration as `bridge link` and `ip link set ... master br0`
 * see it. The bridge keeps the per-frame part of it in typed arrays; this
 * module holds the names, codes and defaults.
 */
import type { MacAddress } from '@wirestack/core';
import type { VxlanFdb, VxlanOptions } from './vxlan-fdb.js';
import type { PortVlans } from './vlans.js';

/** STP port states, with the kernel's numbering (BR_STATE_*). */
export type PortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';

export const STATE_DISABLED = 0;
export const STATE_LISTENING = 1;
export const STATE_LEARNING = 2;
export const STATE_FORWARDING = 3;
export const STATE_BLOCKING = 4;

export const PORT_STATES: readonly PortState[] = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

/** Per-port flags (`bridge link set dev X learning on flood on mcast_flood on bcast_flood on hairpin off`). */
export const FLAG_LEARNING = 1;
export const FLAG_FLOOD = 2;
export const FLAG_MCAST_FLOOD = 4;
export const FLAG_BCAST_FLOOD = 8;
export const FLAG_HAIRPIN = 16;

/** What `setPort` changes; every field optional. */
export interface PortSettings {
  /** Default 'forwarding' (a port of a bridge without STP forwards as soon as it is up). */
  readonly state?: PortState;
  /** Learn source MACs arriving here (default true). */
  readonly learning?: boolean;
  /** Take flooded unknown unicast (default true). */
  readonly flood?: boolean;
  /** Take flooded multicast (default true). */
  readonly multicastFlood?: boolean;
  /** Take flooded broadcast (default true). */
  readonly broadcastFlood?: boolean;
  /** Frames may go back out of the port they came in on (default false; for reflective relays and VEPA). */
  readonly hairpin?: boolean;
  /** Most dynamic entries learned on this port (default 0 = only the bridge-wide limit applies). */
  readonly maxLearned?: number;
}

/** `addPort` options: the port's settings plus what identifies it. */
export interface PortOptions extends PortSettings {
  /** Interface name, used in listings (`veth0`, `vxlan1`). Unique within the bridge. */
  readonly name: string;
  /** The port's own MAC: frames to it are delivered to the bridge (a local FDB entry, as Linux adds). */
  readonly mac?: MacAddress;
  /** Makes this a VXLAN port: egress resolves to remote VTEPs through its own FDB. */
  readonly vxlan?: VxlanOptions;
}

export type PortKind = 'bridge' | 'port' | 'vxlan';

/** A port as `ports()` / `port(n)` report it. */
export interface PortInfo {
  readonly index: number;
  readonly name: string;
  readonly kind: PortKind;
  readonly mac: MacAddress | undefined;
  readonly state: PortState;
  readonly learning: boolean;
  readonly flood: boolean;
  readonly multicastFlood: boolean;
  readonly broadcastFlood: boolean;
  readonly hairpin: boolean;
  readonly maxLearned: number;
  /** Dynamic bridge FDB entries on this port now. */
  readonly learnedEntries: number;
  readonly pvid: number;
  readonly vni: number | undefined;
}

/** The bridge's record of a port; index 0 is the bridge device itself. */
export interface PortRecord {
  readonly index: number;
  readonly name: string;
  readonly kind: PortKind;
  readonly mac: MacAddress | undefined;
  readonly vlans: PortVlans;
  readonly vxlan: VxlanFdb | undefined;
}

export function stateCode(state: PortState): number {
  const code = PORT_STATES.indexOf(state);
  if (code < 0) throw new RangeError(`unknown port state ${String(state)}`);
  return code;
}

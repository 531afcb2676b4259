/**
 * Per-port counters, kept as one Float64Array (counter-major) so the frame
 * path bumps them without allocating; `snapshot` turns a port's into an
 * object. Doubles, not int32: a long run passes 2^31 frames.
 */

/** Counters of one port; frames are counted on the port they arrived on unless said otherwise. */
export interface PortCounters {
  /** Frames received (passed to `receive`). */
  readonly received: number;
  /** Of those, dropped (any DropReason). */
  readonly dropped: number;
  /** Of the dropped, by VLAN ingress filtering. */
  readonly vlanFiltered: number;
  /** Forwarded as known unicast to one port. */
  readonly forwarded: number;
  /** Flooded (unknown unicast, broadcast, multicast). */
  readonly flooded: number;
  /** Delivered to the bridge itself ('local'). */
  readonly delivered: number;
  /** Link-local frames trapped. */
  readonly trapped: number;
  /** Known-unicast frames sent out of this port (counted on the egress port). */
  readonly transmitted: number;
  /** New dynamic FDB entries learned here. */
  readonly learned: number;
  /** Entries that moved here from another port. */
  readonly moved: number;
  /** Source MACs not learned because the bridge or this port was at its limit. */
  readonly learnLimit: number;
  /** Frames whose source is one of the bridge's own (local) addresses: never learned. */
  readonly ownSource: number;
  /** VXLAN ports: inner source MAC → remote VTEP entries learned. */
  readonly remoteLearned: number;
  /** VXLAN ports: learned remotes that moved to another VTEP. */
  readonly remoteMoved: number;
  /** VXLAN ports: remotes not learned because of `maxAddresses`. */
  readonly remoteLimit: number;
}

export const COUNTER_NAMES = [
  'received',
  'dropped',
  'vlanFiltered',
  'forwarded',
  'flooded',
  'delivered',
  'trapped',
  'transmitted',
  'learned',
  'moved',
  'learnLimit',
  'ownSource',
  'remoteLearned',
  'remoteMoved',
  'remoteLimit',
] as const satisfies readonly (keyof PortCounters)[];

export const C_RECEIVED = 0;
export const C_DROPPED = 1;
export const C_VLAN_FILTERED = 2;
export const C_FORWARDED = 3;
export const C_FLOODED = 4;
export const C_DELIVERED = 5;
export const C_TRAPPED = 6;
export const C_TRANSMITTED = 7;
export const C_LEARNED = 8;
export const C_MOVED = 9;
export const C_LEARN_LIMIT = 10;
export const C_OWN_SOURCE = 11;
export const C_REMOTE_LEARNED = 12;
export const C_REMOTE_MOVED = 13;
export const C_REMOTE_LIMIT = 14;

export function snapshot(values: Float64Array, maxPorts: number, port: number): PortCounters {
  const out: Record<string, number> = {};
  COUNTER_NAMES.forEach((name, i) => (out[name] = values[i * maxPorts + port]!));
  return out as unknown as PortCounters;
}

export function clearPort(values: Float64Array, maxPorts: number, port: number): void {
  for (let i = 0; i < COUNTER_NAMES.length; i++) values[i * maxPorts + port] = 0;
}

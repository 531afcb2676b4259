/**
 * Per-port counters, kept as one Float64Array (counter-major) so the frame
 * path bumps them without allocating; `snapshot` turns a port's into an
 * object. Doubles, not int32: a long run passes 2^31 frames.
 */

/** Counters of one port; frames are counted on the port they arrived on unless said otherwise. */
export interface PortCounters {
  /** Frames received (passed to `receive`): each ends in exactly one of dropped, forwarded, flooded, delivered and trapped. */
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

/**
 * The counters kept, counter-major: `values[counter * maxPorts + port]`.
 * `received` is not among them: every frame `receive` takes ends in
 * exactly one of dropped, forwarded, flooded, delivered and trapped, so
 * `snapshot` adds those up, and the frame path does one store fewer.
 */
export const COUNTER_NAMES = [
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
] as const satisfies readonly Exclude<keyof PortCounters, 'received'>[];

export const C_DROPPED = 0;
export const C_VLAN_FILTERED = 1;
export const C_FORWARDED = 2;
export const C_FLOODED = 3;
export const C_DELIVERED = 4;
export const C_TRAPPED = 5;
export const C_TRANSMITTED = 6;
export const C_LEARNED = 7;
export const C_MOVED = 8;
export const C_LEARN_LIMIT = 9;
export const C_OWN_SOURCE = 10;
export const C_REMOTE_LEARNED = 11;
export const C_REMOTE_MOVED = 12;
export const C_REMOTE_LIMIT = 13;

/** One port's counters (`port` = -1: summed over every port). */
export function snapshot(values: Float64Array, maxPorts: number, port: number): PortCounters {
  const out: Record<string, number> = {};
  COUNTER_NAMES.forEach((name, i) => {
    let sum = 0;
    if (port >= 0) sum = values[i * maxPorts + port]!;
    else for (let p = 0; p < maxPorts; p++) sum += values[i * maxPorts + p]!;
    out[name] = sum;
  });
  const c = out as unknown as Omit<PortCounters, 'received'>;
  return { received: c.dropped + c.forwarded + c.flooded + c.delivered + c.trapped, ...c };
}

export function clearPort(values: Float64Array, maxPorts: number, port: number): void {
  for (let i = 0; i < COUNTER_NAMES.length; i++) values[i * maxPorts + port] = 0;
}

/**
 * The per-table tunables of Linux's ARP cache (/proc/sys/net/ipv4/neigh/<dev>/),
 * in milliseconds and counts, with the kernel's defaults
 * (net/ipv4/arp.c arp_tbl, Documentation/networking/ip-sysctl.rst).
 */
export interface NeighbourParameters {
  /** base_reachable_time: an entry stays REACHABLE for a random ½..1½ of this after a confirmation. */
  readonly baseReachableTime: number;
  /** retrans_time: interval between probes (INCOMPLETE and PROBE). */
  readonly retransTime: number;
  /** delay_first_probe_time: how long DELAY waits for an upper-layer confirmation before probing. */
  readonly delayFirstProbeTime: number;
  /** ucast_probes: unicast probes in PROBE before FAILED. */
  readonly ucastProbes: number;
  /** mcast_probes: broadcast requests while INCOMPLETE before FAILED. */
  readonly mcastProbes: number;
  /** mcast_resolicit: broadcast requests added after the unicast ones in PROBE. */
  readonly mcastReprobes: number;
  /** app_probes: probes handed to a user-space resolver (an 'app-probe' action) instead of the wire. */
  readonly appProbes: number;
  /** gc_stale_time: an unused entry older than this is collected by the periodic GC. */
  readonly gcStaleTime: number;
  /** locktime: an ARP packet may replace a known address only this long after the last update. */
  readonly locktime: number;
  /** gc_interval: period of the periodic garbage collection. */
  readonly gcInterval: number;
  /** gc_thresh1: below this many entries the periodic GC removes nothing. */
  readonly gcThresh1: number;
  /** gc_thresh2: forced GC runs at most every 5 s above this many entries, and shrinks the table to it. */
  readonly gcThresh2: number;
  /** gc_thresh3: hard limit on collectable entries; a new entry is refused when forced GC frees nothing. */
  readonly gcThresh3: number;
  /** unres_qlen_bytes: bytes of packets queued per INCOMPLETE entry; the oldest are dropped first. */
  readonly unresQlenBytes: number;
  /** arp_accept: create entries from unsolicited gratuitous ARP (off by default, as in Linux). */
  readonly arpAccept: boolean;
}

export const DEFAULT_PARAMETERS: NeighbourParameters = Object.freeze({
  baseReachableTime: 30_000,
  retransTime: 1_000,
  delayFirstProbeTime: 5_000,
  ucastProbes: 3,
  mcastProbes: 3,
  mcastReprobes: 0,
  appProbes: 0,
  gcStaleTime: 60_000,
  locktime: 1_000,
  gcInterval: 30_000,
  gcThresh1: 128,
  gcThresh2: 512,
  gcThresh3: 1024,
  unresQlenBytes: 64 * 1024,
  arpAccept: false,
});

const COUNTS: readonly (keyof NeighbourParameters)[] = [
  'ucastProbes',
  'mcastProbes',
  'mcastReprobes',
  'appProbes',
  'gcThresh1',
  'gcThresh2',
  'gcThresh3',
];

/** Defaults overlaid with `overrides`; RangeError for negative, non-finite or fractional counts. */
export function resolveParameters(overrides: Partial<NeighbourParameters> = {}): NeighbourParameters {
  const p: NeighbourParameters = { ...DEFAULT_PARAMETERS, ...overrides };
  for (const [name, value] of Object.entries(p)) {
    if (name === 'arpAccept') continue;
    const n = value as number;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new RangeError(`neighbour parameter ${name}: ${String(value)} is not a finite number >= 0`);
    }
    if (COUNTS.includes(name as keyof NeighbourParameters) && !Number.isInteger(n)) {
      throw new RangeError(`neighbour parameter ${name}: ${n} is not an integer`);
    }
  }
  if (p.gcInterval <= 0) throw new RangeError('neighbour parameter gcInterval must be > 0');
  return Object.freeze(p);
}

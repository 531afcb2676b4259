/**
 * The counters of /proc/net/stat/arp_cache (struct neigh_statistics), named
 * in camelCase. `entries` is the current number of entries; the others
 * only grow.
 */
export interface NeighbourStats {
  readonly entries: number;
  /** Entries created. */
  readonly allocs: number;
  /** Entries removed (GC, delete, flush). */
  readonly destroys: number;
  /** Times the hash index doubled. */
  readonly hashGrows: number;
  /** Table lookups (`lookup`, `resolve`, and the sender lookup of each ARP packet). */
  readonly lookups: number;
  /** Lookups that found an entry, whatever its state. */
  readonly hits: number;
  /** Resolutions that ended FAILED. */
  readonly resFailed: number;
  /** ARP requests for our (or proxied) addresses received broadcast. */
  readonly rcvProbesMcast: number;
  /** ARP requests for our (or proxied) addresses received unicast (a neighbour's reachability probe). */
  readonly rcvProbesUcast: number;
  readonly periodicGcRuns: number;
  readonly forcedGcRuns: number;
  /** Queued packets dropped because unres_qlen_bytes was exceeded. */
  readonly unresolvedDiscards: number;
  /** New entries refused because the table held gc_thresh3 entries and forced GC freed none. */
  readonly tableFulls: number;
}

export const STAT_FIELDS: readonly (keyof NeighbourStats)[] = [
  'entries',
  'allocs',
  'destroys',
  'hashGrows',
  'lookups',
  'hits',
  'resFailed',
  'rcvProbesMcast',
  'rcvProbesUcast',
  'periodicGcRuns',
  'forcedGcRuns',
  'unresolvedDiscards',
  'tableFulls',
];

const HEADER =
  'entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls';
/** Spaces after each column of a row, as the kernel's format string aligns them under the header. */
const GAPS = [1, 1, 1, 3, 1, 1, 3, 9, 9, 9, 7, 12, 0];

/**
 * The text of /proc/net/stat/arp_cache: the header line and one row of
 * 8-digit hex counters (the kernel prints one row per CPU; this table has one).
 */
export function formatArpCacheStats(stats: NeighbourStats): string {
  const row = STAT_FIELDS.map((f, i) => (stats[f] >>> 0).toString(16).padStart(8, '0') + ' '.repeat(GAPS[i]!)).join('');
  return `${HEADER}\n${row}\n`;
}

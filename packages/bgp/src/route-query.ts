import { ipv4Mask, type Ipv4Address } from '@wirestack/core';
import type { BgpPrefix } from './messages.js';
import { prefixKey } from './nlri.js';

/**
 * RIB queries: which routes `routes(query)` / `eachRoute(query)` name. The
 * RIBs are hash tables keyed by prefix (`prefixKey`), so an exact prefix
 * and the prefixes covering one are looked up directly, and only "longer"
 * (every more specific route) needs a scan.
 */

/**
 * How `prefix` selects routes:
 * - 'exact': that prefix only (the default);
 * - 'longer': that prefix and every more specific one inside it (FRR's
 *   `show ip bgp A.B.C.D/N longer-prefixes`, BIRD's `show route in`);
 * - 'covering': that prefix and every less specific one containing it,
 *   shortest first (so the last is the longest match a lookup would use).
 */
export type PrefixMatch = 'exact' | 'longer' | 'covering';

export interface RouteQuery {
  /** Only routes learnt from this peer. */
  readonly peer?: Ipv4Address;
  /** Only routes for this prefix (see `match`); host bits beyond the length are ignored. */
  readonly prefix?: BgpPrefix;
  readonly match?: PrefixMatch;
  /**
   * The peer's routes as received, before import policy (its Adj-RIB-In
   * kept with `keepPrePolicy`), instead of the Loc-RIB's best routes.
   * Needs `peer`.
   */
  readonly prePolicy?: boolean;
}

/** `prefix` with the bits beyond its length cleared. */
function normalised(prefix: BgpPrefix): BgpPrefix {
  return { address: ((prefix.address & ipv4Mask(prefix.length)) >>> 0) as Ipv4Address, length: prefix.length };
}

/**
 * The keys a prefix query names when they can be listed: one for 'exact',
 * one per length 0..N for 'covering' (shortest first). Undefined for
 * 'longer', whose more specifics (2^25 below a /8) are found by a scan
 * with `withinPrefix`.
 */
export function listedKeys(prefix: BgpPrefix, match: PrefixMatch = 'exact'): number[] | undefined {
  const p = normalised(prefix);
  if (match === 'exact') return [prefixKey(p.address, p.length)];
  if (match === 'longer') return undefined;
  const keys: number[] = [];
  for (let length = 0; length <= p.length; length++) keys.push(prefixKey((p.address & ipv4Mask(length)) >>> 0, length));
  return keys;
}

/** A test for the 'longer' scan: is the route with `key` `prefix` itself or inside it? No allocation per key. */
export function withinPrefix(prefix: BgpPrefix): (key: number) => boolean {
  const { address, length } = normalised(prefix);
  const mask = ipv4Mask(length);
  return (key) => key % 64 >= length && ((Math.floor(key / 64) & mask) >>> 0) === address;
}

import type { Ipv4Address } from '@wirestack/core';
import { PROTO_BGP, TABLE_MAIN, isRouteError, type Rib } from '@wirestack/routing';
import { prefixOfKey } from './nlri.js';

/** How best routes go into a @wirestack/routing Rib. */
export interface RibInstallOptions {
  /** Routing table id (default main, 254). */
  readonly table?: number;
  /** Metric of the installed routes (default 20, as FRR's zebra gives eBGP routes). */
  readonly metric?: number;
}

const UNREACHABLE = -1;

/**
 * The engine's link to a routing table: it answers whether a next hop is
 * reachable and at what IGP cost (the metric of the route the table would
 * forward to it through), and installs and removes the engine's best routes
 * (protocol bgp, the next hop as gateway).
 *
 * Next hops resolve through the table's ordinary lookup, and only a
 * unicast or local route that is not itself a BGP route reaches one (no
 * recursion through our own routes). Answers are cached per next hop; any
 * change to the table made by someone else re-checks every cached next hop
 * and calls `changed` when one of them moved. The engine's own installs do
 * not trigger that check, as BIRD resolves BGP next hops in a separate IGP
 * table.
 */
export class NextHopResolver {
  private readonly costs = new Map<number, number>();
  private installing = false;
  private readonly table: number;
  private readonly metric: number;
  readonly unsubscribe: () => void;

  constructor(
    private readonly rib: Rib,
    options: RibInstallOptions,
    changed: () => void,
  ) {
    this.table = options.table ?? TABLE_MAIN;
    this.metric = options.metric ?? 20;
    this.unsubscribe = rib.subscribe(() => {
      if (!this.installing && this.refresh()) changed();
    });
  }

  /** The IGP cost to `nextHop`, or undefined when the table cannot reach it. */
  cost(nextHop: Ipv4Address): number | undefined {
    let c = this.costs.get(nextHop);
    if (c === undefined) {
      c = this.resolve(nextHop);
      this.costs.set(nextHop, c);
    }
    return c === UNREACHABLE ? undefined : c;
  }

  reachable(nextHop: Ipv4Address | undefined): boolean {
    return nextHop !== undefined && this.cost(nextHop) !== undefined;
  }

  private resolve(nextHop: Ipv4Address): number {
    const found = this.rib.lookup(nextHop);
    if (found === undefined) return UNREACHABLE;
    const { route } = found;
    if (route.protocol === PROTO_BGP || (route.type !== 'unicast' && route.type !== 'local')) return UNREACHABLE;
    return route.metric;
  }

  /** Re-resolves every cached next hop; true when one changed. */
  private refresh(): boolean {
    let changed = false;
    for (const [nextHop, old] of this.costs) {
      const now = this.resolve(nextHop as Ipv4Address);
      if (now !== old) {
        this.costs.set(nextHop, now);
        changed = true;
      }
    }
    return changed;
  }

  /** Installs the best route for `key` through `nextHop`, or removes it when `nextHop` is undefined. */
  install(key: number, nextHop: Ipv4Address | undefined): void {
    const destination = prefixOfKey(key);
    this.installing = true;
    try {
      if (nextHop !== undefined) {
        this.rib.replace({ destination, table: this.table, protocol: PROTO_BGP, metric: this.metric, nexthops: [{ gateway: nextHop }] });
        return;
      }
      try {
        this.rib.delete({ destination, table: this.table, protocol: PROTO_BGP, metric: this.metric });
      } catch (error) {
        if (!isRouteError(error) || error.code !== 'not-found') throw error;
      }
    } finally {
      this.installing = false;
    }
  }
}

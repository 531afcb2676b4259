import type { Ipv4Address, Ipv4Prefix } from '@wirestack/core';
import type { RouteType } from './names.js';

/** One next hop of a route: a gateway and/or an output interface, with an ECMP weight. */
export interface NextHop {
  readonly gateway?: Ipv4Address;
  readonly ifindex?: number;
  /** 1..256, as `ip route ... nexthop ... weight N`; 1 for a single next hop. */
  readonly weight: number;
  /** `onlink`: the gateway is on the link even if no route says so. */
  readonly onlink: boolean;
}

/** A route as the kernel keeps it (one `ip route` line), produced on demand from the RIB's columns. */
export interface Route {
  readonly table: number;
  readonly type: RouteType;
  readonly destination: Ipv4Prefix;
  /** RTPROT_*: kernel 2, boot 3, static 4, bgp 186, ... any 0..255. */
  readonly protocol: number;
  /** RT_SCOPE_*: universe 0, link 253, host 254, ... */
  readonly scope: number;
  /** The route's priority; the lowest metric for a prefix is selected. */
  readonly metric: number;
  /** Preferred source address (`src`). */
  readonly prefsrc?: Ipv4Address;
  /** Empty for blackhole, unreachable, prohibit and throw routes. */
  readonly nexthops: readonly NextHop[];
}

export interface NextHopInput {
  readonly gateway?: Ipv4Address;
  readonly ifindex?: number;
  readonly weight?: number;
  readonly onlink?: boolean;
}

/**
 * What `add`/`replace`/`append` take. Defaults follow `ip route add`:
 * type unicast, table main (local for local/broadcast/anycast/nat), protocol
 * boot, metric 0, scope host/link/universe by type and gateway.
 */
export interface RouteInput {
  readonly destination: Ipv4Prefix;
  readonly type?: RouteType;
  readonly table?: number;
  readonly protocol?: number;
  readonly scope?: number;
  readonly metric?: number;
  readonly prefsrc?: Ipv4Address;
  readonly nexthops?: readonly NextHopInput[];
}

/**
 * What `delete` takes: the destination (and table, default main) and any
 * attributes to match; the first route of the prefix (lowest metric first)
 * that agrees with every given attribute is deleted, as the kernel does.
 */
export interface RouteMatch {
  readonly destination: Ipv4Prefix;
  readonly table?: number;
  readonly type?: RouteType;
  readonly protocol?: number;
  readonly scope?: number;
  readonly metric?: number;
  readonly prefsrc?: Ipv4Address;
  readonly nexthops?: readonly NextHopInput[];
}

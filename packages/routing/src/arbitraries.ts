/**
 * fast-check arbitraries for prefixes, routes and tables. Import from
 * `@wirestack/routing/arbitraries`; fast-check is an optional peer
 * dependency that the main entry never loads.
 */
import * as fc from 'fast-check';
import type { Ipv4Address, Ipv4Prefix } from '@wirestack/core';
import type { RouteType } from './names.js';
import type { NextHopInput, RouteInput } from './route.js';

/** Types whose routes carry no next hop. */
const NO_NEXTHOP: readonly RouteType[] = ['blackhole', 'unreachable', 'prohibit', 'throw'];

function masked(address: number, length: number): number {
  return length === 0 ? 0 : (address & (0xffff_ffff << (32 - length))) >>> 0;
}

/** Prefix lengths with the edges (/0, /8, /24, /25, /32) drawn more often than uniform. */
export function prefixLength(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 32 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 8, 16, 23, 24, 25, 31, 32) },
  );
}

/** Any prefix, host bits cleared. */
export function ipv4Prefix(): fc.Arbitrary<Ipv4Prefix> {
  return fc
    .tuple(fc.integer({ min: 0, max: 0xffff_ffff }), prefixLength())
    .map(([a, length]) => ({ address: masked(a, length) as Ipv4Address, length }));
}

/**
 * Prefixes that nest and overlap: each is an anchor address (one of a few
 * drawn per run) with a few of its bits flipped, cut to a random length, so
 * /0, a /8 and /24s and /32s inside it and siblings of each show up together.
 */
export function clusteredPrefixes(options: { minLength?: number; maxLength?: number; anchors?: number } = {}): fc.Arbitrary<Ipv4Prefix[]> {
  const anchors = options.anchors ?? 3;
  return fc
    .uniqueArray(fc.integer({ min: 0, max: 0xffff_ffff }), { minLength: 1, maxLength: anchors })
    .chain((bases) =>
      fc.array(
        fc
          .tuple(fc.constantFrom(...bases), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 0xffff_ffff }), prefixLength())
          .map(([base, bit, noise, length]) => {
            // Flip only low bits (which ones varies), so most prefixes stay near their anchor.
            const a = (base ^ (noise & ((1 << (bit % 12)) - 1)) ^ (noise >>> 31 === 1 ? 1 << bit : 0)) >>> 0;
            return { address: masked(a, length) as Ipv4Address, length };
          }),
        { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 60 },
      ),
    );
}

/** Prefix -> value entries for a FIB (values 1..maxValue), from clustered prefixes. */
export function lpmEntries(options: { maxLength?: number; maxValue?: number } = {}): fc.Arbitrary<{ address: number; length: number; value: number }[]> {
  return clusteredPrefixes({ maxLength: options.maxLength ?? 60 }).chain((prefixes) =>
    fc.tuple(...prefixes.map(() => fc.integer({ min: 1, max: options.maxValue ?? 0x7fff }))).map((values) =>
      prefixes.map((p, i) => ({ address: p.address as number, length: p.length, value: values[i]! })),
    ),
  );
}

/** Addresses that probe a set of prefixes where it matters: first, last, just outside, and random inside. */
export function probeAddresses(prefixes: readonly { readonly address: number; readonly length: number }[]): number[] {
  const out: number[] = [0, 0xffff_ffff];
  for (const { address, length } of prefixes) {
    const last = (address + (length === 0 ? 0xffff_ffff : 2 ** (32 - length) - 1)) >>> 0;
    out.push(address, last, (address - 1) >>> 0, (last + 1) >>> 0, (address + ((last - address) >>> 1)) >>> 0);
  }
  return out;
}

export interface RouteArbitraryOptions {
  /** Interface indices next hops may use (they must exist in the RIB). Default [2, 3]. */
  readonly ifindices?: readonly number[];
  /** Tables routes go to. Default [254] (main). */
  readonly tables?: readonly number[];
  /** Route types to draw. Default: unicast mostly, and the error types. */
  readonly types?: readonly RouteType[];
  /** Metrics to draw from (few values make duplicates and replacements likely). Default 0..3. */
  readonly metrics?: readonly number[];
  /** Prefixes to draw destinations from; default any prefix. */
  readonly prefixes?: fc.Arbitrary<Ipv4Prefix>;
}

function nextHop(ifindices: readonly number[]): fc.Arbitrary<NextHopInput> {
  return fc
    .record(
      {
        gateway: fc.integer({ min: 1, max: 0xffff_fffe }).map((n) => n as Ipv4Address),
        ifindex: fc.constantFrom(...ifindices),
        onlink: fc.boolean(),
      },
      { requiredKeys: ['ifindex'] },
    )
    .map((nh) => (nh.gateway === undefined ? { ifindex: nh.ifindex } : nh));
}

/** A route as `add` takes it; unicast routes get 1..3 next hops (ECMP with weights). */
export function routeInput(options: RouteArbitraryOptions = {}): fc.Arbitrary<RouteInput> {
  const ifindices = options.ifindices ?? [2, 3];
  const types = options.types ?? ['unicast', 'unicast', 'unicast', 'blackhole', 'unreachable', 'prohibit'];
  return fc
    .record({
      destination: options.prefixes ?? ipv4Prefix(),
      type: fc.constantFrom(...types),
      table: fc.constantFrom(...(options.tables ?? [254])),
      protocol: fc.constantFrom(2, 3, 4, 186, 42, 200),
      scope: fc.option(fc.constantFrom(0, 200, 253, 254, 17), { nil: undefined }),
      metric: fc.constantFrom(...(options.metrics ?? [0, 1, 2, 3])),
      prefsrc: fc.option(fc.integer({ min: 1, max: 0xffff_fffe }).map((n) => n as Ipv4Address), { nil: undefined }),
      single: nextHop(ifindices),
      group: fc.array(
        fc.tuple(nextHop(ifindices), fc.integer({ min: 1, max: 256 })).map(([nh, weight]) => ({ ...nh, weight })),
        { minLength: 2, maxLength: 3 },
      ),
      multipath: fc.boolean(),
    })
    .map((r) => {
      const route: { -readonly [K in keyof RouteInput]: RouteInput[K] } = {
        destination: r.destination,
        type: r.type,
        table: r.table,
        protocol: r.protocol,
        metric: r.metric,
      };
      if (r.prefsrc !== undefined) route.prefsrc = r.prefsrc;
      if (r.scope !== undefined) route.scope = r.scope;
      if (!NO_NEXTHOP.includes(r.type)) route.nexthops = r.multipath ? r.group : [r.single];
      return route;
    });
}

/** Routes with distinct (table, prefix, metric), so every one of them can be added. */
export function routeTable(options: RouteArbitraryOptions & { maxRoutes?: number } = {}): fc.Arbitrary<RouteInput[]> {
  return fc.uniqueArray(routeInput(options), {
    maxLength: options.maxRoutes ?? 40,
    selector: (r) => `${r.table}|${r.destination.address}/${r.destination.length}|${r.metric}`,
  });
}

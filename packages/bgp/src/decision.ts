import type { Ipv4Address } from '@wirestack/core';
import { asPathLength, firstAs } from './as-path.js';
import type { Origin, PathAttributes } from './messages.js';

/**
 * The decision process of RFC 4271 §9.1.2.2 as an ordered list of named
 * steps. Each step eliminates candidates the way the RFC words it (a set
 * operation, so MED, which compares only routes from the same neighbouring
 * AS, stays correct), and the result says which step left one route.
 */

/** Where a candidate route came from. */
export interface RouteSource {
  /** 'local' for routes this speaker originates. */
  readonly kind: 'peer' | 'local';
  /** The peer's address (0 for local routes). */
  readonly address: Ipv4Address;
  /** The peer's BGP Identifier (our own for local routes). */
  readonly bgpId: Ipv4Address;
  /** True for an eBGP peer. */
  readonly external: boolean;
}

export interface Candidate {
  readonly source: RouteSource;
  readonly attributes: PathAttributes;
}

export interface DecisionOptions {
  /** LOCAL_PREF for routes that carry none (eBGP-learned, local): 100, as most implementations. */
  readonly defaultLocalPref?: number;
  /** Compare MED between routes from different neighbouring ASes too. */
  readonly alwaysCompareMed?: boolean;
  /** Cost to reach a next hop through the IGP (lower wins); undefined leaves the step a tie. */
  readonly igpCost?: (nextHop: Ipv4Address) => number | undefined;
}

export type DecisionStepName =
  | 'local-pref'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'igp-cost'
  | 'router-id'
  | 'cluster-list-length'
  | 'peer-address';

export interface DecisionStep {
  readonly name: DecisionStepName;
  /** The candidates that survive this step (never empty for a non-empty input). */
  select(candidates: readonly Candidate[], options: DecisionOptions): readonly Candidate[];
}

const ORIGIN_RANK: Readonly<Record<Origin, number>> = { igp: 0, egp: 1, incomplete: 2 };

/** Keeps the candidates with the lowest `score`. */
function lowest(candidates: readonly Candidate[], score: (c: Candidate) => number): readonly Candidate[] {
  let best = Infinity;
  for (const c of candidates) best = Math.min(best, score(c));
  return candidates.filter((c) => score(c) === best);
}

const localPref = (c: Candidate, o: DecisionOptions): number => c.attributes.localPref ?? o.defaultLocalPref ?? 100;
const nextHopOf = (c: Candidate): Ipv4Address | undefined =>
  c.attributes.nextHop ?? (c.attributes.mpReach?.kind === 'ipv4-unicast' ? c.attributes.mpReach.nextHop : undefined);

/** RFC 4271 §9.1.2.2 (with RFC 4456 §9 for ORIGINATOR_ID and CLUSTER_LIST), in order. */
export const DECISION_STEPS: readonly DecisionStep[] = [
  { name: 'local-pref', select: (cs, o) => lowest(cs, (c) => -localPref(c, o)) },
  { name: 'as-path-length', select: (cs) => lowest(cs, (c) => asPathLength(c.attributes.asPath ?? [])) },
  { name: 'origin', select: (cs) => lowest(cs, (c) => ORIGIN_RANK[c.attributes.origin ?? 'incomplete']) },
  {
    name: 'med',
    // §9.1.2.2 c: among routes from the same neighbouring AS, drop those with a MED above that group's lowest; no MED is 0.
    select: (cs, o) => {
      const med = (c: Candidate) => c.attributes.med ?? 0;
      if (o.alwaysCompareMed) return lowest(cs, med);
      const minByAs = new Map<number | undefined, number>();
      for (const c of cs) {
        const as = firstAs(c.attributes.asPath ?? []);
        minByAs.set(as, Math.min(minByAs.get(as) ?? Infinity, med(c)));
      }
      return cs.filter((c) => med(c) === minByAs.get(firstAs(c.attributes.asPath ?? [])));
    },
  },
  { name: 'ebgp-over-ibgp', select: (cs) => lowest(cs, (c) => (c.source.external ? 0 : 1)) },
  {
    name: 'igp-cost',
    select: (cs, o) => {
      const cost = o.igpCost;
      if (!cost) return cs;
      return lowest(cs, (c) => {
        const nh = nextHopOf(c);
        return nh === undefined ? Infinity : (cost(nh) ?? Infinity);
      });
    },
  },
  { name: 'router-id', select: (cs) => lowest(cs, (c) => c.attributes.originatorId ?? c.source.bgpId) },
  { name: 'cluster-list-length', select: (cs) => lowest(cs, (c) => c.attributes.clusterList?.length ?? 0) },
  { name: 'peer-address', select: (cs) => lowest(cs, (c) => c.source.address) },
];

export interface Decision {
  readonly best: Candidate;
  /** The step that left one candidate, or 'only-route' when there was one to begin with. */
  readonly decidedBy: DecisionStepName | 'only-route';
}

/** Runs the steps over the candidates for one prefix; undefined when there are none. */
export function decide(candidates: readonly Candidate[], options: DecisionOptions = {}, steps: readonly DecisionStep[] = DECISION_STEPS): Decision | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { best: candidates[0]!, decidedBy: 'only-route' };
  let left = candidates;
  for (const step of steps) {
    left = step.select(left, options);
    if (left.length === 1) return { best: left[0]!, decidedBy: step.name };
  }
  // Identical in every respect (e.g. two local announcements): the first one stays.
  return { best: left[0]!, decidedBy: 'peer-address' };
}

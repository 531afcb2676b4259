import type { Ipv4Address } from '@wirestack/core';
import type { BgpPrefix, PathAttributes } from './messages.js';

/**
 * Import and export policy. A policy is 'accept', 'reject', or a function
 * that sees the route and returns 'accept', 'reject' or the attributes to
 * use instead (to set LOCAL_PREF, communities, ...).
 */
export interface PolicyRoute {
  readonly prefix: BgpPrefix;
  readonly attributes: PathAttributes;
  /** The peer the route comes from (import) or goes to (export). */
  readonly peer: Ipv4Address;
}

export type PolicyFunction = (route: PolicyRoute) => 'accept' | 'reject' | PathAttributes;

export type Policy = 'accept' | 'reject' | PolicyFunction;

/**
 * The policy in force: the configured one, else RFC 8212's default: an
 * eBGP session without policy accepts and sends nothing; iBGP accepts all.
 */
export function effectivePolicy(configured: Policy | undefined, external: boolean): Policy {
  return configured ?? (external ? 'reject' : 'accept');
}

/** Applies a policy: the attributes to use, or undefined when rejected. */
export function applyPolicy(policy: Policy, route: PolicyRoute): PathAttributes | undefined {
  if (policy === 'accept') return route.attributes;
  if (policy === 'reject') return undefined;
  const result = policy(route);
  if (result === 'accept') return route.attributes;
  if (result === 'reject') return undefined;
  return result;
}

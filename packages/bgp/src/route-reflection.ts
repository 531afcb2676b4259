import type { Ipv4Address } from '@wirestack/core';
import type { PathAttributes } from './messages.js';

/**
 * Route reflection (RFC 4456): which iBGP peers a route learnt over iBGP
 * may go to, what a reflected route carries, and the loop checks on the
 * way in. The engine applies them; they are plain functions so the rules
 * read as the RFC words them.
 */

/**
 * RFC 4456 §6: may a route learnt from one iBGP peer go to another? From a
 * client it goes to every client and non-client; from a non-client, to
 * clients only. Two non-clients is plain iBGP split horizon (RFC 4271
 * §9.2), so a speaker without clients behaves as before.
 */
export function reflects(fromClient: boolean, toClient: boolean): boolean {
  return fromClient || toClient;
}

/**
 * RFC 4456 §8: the attributes of a reflected route. ORIGINATOR_ID is set
 * to the BGP Identifier of the peer the route came from unless it already
 * carries one (an earlier reflector's); our cluster id goes in front of
 * CLUSTER_LIST (which is created when absent). NEXT_HOP, AS_PATH,
 * LOCAL_PREF and MED are left alone (§10).
 */
export function reflectedAttributes(a: PathAttributes, sourceBgpId: Ipv4Address, clusterId: Ipv4Address): PathAttributes {
  return { ...a, originatorId: a.originatorId ?? sourceBgpId, clusterList: [clusterId, ...(a.clusterList ?? [])] };
}

/** Why an iBGP route must be ignored (RFC 4456 §8), or undefined when it is fine. */
export type ReflectionLoop = 'originator-id' | 'cluster-list';

/**
 * RFC 4456 §8: a route whose ORIGINATOR_ID is our BGP Identifier came back
 * to where it entered the AS; one whose CLUSTER_LIST holds our cluster id
 * went round the reflectors. Both are ignored.
 */
export function reflectionLoop(a: PathAttributes, routerId: Ipv4Address, clusterId: Ipv4Address): ReflectionLoop | undefined {
  if (a.originatorId === routerId) return 'originator-id';
  if (a.clusterList !== undefined && a.clusterList.includes(clusterId)) return 'cluster-list';
  return undefined;
}

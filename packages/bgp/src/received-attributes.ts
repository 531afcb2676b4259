import { mergeAs4 } from './as-path.js';
import type { PathAttributes } from './messages.js';

/** What the stored form of a peer's attributes depends on: the session's AS number size and the kind of peer. */
export interface ReceivedFrom {
  readonly fourOctetAs: boolean;
  readonly external: boolean;
}

/**
 * The attributes routes received in an UPDATE are stored with: a 4-octet
 * AS view (RFC 6793 §4.2 merge on a 2-octet session), without the MP
 * attributes (they belong to the UPDATE; an MP_REACH next hop stands in
 * for a missing NEXT_HOP), and from an external peer without LOCAL_PREF
 * (RFC 7606 §7.5), ORIGINATOR_ID and CLUSTER_LIST (§7.9, §7.10: they mean
 * something inside an AS only). A pure function of the decoded UPDATE and
 * the session: the AttributeStore reads a set it keeps as the octets it
 * arrived in back through it.
 */
export function receivedAttributes(decoded: PathAttributes, from: ReceivedFrom): PathAttributes {
  let a = from.fourOctetAs ? decoded : mergeAs4(decoded);
  // most UPDATEs have none of the attributes to drop: then no copy
  if (a.mpReach !== undefined || a.mpUnreach !== undefined) {
    const { mpReach, mpUnreach: _u, ...rest } = a;
    a = rest;
    if (a.nextHop === undefined && mpReach?.kind === 'ipv4-unicast') a = { ...a, nextHop: mpReach.nextHop };
  }
  if (from.external && (a.localPref !== undefined || a.originatorId !== undefined || a.clusterList !== undefined)) {
    const { localPref: _l, originatorId: _o, clusterList: _c, ...rest } = a;
    a = rest;
  }
  return a;
}

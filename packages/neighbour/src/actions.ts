import type { Ipv4Address, MacAddress } from '@wirestack/core';
import type { EthernetIpv4Arp } from '@wirestack/arp';

/**
 * What the engine asks its driver to do. The engine performs no I/O: every
 * packet to put on the wire and every packet it gives up on comes back as
 * one of these, in the order the kernel would have acted.
 */
export type NeighbourAction<P> = SendArpAction | TransmitAction<P> | DropAction<P> | ConflictAction | AppProbeAction;

/**
 * Send an ARP packet in an Ethernet frame from our MAC to `dst` (EtherType
 * 0x0806): a request (broadcast while INCOMPLETE, unicast to the cached
 * address in PROBE) or a reply to a request for one of our or our proxied
 * addresses (unicast to the requester).
 */
export interface SendArpAction {
  readonly type: 'send-arp';
  readonly packet: EthernetIpv4Arp;
  readonly dst: MacAddress;
}

/** A packet that waited for resolution may now go out to `mac` (queued packets are released in order). */
export interface TransmitAction<P> {
  readonly type: 'transmit';
  readonly ip: Ipv4Address;
  readonly mac: MacAddress;
  readonly packet: P;
}

/**
 * Why a packet the engine held was dropped:
 * - 'queue-full': more than unres_qlen_bytes waited for one address; the oldest go first;
 * - 'resolution-failed': the entry became FAILED (the kernel sends ICMP host unreachable here);
 * - 'entry-removed': the entry was deleted while packets waited.
 */
export type DropReason = 'queue-full' | 'resolution-failed' | 'entry-removed';

export interface DropAction<P> {
  readonly type: 'drop';
  readonly ip: Ipv4Address;
  readonly packet: P;
  readonly reason: DropReason;
}

/**
 * Another host uses one of our addresses (RFC 5227 §2.1.1 and §2.4): an ARP
 * packet from a foreign MAC with our address as sender, or an RFC 5227 probe
 * for an address we hold as tentative. What to do (defend, give up the
 * address) is the caller's policy.
 */
export interface ConflictAction {
  readonly type: 'conflict';
  readonly ip: Ipv4Address;
  readonly mac: MacAddress;
}

/** app_probes > 0: ask a user-space resolver (Linux's neigh_app_ns, the arpd netlink message) about `ip`. */
export interface AppProbeAction {
  readonly type: 'app-probe';
  readonly ip: Ipv4Address;
}

/** Why `resolve` could neither send nor queue a packet. */
export type ResolveDropReason = 'table-full' | 'resolution-failed';

/**
 * The outcome of `resolve(ip, packet, now)`:
 * - 'resolved': send the packet to `mac` now (the engine keeps nothing);
 * - 'queued': the engine holds the packet until the address resolves (a
 *   'transmit' action) or fails (a 'drop' action);
 * - 'dropped': the packet was refused: the table is full and nothing could
 *   be evicted, or resolution is impossible (mcast_probes + app_probes = 0).
 * `actions` holds what else happened at `now`: the ARP request, older queued
 * packets dropped for space, and the work of any timers that were due.
 */
export type Resolution<P> =
  | { readonly status: 'resolved'; readonly mac: MacAddress; readonly actions: readonly NeighbourAction<P>[] }
  | { readonly status: 'queued'; readonly actions: readonly NeighbourAction<P>[] }
  | { readonly status: 'dropped'; readonly reason: ResolveDropReason; readonly actions: readonly NeighbourAction<P>[] };

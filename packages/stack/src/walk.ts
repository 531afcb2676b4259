/** Shared constants of the layer walk (StackParser and decodePacket walk frames the same way). */

/** Most layers one frame may hold before the walk gives up (bounds hostile stacks of VLAN tags). */
export const DEFAULT_MAX_LAYERS = 32;

export const ETHERNET_HEADER = 14;
/** Length/Type values up to this are IEEE 802.3 lengths, not ethertypes. */
export const MAX_8023_LENGTH = 1500;
export const VLAN_TAG = 4;
export const UDP_HEADER = 8;
export const VXLAN_HEADER = 8;

/**
 * How much checking a walk does. 'all' (default) verifies every checksum a
 * layer carries (IPv4 header, ICMP, UDP); 'ipv4' only the IPv4 header
 * checksum (a router's check); 'none' none. Lengths are always checked.
 */
export type VerifyLevel = 'all' | 'ipv4' | 'none';

/**
 * The ARP packet as RFC 826 lays it out ("Packet format", field names
 * ar$hrd, ar$pro, ar$hln, ar$pln, ar$op, ar$sha, ar$spa, ar$tha, ar$tpa).
 * An 8-byte fixed part gives the sizes of the four address fields that
 * follow it, so the packet is 8 + 2*hlen + 2*plen bytes long.
 */

/** ar$hrd: hardware address space (1 = Ethernet). */
export const HTYPE = 0;
/** ar$pro: protocol address space, an EtherType (0x0800 = IPv4). */
export const PTYPE = 2;
/** ar$hln: byte length of each hardware address. */
export const HLEN = 4;
/** ar$pln: byte length of each protocol address. */
export const PLEN = 5;
/** ar$op: the operation (request, reply, ...). */
export const OP = 6;
/** The fixed part: htype, ptype, hlen, plen, op. */
export const ARP_FIXED_LENGTH = 8;
/** ar$sha starts right after the fixed part whatever hlen/plen say. */
export const SHA = 8;

export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;
export const ETHERNET_ADDRESS_LENGTH = 6;
export const IPV4_ADDRESS_LENGTH = 4;

/**
 * Field offsets of the Ethernet/IPv4 layout (hlen 6, plen 4), the only one
 * whose addresses are read as numbers.
 */
export const ETHERNET_IPV4 = {
  sha: 8,
  spa: 14,
  tha: 18,
  tpa: 24,
  length: 28,
} as const;

/** The first six bytes of every Ethernet/IPv4 packet (htype, ptype, hlen, plen) as two words. */
export const ETHERNET_IPV4_TYPES = 0x0001_0800;
export const ETHERNET_IPV4_LENGTHS = 0x0604;

/** Bytes an ARP packet with these address lengths occupies. */
export function arpPacketLength(hlen: number, plen: number): number {
  return ARP_FIXED_LENGTH + 2 * hlen + 2 * plen;
}

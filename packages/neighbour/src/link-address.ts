import { IPV4_BROADCAST, MAC_BROADCAST, ipv4Mask, isMulticastIpv4, type Ipv4Address, type Ipv4Prefix, type MacAddress } from '@wirestack/core';

/**
 * RFC 1112 §6.4: an IPv4 multicast group maps to 01:00:5e followed by the
 * low 23 bits of the group address.
 */
export function ipv4MulticastMac(group: Ipv4Address): MacAddress {
  return (0x0100_5e00_0000 + (group & 0x7f_ffff)) as MacAddress;
}

/**
 * Addresses that need no ARP, with the MAC they map to, as Linux's
 * arp_constructor makes NOARP entries for them: multicast groups, the
 * limited broadcast and the directed broadcast of a connected prefix (up to
 * /30; /31 and /32 have none). Undefined for everything else.
 */
export function noArpMac(ip: Ipv4Address, prefixes: readonly Ipv4Prefix[]): MacAddress | undefined {
  if (isMulticastIpv4(ip)) return ipv4MulticastMac(ip);
  if (ip === IPV4_BROADCAST) return MAC_BROADCAST;
  for (const p of prefixes) {
    if (p.length > 30) continue;
    const mask = ipv4Mask(p.length);
    if (((ip & mask) >>> 0) === ((p.address & mask) >>> 0) && ((ip | mask) >>> 0) === IPV4_BROADCAST) return MAC_BROADCAST;
  }
  return undefined;
}

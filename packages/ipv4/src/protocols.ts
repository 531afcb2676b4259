import { hex } from '@wirestack/core';

/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), the
 * Protocol field of RFC 791. The enumeration is open: any 8-bit value
 * decodes, encodes and round-trips; `ipProtocolName` prints unknown ones
 * as hex.
 */
export const IpProtocol = {
  /** IPv6 Hop-by-Hop Option (RFC 8200); never seen in IPv4 but assigned. */
  HOPOPT: 0,
  ICMP: 1,
  IGMP: 2,
  /** IP in IP (RFC 2003). */
  IPIP: 4,
  TCP: 6,
  EGP: 8,
  UDP: 17,
  /** IPv6 encapsulated in IPv4 (RFC 4213, 6in4). */
  IPv6: 41,
  /** Resource Reservation Protocol (RFC 2205). */
  RSVP: 46,
  /** Generic Routing Encapsulation (RFC 2784). */
  GRE: 47,
  /** Encapsulating Security Payload (RFC 4303). */
  ESP: 50,
  /** Authentication Header (RFC 4302). */
  AH: 51,
  ICMPv6: 58,
  /** Enhanced Interior Gateway Routing Protocol (RFC 7868). */
  EIGRP: 88,
  OSPF: 89,
  /** Protocol Independent Multicast (RFC 7761). */
  PIM: 103,
  /** Virtual Router Redundancy Protocol (RFC 5798). */
  VRRP: 112,
  /** Layer 2 Tunneling Protocol v3 (RFC 3931). */
  L2TP: 115,
  SCTP: 132,
  /** UDP-Lite (RFC 3828). */
  UDPLite: 136,
  /** MPLS in IP (RFC 4023). */
  MPLSInIP: 137,
} as const;

const NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(IpProtocol).map(([name, value]) => [value, name]),
);

/** The name of a known protocol ('ICMP', 'TCP', 'UDP', ...), else undefined. */
export function knownIpProtocolName(protocol: number): string | undefined {
  return NAMES[protocol];
}

/** 'ICMP', 'TCP', 'UDP', 'GRE', ... or hex such as '0x8f' for unassigned numbers. */
export function ipProtocolName(protocol: number): string {
  return NAMES[protocol] ?? hex(protocol, 2);
}

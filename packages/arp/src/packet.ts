import type { Ipv4Address, MacAddress } from '@wirestack/core';

/**
 * The two forms of an ARP packet, told apart by `kind`.
 *
 * - 'ethernet-ipv4': exactly htype 1 (Ethernet), ptype 0x0800 (IPv4),
 *   hlen 6, plen 4 — what every IPv4-over-Ethernet host sends. Addresses are
 *   numbers (`MacAddress`, `Ipv4Address`), like everywhere in wirestack.
 * - 'generic': every other combination (IEEE 802 htype 6, IPv6 ptype, odd
 *   lengths, hlen/plen 0, ...). ARP is self-describing, so these still
 *   decode: the addresses are byte arrays of hlen and plen bytes.
 *
 * A packet with htype 1 and ptype 0x0800 but hlen != 6 or plen != 4 is
 * 'generic' too, in strict and lax mode alike: the lengths fix the layout
 * unambiguously, so there is nothing to reject at this layer. Whether a host
 * accepts it is policy (Linux's arp_rcv drops it; a capture analyser wants
 * to see it).
 */
export type ArpPacket = EthernetIpv4Arp | GenericArp;

export interface EthernetIpv4Arp {
  readonly kind: 'ethernet-ipv4';
  readonly htype: 1;
  readonly ptype: 0x0800;
  readonly hlen: 6;
  readonly plen: 4;
  /** An `ArpOp` value or any other 16-bit code. */
  readonly op: number;
  /** Sender hardware address. */
  readonly sha: MacAddress;
  /** Sender protocol address. */
  readonly spa: Ipv4Address;
  /** Target hardware address. */
  readonly tha: MacAddress;
  /** Target protocol address. */
  readonly tpa: Ipv4Address;
}

export interface GenericArp {
  readonly kind: 'generic';
  readonly htype: number;
  readonly ptype: number;
  /** Equals sha.length and tha.length. */
  readonly hlen: number;
  /** Equals spa.length and tpa.length. */
  readonly plen: number;
  readonly op: number;
  /** Decoded addresses are copies, owned by the object. */
  readonly sha: Uint8Array;
  readonly spa: Uint8Array;
  readonly tha: Uint8Array;
  readonly tpa: Uint8Array;
}

/**
 * What `encodeArp` takes: a packet whose constant fields may be left out.
 * For 'ethernet-ipv4', htype/ptype/hlen/plen are implied; for 'generic',
 * hlen/plen default to the address lengths (and must agree when given).
 * Every decoded packet is a valid input.
 */
export type ArpInput = EthernetIpv4ArpInput | GenericArpInput;

export interface EthernetIpv4ArpInput {
  readonly kind: 'ethernet-ipv4';
  readonly htype?: 1;
  readonly ptype?: 0x0800;
  readonly hlen?: 6;
  readonly plen?: 4;
  readonly op: number;
  readonly sha: MacAddress;
  readonly spa: Ipv4Address;
  readonly tha: MacAddress;
  readonly tpa: Ipv4Address;
}

export interface GenericArpInput {
  readonly kind: 'generic';
  readonly htype: number;
  readonly ptype: number;
  readonly hlen?: number;
  readonly plen?: number;
  readonly op: number;
  readonly sha: Uint8Array;
  readonly spa: Uint8Array;
  readonly tha: Uint8Array;
  readonly tpa: Uint8Array;
}

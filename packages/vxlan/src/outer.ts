/**
 * The outer headers of a VXLAN packet: Ethernet, IPv4 and UDP, written here
 * by hand.
 *
 * Why not with @wirestack/ethernet, ipv4 and udp? Codecs depend on
 * @wirestack/core only, never on each other (the layering rule in
 * DESIGN.md), so that installing one codec pulls in nothing else. General
 * stacking of layers, with options such as VLAN tags or IPv4 options,
 * belongs to the `stack` package's builder. `encapsulate` only ever needs
 * one fixed shape, which fits in this small module:
 *
 *   Ethernet II (14)  dst, src, EtherType 0x0800
 *   IPv4 (20)         version 4, IHL 5 (no options), protocol 17, header checksum
 *   UDP (8)           ports, length, checksum (0 or computed)
 *
 * Reading outer headers (with VLAN tags and IPv4 options) is in
 * decapsulate.ts, for the same reason.
 */
import {
  checksumAdd,
  checksumAddU16,
  checksumAddU32,
  checksumFinish,
  internetChecksum,
  writeIpv4,
  writeMac,
  writeU16,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';

export const ETHERNET_LENGTH = 14;
export const IPV4_LENGTH = 20;
export const UDP_LENGTH = 8;
/** Where the VXLAN header starts in what `writeOuterHeaders` writes. */
export const OUTER_LENGTH = ETHERNET_LENGTH + IPV4_LENGTH + UDP_LENGTH;

export const ETHERTYPE_IPV4 = 0x0800;
export const IP_PROTOCOL_UDP = 17;
const IPV4_DF = 0x4000;

/** The values of the outer headers: addresses, ports and IPv4 fields (checked by the caller). */
export interface OuterFields {
  readonly srcMac: MacAddress;
  readonly dstMac: MacAddress;
  readonly srcIp: Ipv4Address;
  readonly dstIp: Ipv4Address;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly ttl: number;
  readonly tos: number;
  readonly df: boolean;
  readonly id: number;
}

/**
 * Writes the 42 bytes of outer headers at `at` for a UDP payload (VXLAN
 * header + inner frame) of `udpPayloadLength` bytes, with the IPv4 header
 * checksum and a UDP checksum of 0 (RFC 7348 §5: "SHOULD be transmitted as
 * zero"; see `fillUdpChecksum`).
 */
export function writeOuterHeaders(out: Uint8Array, at: number, f: OuterFields, udpPayloadLength: number): void {
  // Ethernet II
  writeMac(out, at, f.dstMac);
  writeMac(out, at + 6, f.srcMac);
  writeU16(out, at + 12, ETHERTYPE_IPV4);
  // IPv4, RFC 791
  const ip = at + ETHERNET_LENGTH;
  out[ip] = 0x45; // version 4, IHL 5
  out[ip + 1] = f.tos;
  writeU16(out, ip + 2, IPV4_LENGTH + UDP_LENGTH + udpPayloadLength); // total length
  writeU16(out, ip + 4, f.id);
  writeU16(out, ip + 6, f.df ? IPV4_DF : 0); // flags + fragment offset 0
  out[ip + 8] = f.ttl;
  out[ip + 9] = IP_PROTOCOL_UDP;
  writeU16(out, ip + 10, 0);
  writeIpv4(out, ip + 12, f.srcIp);
  writeIpv4(out, ip + 16, f.dstIp);
  writeU16(out, ip + 10, internetChecksum(out, ip, ip + IPV4_LENGTH));
  // UDP, RFC 768
  const udp = ip + IPV4_LENGTH;
  writeU16(out, udp, f.srcPort);
  writeU16(out, udp + 2, f.dstPort);
  writeU16(out, udp + 4, UDP_LENGTH + udpPayloadLength);
  writeU16(out, udp + 6, 0);
}

/** The UDP checksum of RFC 768 over the IPv4 pseudo-header, for the datagram at `udp` of `length` bytes. */
export function udpChecksum(bytes: Uint8Array, udp: number, length: number, src: Ipv4Address, dst: Ipv4Address): number {
  let sum = checksumAddU16(checksumAddU16(checksumAddU32(checksumAddU32(0, src), dst), IP_PROTOCOL_UDP), length);
  sum = checksumAdd(bytes, udp, udp + 6, sum); // the checksum field itself counts as 0
  sum = checksumAdd(bytes, udp + 8, udp + length, sum);
  const value = checksumFinish(sum);
  return value === 0 ? 0xffff : value; // 0 means "no checksum", so a computed 0 is sent as all ones
}

/** Computes and writes the outer UDP checksum, once the VXLAN header and inner frame are in place. */
export function fillUdpChecksum(out: Uint8Array, at: number, src: Ipv4Address, dst: Ipv4Address, udpPayloadLength: number): void {
  const udp = at + ETHERNET_LENGTH + IPV4_LENGTH;
  writeU16(out, udp + 6, udpChecksum(out, udp, UDP_LENGTH + udpPayloadLength, src, dst));
}

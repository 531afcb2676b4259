/**
 * The layers below ICMP, written by hand: codecs do not depend on each
 * other, so the tests build Ethernet and IPv4 headers themselves.
 */
import { fromHex, internetChecksum, writeIpv4, writeU16, type Ipv4Address } from '@wirestack/core';

/** Hex with a comment per field; comments and spaces are dropped. */
export function hexLines(text: string): Uint8Array {
  return fromHex(text.replace(/#.*$/gm, ''));
}

export interface Ipv4Fields {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol?: number;
  readonly ttl?: number;
  readonly id?: number;
  readonly df?: boolean;
  readonly mf?: boolean;
  /** In bytes (a multiple of 8). */
  readonly fragmentOffset?: number;
  /** Options bytes, a multiple of 4 long. */
  readonly options?: Uint8Array;
}

/** An IPv4 datagram: header (checksum right) + payload. */
export function ipv4Datagram(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const options = fields.options ?? new Uint8Array(0);
  const headerLength = 20 + options.length;
  const out = new Uint8Array(headerLength + payload.length);
  out[0] = 0x40 | (headerLength / 4);
  writeU16(out, 2, out.length);
  writeU16(out, 4, fields.id ?? 0x1234);
  writeU16(out, 6, (fields.df === true ? 0x4000 : 0) | (fields.mf === true ? 0x2000 : 0) | ((fields.fragmentOffset ?? 0) / 8));
  out[8] = fields.ttl ?? 64;
  out[9] = fields.protocol ?? 1;
  writeIpv4(out, 12, fields.src);
  writeIpv4(out, 16, fields.dst);
  out.set(options, 20);
  writeU16(out, 10, internetChecksum(out, 0, headerLength));
  out.set(payload, headerLength);
  return out;
}

/** A UDP header + payload (checksum 0: not computed, which UDP over IPv4 allows). */
export function udpDatagram(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  writeU16(out, 0, srcPort);
  writeU16(out, 2, dstPort);
  writeU16(out, 4, out.length);
  out.set(payload, 8);
  return out;
}

/** 14 bytes of Ethernet II, 02:00:00:00:00:02 <- 02:00:00:00:00:01, EtherType IPv4. */
const ETHERNET_IPV4 = Uint8Array.of(0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00);

export function ethernetFrame(ipv4: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + ipv4.length);
  out.set(ETHERNET_IPV4, 0);
  out.set(ipv4, 14);
  return out;
}

/** An ICMP message in IPv4 (protocol 1) in Ethernet: the ICMP message starts at offset 34. */
export function icmpFrame(icmp: Uint8Array, src = 0x0a00_0001 as Ipv4Address, dst = 0x0a00_0002 as Ipv4Address): Uint8Array {
  return ethernetFrame(ipv4Datagram({ src, dst, protocol: 1 }, icmp));
}

/**
 * Hand-written Ethernet and IPv4 headers around a UDP datagram, for the
 * tests: codecs do not depend on each other, so these 34 bytes are written
 * here with core's helpers, the IPv4 header checksum included.
 */
import { DecodeError, internetChecksum, ipv4FromBytes, readU16, writeIpv4, writeU16, type Ipv4Address } from '@wirestack/core';
import type { UdpPseudoHeader } from '../src/index.js';

export const ETHERNET_LENGTH = 14;
export const IPV4_LENGTH = 20;
/** Where the UDP header starts in the frames `ipv4Frame` writes. */
export const UDP_OFFSET = ETHERNET_LENGTH + IPV4_LENGTH;

/**
 * Ethernet II (02:00:00:00:00:02 <- 02:00:00:00:00:01, IPv4) + IPv4
 * (no options, DF, TTL 64, protocol 17, total length 20 + `ipPayload`
 * length unless given) + the datagram.
 */
export function ipv4Frame(udp: Uint8Array, { src, dst }: UdpPseudoHeader, totalLength = IPV4_LENGTH + udp.length): Uint8Array {
  const frame = new Uint8Array(UDP_OFFSET + udp.length);
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);
  const ip = ETHERNET_LENGTH;
  frame[ip] = 0x45;
  writeU16(frame, ip + 2, totalLength);
  writeU16(frame, ip + 4, 0x1234); // identification
  writeU16(frame, ip + 6, 0x4000); // DF
  frame[ip + 8] = 64;
  frame[ip + 9] = 17;
  writeIpv4(frame, ip + 12, src);
  writeIpv4(frame, ip + 16, dst);
  writeU16(frame, ip + 10, internetChecksum(frame, ip, ip + IPV4_LENGTH));
  frame.set(udp, UDP_OFFSET);
  return frame;
}

/** What the IPv4 header of a captured Ethernet/IPv4 frame says, read by hand. */
export interface IpFacts {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol: number;
  /** Where the UDP header starts (14 + IHL * 4). */
  readonly udpOffset: number;
  /** Total length - header length. */
  readonly payloadLength: number;
}

export function readIpv4(frame: Uint8Array): IpFacts {
  const ip = ETHERNET_LENGTH;
  const headerLength = (frame[ip]! & 0x0f) * 4;
  return {
    src: ipv4FromBytes(frame, ip + 12),
    dst: ipv4FromBytes(frame, ip + 16),
    protocol: frame[ip + 9]!,
    udpOffset: ip + headerLength,
    payloadLength: readU16(frame, ip + 2) - headerLength,
  };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Runs `run`; returns the DecodeError it threw, 'ok', or rethrows anything else (a bug). */
export function outcome(run: () => unknown): 'ok' | DecodeError {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

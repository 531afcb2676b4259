import { checksumAdd, checksumAddU16, checksumAddU32, checksumFinish, checksumFold, type Ipv4Address } from '@wirestack/core';
import { CHECKSUM, IP_PROTOCOL_UDP, UDP_HEADER_LENGTH } from './layout.js';

/**
 * The UDP checksum over IPv4 (RFC 768): the Internet checksum of a
 * pseudo-header, the UDP header and the data.
 *
 *   pseudo-header: source address, destination address, zero, protocol (17), UDP length
 *
 * Two values of the field are special: 0 means the sender computed no
 * checksum (allowed over IPv4), so a computed 0 is sent as its one's
 * complement twin 0xFFFF ("all ones").
 */

/** The running sum of the pseudo-header; `length` is the UDP length (header + data). */
export function udpPseudoHeaderSum(src: Ipv4Address, dst: Ipv4Address, length: number): number {
  return checksumAddU16(checksumAddU16(checksumAddU32(checksumAddU32(0, src), dst), IP_PROTOCOL_UDP), length);
}

/**
 * The checksum field value for the datagram of `length` bytes at `offset`
 * (whatever its checksum field holds now is skipped), never 0: a computed
 * 0 comes back as 0xFFFF. The caller makes sure the bytes are there.
 */
export function udpChecksum(bytes: Uint8Array, offset: number, length: number, src: Ipv4Address, dst: Ipv4Address): number {
  return udpChecksumOver(bytes, offset, offset + length, length, src, dst);
}

/**
 * The same over bytes[offset..end) with `pseudoLength` in the
 * pseudo-header: they differ only when an encoder is told to write a
 * Length field that does not match the bytes (to build bad datagrams).
 */
export function udpChecksumOver(
  bytes: Uint8Array,
  offset: number,
  end: number,
  pseudoLength: number,
  src: Ipv4Address,
  dst: Ipv4Address,
): number {
  let sum = udpPseudoHeaderSum(src, dst, pseudoLength);
  sum = checksumAdd(bytes, offset, offset + CHECKSUM, sum);
  sum = checksumAdd(bytes, offset + UDP_HEADER_LENGTH, end, sum);
  const value = checksumFinish(sum);
  return value === 0 ? 0xffff : value;
}

/**
 * True when the datagram's checksum field (not 0) is right: the sum over
 * pseudo-header, header (checksum included) and data folds to all ones.
 * 0xFFFF and 0 are the same number in one's complement, so a field of
 * 0xFFFF standing for a computed 0 checks out without a special case.
 */
export function udpChecksumMatches(bytes: Uint8Array, offset: number, length: number, src: Ipv4Address, dst: Ipv4Address): boolean {
  return checksumFold(checksumAdd(bytes, offset, offset + length, udpPseudoHeaderSum(src, dst, length))) === 0xffff;
}

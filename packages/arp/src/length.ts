import { readU16, readU32, requireBytes } from '@wirestack/core';
import {
  ARP_FIXED_LENGTH,
  ETHERNET_IPV4_LENGTHS,
  ETHERNET_IPV4_TYPES,
  HLEN,
  HTYPE,
  PLEN,
  arpPacketLength,
} from './layout.js';

export const LAYER = 'arp';

/** Offsets are the caller's, not the packet's: a bad one is a programming error, not bad input. */
function checkOffset(bytes: Uint8Array, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`arp: offset must be a non-negative integer, got ${offset} (buffer of ${bytes.length})`);
  }
}

/**
 * Length of the ARP packet at `offset`, read from its fixed part
 * (8 + 2*hlen + 2*plen). Throws DecodeError 'truncated' (required 8) when
 * the fixed part does not fit; the address fields need not be present.
 */
export function arpHeaderLength(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset);
  requireBytes(bytes, offset, ARP_FIXED_LENGTH, LAYER);
  return arpPacketLength(bytes[offset + HLEN]!, bytes[offset + PLEN]!);
}

/**
 * Checks that the whole packet is present and returns its length. Both
 * truncation errors are reported at the packet's start: first with
 * required 8 (the fixed part), then with required = the length hlen/plen
 * give, so `required`/`available` always count from the same place.
 */
export function requireArpPacket(bytes: Uint8Array, offset: number): number {
  // Fast path, one comparison for the common case: a missing byte or a
  // fractional offset reads `undefined`, the length comes out NaN and the
  // comparison fails, so every bad case takes the careful path below.
  if (offset >= 0) {
    const length = arpPacketLength(bytes[offset + HLEN]!, bytes[offset + PLEN]!);
    if (bytes.length - offset >= length) return length;
  }
  const length = arpHeaderLength(bytes, offset);
  requireBytes(bytes, offset, length, LAYER);
  return length;
}

/**
 * True when the packet at `offset` (whose fixed part is known to be there)
 * is htype 1 / ptype 0x0800 / hlen 6 / plen 4: the 'ethernet-ipv4' kind.
 */
export function hasEthernetIpv4Layout(bytes: Uint8Array, offset: number): boolean {
  return readU32(bytes, offset + HTYPE) === ETHERNET_IPV4_TYPES && readU16(bytes, offset + HLEN) === ETHERNET_IPV4_LENGTHS;
}

/**
 * fast-check arbitraries for the core types. Import from
 * `@wirestack/core/arbitraries`; fast-check is an optional peer dependency
 * that the main entry never loads.
 */
import * as fc from 'fast-check';
import type { Ipv4Address, MacAddress } from './addresses.js';

export function macAddress(): fc.Arbitrary<MacAddress> {
  return fc.integer({ min: 0, max: 0xffff_ffff_ffff }).map((n) => n as MacAddress);
}

/** A unicast, globally administered MAC, as NICs have. */
export function unicastMac(): fc.Arbitrary<MacAddress> {
  return macAddress().map((m) => (m - (Math.floor(m / 0x100_0000_0000) & 0x03) * 0x100_0000_0000) as MacAddress);
}

export function ipv4Address(): fc.Arbitrary<Ipv4Address> {
  return fc.integer({ min: 0, max: 0xffff_ffff }).map((n) => n as Ipv4Address);
}

export function uint8(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0xff });
}

export function uint16(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0xffff });
}

export function bytes(maxLength = 64): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength });
}

import { ParseError, hex } from '@wirestack/core';
import type { ExtendedCommunity, LargeCommunity } from './messages.js';

/**
 * Communities (RFC 1997), their well-known values (IANA "BGP Well-known
 * Communities"), large communities (RFC 8092) and extended communities
 * (RFC 4360), with their text forms.
 */
export const WellKnownCommunity = {
  GRACEFUL_SHUTDOWN: 0xffff_0000,
  ACCEPT_OWN: 0xffff_0001,
  LLGR_STALE: 0xffff_0006,
  NO_LLGR: 0xffff_0007,
  BLACKHOLE: 0xffff_029a,
  NO_EXPORT: 0xffff_ff01,
  NO_ADVERTISE: 0xffff_ff02,
  NO_EXPORT_SUBCONFED: 0xffff_ff03,
  NOPEER: 0xffff_ff04,
} as const;

const NAME_BY_VALUE = new Map<number, string>(Object.entries(WellKnownCommunity).map(([name, value]) => [value, name]));
const VALUE_BY_NAME = new Map<string, number>(Object.entries(WellKnownCommunity));

/** `NO_EXPORT` for a well-known value, else `asn:value` (`65000:100`). */
export function formatCommunity(community: number): string {
  return NAME_BY_VALUE.get(community) ?? `${community >>> 16}:${community & 0xffff}`;
}

/** Accepts `asn:value` with both parts 0..65535, or a well-known name (`NO_EXPORT`, case-insensitive, '-' or '_'). */
export function parseCommunity(text: string): number {
  const named = VALUE_BY_NAME.get(text.toUpperCase().replace(/-/g, '_'));
  if (named !== undefined) return named;
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) {
    throw new ParseError('community', text, 'expected ASN:VALUE with both parts 0..65535, or a well-known name such as NO_EXPORT');
  }
  return (Number(m[1]) * 0x10000 + Number(m[2])) >>> 0;
}

/** `global:local1:local2`. */
export function formatLargeCommunity(c: LargeCommunity): string {
  return `${c.global}:${c.local1}:${c.local2}`;
}

export function parseLargeCommunity(text: string): LargeCommunity {
  const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(text);
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || parts.some((p) => p > 0xffff_ffff)) {
    throw new ParseError('large community', text, 'expected GLOBAL:LOCAL1:LOCAL2 with each part 0..4294967295');
  }
  return { global: parts[0]!, local1: parts[1]!, local2: parts[2]! };
}

/**
 * Route target and route origin in their usual text (`rt:65000:1`,
 * `ro:192.0.2.1:7`) for the two-octet-AS, IPv4 and four-octet-AS types
 * (RFC 4360 §4, RFC 5668); anything else as hex of the 8 octets.
 */
export function formatExtendedCommunity(c: ExtendedCommunity): string {
  const type = c.high >>> 24;
  const subtype = (c.high >>> 16) & 0xff;
  const kind = subtype === 0x02 ? 'rt' : subtype === 0x03 ? 'ro' : undefined;
  if (kind !== undefined) {
    if (type === 0x00) return `${kind}:${c.high & 0xffff}:${c.low}`;
    if (type === 0x01) {
      const ip = ((c.high & 0xffff) * 0x10000 + (c.low >>> 16)) >>> 0;
      return `${kind}:${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}:${c.low & 0xffff}`;
    }
    if (type === 0x02) return `${kind}:${((c.high & 0xffff) * 0x10000 + (c.low >>> 16)) >>> 0}:${c.low & 0xffff}`;
  }
  return `${hex(c.high >>> 0, 8)}${(c.low >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The ARP packet of RFC 826 as a binary-parser `Parser`: a declarative
 * statement of the wire format, and the independent reference decoder our
 * hand-written decoder must agree with (properties.test.ts).
 */
import { Parser } from 'binary-parser';

export interface SpecArp {
  htype: number;
  ptype: number;
  hlen: number;
  plen: number;
  op: number;
  sha: Uint8Array;
  spa: Uint8Array;
  tha: Uint8Array;
  tpa: Uint8Array;
}

export const arpSpec = new Parser()
  .endianness('big')
  .uint16('htype') // ar$hrd
  .uint16('ptype') // ar$pro
  .uint8('hlen') // ar$hln
  .uint8('plen') // ar$pln
  .uint16('op') // ar$op
  .buffer('sha', { length: 'hlen' }) // ar$sha
  .buffer('spa', { length: 'plen' }) // ar$spa
  .buffer('tha', { length: 'hlen' }) // ar$tha
  .buffer('tpa', { length: 'plen' }) // ar$tpa
  .saveOffset('end');

/**
 * The packet at `offset`, or undefined when it does not fit. binary-parser
 * throws a RangeError when a number runs past the end, but a `buffer` field
 * is a subarray that silently comes out short; `end` (the offset after the
 * last field) tells that case.
 */
export function specDecode(bytes: Uint8Array, offset = 0): (SpecArp & { end: number }) | undefined {
  const input = bytes.subarray(offset);
  let parsed: SpecArp & { end: number };
  try {
    parsed = arpSpec.parse(input) as SpecArp & { end: number };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return parsed.end <= input.length ? parsed : undefined;
}

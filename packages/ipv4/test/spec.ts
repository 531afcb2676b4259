/**
 * The fixed IPv4 header of RFC 791 §3.1 as a binary-parser `Parser`: a
 * declarative statement of the wire format, and the independent reference
 * decoder our hand-written decoder must agree with (properties.test.ts).
 * Options are left as bytes (their grammar is not binary-parser's strength):
 * `options` is the IHL x 4 - 20 bytes after the fixed header.
 */
import { Parser } from 'binary-parser';

export interface SpecIpv4 {
  version: number;
  ihl: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  id: number;
  reservedFlag: number;
  df: number;
  mf: number;
  /** In 8-byte units, as on the wire. */
  fragmentOffsetUnits: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: number;
  dst: number;
  options: Uint8Array;
  end: number;
}

export const ipv4Spec = new Parser()
  .endianness('big')
  .bit4('version')
  .bit4('ihl')
  .bit6('dscp')
  .bit2('ecn')
  .uint16('totalLength')
  .uint16('id')
  .bit1('reservedFlag')
  .bit1('df')
  .bit1('mf')
  .bit13('fragmentOffsetUnits')
  .uint8('ttl')
  .uint8('protocol')
  .uint16('checksum')
  .uint32('src')
  .uint32('dst')
  .buffer('options', {
    length: function (this: { ihl: number }) {
      return Math.max(0, this.ihl * 4 - 20);
    },
  })
  .saveOffset('end');

/**
 * The header at `offset`, or undefined when it does not fit (binary-parser
 * throws RangeError for a short number, and silently shortens a buffer;
 * `end` tells that case).
 */
export function specDecode(bytes: Uint8Array, offset = 0): SpecIpv4 | undefined {
  const input = bytes.subarray(offset);
  let parsed: SpecIpv4;
  try {
    parsed = ipv4Spec.parse(input) as SpecIpv4;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return parsed.end <= input.length ? parsed : undefined;
}

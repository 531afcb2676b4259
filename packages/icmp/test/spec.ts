/**
 * ICMPv4 as binary-parser `Parser`s: a declarative statement of the wire
 * format (RFC 792, 950, 1191, 4884), and the independent reference decoder
 * our hand-written decoder must agree with (properties.test.ts).
 */
import { Parser } from 'binary-parser';

/** The fields of the message's fixed part, per type; `rest` for every other type. */
export interface SpecIcmp {
  type: number;
  code: number;
  checksum: number;
  fields: Record<string, number>;
}

const echoLike = new Parser().endianness('big').uint16('id').uint16('seq');

export const icmpSpec = new Parser()
  .endianness('big')
  .uint8('type')
  .uint8('code')
  .uint16('checksum')
  .choice('fields', {
    tag: 'type',
    choices: {
      0: echoLike, // echo reply
      8: echoLike, // echo request
      // destination unreachable: unused, RFC 4884 length, RFC 1191 next-hop MTU
      3: new Parser().endianness('big').uint8('unused').uint8('length').uint16('mtu'),
      4: new Parser().endianness('big').uint32('unused'), // source quench
      5: new Parser().endianness('big').uint32('gateway'), // redirect
      11: new Parser().endianness('big').uint8('unusedHigh').uint8('length').uint16('unusedLow'), // time exceeded
      12: new Parser().endianness('big').uint8('pointer').uint8('length').uint16('unused'), // parameter problem
      13: new Parser().endianness('big').uint16('id').uint16('seq').uint32('originate').uint32('receive').uint32('transmit'),
      14: new Parser().endianness('big').uint16('id').uint16('seq').uint32('originate').uint32('receive').uint32('transmit'),
      15: echoLike, // information request
      16: echoLike, // information reply
      17: new Parser().endianness('big').uint16('id').uint16('seq').uint32('mask'), // RFC 950
      18: new Parser().endianness('big').uint16('id').uint16('seq').uint32('mask'),
    },
    defaultChoice: new Parser().endianness('big').uint32('rest'),
  });

/** The quoted IPv4 header's fixed 20 bytes (RFC 791). */
export const quotedIpv4Spec = new Parser()
  .endianness('big')
  .bit4('version')
  .bit4('ihl')
  .bit6('dscp')
  .bit2('ecn')
  .uint16('totalLength')
  .uint16('id')
  .bit1('reserved')
  .bit1('df')
  .bit1('mf')
  .bit13('fragmentBlocks')
  .uint8('ttl')
  .uint8('protocol')
  .uint16('checksum')
  .uint32('src')
  .uint32('dst');

/** The message at `offset`, or undefined when its fixed part does not fit (binary-parser throws a RangeError). */
export function specDecode(bytes: Uint8Array, offset = 0): SpecIcmp | undefined {
  try {
    return icmpSpec.parse(bytes.subarray(offset)) as SpecIcmp;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * The VXLAN header (RFC 7348 §5) written declaratively with binary-parser:
 * the independent reference our hand-written decoder must agree with.
 */
import { Parser } from 'binary-parser';

export const vxlanSpec = new Parser()
  .endianness('big')
  .bit4('flagsHigh')
  .bit1('i')
  .bit3('flagsLow')
  .bit24('reserved1')
  .bit24('vni')
  .uint8('reserved2')
  .buffer('payload', { readUntil: 'eof' });

export interface SpecVxlan {
  readonly flags: number;
  readonly i: boolean;
  readonly vni: number;
  readonly reserved1: number;
  readonly reserved2: number;
  readonly payload: Uint8Array;
}

/** Parses a header and its inner frame; binary-parser throws when 8 bytes are not there. */
export function parseWithSpec(bytes: Uint8Array): SpecVxlan {
  const r = vxlanSpec.parse(bytes) as { flagsHigh: number; i: number; flagsLow: number; reserved1: number; vni: number; reserved2: number; payload: Uint8Array };
  return {
    flags: (r.flagsHigh << 4) | (r.i << 3) | r.flagsLow,
    i: r.i === 1,
    vni: r.vni,
    reserved1: r.reserved1,
    reserved2: r.reserved2,
    payload: r.payload,
  };
}

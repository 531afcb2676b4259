/**
 * The Ethernet frame layout written declaratively with binary-parser: the
 * independent reference our hand-written decoder must agree with.
 *
 * MACs are 48-bit, which binary-parser has no integer type for, so each is
 * read as a 16-bit high part and a 32-bit low part. The Length/Type field
 * chooses the body: up to 1500 it is an IEEE 802.3 length (the payload is
 * that many bytes, the rest is padding), otherwise an EtherType and the
 * payload is everything after the header.
 */
import { Parser } from 'binary-parser';

const ethernetIIBody = new Parser().buffer('payload', { readUntil: 'eof' });

const ieee8023Body = new Parser()
  .buffer('payload', { length: 'typeOrLength' })
  .buffer('padding', { readUntil: 'eof' });

export const ethernetSpec = new Parser()
  .endianness('big')
  .uint16('dstHi')
  .uint32('dstLo')
  .uint16('srcHi')
  .uint32('srcLo')
  .uint16('typeOrLength')
  .choice({
    tag: function (this: { typeOrLength: number }) {
      return this.typeOrLength <= 1500 ? 1 : 0;
    },
    choices: { 0: ethernetIIBody, 1: ieee8023Body },
  });

export interface SpecFrame {
  readonly dst: number;
  readonly src: number;
  readonly typeOrLength: number;
  readonly payload: Uint8Array;
  readonly padding?: Uint8Array;
}

/** Parses a frame (no FCS) with the spec; throws RangeError when the header does not fit. */
export function parseWithSpec(frame: Uint8Array): SpecFrame {
  const r = ethernetSpec.parse(frame) as {
    dstHi: number;
    dstLo: number;
    srcHi: number;
    srcLo: number;
    typeOrLength: number;
    payload: Uint8Array;
    padding?: Uint8Array;
  };
  return {
    dst: r.dstHi * 2 ** 32 + r.dstLo,
    src: r.srcHi * 2 ** 32 + r.srcLo,
    typeOrLength: r.typeOrLength,
    payload: r.payload,
    ...(r.padding === undefined ? {} : { padding: r.padding }),
  };
}

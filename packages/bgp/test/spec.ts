/**
 * The BGP message layouts of RFC 4271 §4 as binary-parser `Parser`s: a
 * declarative statement of the wire format and the independent reference
 * decoder our hand-written one must agree with (spec.test.ts). Attributes
 * stay opaque here: the spec checks framing of the fixed fields, lengths
 * and the attribute TLV sequence.
 */
import { Parser } from 'binary-parser';

export const headerSpec = new Parser().endianness('big').buffer('marker', { length: 16 }).uint16('length').uint8('type');

export const openSpec = new Parser()
  .endianness('big')
  .nest('header', { type: headerSpec })
  .uint8('version')
  .uint16('myAs')
  .uint16('holdTime')
  .uint32('bgpId')
  .uint8('optParmLen');

const attributeSpec = new Parser()
  .endianness('big')
  .uint8('flags')
  .uint8('type')
  // Extended Length (0x10) makes the length field 2 octets
  .choice('length', {
    tag: function (this: { flags: number }) {
      return this.flags & 0x10 ? 1 : 0;
    },
    choices: { 0: 'uint8', 1: 'uint16be' },
  } as never)
  .buffer('value', { length: 'length' });

export const updateSpec = new Parser()
  .endianness('big')
  .nest('header', { type: headerSpec })
  .uint16('withdrawnLength')
  .buffer('withdrawn', { length: 'withdrawnLength' })
  .uint16('attributesLength')
  .array('attributes', { type: attributeSpec, lengthInBytes: 'attributesLength' })
  .buffer('nlri', { length: (vars: { header: { length: number }; withdrawnLength: number; attributesLength: number }) => vars.header.length - 23 - vars.withdrawnLength - vars.attributesLength } as never);

export interface SpecUpdate {
  header: { length: number; type: number };
  withdrawnLength: number;
  attributesLength: number;
  attributes: { flags: number; type: number; length: number; value: Uint8Array }[];
  nlri: Uint8Array;
}

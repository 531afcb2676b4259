import { DecodeError, EncodeError, checkUint, outputRegion, readU16, readU32, writeU16, writeU32 } from '@wirestack/core';
import { plainBytes } from './address.js';
import { MRT_LAYER, need } from './errors.js';
import { bgp4mpMessageSubtype, bgp4mpMessageSubtypeInfo, decodeBgp4mpMessage, decodeStateChange, encodeBgp4mpMessage, encodeStateChange } from './bgp4mp.js';
import { Bgp4mpSubtype, MICROSECOND_LENGTH, MRT_HEADER_LENGTH, MrtType, TableDumpV2Subtype } from './layout.js';
import type { MrtDecodeOptions, MrtRecord } from './records.js';
import { decodePeerIndexTable, decodeRib, encodePeerIndexTable, encodeRib, ribSubtype, ribSubtypeInfo } from './table-dump-v2.js';

/**
 * One MRT record (RFC 6396 §2): the common header, the microseconds of the
 * _ET types, and the body by type and subtype.
 */

/** What `decodeMrtRecord` returns. */
export interface DecodedMrtRecord {
  readonly record: MrtRecord;
  /** Octets the record took: 12 + its Length field. */
  readonly length: number;
}

/** The common header at `offset`; DecodeError 'truncated' unless the whole record is there. */
export function readMrtHeader(bytes: Uint8Array, offset: number): { timestamp: number; type: number; subtype: number; length: number } {
  requireHeader(bytes, offset);
  const bodyLength = readU32(bytes, offset + 8);
  const length = MRT_HEADER_LENGTH + bodyLength;
  const available = bytes.length - offset;
  if (available < length) {
    throw new DecodeError({
      code: 'truncated',
      layer: MRT_LAYER,
      offset,
      required: length,
      available,
      message: `mrt at offset ${offset}: truncated record: its header says ${length} octets, ${available} remain`,
    });
  }
  return { timestamp: readU32(bytes, offset), type: readU16(bytes, offset + 4), subtype: readU16(bytes, offset + 6), length };
}

function requireHeader(bytes: Uint8Array, offset: number): void {
  const available = bytes.length - offset;
  if (available < MRT_HEADER_LENGTH) {
    throw new DecodeError({
      code: 'truncated',
      layer: MRT_LAYER,
      offset,
      required: MRT_HEADER_LENGTH,
      available: Math.max(available, 0),
      message: `mrt at offset ${offset}: truncated record header: need ${MRT_HEADER_LENGTH} octets, ${Math.max(available, 0)} remain`,
    });
  }
}

/**
 * Decodes the MRT record at `offset`. Throws only DecodeError (layer
 * 'mrt', or a BgpError for a logged BGP message that resets a session),
 * with offsets into `bytes`. In lax mode a body that does not decode gives
 * an `unknown` record carrying the error instead; a header that does not
 * frame a whole record throws in both modes.
 */
export function decodeMrtRecord(input: Uint8Array, offset = 0, options: MrtDecodeOptions = {}): DecodedMrtRecord {
  const bytes = plainBytes(input);
  const { timestamp, type, subtype, length } = readMrtHeader(bytes, offset);
  const start = offset + MRT_HEADER_LENGTH;
  const end = offset + length;
  try {
    return { record: decodeBody(bytes, start, end, timestamp, type, subtype), length };
  } catch (error) {
    if (options.mode !== 'lax' || !(error instanceof DecodeError)) throw error;
    return { record: { kind: 'unknown', timestamp, type, subtype, body: bytes.slice(start, end), error }, length };
  }
}

function decodeBody(bytes: Uint8Array, start: number, end: number, timestamp: number, type: number, subtype: number): MrtRecord {
  if (type === MrtType.TABLE_DUMP_V2) {
    if (subtype === TableDumpV2Subtype.PEER_INDEX_TABLE) return decodePeerIndexTable(bytes, start, end, timestamp);
    const rib = ribSubtypeInfo(subtype);
    if (rib !== undefined) return decodeRib(bytes, start, end, timestamp, rib.table, rib.addPath);
  } else if (type === MrtType.BGP4MP || type === MrtType.BGP4MP_ET) {
    const stateChange = subtype === Bgp4mpSubtype.STATE_CHANGE || subtype === Bgp4mpSubtype.STATE_CHANGE_AS4;
    const message = bgp4mpMessageSubtypeInfo(subtype);
    if (stateChange || message !== undefined) {
      let o = start;
      let time: { timestamp: number; microseconds?: number } = { timestamp };
      if (type === MrtType.BGP4MP_ET) {
        need(bytes, o, MICROSECOND_LENGTH, end);
        time = { timestamp, microseconds: readU32(bytes, o) };
        o += MICROSECOND_LENGTH;
      }
      if (message !== undefined) return decodeBgp4mpMessage(bytes, o, end, time, message);
      return decodeStateChange(bytes, o, end, time, subtype === Bgp4mpSubtype.STATE_CHANGE_AS4);
    }
  }
  return { kind: 'unknown', timestamp, type, subtype, body: bytes.slice(start, end) };
}

/** Type, subtype and body octets of a record. */
function recordParts(r: MrtRecord): { type: number; subtype: number; body: Uint8Array; microseconds?: number } {
  switch (r.kind) {
    case 'peer-index-table':
      return { type: MrtType.TABLE_DUMP_V2, subtype: TableDumpV2Subtype.PEER_INDEX_TABLE, body: encodePeerIndexTable(r) };
    case 'rib':
      return { type: MrtType.TABLE_DUMP_V2, subtype: ribSubtype(r.table, r.addPath), body: encodeRib(r) };
    case 'bgp4mp-state-change':
      return withTime(r.microseconds, r.as4 ? Bgp4mpSubtype.STATE_CHANGE_AS4 : Bgp4mpSubtype.STATE_CHANGE, encodeStateChange(r));
    case 'bgp4mp-message':
      return withTime(r.microseconds, bgp4mpMessageSubtype(r), encodeBgp4mpMessage(r));
    case 'unknown':
      return { type: checkUint(r.type, 0xffff, 'type'), subtype: checkUint(r.subtype, 0xffff, 'subtype'), body: r.body };
    default: {
      const kind: unknown = (r as { kind: unknown }).kind;
      throw new EncodeError('invalid', 'kind', `kind: not an MRT record kind: ${String(kind)}`);
    }
  }
}

function withTime(microseconds: number | undefined, subtype: number, body: Uint8Array): { type: number; subtype: number; body: Uint8Array; microseconds?: number } {
  if (microseconds === undefined) return { type: MrtType.BGP4MP, subtype, body };
  return { type: MrtType.BGP4MP_ET, subtype, body, microseconds: checkUint(microseconds, 0xffff_ffff, 'microseconds') };
}

/**
 * Frames a body as a record: the common header (and, with `microseconds`,
 * the BGP4MP_ET form). The one place records get their header.
 */
export function frameMrtRecord(
  timestamp: number,
  type: number,
  subtype: number,
  body: Uint8Array,
  microseconds?: number,
  out?: Uint8Array,
  offset = 0,
): Uint8Array {
  const extra = microseconds === undefined ? 0 : MICROSECOND_LENGTH;
  const bodyLength = extra + body.length;
  if (bodyLength > 0xffff_ffff) throw new EncodeError('too-long', 'body');
  const region = outputRegion(MRT_HEADER_LENGTH + bodyLength, out, offset);
  writeMrtHeader(region, timestamp, type, subtype, bodyLength);
  if (microseconds !== undefined) writeU32(region, MRT_HEADER_LENGTH, microseconds);
  region.set(body, MRT_HEADER_LENGTH + extra);
  return region;
}

/** Writes the 12-octet common header at the start of `out`. */
export function writeMrtHeader(out: Uint8Array, timestamp: number, type: number, subtype: number, bodyLength: number): void {
  writeU32(out, 0, checkUint(timestamp, 0xffff_ffff, 'timestamp'));
  writeU16(out, 4, type);
  writeU16(out, 6, subtype);
  writeU32(out, 8, bodyLength);
}

/**
 * The octets of one record, header included, into `out` at `offset` (or a
 * new array). EncodeError for fields that do not fit the wire format.
 * A record with `microseconds` is written as BGP4MP_ET.
 */
export function encodeMrtRecord(record: MrtRecord, out?: Uint8Array, offset = 0): Uint8Array {
  const { type, subtype, body, microseconds } = recordParts(record);
  return frameMrtRecord(record.timestamp, type, subtype, body, microseconds, out, offset);
}

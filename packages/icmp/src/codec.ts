import {
  DecodeError,
  EncodeError,
  checkUint,
  internetChecksum,
  ipv4FromBytes,
  outputRegion,
  readU16,
  readU32,
  writeU16,
  writeU32,
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  type Ipv4Address,
} from '@wirestack/core';
import {
  CHECKSUM,
  CODE,
  GATEWAY,
  ICMP_HEADER_LENGTH,
  ID,
  LENGTH,
  MASK,
  MASK_LENGTH,
  MTU,
  ORIGINATE,
  POINTER,
  RECEIVE,
  REST,
  SEQ,
  TIMESTAMP_LENGTH,
  TRANSMIT,
  TYPE,
} from './layout.js';
import type { IcmpInput, IcmpMessage } from './message.js';
import { decodeQuoted } from './quoted.js';
import { KIND_TYPES, icmpKind, type IcmpKind } from './types.js';

export const LAYER = 'icmp';

/** Options of `decodeIcmp` and `IcmpView.reset`. */
export interface IcmpDecodeOptions extends DecodeOptions {
  /**
   * Bytes of the ICMP message from `offset` (the IPv4 payload length). ICMP
   * has no length field: without this the message runs to the end of
   * `bytes`, so pass it when a frame carries Ethernet padding.
   */
  readonly length?: number;
}

const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
/**
 * Every empty byte field and payload. Creating a typed array costs more
 * than the rest of a decode (and one over 64 bytes, an off-heap buffer,
 * several times more), so empty ones are not created per message.
 */
export const NO_BYTES = new Uint8Array(0);

/**
 * bytes[start, end) without copying (like every decoder's `payload`: the
 * decoded message shares the caller's buffer), or the shared empty array.
 */
export function byteRange(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return start >= end ? NO_BYTES : bytes.subarray(start, end);
}
/** The largest ICMP message an IPv4 datagram (with a 20-byte header) carries. */
export const MAX_ICMP_LENGTH = 0xffff - 20;
/** RFC 4884 section 5.1: with extensions, the quote is padded to at least 128 bytes. */
const RFC4884_MIN_QUOTE = 128;

/**
 * Where the message ends: `offset + options.length`, or the end of `bytes`.
 * Throws DecodeError 'truncated' (at `offset`, in both modes) when the
 * 8-byte header, or the `length` the caller gave, does not fit.
 */
export function icmpMessageEnd(bytes: Uint8Array, offset: number, length: number | undefined): number {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`icmp: offset must be a non-negative integer, got ${offset} (buffer of ${bytes.length})`);
  }
  const available = Math.max(bytes.length - offset, 0);
  if (length !== undefined) {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`icmp: length must be a non-negative integer, got ${length}`);
    }
    if (length > available) throw new DecodeError({ code: 'truncated', layer: LAYER, offset, required: length, available });
  }
  const size = length ?? available;
  if (size < ICMP_HEADER_LENGTH) {
    throw new DecodeError({ code: 'truncated', layer: LAYER, offset, required: ICMP_HEADER_LENGTH, available: size });
  }
  return offset + size;
}

/** Bytes the kind's fixed part occupies: 8, or 20 for timestamps, 12 for address masks. */
export function icmpFixedLength(kind: IcmpKind): number {
  if (kind === 'timestamp' || kind === 'timestamp-reply') return TIMESTAMP_LENGTH;
  if (kind === 'mask-request' || kind === 'mask-reply') return MASK_LENGTH;
  return ICMP_HEADER_LENGTH;
}

/**
 * Decodes the ICMPv4 message at `offset` (e.g. 34 in an untagged Ethernet
 * frame with a 20-byte IPv4 header), running to the end of `bytes` or
 * `options.length` bytes.
 *
 * `headerLength` is the kind's fixed part (8; 12 for address masks; 20 for
 * timestamps); `payload` is the rest of the message (echo data, the quoted
 * datagram and any RFC 4884 extensions, an unknown type's body), a
 * subarray of `bytes`.
 *
 * Errors, all DecodeError: 'truncated' at `offset` when the fixed part does
 * not fit (both modes); 'bad-checksum' at offset + 2 when the checksum over
 * the whole message is wrong (strict; an issue in lax mode; nothing with
 * `checksum: 'ignore'`; `checksumValid` tells in every mode). The quoted
 * datagram of an error message never fails the decode (see
 * `QuotedDatagram`); in lax mode its problems are issues
 * ('quote-truncated', 'quote-not-ipv4', 'quote-bad-header-length'), as is
 * an RFC 4884 length longer than the message ('bad-length').
 */
export function decodeIcmp(bytes: Uint8Array, offset = 0, options?: IcmpDecodeOptions): Decoded<IcmpMessage> {
  const end = icmpMessageEnd(bytes, offset, options?.length);
  const type = bytes[offset + TYPE]!;
  const kind = icmpKind(type);
  const headerLength = icmpFixedLength(kind);
  if (end - offset < headerLength) {
    throw new DecodeError({ code: 'truncated', layer: LAYER, offset, required: headerLength, available: end - offset });
  }
  // Issues are collected in lax mode only; strict mode throws the first problem.
  const issues: DecodeIssue[] | undefined = options?.mode === 'lax' ? [] : undefined;
  const checksum = readU16(bytes, offset + CHECKSUM);
  const checksumValid = internetChecksum(bytes, offset, end) === 0;
  if (!checksumValid && options?.checksum !== 'ignore') {
    const error = new DecodeError({
      code: 'bad-checksum',
      layer: LAYER,
      offset: offset + CHECKSUM,
      message: `icmp at offset ${offset}: bad checksum 0x${checksum.toString(16).padStart(4, '0')}`,
    });
    if (issues === undefined) throw error;
    issues.push(error.toIssue());
  }
  const header = readMessage(kind, type, checksum, checksumValid, bytes, offset, end, issues);
  const start = offset + headerLength;
  return {
    header,
    headerLength,
    payload: start === end ? NO_BYTES : bytes.subarray(start, end),
    issues: issues === undefined || issues.length === 0 ? NO_ISSUES : issues,
  };
}

/**
 * The kind's object. Literals list the fields in one order per kind (no
 * spreads), which keeps each kind's objects on one hidden class.
 */
function readMessage(
  kind: IcmpKind,
  type: number,
  checksum: number,
  checksumValid: boolean,
  bytes: Uint8Array,
  offset: number,
  end: number,
  issues: DecodeIssue[] | undefined,
): IcmpMessage {
  const code = bytes[offset + CODE]!;
  const id = readU16(bytes, offset + ID);
  const seq = readU16(bytes, offset + SEQ);
  const body = offset + ICMP_HEADER_LENGTH;
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
      return { kind, type, code, checksum, checksumValid, id, seq, data: byteRange(bytes, body, end) };
    case 'dest-unreachable': {
      const length = bytes[offset + LENGTH]!;
      const quoteEnd = quoteEndOf(bytes, offset, end, issues);
      return {
        kind, type, code, checksum, checksumValid,
        unused: bytes[offset + REST]!,
        length,
        mtu: seq,
        quoted: decodeQuoted(bytes, body, quoteEnd, issues),
        extensions: byteRange(bytes, quoteEnd, end),
      };
    }
    case 'source-quench':
      return { kind, type, code, checksum, checksumValid, unused: readU32(bytes, offset + REST), quoted: decodeQuoted(bytes, body, end, issues) };
    case 'redirect':
      return { kind, type, code, checksum, checksumValid, gateway: ipv4FromBytes(bytes, offset + GATEWAY), quoted: decodeQuoted(bytes, body, end, issues) };
    case 'time-exceeded': {
      const quoteEnd = quoteEndOf(bytes, offset, end, issues);
      return {
        kind, type, code, checksum, checksumValid,
        unused: bytes[offset + REST]! * 0x10000 + seq,
        length: bytes[offset + LENGTH]!,
        quoted: decodeQuoted(bytes, body, quoteEnd, issues),
        extensions: byteRange(bytes, quoteEnd, end),
      };
    }
    case 'parameter-problem': {
      const quoteEnd = quoteEndOf(bytes, offset, end, issues);
      return {
        kind, type, code, checksum, checksumValid,
        pointer: bytes[offset + POINTER]!,
        length: bytes[offset + LENGTH]!,
        unused: seq,
        quoted: decodeQuoted(bytes, body, quoteEnd, issues),
        extensions: byteRange(bytes, quoteEnd, end),
      };
    }
    case 'timestamp':
    case 'timestamp-reply':
      return {
        kind, type, code, checksum, checksumValid, id, seq,
        originate: readU32(bytes, offset + ORIGINATE),
        receive: readU32(bytes, offset + RECEIVE),
        transmit: readU32(bytes, offset + TRANSMIT),
      };
    case 'info-request':
    case 'info-reply':
      return { kind, type, code, checksum, checksumValid, id, seq };
    case 'mask-request':
    case 'mask-reply':
      return { kind, type, code, checksum, checksumValid, id, seq, mask: readU32(bytes, offset + MASK) };
    case 'unknown':
      return { kind, type, code, checksum, checksumValid, rest: readU32(bytes, offset + REST), body: byteRange(bytes, body, end) };
  }
}

/**
 * Where the quote of a type with the RFC 4884 length field ends: after
 * `length` words when that fits the message (extensions follow), else at
 * the end of the message (lax mode notes a length that does not fit).
 */
function quoteEndOf(bytes: Uint8Array, offset: number, end: number, issues: DecodeIssue[] | undefined): number {
  const start = offset + ICMP_HEADER_LENGTH;
  const words = bytes[offset + LENGTH]!;
  if (start + words * 4 <= end) return words > 0 ? start + words * 4 : end;
  issues?.push(
    new DecodeError({
      code: 'bad-length',
      layer: LAYER,
      offset: offset + LENGTH,
      message: `icmp at offset ${offset}: RFC 4884 length ${words} words exceeds the ${end - start} bytes after the header`,
    }).toIssue(),
  );
  return end;
}

/** The kind of an input, checked against its type; the type to write. */
function resolveType(input: IcmpInput): number {
  const kind: unknown = input.kind;
  if (kind === 'unknown') {
    const type = checkUint(input.type as number, 0xff, 'type');
    const actual = icmpKind(type);
    if (actual !== 'unknown') {
      throw new EncodeError('invalid', 'type', `type: ${type} is kind '${actual}', not 'unknown'; use that kind`);
    }
    return type;
  }
  const implied = (KIND_TYPES as Readonly<Record<string, number>>)[kind as string];
  if (implied === undefined) throw new EncodeError('invalid', 'kind', `kind: not an ICMP message kind: ${String(kind)}`);
  if (input.type !== undefined && input.type !== implied) {
    throw new EncodeError('invalid', 'type', `type: kind '${String(kind)}' has type ${implied}, got ${input.type}`);
  }
  return implied;
}

/** Quote bytes as written: padded to RFC 4884's minimum when extensions follow and `length` is computed. */
function paddedQuoteLength(raw: Uint8Array, extensions: Uint8Array | undefined, length: number | undefined): number {
  if (length !== undefined || extensions === undefined || extensions.length === 0) return raw.length;
  return Math.max(RFC4884_MIN_QUOTE, Math.ceil(raw.length / 4) * 4);
}

/** Bytes `encodeIcmp` writes for `input`. */
export function icmpMessageLength(input: IcmpInput): number {
  switch (input.kind) {
    case 'echo-request':
    case 'echo-reply':
      return ICMP_HEADER_LENGTH + (input.data?.length ?? 0);
    case 'dest-unreachable':
    case 'time-exceeded':
    case 'parameter-problem':
      return (
        ICMP_HEADER_LENGTH +
        paddedQuoteLength(input.quoted.raw, input.extensions, input.length) +
        (input.extensions?.length ?? 0)
      );
    case 'source-quench':
    case 'redirect':
      return ICMP_HEADER_LENGTH + input.quoted.raw.length;
    case 'timestamp':
    case 'timestamp-reply':
      return TIMESTAMP_LENGTH;
    case 'mask-request':
    case 'mask-reply':
      return MASK_LENGTH;
    case 'info-request':
    case 'info-reply':
      return ICMP_HEADER_LENGTH;
    case 'unknown':
      return ICMP_HEADER_LENGTH + input.body.length;
  }
}

/**
 * Writes `input` into `out` at `offset` (or a new array) and returns the
 * written bytes. The checksum over the whole message is computed unless
 * `input.checksum` is given (so tests can build bad messages); for the
 * RFC 4884 kinds with `extensions` and no `length`, the quote is zero-padded
 * to a multiple of 4 bytes, at least 128, and `length` set to match.
 *
 * Throws EncodeError: 'out-of-range' for a field that does not fit its
 * bits, 'invalid' for a `type` that contradicts `kind` (or, for 'unknown',
 * a type that has a kind of its own), 'too-long' for a message over 65515
 * bytes (or an RFC 4884 quote over 1020), 'buffer-too-small' when `out`
 * cannot hold it.
 */
export function encodeIcmp(input: IcmpInput, out?: Uint8Array, offset = 0): Uint8Array {
  const type = resolveType(input);
  const code = checkUint(input.code ?? 0, 0xff, 'code');
  const length = icmpMessageLength(input);
  if (length > MAX_ICMP_LENGTH) {
    throw new EncodeError('too-long', 'length', `icmp message of ${length} bytes does not fit an IPv4 datagram (max ${MAX_ICMP_LENGTH})`);
  }
  const region = outputRegion(length, out, offset);
  region[TYPE] = type;
  region[CODE] = code;
  writeU16(region, CHECKSUM, 0);
  writeBody(input, region);
  const checksum = input.checksum === undefined ? internetChecksum(region) : checkUint(input.checksum, 0xffff, 'checksum');
  writeU16(region, CHECKSUM, checksum);
  return region;
}

function writeBody(input: IcmpInput, region: Uint8Array): void {
  switch (input.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'info-request':
    case 'info-reply':
    case 'timestamp':
    case 'timestamp-reply':
    case 'mask-request':
    case 'mask-reply':
      writeU16(region, ID, checkUint(input.id, 0xffff, 'id'));
      writeU16(region, SEQ, checkUint(input.seq, 0xffff, 'seq'));
      if (input.kind === 'echo-request' || input.kind === 'echo-reply') {
        if (input.data !== undefined) region.set(input.data, ICMP_HEADER_LENGTH);
      } else if (input.kind === 'timestamp' || input.kind === 'timestamp-reply') {
        writeU32(region, ORIGINATE, checkUint(input.originate, 0xffff_ffff, 'originate'));
        writeU32(region, RECEIVE, checkUint(input.receive, 0xffff_ffff, 'receive'));
        writeU32(region, TRANSMIT, checkUint(input.transmit, 0xffff_ffff, 'transmit'));
      } else if (input.kind === 'mask-request' || input.kind === 'mask-reply') {
        writeU32(region, MASK, checkUint(input.mask, 0xffff_ffff, 'mask'));
      }
      return;
    case 'dest-unreachable':
      region[REST] = checkUint(input.unused ?? 0, 0xff, 'unused');
      writeU16(region, MTU, checkUint(input.mtu ?? 0, 0xffff, 'mtu'));
      writeQuoteWithExtensions(region, input.quoted.raw, input.extensions, input.length);
      return;
    case 'time-exceeded': {
      const unused = checkUint(input.unused ?? 0, 0xff_ffff, 'unused');
      region[REST] = unused >>> 16;
      writeU16(region, SEQ, unused & 0xffff);
      writeQuoteWithExtensions(region, input.quoted.raw, input.extensions, input.length);
      return;
    }
    case 'parameter-problem':
      region[POINTER] = checkUint(input.pointer, 0xff, 'pointer');
      writeU16(region, SEQ, checkUint(input.unused ?? 0, 0xffff, 'unused'));
      writeQuoteWithExtensions(region, input.quoted.raw, input.extensions, input.length);
      return;
    case 'source-quench':
      writeU32(region, REST, checkUint(input.unused ?? 0, 0xffff_ffff, 'unused'));
      region.set(input.quoted.raw, ICMP_HEADER_LENGTH);
      return;
    case 'redirect':
      writeU32(region, GATEWAY, checkUint(input.gateway, 0xffff_ffff, 'gateway') as Ipv4Address);
      region.set(input.quoted.raw, ICMP_HEADER_LENGTH);
      return;
    case 'unknown':
      writeU32(region, REST, checkUint(input.rest, 0xffff_ffff, 'rest'));
      region.set(input.body, ICMP_HEADER_LENGTH);
      return;
  }
}

/** The RFC 4884 length byte, the quote (zero-padded when the length is computed) and the extensions. */
function writeQuoteWithExtensions(region: Uint8Array, raw: Uint8Array, extensions: Uint8Array | undefined, length: number | undefined): void {
  const padded = paddedQuoteLength(raw, extensions, length);
  let words: number;
  if (length !== undefined) words = checkUint(length, 0xff, 'length');
  else if (padded === raw.length && (extensions === undefined || extensions.length === 0)) words = 0;
  else {
    words = padded / 4;
    if (words > 0xff) {
      throw new EncodeError('too-long', 'quoted', `quoted: ${raw.length} bytes; with RFC 4884 extensions a quote holds at most 1020`);
    }
  }
  region[LENGTH] = words;
  region.set(raw, ICMP_HEADER_LENGTH);
  region.fill(0, ICMP_HEADER_LENGTH + raw.length, ICMP_HEADER_LENGTH + padded);
  if (extensions !== undefined) region.set(extensions, ICMP_HEADER_LENGTH + padded);
}

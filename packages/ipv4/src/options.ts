import {
  EncodeError,
  checkUint,
  hex,
  ipv4FromBytes,
  readU16,
  readU32,
  writeIpv4,
  writeU16,
  writeU32,
  type IssueCollector,
  type Ipv4Address,
} from '@wirestack/core';
import { LAYER } from './length.js';

/**
 * IPv4 options (RFC 791 §3.1 "Options", RFC 2113). An option is either a
 * single octet (End of Option List, No Operation) or type, length (counting
 * type and length) and data. The type octet holds the copied flag (bit 0:
 * copy the option into every fragment), the class (bits 1-2) and the
 * number (bits 3-7).
 */
export const Ipv4OptionType = {
  EOL: 0,
  NOP: 1,
  RecordRoute: 7,
  Timestamp: 68,
  LooseSourceRoute: 131,
  StrictSourceRoute: 137,
  RouterAlert: 148,
} as const;

/** The copied flag: the option goes into every fragment, not only the first. */
export const OPTION_COPIED = 0x80;

export function isCopiedOption(type: number): boolean {
  return (type & OPTION_COPIED) !== 0;
}

/** End of Option List: the rest of the header is padding. */
export interface EndOfOptionListOption {
  readonly type: 0;
  readonly kind: 'eol';
}

export interface NoOperationOption {
  readonly type: 1;
  readonly kind: 'nop';
}

/**
 * Record Route (7), Loose (131) and Strict (137) Source and Record Route
 * share one layout: a pointer (1-based, counting from the type octet, 4 for
 * the first slot) and length - 3 bytes of addresses. `addresses` holds every
 * slot, filled or not; the pointer says which are filled (RR) or next (SR).
 */
interface RouteData {
  /** Octet (1-based from the option's type octet) of the next slot; 4 is the first, past the end means full. */
  readonly pointer: number;
  readonly addresses: readonly Ipv4Address[];
}

export interface RecordRouteOption extends RouteData {
  readonly type: 7;
  readonly kind: 'record-route';
}

export interface LooseSourceRouteOption extends RouteData {
  readonly type: 131;
  readonly kind: 'loose-source-route';
}

export interface StrictSourceRouteOption extends RouteData {
  readonly type: 137;
  readonly kind: 'strict-source-route';
}

/** One slot of a Timestamp option: a timestamp, preceded by an address for flags 1 and 3. */
export interface TimestampEntry {
  readonly address?: Ipv4Address;
  /** Milliseconds since midnight UT, or any value with the high-order bit set (RFC 791). */
  readonly timestamp: number;
}

/**
 * Internet Timestamp (68). `flag` 0: timestamps only; 1: each router
 * records its address and a timestamp; 3: the addresses are prespecified
 * and only the named routers fill in their timestamp.
 */
export interface TimestampOption {
  readonly type: 68;
  readonly kind: 'timestamp';
  /** Octet (1-based) of the next free slot; 5 is the first. */
  readonly pointer: number;
  /** Routers that could not record a timestamp for lack of space (4 bits). */
  readonly overflow: number;
  readonly flag: 0 | 1 | 3;
  /** Every slot, filled or not. */
  readonly entries: readonly TimestampEntry[];
}

/** Router Alert (RFC 2113): routers examine the packet; value 0 = "Router shall examine packet". */
export interface RouterAlertOption {
  readonly type: 148;
  readonly kind: 'router-alert';
  readonly value: number;
}

/** An option of a type this package does not interpret: its data, kept as bytes and written back as is. */
export interface UnknownOption {
  readonly type: number;
  readonly kind: 'unknown';
  /** What follows the type and length octets. */
  readonly data: Uint8Array;
}

/**
 * Bytes lax mode could not read as an option (a length of 0 or 1, one
 * running past the header, a known option with an impossible length),
 * kept verbatim so the header encodes back to the same bytes. Never
 * produced in strict mode, which rejects them with 'bad-option'.
 */
export interface MalformedOption {
  readonly type: number;
  readonly kind: 'malformed';
  /** The option's wire bytes from its type octet (to the end of the options when its length is unusable). */
  readonly bytes: Uint8Array;
}

export type Ipv4Option =
  | EndOfOptionListOption
  | NoOperationOption
  | RecordRouteOption
  | LooseSourceRouteOption
  | StrictSourceRouteOption
  | TimestampOption
  | RouterAlertOption
  | UnknownOption
  | MalformedOption;

export type Ipv4OptionKind = Ipv4Option['kind'];

/** What the encoder takes: for the interpreted kinds `type` follows from `kind` and may be left out. */
export type Ipv4OptionInput = Ipv4Option extends infer O
  ? O extends UnknownOption | MalformedOption
    ? O
    : O extends { readonly type: infer T }
      ? Omit<O, 'type'> & { readonly type?: T }
      : never
  : never;

const TYPE_OF_KIND: Readonly<Record<string, number>> = {
  eol: Ipv4OptionType.EOL,
  nop: Ipv4OptionType.NOP,
  'record-route': Ipv4OptionType.RecordRoute,
  timestamp: Ipv4OptionType.Timestamp,
  'loose-source-route': Ipv4OptionType.LooseSourceRoute,
  'strict-source-route': Ipv4OptionType.StrictSourceRoute,
  'router-alert': Ipv4OptionType.RouterAlert,
};

const NAMES: Readonly<Record<number, string>> = {
  [Ipv4OptionType.EOL]: 'EOL',
  [Ipv4OptionType.NOP]: 'NOP',
  [Ipv4OptionType.RecordRoute]: 'RR',
  [Ipv4OptionType.Timestamp]: 'TS',
  [Ipv4OptionType.LooseSourceRoute]: 'LSRR',
  [Ipv4OptionType.StrictSourceRoute]: 'SSRR',
  [Ipv4OptionType.RouterAlert]: 'RA',
};

/** Short names as tcpdump prints them: 'EOL', 'NOP', 'RR', 'TS', 'LSRR', 'SSRR', 'RA', else hex such as '0x1e'. */
export function ipv4OptionName(type: number): string {
  return NAMES[type] ?? hex(type, 2);
}

const EOL_OPTION: EndOfOptionListOption = Object.freeze({ type: 0, kind: 'eol' });
const NOP_OPTION: NoOperationOption = Object.freeze({ type: 1, kind: 'nop' });

/** Route slots start at octet 4 (pointer value), timestamps at 5. */
const ROUTE_FIRST_POINTER = 4;
const TIMESTAMP_FIRST_POINTER = 5;

// ---------------------------------------------------------------- decoding

/**
 * Reads the options in bytes[start..end) (the header after its 20 fixed
 * bytes). Every step advances at least one octet, and an unusable length
 * ends the walk, so a hostile list cannot loop. Problems ('bad-option',
 * reported at the option's type octet) go to `problems`:
 * thrown in strict mode; in lax mode reported, with the unreadable bytes
 * kept as a 'malformed' option.
 */
export function readOptions(bytes: Uint8Array, start: number, end: number, problems: IssueCollector): Ipv4Option[] {
  const options: Ipv4Option[] = [];
  let at = start;
  while (at < end) {
    const type = bytes[at]!;
    if (type === Ipv4OptionType.EOL) {
      // What follows is padding (zeros when well-formed): not options.
      options.push(EOL_OPTION);
      break;
    }
    if (type === Ipv4OptionType.NOP) {
      options.push(NOP_OPTION);
      at++;
      continue;
    }
    const length = at + 1 < end ? bytes[at + 1]! : -1;
    if (length < 2 || at + length > end) {
      problems.report({
        code: 'bad-option',
        layer: LAYER,
        offset: at,
        message:
          length < 0
            ? `ipv4 option ${ipv4OptionName(type)} at offset ${at}: no room for its length octet`
            : `ipv4 option ${ipv4OptionName(type)} at offset ${at}: length ${length} ${length < 2 ? 'is below 2' : `runs ${at + length - end} bytes past the header`}`,
      });
      options.push(malformed(bytes, at, end));
      break;
    }
    options.push(readOption(bytes, at, length, problems));
    at += length;
  }
  return options;
}

function malformed(bytes: Uint8Array, start: number, end: number): MalformedOption {
  return { type: bytes[start]!, kind: 'malformed', bytes: bytes.slice(start, end) };
}

/** One option of `length` octets (at least 2, and inside the header) at `at`. */
function readOption(bytes: Uint8Array, at: number, length: number, problems: IssueCollector): Ipv4Option {
  const type = bytes[at]!;
  switch (type) {
    case Ipv4OptionType.RecordRoute:
    case Ipv4OptionType.LooseSourceRoute:
    case Ipv4OptionType.StrictSourceRoute:
      return readRoute(bytes, at, length, problems);
    case Ipv4OptionType.Timestamp:
      return readTimestamp(bytes, at, length, problems);
    case Ipv4OptionType.RouterAlert:
      if (length !== 4) return badLength(bytes, at, length, 'must be 4', problems);
      return { type, kind: 'router-alert', value: readU16(bytes, at + 2) };
    default:
      return { type, kind: 'unknown', data: bytes.slice(at + 2, at + length) };
  }
}

function readRoute(bytes: Uint8Array, at: number, length: number, problems: IssueCollector): Ipv4Option {
  if (length < 3 || (length - 3) % 4 !== 0) return badLength(bytes, at, length, 'must be 3 + 4n', problems);
  const pointer = bytes[at + 2]!;
  if (pointer < ROUTE_FIRST_POINTER || pointer % 4 !== 0) {
    badPointer(at, pointer, `must be 4, 8, 12, ...`, problems);
  }
  const addresses: Ipv4Address[] = [];
  for (let p = at + 3; p < at + length; p += 4) addresses.push(ipv4FromBytes(bytes, p));
  const type = bytes[at]!;
  if (type === Ipv4OptionType.RecordRoute) return { type, kind: 'record-route', pointer, addresses };
  if (type === Ipv4OptionType.LooseSourceRoute) return { type, kind: 'loose-source-route', pointer, addresses };
  return { type: Ipv4OptionType.StrictSourceRoute, kind: 'strict-source-route', pointer, addresses };
}

function readTimestamp(bytes: Uint8Array, at: number, length: number, problems: IssueCollector): Ipv4Option {
  if (length < 4) return badLength(bytes, at, length, 'must be at least 4', problems);
  const pointer = bytes[at + 2]!;
  const overflow = bytes[at + 3]! >>> 4;
  const flag = bytes[at + 3]! & 0x0f;
  if (flag !== 0 && flag !== 1 && flag !== 3) {
    problems.report({
      code: 'bad-option',
      layer: LAYER,
      offset: at,
      message: `ipv4 option TS at offset ${at}: flag ${flag} is none of 0, 1, 3`,
    });
    return malformed(bytes, at, at + length);
  }
  const slot = flag === 0 ? 4 : 8;
  if ((length - 4) % slot !== 0) return badLength(bytes, at, length, `must be 4 + ${slot}n for flag ${flag}`, problems);
  if (pointer < TIMESTAMP_FIRST_POINTER || (pointer - TIMESTAMP_FIRST_POINTER) % slot !== 0) {
    badPointer(at, pointer, `must be 5 + ${slot}n`, problems);
  }
  const entries: TimestampEntry[] = [];
  for (let p = at + 4; p < at + length; p += slot) {
    entries.push(flag === 0 ? { timestamp: readU32(bytes, p) } : { address: ipv4FromBytes(bytes, p), timestamp: readU32(bytes, p + 4) });
  }
  return { type: Ipv4OptionType.Timestamp, kind: 'timestamp', pointer, overflow, flag, entries };
}

function badLength(bytes: Uint8Array, at: number, length: number, rule: string, problems: IssueCollector): MalformedOption {
  problems.report({
    code: 'bad-option',
    layer: LAYER,
    offset: at,
    message: `ipv4 option ${ipv4OptionName(bytes[at]!)} at offset ${at}: length ${length} ${rule}`,
  });
  return malformed(bytes, at, at + length);
}

/** A pointer out of place leaves the option readable, so lax mode keeps it typed. */
function badPointer(at: number, pointer: number, rule: string, problems: IssueCollector): void {
  problems.report({
    code: 'bad-option',
    layer: LAYER,
    offset: at,
    message: `ipv4 option at offset ${at}: pointer ${pointer} ${rule}`,
  });
}

// ---------------------------------------------------------------- encoding

/** Bytes `option` occupies on the wire; throws EncodeError for contents that cannot be written. */
export function optionLength(option: Ipv4OptionInput): number {
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return 3 + 4 * option.addresses.length;
    case 'timestamp':
      return 4 + (option.flag === 0 ? 4 : 8) * option.entries.length;
    case 'router-alert':
      return 4;
    case 'unknown':
      return 2 + option.data.length;
    case 'malformed':
      return option.bytes.length;
    default:
      throw new EncodeError('invalid', 'options', `options: unknown kind ${String((option as { kind: unknown }).kind)}`);
  }
}

/**
 * Bytes the option list occupies, before padding. Throws EncodeError:
 * 'invalid' for an EOL that is not last, 'too-long' past 40 bytes (or for
 * a single option longer than its length octet can say).
 */
export function optionsLength(options: readonly Ipv4OptionInput[]): number {
  let total = 0;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (option.kind === 'eol' && i !== options.length - 1) {
      throw new EncodeError('invalid', 'options', `options: EOL at index ${i} is not the last option (what follows it would be padding)`);
    }
    const length = optionLength(option);
    if (length > 0xff && option.kind !== 'malformed') {
      throw new EncodeError('too-long', 'options', `options: option ${i} (${option.kind}) needs ${length} bytes, its length octet holds 255`);
    }
    total += length;
  }
  if (total > 40) throw new EncodeError('too-long', 'options', `options: ${total} bytes, an IPv4 header holds at most 40`);
  return total;
}

/** Writes the options from `at` and returns where they end (padding is the caller's). */
export function writeOptions(out: Uint8Array, at: number, options: readonly Ipv4OptionInput[]): number {
  for (const option of options) at = writeOption(out, at, option);
  return at;
}

function writeOption(out: Uint8Array, at: number, option: Ipv4OptionInput): number {
  const type = typeOf(option);
  const length = optionLength(option);
  switch (option.kind) {
    case 'eol':
    case 'nop':
      out[at] = type;
      return at + 1;
    case 'malformed':
      out.set(option.bytes, at);
      return at + length;
    default:
      break;
  }
  out[at] = type;
  out[at + 1] = length;
  switch (option.kind) {
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route': {
      out[at + 2] = checkUint(option.pointer, 0xff, 'options.pointer');
      let p = at + 3;
      for (const address of option.addresses) {
        writeIpv4(out, p, checkUint(address, 0xffff_ffff, 'options.addresses') as Ipv4Address);
        p += 4;
      }
      break;
    }
    case 'timestamp': {
      out[at + 2] = checkUint(option.pointer, 0xff, 'options.pointer');
      const flag = option.flag as number;
      if (flag !== 0 && flag !== 1 && flag !== 3) {
        throw new EncodeError('invalid', 'options.flag', `options.flag: ${flag} is none of 0, 1, 3 (write other flags as a 'malformed' option)`);
      }
      out[at + 3] = (checkUint(option.overflow, 0x0f, 'options.overflow') << 4) | flag;
      let p = at + 4;
      for (const entry of option.entries) {
        if ((entry.address === undefined) !== (flag === 0)) {
          throw new EncodeError('invalid', 'options.entries', `options.entries: flag ${flag} ${flag === 0 ? 'has no' : 'needs an'} address in each entry`);
        }
        if (entry.address !== undefined) {
          writeIpv4(out, p, checkUint(entry.address, 0xffff_ffff, 'options.entries') as Ipv4Address);
          p += 4;
        }
        writeU32(out, p, checkUint(entry.timestamp, 0xffff_ffff, 'options.entries'));
        p += 4;
      }
      break;
    }
    case 'router-alert':
      writeU16(out, at + 2, checkUint(option.value, 0xffff, 'options.value'));
      break;
    case 'unknown':
      out.set(option.data, at + 2);
      break;
  }
  return at + length;
}

/** The type octet: given, or implied by the kind (a given one must agree). */
function typeOf(option: Ipv4OptionInput): number {
  const implied = TYPE_OF_KIND[option.kind];
  const given = option.type;
  if (implied === undefined) return checkUint(given as number, 0xff, 'options.type');
  if (given !== undefined && given !== implied) {
    throw new EncodeError('invalid', 'options.type', `options.type: kind '${option.kind}' has type ${implied}, got ${given}`);
  }
  return implied;
}

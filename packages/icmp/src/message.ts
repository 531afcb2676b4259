import type { Ipv4Address } from '@wirestack/core';

/**
 * The decoded form of an ICMPv4 message: a union told apart by `kind`, one
 * kind per type (see `icmpKind`). Every kind carries the common header
 * fields `type`, `code`, `checksum` and `checksumValid`; the rest-of-header
 * word is split into the fields the type gives it.
 *
 * `unused`, where a kind has it, holds the bytes of the rest-of-header word
 * that the type leaves unused, read as one big-endian number (zero on
 * conforming packets): kept so that every message re-encodes to the bytes
 * it was decoded from.
 *
 * Byte arrays (`data`, `body`, `quoted.raw`, ...) are copies owned by the
 * object; `Decoded.payload` is the zero-copy view of the same bytes.
 */
export type IcmpMessage =
  | IcmpEcho
  | IcmpDestUnreachable
  | IcmpSourceQuench
  | IcmpRedirect
  | IcmpTimeExceeded
  | IcmpParameterProblem
  | IcmpTimestamp
  | IcmpInfo
  | IcmpMask
  | IcmpUnknown;

interface IcmpCommon {
  readonly type: number;
  /** Any 8-bit code: the named ones are in `UnreachableCode`, `RedirectCode`, ... */
  readonly code: number;
  readonly checksum: number;
  /** Whether `checksum` is right for the message's bytes (always computed, also with `checksum: 'ignore'`). */
  readonly checksumValid: boolean;
}

/** Echo request (8) and reply (0), RFC 792. */
export interface IcmpEcho extends IcmpCommon {
  readonly kind: 'echo-request' | 'echo-reply';
  readonly id: number;
  readonly seq: number;
  /** Everything after the 8-byte header (a ping's timestamp and pattern). */
  readonly data: Uint8Array;
}

/** Fields every error message has: the datagram it is about. */
interface IcmpErrorCommon extends IcmpCommon {
  readonly quoted: QuotedDatagram;
}

/**
 * The RFC 4884 fields of destination unreachable, time exceeded and
 * parameter problem. `length` is the length of the quoted datagram in
 * 32-bit words when an extension structure follows it (0: no extensions,
 * the quote runs to the end of the message). When 4 * length fits in the
 * message, `quoted` holds those bytes and `extensions` the rest (raw: the
 * extension structure of RFC 4884 section 7, unparsed); otherwise the whole
 * rest is `quoted` and `extensions` is empty.
 */
interface Rfc4884 {
  readonly length: number;
  readonly extensions: Uint8Array;
}

/** Destination unreachable (3), codes 0-15 (`UnreachableCode`). */
export interface IcmpDestUnreachable extends IcmpErrorCommon, Rfc4884 {
  readonly kind: 'dest-unreachable';
  /** Byte 4. */
  readonly unused: number;
  /** Next-hop MTU (RFC 1191), bytes 6-7: meaningful for code 4 (fragmentation needed), 0 otherwise. */
  readonly mtu: number;
}

/** Source quench (4), RFC 792; deprecated by RFC 6633 but still decoded. */
export interface IcmpSourceQuench extends IcmpErrorCommon {
  readonly kind: 'source-quench';
  /** Bytes 4-7. */
  readonly unused: number;
}

/** Redirect (5), codes `RedirectCode`. */
export interface IcmpRedirect extends IcmpErrorCommon {
  readonly kind: 'redirect';
  /** The gateway the sender should use for the quoted datagram's destination. */
  readonly gateway: Ipv4Address;
}

/** Time exceeded (11), codes `TimeExceededCode`. */
export interface IcmpTimeExceeded extends IcmpErrorCommon, Rfc4884 {
  readonly kind: 'time-exceeded';
  /** Bytes 4, 6 and 7 (24 bits). */
  readonly unused: number;
}

/** Parameter problem (12), codes `ParameterProblemCode`. */
export interface IcmpParameterProblem extends IcmpErrorCommon, Rfc4884 {
  readonly kind: 'parameter-problem';
  /** The octet of the quoted datagram where the problem is (code 0). */
  readonly pointer: number;
  /** Bytes 6-7. */
  readonly unused: number;
}

/**
 * Timestamp (13) and timestamp reply (14), RFC 792: milliseconds since
 * midnight UT, or any value with the high bit set when that is not
 * available. Exactly 20 bytes; bytes beyond are `Decoded.payload`.
 */
export interface IcmpTimestamp extends IcmpCommon {
  readonly kind: 'timestamp' | 'timestamp-reply';
  readonly id: number;
  readonly seq: number;
  readonly originate: number;
  readonly receive: number;
  readonly transmit: number;
}

/** Information request (15) and reply (16), RFC 792: 8 bytes; bytes beyond are `Decoded.payload`. */
export interface IcmpInfo extends IcmpCommon {
  readonly kind: 'info-request' | 'info-reply';
  readonly id: number;
  readonly seq: number;
}

/** Address mask request (17) and reply (18), RFC 950: 12 bytes; bytes beyond are `Decoded.payload`. */
export interface IcmpMask extends IcmpCommon {
  readonly kind: 'mask-request' | 'mask-reply';
  readonly id: number;
  readonly seq: number;
  /** The subnet mask as a uint32 (0 in requests). */
  readonly mask: number;
}

/** Any other type (router advertisement, unassigned, experimental...), kept whole. */
export interface IcmpUnknown extends IcmpCommon {
  readonly kind: 'unknown';
  /** The rest-of-header word, bytes 4-7. */
  readonly rest: number;
  /** Everything after the 8-byte header. */
  readonly body: Uint8Array;
}

/**
 * The datagram an error message quotes, raw and decoded as far as the bytes
 * allow. Decoding the quote never fails the ICMP decode: routers may quote
 * less than RFC 792's header + 8 bytes, or mangle it.
 */
export interface QuotedDatagram {
  /** The quoted bytes as they are in the message (a copy). */
  readonly raw: Uint8Array;
  /** The quoted IPv4 header, when at least 20 bytes are quoted and the version is 4. */
  readonly ip: QuotedIpv4Header | undefined;
  /**
   * The ports of a quoted UDP (17) or TCP (6) datagram, when its first 8
   * bytes are quoted and the quoted datagram is a first fragment.
   */
  readonly transport: QuotedUdp | QuotedTcp | undefined;
  /**
   * Fewer bytes are quoted than the quoted header (IHL, 20 bytes when it is
   * not IPv4) plus 8 bytes of its payload, and the quoted datagram's total
   * length says there were more.
   */
  readonly truncated: boolean;
}

/**
 * The fixed fields of a quoted IPv4 header. A reader of its own, not
 * @wirestack/ipv4: codecs depend on core only; `@wirestack/stack` decodes
 * quoted datagrams fully with @wirestack/ipv4.
 */
export interface QuotedIpv4Header {
  readonly version: 4;
  /** Header length in 32-bit words, as on the wire (may be < 5 in a mangled quote). */
  readonly ihl: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number;
  readonly id: number;
  readonly df: boolean;
  readonly mf: boolean;
  /** Fragment offset in bytes (the wire field times 8). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  /** Options bytes as quoted (IHL * 4 - 20 bytes, fewer when the quote is cut inside them); a copy. */
  readonly options: Uint8Array;
}

export interface QuotedUdp {
  readonly protocol: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
}

export interface QuotedTcp {
  readonly protocol: 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** The sequence number: the other 4 of the 8 quoted bytes, what RFC 5927 checks. */
  readonly seq: number;
}

/**
 * What `encodeIcmp` takes. Every decoded `IcmpMessage` is a valid input;
 * in addition, `type` may be left out (the kind implies it, except for
 * 'unknown'), `code`, `unused`, `mtu` and `length` default to 0,
 * `extensions` and `data` to empty, and `checksum` is computed unless
 * given. A quote is given by its bytes: `{ raw }` (a decoded
 * `QuotedDatagram` is one).
 */
export type IcmpInput =
  | InputOf<IcmpEcho, 'data'>
  | (InputOf<IcmpDestUnreachable, 'unused' | 'mtu' | 'length' | 'extensions'> & QuotedInputField)
  | (InputOf<IcmpSourceQuench, 'unused'> & QuotedInputField)
  | (InputOf<IcmpRedirect, never> & QuotedInputField)
  | (InputOf<IcmpTimeExceeded, 'unused' | 'length' | 'extensions'> & QuotedInputField)
  | (InputOf<IcmpParameterProblem, 'unused' | 'length' | 'extensions'> & QuotedInputField)
  | InputOf<IcmpTimestamp, never>
  | InputOf<IcmpInfo, never>
  | InputOf<IcmpMask, never>
  | (InputOf<IcmpUnknown, never> & { readonly type: number });

/** The error kinds as inputs: what `errorFor` returns. */
export type IcmpErrorInput = Extract<IcmpInput, { readonly quoted: QuotedInput }>;

/** A quote to encode: its bytes. */
export interface QuotedInput {
  readonly raw: Uint8Array;
}

interface QuotedInputField {
  readonly quoted: QuotedInput;
}

type InputOf<M, Defaulted extends keyof M> = Omit<M, 'type' | 'code' | 'checksum' | 'checksumValid' | 'quoted' | Defaulted> & {
  readonly type?: number;
  readonly code?: number;
  readonly checksum?: number;
} & Partial<Pick<M, Defaulted>>;

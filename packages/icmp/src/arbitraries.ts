/**
 * fast-check arbitraries for ICMPv4. Import from `@wirestack/icmp/arbitraries`;
 * fast-check is an optional peer dependency the main entry never loads.
 *
 * Messages and their wire bytes are generated together, field after field
 * as RFC 792 draws them and with the checksum computed over those bytes,
 * independently of `encodeIcmp`, so they can test it.
 */
import * as fc from 'fast-check';
import { internetChecksum, type Ipv4Address } from '@wirestack/core';
import { ipv4Address, uint16, uint8 } from '@wirestack/core/arbitraries';
import type {
  IcmpMessage,
  QuotedDatagram,
  QuotedIpv4Header,
  QuotedTcp,
  QuotedUdp,
} from './message.js';
import { icmpKind, type IcmpKind } from './types.js';

const uint32 = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0xffff_ffff });
/** Mostly zero (what conforming senders write), sometimes anything. */
const mostlyZero = (max: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max }) });

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** A quoted datagram with the decoded form `decodeIcmp` must give for it. */
export interface QuotedCase {
  readonly raw: Uint8Array;
  readonly expected: QuotedDatagram;
}

interface QuoteFields {
  readonly ihl: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number | 'actual';
  readonly id: number;
  readonly flags: number;
  readonly fragmentBlocks: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly options: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly word: number;
  readonly udpLength: number;
  readonly udpChecksum: number;
  readonly more: Uint8Array;
}

const quoteFields: fc.Arbitrary<QuoteFields> = fc
  .record({
    ihl: fc.oneof({ weight: 6, arbitrary: fc.constant(5) }, { weight: 3, arbitrary: fc.integer({ min: 6, max: 15 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) }),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    totalLength: fc.oneof({ weight: 4, arbitrary: fc.constant('actual' as const) }, { weight: 1, arbitrary: uint16() }),
    id: uint16(),
    flags: fc.integer({ min: 0, max: 7 }),
    fragmentBlocks: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1fff }) }),
    ttl: uint8(),
    protocol: fc.oneof(fc.constantFrom(17, 6, 1), uint8()),
    checksum: uint16(),
    src: ipv4Address(),
    dst: ipv4Address(),
    srcPort: uint16(),
    dstPort: uint16(),
    word: uint32(),
    udpLength: uint16(),
    udpChecksum: uint16(),
    more: fc.uint8Array({ maxLength: 40 }),
  })
  .chain((f) =>
    fc.uint8Array({ minLength: Math.max(f.ihl - 5, 0) * 4, maxLength: Math.max(f.ihl - 5, 0) * 4 }).map((options) => ({ ...f, options })),
  );

/** The whole quoted datagram (before any cut) as bytes. */
function datagramBytes(f: QuoteFields): Uint8Array {
  const transport = f.protocol === 17 ? [...u16(f.srcPort), ...u16(f.dstPort), ...u16(f.udpLength), ...u16(f.udpChecksum)] : [...u16(f.srcPort), ...u16(f.dstPort), ...u32(f.word)];
  const length = 20 + f.options.length + transport.length + f.more.length;
  const totalLength = f.totalLength === 'actual' ? length : f.totalLength;
  const flagsFragment = (f.flags << 13) | f.fragmentBlocks;
  return Uint8Array.from([
    0x40 | f.ihl,
    (f.dscp << 2) | f.ecn,
    ...u16(totalLength),
    ...u16(f.id),
    ...u16(flagsFragment),
    f.ttl,
    f.protocol,
    ...u16(f.checksum),
    ...u32(f.src),
    ...u32(f.dst),
    ...f.options,
    ...transport,
    ...f.more,
  ]);
}

/** What the decoder must read from the first `kept` bytes of the datagram `f` describes. */
function expectedQuote(f: QuoteFields, raw: Uint8Array): QuotedDatagram {
  const kept = raw.length;
  if (kept < 20) return { raw, ip: undefined, transport: undefined, truncated: kept < 28 };
  const headerLength = Math.max(f.ihl * 4, 20);
  const totalLength = f.totalLength === 'actual' ? datagramBytes(f).length : f.totalLength;
  const ip: QuotedIpv4Header = {
    version: 4,
    ihl: f.ihl,
    dscp: f.dscp,
    ecn: f.ecn,
    totalLength,
    id: f.id,
    df: (f.flags & 2) !== 0,
    mf: (f.flags & 1) !== 0,
    fragmentOffset: f.fragmentBlocks * 8,
    ttl: f.ttl,
    protocol: f.protocol,
    checksum: f.checksum,
    src: f.src,
    dst: f.dst,
    options: f.options.slice(0, Math.max(Math.min(headerLength, kept) - 20, 0)),
  };
  let transport: QuotedUdp | QuotedTcp | undefined;
  if (f.ihl >= 5 && f.fragmentBlocks === 0 && kept >= headerLength + 8) {
    if (f.protocol === 17) transport = { protocol: 'udp', srcPort: f.srcPort, dstPort: f.dstPort, length: f.udpLength, checksum: f.udpChecksum };
    else if (f.protocol === 6) transport = { protocol: 'tcp', srcPort: f.srcPort, dstPort: f.dstPort, seq: f.word };
  }
  const truncated = kept < Math.min(headerLength + 8, Math.max(totalLength, headerLength));
  return { raw, ip, transport, truncated };
}

/**
 * Quoted datagrams: mostly IPv4 headers (with options, fragments, UDP, TCP
 * and other protocols) and their first bytes, whole or cut anywhere (the
 * truncated quotes routers send); sometimes bytes that are not IPv4.
 * `wordAligned` keeps the quote a non-empty multiple of 4 bytes (RFC 4884).
 */
export function quotedDatagram(options: { wordAligned?: boolean } = {}): fc.Arbitrary<QuotedCase> {
  const cut = (length: number): fc.Arbitrary<number> =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(length) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: length }) });
  const ipv4 = quoteFields.chain((f) => {
    const full = datagramBytes(f);
    return cut(full.length).map((kept) => {
      const aligned = options.wordAligned === true ? Math.max(4, kept - (kept % 4)) : kept;
      const raw = full.slice(0, Math.min(aligned, full.length));
      return { raw, expected: expectedQuote(f, raw) };
    });
  });
  const notIpv4 = fc
    .tuple(fc.integer({ min: 0, max: 15 }).filter((v) => v !== 4), fc.uint8Array({ maxLength: 47 }))
    .map(([version, rest]): QuotedCase => {
      let raw = Uint8Array.from([(version << 4) | 5, ...rest]);
      if (options.wordAligned === true) raw = raw.slice(0, Math.max(4, raw.length - (raw.length % 4)));
      if (raw.length < 4) raw = Uint8Array.from([...raw, 0, 0, 0].slice(0, 4));
      return { raw, expected: { raw, ip: undefined, transport: undefined, truncated: raw.length < 28 } };
    });
  return fc.oneof({ weight: 8, arbitrary: ipv4 }, { weight: 1, arbitrary: notIpv4 });
}

/** A message and its wire bytes. */
interface Generated {
  readonly message: IcmpMessage;
  readonly wire: Uint8Array;
}

/** A message before its checksum is known. */
type Unchecked<M> = M extends unknown ? Omit<M, 'checksum' | 'checksumValid'> : never;

/** Writes the message (type, code, checksum, the rest-of-header bytes, the body) and computes its checksum. */
function finish(fields: Unchecked<IcmpMessage>, header4: readonly number[], rest: readonly number[]): Generated {
  const wire = Uint8Array.from([fields.type, fields.code, 0, 0, ...header4, ...rest]);
  const checksum = internetChecksum(wire);
  wire[2] = checksum >>> 8;
  wire[3] = checksum & 0xff;
  return { message: { ...fields, checksum, checksumValid: true } as IcmpMessage, wire };
}

const anyCode = (named: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: named - 1 }) }, { weight: 1, arbitrary: uint8() });

/** Either no RFC 4884 extensions (length 0), or a word-aligned quote with `length` words and extension bytes after it. */
function quoteAndExtensions(): fc.Arbitrary<{ quoted: QuotedCase; length: number; extensions: Uint8Array }> {
  return fc.oneof(
    { weight: 4, arbitrary: quotedDatagram().map((quoted) => ({ quoted, length: 0, extensions: new Uint8Array(0) })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(quotedDatagram({ wordAligned: true }), fc.uint8Array({ minLength: 1, maxLength: 24 }))
        .map(([quoted, extensions]) => ({ quoted, length: quoted.raw.length / 4, extensions })),
    },
  );
}

const GENERATORS: Readonly<Record<IcmpKind, fc.Arbitrary<Generated>>> = {
  'echo-request': echo('echo-request', 8),
  'echo-reply': echo('echo-reply', 0),
  'dest-unreachable': fc
    .record({ code: anyCode(16), unused: mostlyZero(0xff), mtu: uint16(), otherMtu: mostlyZero(0xffff), q: quoteAndExtensions() })
    .map(({ code, unused, mtu, otherMtu, q }) => {
      // The next-hop MTU is RFC 1191's for code 4, an unused field (mostly zero) otherwise.
      const m = code === 4 ? mtu : otherMtu;
      return finish(
        { kind: 'dest-unreachable', type: 3, code, unused, length: q.length, mtu: m, quoted: q.quoted.expected, extensions: q.extensions },
        [unused, q.length, ...u16(m)],
        [...q.quoted.raw, ...q.extensions],
      );
    }),
  'source-quench': fc
    .record({ code: anyCode(1), unused: mostlyZero(0xffff_ffff), q: quotedDatagram() })
    .map(({ code, unused, q }) =>
      finish({ kind: 'source-quench', type: 4, code, unused, quoted: q.expected }, u32(unused), [...q.raw]),
    ),
  redirect: fc
    .record({ code: anyCode(4), gateway: ipv4Address(), q: quotedDatagram() })
    .map(({ code, gateway, q }) => finish({ kind: 'redirect', type: 5, code, gateway, quoted: q.expected }, u32(gateway), [...q.raw])),
  'time-exceeded': fc
    .record({ code: anyCode(2), unused: mostlyZero(0xff_ffff), q: quoteAndExtensions() })
    .map(({ code, unused, q }) =>
      finish(
        { kind: 'time-exceeded', type: 11, code, unused, length: q.length, quoted: q.quoted.expected, extensions: q.extensions },
        [unused >>> 16, q.length, ...u16(unused & 0xffff)],
        [...q.quoted.raw, ...q.extensions],
      ),
    ),
  'parameter-problem': fc
    .record({ code: anyCode(3), pointer: uint8(), unused: mostlyZero(0xffff), q: quoteAndExtensions() })
    .map(({ code, pointer, unused, q }) =>
      finish(
        { kind: 'parameter-problem', type: 12, code, pointer, length: q.length, unused, quoted: q.quoted.expected, extensions: q.extensions },
        [pointer, q.length, ...u16(unused)],
        [...q.quoted.raw, ...q.extensions],
      ),
    ),
  timestamp: timestamp('timestamp', 13),
  'timestamp-reply': timestamp('timestamp-reply', 14),
  'info-request': info('info-request', 15),
  'info-reply': info('info-reply', 16),
  'mask-request': mask('mask-request', 17),
  'mask-reply': mask('mask-reply', 18),
  unknown: fc
    .record({ type: uint8().filter((t) => icmpKind(t) === 'unknown'), code: uint8(), rest: uint32(), body: fc.uint8Array({ maxLength: 48 }) })
    .map(({ type, code, rest, body }) => finish({ kind: 'unknown', type, code, rest, body }, u32(rest), [...body])),
};

function echo(kind: 'echo-request' | 'echo-reply', type: number): fc.Arbitrary<Generated> {
  return fc
    .record({ code: mostlyZero(0xff), id: uint16(), seq: uint16(), data: fc.uint8Array({ maxLength: 64 }) })
    .map(({ code, id, seq, data }) => finish({ kind, type, code, id, seq, data }, [...u16(id), ...u16(seq)], [...data]));
}

function timestamp(kind: 'timestamp' | 'timestamp-reply', type: number): fc.Arbitrary<Generated> {
  const ms = fc.oneof(fc.integer({ min: 0, max: 86_399_999 }), uint32());
  return fc
    .record({ code: mostlyZero(0xff), id: uint16(), seq: uint16(), originate: ms, receive: ms, transmit: ms })
    .map(({ code, id, seq, originate, receive, transmit }) =>
      finish({ kind, type, code, id, seq, originate, receive, transmit }, [...u16(id), ...u16(seq)], [...u32(originate), ...u32(receive), ...u32(transmit)]),
    );
}

function info(kind: 'info-request' | 'info-reply', type: number): fc.Arbitrary<Generated> {
  return fc
    .record({ code: mostlyZero(0xff), id: uint16(), seq: uint16() })
    .map(({ code, id, seq }) => finish({ kind, type, code, id, seq }, [...u16(id), ...u16(seq)], []));
}

function mask(kind: 'mask-request' | 'mask-reply', type: number): fc.Arbitrary<Generated> {
  return fc
    .record({ code: mostlyZero(0xff), id: uint16(), seq: uint16(), mask: uint32() })
    .map(({ code, id, seq, mask }) => finish({ kind, type, code, id, seq, mask }, [...u16(id), ...u16(seq)], u32(mask)));
}

function generated(kinds?: readonly IcmpKind[]): fc.Arbitrary<Generated> {
  const chosen = kinds ?? (Object.keys(GENERATORS) as IcmpKind[]);
  return fc.oneof(...chosen.map((k) => GENERATORS[k]));
}

/**
 * Decoded messages of every kind (or of `kinds`), with the checksum right
 * for their bytes and `checksumValid` true: `decodeIcmp(encodeIcmp(m))`
 * gives `m` back.
 */
export function icmpMessage(kinds?: readonly IcmpKind[]): fc.Arbitrary<IcmpMessage> {
  return generated(kinds).map((g) => g.message);
}

/** A valid message somewhere in a buffer, with what decoding it must give. */
export interface IcmpBytesCase {
  /** Unrelated bytes, the message, then unrelated trailing bytes (e.g. Ethernet padding). */
  readonly bytes: Uint8Array;
  /** Where the message starts. */
  readonly offset: number;
  /** The message's length: pass it as `{ length }` (the trailing bytes are not ICMP). */
  readonly length: number;
  readonly expected: IcmpMessage;
  /** The kind's fixed part: 8, 12 (address mask) or 20 (timestamp). */
  readonly headerLength: number;
  /** The message's bytes after the fixed part. */
  readonly payload: Uint8Array;
}

export function icmpBytes(kinds?: readonly IcmpKind[]): fc.Arbitrary<IcmpBytesCase> {
  return fc
    .record({ g: generated(kinds), before: fc.uint8Array({ maxLength: 16 }), after: fc.uint8Array({ maxLength: 16 }) })
    .map(({ g, before, after }) => {
      const bytes = Uint8Array.from([...before, ...g.wire, ...after]);
      const k = g.message.kind;
      const headerLength = k === 'timestamp' || k === 'timestamp-reply' ? 20 : k === 'mask-request' || k === 'mask-reply' ? 12 : 8;
      return { bytes, offset: before.length, length: g.wire.length, expected: g.message, headerLength, payload: g.wire.slice(headerLength) };
    });
}

/** Bytes that must fail to decode (strict mode), with the error they must give. */
export interface MalformedIcmpCase {
  readonly bytes: Uint8Array;
  readonly offset: number;
  /** The `length` option to decode with (undefined: to the end of `bytes`). */
  readonly length: number | undefined;
  readonly expected: {
    readonly code: 'truncated' | 'bad-checksum';
    readonly offset: number;
    /** For 'truncated': 8, the kind's fixed length, or the `length` given. */
    readonly required?: number;
    readonly available?: number;
  };
}

/**
 * Valid messages cut inside their fixed part ('truncated' at the message
 * start), with a wrong checksum ('bad-checksum' at the checksum field), or
 * decoded with a `length` longer than the bytes ('truncated').
 */
export function malformedIcmp(): fc.Arbitrary<MalformedIcmpCase> {
  const cut = icmpBytes().chain((c) =>
    fc.integer({ min: 0, max: c.headerLength - 1 }).map((kept): MalformedIcmpCase => ({
      bytes: c.bytes.slice(0, c.offset + kept),
      offset: c.offset,
      length: undefined,
      expected: { code: 'truncated', offset: c.offset, required: kept < 8 ? 8 : c.headerLength, available: kept },
    })),
  );
  const badChecksum = fc
    .tuple(icmpBytes(), fc.integer({ min: 1, max: 0xfffe }))
    .map(([c, delta]): MalformedIcmpCase => {
      const bytes = c.bytes.slice();
      const at = c.offset + 2;
      const value = (c.expected.checksum + delta) & 0xffff;
      bytes[at] = value >>> 8;
      bytes[at + 1] = value & 0xff;
      return { bytes, offset: c.offset, length: c.length, expected: { code: 'bad-checksum', offset: at } };
    })
    // 0x0000 and 0xffff are both one's complement zero: both may verify.
    .filter((c) => internetChecksum(c.bytes, c.offset, c.offset + (c.length ?? 0)) !== 0);
  const overlong = fc.tuple(icmpBytes(), fc.integer({ min: 1, max: 100 })).map(([c, extra]): MalformedIcmpCase => {
    const available = c.bytes.length - c.offset;
    return { bytes: c.bytes, offset: c.offset, length: available + extra, expected: { code: 'truncated', offset: c.offset, required: available + extra, available } };
  });
  return fc.oneof(cut, badChecksum, overlong);
}

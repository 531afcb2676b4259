/**
 * fast-check arbitraries for IPv4. Import from `@wirestack/ipv4/arbitraries`;
 * fast-check is an optional peer dependency the main entry never loads.
 *
 * The byte arbitraries write datagrams field by field from RFC 791 (and
 * the checksum with core's internetChecksum), independently of
 * `encodeIpv4`, so they can test it.
 */
import * as fc from 'fast-check';
import { internetChecksum, type Ipv4Address } from '@wirestack/core';
import { ipv4Address, uint16, uint8 } from '@wirestack/core/arbitraries';
import type { DecodedIpv4Header, Ipv4Header } from './header.js';
import { Ipv4OptionType, isCopiedOption, type Ipv4Option, type TimestampEntry } from './options.js';
import { IpProtocol } from './protocols.js';

/** The header fields an encoder cannot compute: everything but ihl, totalLength and checksum. */
export type Ipv4HeaderFields = Omit<Ipv4Header, 'ihl' | 'totalLength' | 'checksum'>;

const KNOWN_OPTION_TYPES: ReadonlySet<number> = new Set(Object.values(Ipv4OptionType));

function routeOption(type: 7 | 131 | 137): fc.Arbitrary<Ipv4Option> {
  return fc.array(ipv4Address(), { minLength: 1, maxLength: 9 }).chain((addresses) =>
    fc.integer({ min: 0, max: addresses.length }).map((filled): Ipv4Option => {
      const pointer = 4 + 4 * filled;
      if (type === 7) return { type, kind: 'record-route', pointer, addresses };
      if (type === 131) return { type, kind: 'loose-source-route', pointer, addresses };
      return { type, kind: 'strict-source-route', pointer, addresses };
    }),
  );
}

function timestampOption(): fc.Arbitrary<Ipv4Option> {
  return fc.constantFrom(0 as const, 1 as const, 3 as const).chain((flag) => {
    const slot = flag === 0 ? 4 : 8;
    const entry: fc.Arbitrary<TimestampEntry> =
      flag === 0
        ? fc.nat(0xffff_ffff).map((timestamp) => ({ timestamp }))
        : fc.record({ address: ipv4Address(), timestamp: fc.nat(0xffff_ffff) });
    return fc
      .record({ entries: fc.array(entry, { minLength: 1, maxLength: Math.floor(36 / slot) }), overflow: fc.integer({ min: 0, max: 15 }) })
      .chain(({ entries, overflow }) =>
        fc.integer({ min: 0, max: entries.length }).map(
          (filled): Ipv4Option => ({ type: 68, kind: 'timestamp', pointer: 5 + slot * filled, overflow, flag, entries }),
        ),
      );
  });
}

/** Option types this package does not interpret (security, stream ID, experiments, ...). */
export function unknownOptionType(): fc.Arbitrary<number> {
  return uint8().filter((t) => !KNOWN_OPTION_TYPES.has(t));
}

/** One option of any kind but 'eol' and 'malformed', as decoding returns it. */
export function ipv4Option(): fc.Arbitrary<Ipv4Option> {
  return fc.oneof(
    fc.constant<Ipv4Option>({ type: 1, kind: 'nop' }),
    routeOption(7),
    routeOption(131),
    routeOption(137),
    timestampOption(),
    fc.oneof(fc.constant(0), uint16()).map((value): Ipv4Option => ({ type: 148, kind: 'router-alert', value })),
    fc
      .record({ type: unknownOptionType(), data: fc.uint8Array({ maxLength: 10 }) })
      .map(({ type, data }): Ipv4Option => ({ type, kind: 'unknown', data })),
  );
}

/**
 * Option lists that fit a header (at most 40 bytes), exactly as
 * `decodeIpv4` returns them: when padding follows the last option the list
 * ends with an 'eol' (the first padding octet is one). Empty lists included.
 */
export function ipv4Options(): fc.Arbitrary<Ipv4Option[]> {
  return fc.record({ options: fc.array(ipv4Option(), { maxLength: 6 }), eol: fc.boolean() }).map(({ options, eol }) => {
    const kept: Ipv4Option[] = [];
    let length = 0;
    for (const option of options) {
      const n = optionWire(option).length;
      if (length + n > 40) continue;
      kept.push(option);
      length += n;
    }
    if (length % 4 !== 0 || (eol && length < 40 && kept.length > 0)) kept.push({ type: 0, kind: 'eol' });
    return kept;
  });
}

/** Mostly the named protocols, sometimes any number (the enumeration is open). */
export function ipProtocol(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.values(IpProtocol)) }, { weight: 1, arbitrary: uint8() });
}

/** Header fields (version 4) with any values, options included about half the time. */
export function ipv4Header(): fc.Arbitrary<Ipv4HeaderFields> {
  return fc.record({
    version: fc.constant(4),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    id: uint16(),
    reservedFlag: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    df: fc.boolean(),
    mf: fc.boolean(),
    fragmentOffset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0x1fff }).map((units) => units * 8)),
    ttl: uint8(),
    protocol: ipProtocol(),
    src: ipv4Address(),
    dst: ipv4Address(),
    options: fc.oneof(fc.constant([]), ipv4Options()),
  });
}

/** A valid datagram somewhere in a buffer, with what decoding it must give. */
export interface Ipv4PacketCase {
  /** Unrelated bytes, the datagram, then trailing bytes (like Ethernet padding). */
  readonly bytes: Uint8Array;
  /** Where the datagram starts. */
  readonly offset: number;
  readonly header: DecodedIpv4Header;
  readonly headerLength: number;
  /** The data after the header, up to Total Length. */
  readonly payload: Uint8Array;
}

/** Random bytes of a length drawn uniformly from [min, max] (fast-check's default sizing keeps arrays short). */
function payloadBytes(min: number, max: number): fc.Arbitrary<Uint8Array> {
  return fc.integer({ min, max }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
}

/**
 * Valid datagrams (payload length uniform in [minPayload, maxPayload],
 * default 0..64), between random leading bytes and, when `trailing`, random
 * trailing bytes like Ethernet padding.
 */
export function ipv4Packet(constraints: { minPayload?: number; maxPayload?: number; trailing?: boolean } = {}): fc.Arbitrary<Ipv4PacketCase> {
  const { minPayload = 0, maxPayload = 64, trailing = true } = constraints;
  return fc
    .record({
      fields: ipv4Header(),
      payload: payloadBytes(minPayload, maxPayload),
      before: trailing ? fc.uint8Array({ maxLength: 16 }) : fc.constant(new Uint8Array(0)),
      after: trailing ? fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 24 })) : fc.constant(new Uint8Array(0)),
    })
    .map(({ fields, payload, before, after }) => {
      const datagram = datagramBytes(fields, payload);
      const bytes = concat(before, datagram, after);
      const headerLength = (datagram[0]! & 0x0f) * 4;
      return {
        bytes,
        offset: before.length,
        header: expectedHeader(fields, datagram),
        headerLength,
        payload,
      };
    });
}

/** A datagram and its fragments, for reassembly tests. */
export interface FragmentSetCase {
  /** The original datagram (not itself a fragment: MF clear, offset 0, DF clear). */
  readonly datagram: Uint8Array;
  /** Its fragments, cut at random multiples of 8, in random order, some repeated. */
  readonly fragments: readonly Uint8Array[];
  /** How many distinct fragments there are. */
  readonly count: number;
}

/**
 * A datagram cut into at least two fragments (the first with every option,
 * the others with the copied ones only, as RFC 791 says), shuffled, with up
 * to `maxDuplicates` fragments sent twice.
 */
export function fragmentSet(constraints: { maxPayload?: number; maxDuplicates?: number } = {}): fc.Arbitrary<FragmentSetCase> {
  const { maxPayload = 600, maxDuplicates = 3 } = constraints;
  return fc
    .record({
      fields: ipv4Header().map((f) => ({ ...f, mf: false, df: false, fragmentOffset: 0 })),
      payload: payloadBytes(9, Math.max(9, maxPayload)),
    })
    .chain(({ fields, payload }) =>
      fc
        .uniqueArray(fc.integer({ min: 1, max: Math.floor((payload.length - 1) / 8) }), { minLength: 1, maxLength: 16 })
        .chain((cutUnits) => {
          const cuts = [0, ...cutUnits.map((u) => u * 8).sort((a, b) => a - b), payload.length];
          const later = fields.options.filter((o) => isCopiedOption(o.type));
          const laterOptions = needsEol(later) ? [...later, { type: 0, kind: 'eol' } as const] : later;
          const fragments: Uint8Array[] = [];
          for (let i = 0; i + 1 < cuts.length; i++) {
            fragments.push(
              datagramBytes(
                { ...fields, mf: i + 2 < cuts.length, fragmentOffset: cuts[i]!, options: i === 0 ? fields.options : laterOptions },
                payload.subarray(cuts[i], cuts[i + 1]),
              ),
            );
          }
          return fc.array(fc.nat(fragments.length - 1), { maxLength: maxDuplicates }).chain((repeat) => {
            const all = [...fragments, ...repeat.map((i) => fragments[i]!.slice())];
            return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map(
              (shuffled): FragmentSetCase => ({ datagram: datagramBytes(fields, payload), fragments: shuffled, count: fragments.length }),
            );
          });
        }),
    );
}

/** Bytes that strict decoding must reject, with the error it must give. */
export interface MalformedIpv4Case {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly expected: {
    readonly code: 'truncated' | 'bad-version' | 'bad-header-length' | 'bad-checksum' | 'bad-length' | 'bad-option';
    readonly offset: number;
    readonly required?: number;
    readonly available?: number;
  };
}

/**
 * One fault each: a valid datagram cut short ('truncated', with required
 * 20, IHL x 4 or Total Length), a version other than 4, an IHL below 5, a
 * wrong checksum, a Total Length shorter than the header or longer than the
 * bytes, or an option list with a bad option (a length of 0 or 1, one
 * running past the header, a missing length octet, a known option with an
 * impossible length, a Timestamp flag of 2) after some NOPs. The checksum
 * is right unless it is the fault.
 */
export function malformedIpv4Packet(): fc.Arbitrary<MalformedIpv4Case> {
  const valid = ipv4Packet({ maxPayload: 32 });
  const cut = valid.chain((c) => {
    const totalLength = c.header.totalLength;
    return fc.integer({ min: 0, max: totalLength - 1 }).map((kept): MalformedIpv4Case => ({
      bytes: c.bytes.slice(0, c.offset + kept),
      offset: c.offset,
      expected: {
        code: 'truncated',
        offset: c.offset,
        required: kept < 20 ? 20 : kept < c.headerLength ? c.headerLength : totalLength,
        available: kept,
      },
    }));
  });
  const rewrite = (edit: (bytes: Uint8Array, at: number, c: Ipv4PacketCase) => MalformedIpv4Case['expected'], keepChecksum = false) =>
    (c: Ipv4PacketCase): MalformedIpv4Case => {
      const bytes = c.bytes.slice();
      const expected = edit(bytes, c.offset, c);
      if (!keepChecksum) fixChecksum(bytes, c.offset, c.headerLength);
      return { bytes, offset: c.offset, expected };
    };
  const badVersion = fc.tuple(valid, fc.integer({ min: 0, max: 15 }).filter((v) => v !== 4)).map(([c, version]) =>
    rewrite((b, at) => {
      b[at] = (version << 4) | (b[at]! & 0x0f);
      return { code: 'bad-version', offset: at };
    })(c),
  );
  const badIhl = fc.tuple(valid, fc.integer({ min: 0, max: 4 })).map(([c, ihl]) =>
    rewrite((b, at) => {
      b[at] = 0x40 | ihl;
      return { code: 'bad-header-length', offset: at };
    }, true)(c),
  );
  const badChecksum = fc.tuple(valid, fc.integer({ min: 1, max: 0xfffe })).map(([c, delta]) =>
    rewrite((b, at) => {
      const value = (((b[at + 10]! << 8) | b[at + 11]!) + delta) % 0xffff;
      b[at + 10] = value >>> 8;
      b[at + 11] = value & 0xff;
      return { code: 'bad-checksum', offset: at + 10 };
    }, true)(c),
  )
    // 0x0000 and 0xffff are the same one's complement number: both verify.
    .filter((m) => internetChecksum(m.bytes, m.offset, m.offset + (m.bytes[m.offset]! & 0x0f) * 4) !== 0);
  const shortTotal = valid.chain((c) =>
    fc.integer({ min: 0, max: c.headerLength - 1 }).map((totalLength) =>
      rewrite((b, at) => {
        b[at + 2] = totalLength >>> 8;
        b[at + 3] = totalLength & 0xff;
        return { code: 'bad-length', offset: at + 2 };
      })(c),
    ),
  );
  const longTotal = valid.chain((c) => {
    const available = c.bytes.length - c.offset;
    return fc.integer({ min: available + 1, max: 0xffff }).map((totalLength) =>
      rewrite((b, at) => {
        b[at + 2] = totalLength >>> 8;
        b[at + 3] = totalLength & 0xff;
        return { code: 'truncated', offset: at, required: totalLength, available };
      })(c),
    );
  });
  return fc.oneof(cut, badVersion, badIhl, badChecksum, shortTotal, longTotal, badOptionPacket());
}

function badOptionPacket(): fc.Arbitrary<MalformedIpv4Case> {
  const otherType = fc.integer({ min: 2, max: 255 });
  const badOption = fc.oneof(
    fc.tuple(otherType, fc.constantFrom(0, 1)).map(([t, len]) => ({ bytes: [t, len], pastEnd: false })),
    otherType.map((t) => ({ bytes: [t, 0xff], pastEnd: true })),
    otherType.map((t) => ({ bytes: [t], pastEnd: false, last: true })),
    fc.constant({ bytes: [7, 5, 4, 0, 0], pastEnd: false }),
    fc.constant({ bytes: [148, 3, 0], pastEnd: false }),
    fc.constant({ bytes: [68, 8, 5, 2, 0, 0, 0, 0], pastEnd: false }),
  );
  return fc
    .record({
      fields: ipv4Header().map((f) => ({ ...f, options: [] })),
      payload: fc.uint8Array({ maxLength: 16 }),
      nops: fc.integer({ min: 0, max: 8 }),
      bad: badOption,
      before: fc.uint8Array({ maxLength: 8 }),
    })
    .map(({ fields, payload, nops, bad, before }): MalformedIpv4Case => {
      let region = (nops + bad.bytes.length + 3) & ~3;
      let prefix = nops;
      // A missing length octet: the type is the header's last octet.
      if ('last' in bad) prefix = region - 1;
      const options = new Uint8Array(region);
      options.fill(1, 0, prefix);
      options.set(bad.bytes, prefix);
      // Running past the header: a length longer than what is left of it.
      if (bad.pastEnd) options[prefix + 1] = region - prefix + 1 + (nops % 3);
      region = options.length;
      const datagram = datagramBytes(fields, payload, options);
      return {
        bytes: concat(Uint8Array.from(before), datagram),
        offset: before.length,
        expected: { code: 'bad-option', offset: before.length + 20 + prefix },
      };
    });
}

// ------------------------------------------------- the wire format, by hand

/** RFC 791's layout, field by field; `rawOptions` replaces the options' bytes (padded by the caller). */
function datagramBytes(fields: Ipv4HeaderFields, payload: Uint8Array, rawOptions?: Uint8Array): Uint8Array {
  const options = rawOptions ?? Uint8Array.from(fields.options.flatMap(optionWire));
  const headerLength = 20 + ((options.length + 3) & ~3);
  const totalLength = headerLength + payload.length;
  const flags = (fields.reservedFlag ? 4 : 0) | (fields.df ? 2 : 0) | (fields.mf ? 1 : 0);
  const units = fields.fragmentOffset / 8;
  const out = new Uint8Array(totalLength);
  out.set([
    (fields.version << 4) | (headerLength / 4),
    (fields.dscp << 2) | fields.ecn,
    totalLength >>> 8, totalLength & 0xff,
    fields.id >>> 8, fields.id & 0xff,
    (flags << 5) | (units >>> 8), units & 0xff,
    fields.ttl,
    fields.protocol,
    0, 0, // checksum, below
    ...addressBytes(fields.src),
    ...addressBytes(fields.dst),
  ]);
  out.set(options, 20);
  out.set(payload, headerLength);
  fixChecksum(out, 0, headerLength);
  return out;
}

function optionWire(o: Ipv4Option): number[] {
  switch (o.kind) {
    case 'eol':
      return [0];
    case 'nop':
      return [1];
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return [o.type, 3 + 4 * o.addresses.length, o.pointer, ...o.addresses.flatMap(addressBytes)];
    case 'timestamp': {
      const entries = o.entries.flatMap((e) => [...(e.address === undefined ? [] : addressBytes(e.address)), ...u32Bytes(e.timestamp)]);
      return [68, 4 + entries.length, o.pointer, (o.overflow << 4) | o.flag, ...entries];
    }
    case 'router-alert':
      return [148, 4, o.value >>> 8, o.value & 0xff];
    case 'unknown':
      return [o.type, 2 + o.data.length, ...o.data];
    case 'malformed':
      return [...o.bytes];
  }
}

function needsEol(options: readonly Ipv4Option[]): boolean {
  return options.flatMap(optionWire).length % 4 !== 0;
}

function expectedHeader(fields: Ipv4HeaderFields, datagram: Uint8Array): DecodedIpv4Header {
  return {
    ...fields,
    ihl: datagram[0]! & 0x0f,
    totalLength: datagram.length,
    checksum: (datagram[10]! << 8) | datagram[11]!,
    checksumValid: true,
  };
}

function fixChecksum(bytes: Uint8Array, at: number, headerLength: number): void {
  bytes[at + 10] = 0;
  bytes[at + 11] = 0;
  const checksum = internetChecksum(bytes, at, at + headerLength);
  bytes[at + 10] = checksum >>> 8;
  bytes[at + 11] = checksum & 0xff;
}

function addressBytes(a: Ipv4Address): number[] {
  return u32Bytes(a);
}

function u32Bytes(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

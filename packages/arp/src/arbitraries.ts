/**
 * fast-check arbitraries for ARP. Import from `@wirestack/arp/arbitraries`;
 * fast-check is an optional peer dependency the main entry never loads.
 *
 * The byte arbitraries write packets by plain concatenation of the RFC 826
 * fields, independently of `encodeArp`, so they can test it.
 */
import * as fc from 'fast-check';
import { IPV4_ANY, MAC_ZERO, macToBytes, writeIpv4, type Ipv4Address } from '@wirestack/core';
import { ipv4Address, macAddress, uint16 } from '@wirestack/core/arbitraries';
import { ARP_FIXED_LENGTH, arpPacketLength } from './layout.js';
import { ArpOp } from './operations.js';
import type { ArpPacket, EthernetIpv4Arp, GenericArp } from './packet.js';

/** Mostly the named operations, sometimes any 16-bit code (the enumeration is open). */
export function arpOp(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(ArpOp)) },
    { weight: 1, arbitrary: uint16() },
  );
}

/**
 * Ethernet/IPv4 packets (kind 'ethernet-ipv4'), with probes (spa 0.0.0.0),
 * gratuitous/announcement shapes (spa = tpa) and zero tha well represented.
 */
export function arpPacket(): fc.Arbitrary<EthernetIpv4Arp> {
  return fc
    .record({
      op: arpOp(),
      sha: macAddress(),
      spa: ipv4Address(),
      tha: fc.oneof(macAddress(), fc.constant(MAC_ZERO)),
      tpa: ipv4Address(),
      shape: fc.constantFrom('any', 'probe', 'own-address'),
    })
    .map(({ op, sha, spa, tha, tpa, shape }): EthernetIpv4Arp => ({
      kind: 'ethernet-ipv4',
      htype: 1,
      ptype: 0x0800,
      hlen: 6,
      plen: 4,
      op,
      sha,
      spa: shape === 'probe' ? IPV4_ANY : spa,
      tha,
      tpa: shape === 'own-address' ? spa : tpa,
    }));
}

function addressLength(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 4, 6, 8, 16) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 20 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  );
}

/**
 * Packets of kind 'generic': any htype/ptype/hlen/plen except the exact
 * Ethernet/IPv4 combination (which decodes as 'ethernet-ipv4'); htype 1 with
 * ptype 0x0800 and other lengths, hlen/plen 0 and 255 included.
 */
export function genericArpPacket(): fc.Arbitrary<GenericArp> {
  return fc
    .record({
      htype: fc.oneof(fc.constantFrom(1, 6, 0x1234), uint16()),
      ptype: fc.oneof(fc.constantFrom(0x0800, 0x86dd), uint16()),
      hlen: addressLength(),
      plen: addressLength(),
      op: arpOp(),
    })
    .filter((f) => !(f.htype === 1 && f.ptype === 0x0800 && f.hlen === 6 && f.plen === 4))
    .chain((f) =>
      fc
        .record({
          sha: fc.uint8Array({ minLength: f.hlen, maxLength: f.hlen }),
          spa: fc.uint8Array({ minLength: f.plen, maxLength: f.plen }),
          tha: fc.uint8Array({ minLength: f.hlen, maxLength: f.hlen }),
          tpa: fc.uint8Array({ minLength: f.plen, maxLength: f.plen }),
        })
        .map((a): GenericArp => ({ kind: 'generic', ...f, ...a })),
    );
}

/** A valid packet of either kind somewhere in a buffer, with what decoding it must give. */
export interface ArpBytesCase {
  /** Unrelated bytes, then the packet, then trailing bytes (like Ethernet padding). */
  readonly bytes: Uint8Array;
  /** Where the ARP packet starts. */
  readonly offset: number;
  readonly expected: ArpPacket;
  /** The packet's length, 8 + 2*hlen + 2*plen. */
  readonly headerLength: number;
  /** The trailing bytes: what `decodeArp(...).payload` holds. */
  readonly payload: Uint8Array;
}

/** The packet's wire bytes, field after field as RFC 826 lists them. */
function wireBytes(p: ArpPacket): Uint8Array {
  const ip = (a: Ipv4Address): Uint8Array => {
    const out = new Uint8Array(4);
    writeIpv4(out, 0, a);
    return out;
  };
  const [sha, spa, tha, tpa] =
    p.kind === 'ethernet-ipv4' ? [macToBytes(p.sha), ip(p.spa), macToBytes(p.tha), ip(p.tpa)] : [p.sha, p.spa, p.tha, p.tpa];
  const fixed = [p.htype >> 8, p.htype & 0xff, p.ptype >> 8, p.ptype & 0xff, p.hlen, p.plen, p.op >> 8, p.op & 0xff];
  return Uint8Array.from([...fixed, ...sha, ...spa, ...tha, ...tpa]);
}

export function arpBytes(): fc.Arbitrary<ArpBytesCase> {
  return fc
    .record({
      expected: fc.oneof({ weight: 3, arbitrary: arpPacket() as fc.Arbitrary<ArpPacket> }, { weight: 2, arbitrary: genericArpPacket() }),
      before: fc.uint8Array({ maxLength: 16 }),
      // Ethernet pads an ARP frame to 60 bytes: 18 bytes after a 28-byte packet.
      after: fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.constant(new Uint8Array(18))),
    })
    .map(({ expected, before, after }) => {
      const packet = wireBytes(expected);
      const bytes = new Uint8Array(before.length + packet.length + after.length);
      bytes.set(before, 0);
      bytes.set(packet, before.length);
      bytes.set(after, before.length + packet.length);
      return { bytes, offset: before.length, expected, headerLength: packet.length, payload: after };
    });
}

/** Bytes that must fail to decode, with the error they must give. */
export interface MalformedArpCase {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly expected: {
    readonly code: 'truncated';
    /** Always the packet's start (see decodeArp). */
    readonly offset: number;
    /** 8 while the fixed part is cut, then 8 + 2*hlen + 2*plen. */
    readonly required: number;
    readonly available: number;
  };
}

/**
 * ARP's only malformation is truncation (every field value is legal): valid
 * packets cut anywhere before their end, and fixed parts announcing longer
 * addresses than the bytes that follow.
 */
export function malformedArpBytes(): fc.Arbitrary<MalformedArpCase> {
  const cutValid = arpBytes().chain((c) =>
    fc.integer({ min: 0, max: c.headerLength - 1 }).map((kept): MalformedArpCase => ({
      bytes: c.bytes.slice(0, c.offset + kept),
      offset: c.offset,
      expected: {
        code: 'truncated',
        offset: c.offset,
        required: kept < ARP_FIXED_LENGTH ? ARP_FIXED_LENGTH : c.headerLength,
        available: kept,
      },
    })),
  );
  const overlong = fc
    .record({
      before: fc.uint8Array({ maxLength: 16 }),
      fixed: fc.uint8Array({ minLength: ARP_FIXED_LENGTH, maxLength: ARP_FIXED_LENGTH }),
    })
    .filter(({ fixed }) => fixed[4]! + fixed[5]! > 0)
    .chain(({ before, fixed }) => {
      const length = arpPacketLength(fixed[4]!, fixed[5]!);
      return fc.uint8Array({ maxLength: length - ARP_FIXED_LENGTH - 1 }).map((rest): MalformedArpCase => {
        const bytes = Uint8Array.from([...before, ...fixed, ...rest]);
        return {
          bytes,
          offset: before.length,
          expected: { code: 'truncated', offset: before.length, required: length, available: ARP_FIXED_LENGTH + rest.length },
        };
      });
    });
  return fc.oneof(cutValid, overlong);
}

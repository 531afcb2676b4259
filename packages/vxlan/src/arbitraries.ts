/**
 * fast-check arbitraries for VXLAN. Import from `@wirestack/vxlan/arbitraries`;
 * fast-check is an optional peer dependency the main entry never loads.
 *
 * Frames are written byte by byte here with core's helpers, independently
 * of `encodeVxlan` and `encapsulate`, so they can test them.
 */
import * as fc from 'fast-check';
import {
  checksumAdd,
  checksumAddU16,
  checksumAddU32,
  checksumFinish,
  internetChecksum,
  writeIpv4,
  writeMac,
  writeU16,
  writeU24,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import { ipv4Address, macAddress, uint16, uint8 } from '@wirestack/core/arbitraries';
import type { VxlanHeader } from './codec.js';
import type { DecapsulateOptions, OuterAddresses } from './decapsulate.js';
import { LINUX_VXLAN_PORT, MAX_VNI, VXLAN_PORT } from './layout.js';

/** Any 24-bit VNI, the edges and the usual small ones often. */
export function vni(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(0, 1, 42, 100, 4096, MAX_VNI), fc.integer({ min: 0, max: MAX_VNI }));
}

/** A valid header: flags 0x08, reserved fields 0. */
export function vxlanHeader(): fc.Arbitrary<VxlanHeader> {
  return vni().map((v) => ({ flags: 0x08, vni: v, reserved1: 0, reserved2: 0 }));
}

/** Any header: every bit random, the valid form often (lax mode decodes them all). */
export function anyVxlanHeader(): fc.Arbitrary<VxlanHeader> {
  const any = fc.record({ flags: uint8(), vni: vni(), reserved1: fc.integer({ min: 0, max: 0xff_ffff }), reserved2: uint8() });
  return fc.oneof(vxlanHeader(), any);
}

function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u16(value: number): number[] {
  return [(value >>> 8) & 0xff, value & 0xff];
}

function mac(value: MacAddress): Uint8Array {
  const out = new Uint8Array(6);
  writeMac(out, 0, value);
  return out;
}

/** RFC 768's checksum of the datagram at `udp` (to the end of `bytes`, checksum field taken as 0); 0 comes out as 0xFFFF. */
function udpChecksumOf(bytes: Uint8Array, udp: number, src: Ipv4Address, dst: Ipv4Address): number {
  const length = bytes.length - udp;
  let sum = checksumAddU16(checksumAddU16(checksumAddU32(checksumAddU32(0, src), dst), 17), length);
  sum = checksumAdd(bytes, udp, udp + 6, sum);
  const c = checksumFinish(checksumAdd(bytes, udp + 8, bytes.length, sum));
  return c === 0 ? 0xffff : c;
}

/** A 20-byte IPv4 header (DF, TTL 64) with its checksum. */
function ipv4Header(protocol: number, src: Ipv4Address, dst: Ipv4Address, payloadLength: number): Uint8Array {
  const h = new Uint8Array(20);
  h[0] = 0x45;
  writeU16(h, 2, 20 + payloadLength);
  writeU16(h, 6, 0x4000);
  h[8] = 64;
  h[9] = protocol;
  writeIpv4(h, 12, src);
  writeIpv4(h, 16, dst);
  writeU16(h, 10, internetChecksum(h));
  return h;
}

/**
 * Inner Ethernet frames as VMs send them: ARP requests, IPv4 with UDP, TCP
 * or ICMP, IPv6, other EtherTypes, sometimes behind an 802.1Q tag; at
 * least the 14-byte Ethernet header.
 */
export function innerFrame(): fc.Arbitrary<Uint8Array> {
  const macs = fc.record({ dst: macAddress(), src: macAddress(), tag: fc.option(fc.integer({ min: 0, max: 0xffff }), { freq: 5 }) });
  const arp = fc.record({ spa: ipv4Address(), tpa: ipv4Address(), op: fc.constantFrom(1, 2) }).map(({ spa, tpa, op }) => {
    const b = new Uint8Array(28);
    b.set([0, 1, 8, 0, 6, 4, 0, op]);
    writeIpv4(b, 14, spa);
    writeIpv4(b, 24, tpa);
    return { etherType: 0x0806, body: b };
  });
  const ipv4 = fc
    .record({
      protocol: fc.constantFrom(1, 6, 17, 47),
      src: ipv4Address(),
      dst: ipv4Address(),
      ports: fc.tuple(uint16(), uint16()),
      data: fc.uint8Array({ maxLength: 64 }),
    })
    .map(({ protocol, src, dst, ports, data }) => {
      const l4 = concat(u16(ports[0]), u16(ports[1]), new Uint8Array(protocol === 6 ? 16 : 4), data);
      return { etherType: 0x0800, body: concat(ipv4Header(protocol, src, dst, l4.length), l4) };
    });
  const other = fc.record({ etherType: fc.oneof(fc.constant(0x86dd), fc.integer({ min: 0x0600, max: 0xffff })), body: fc.uint8Array({ maxLength: 80 }) });
  return fc.tuple(macs, fc.oneof(arp, ipv4, other)).map(([{ dst, src, tag }, { etherType, body }]) =>
    concat(mac(dst), mac(src), tag === null ? [] : [0x81, 0x00, ...u16(tag)], u16(etherType), body),
  );
}

/** A VXLAN header followed by an inner frame. */
export interface VxlanPacketSample {
  readonly header: VxlanHeader;
  /** The inner frame. */
  readonly payload: Uint8Array;
  readonly bytes: Uint8Array;
}

function vxlanBytes(h: VxlanHeader): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = h.flags;
  writeU24(b, 1, h.reserved1);
  writeU24(b, 4, h.vni);
  b[7] = h.reserved2;
  return b;
}

/** Valid packets by default; `{ anyHeader: true }` for headers with any bits (see anyVxlanHeader). */
export function vxlanPacket(options: { readonly anyHeader?: boolean } = {}): fc.Arbitrary<VxlanPacketSample> {
  return fc
    .record({ header: options.anyHeader === true ? anyVxlanHeader() : vxlanHeader(), payload: innerFrame() })
    .map(({ header, payload }) => ({ header, payload, bytes: concat(vxlanBytes(header), payload) }));
}

/** An outer frame around a VXLAN packet, with what decapsulating it must give and where each layer starts. */
export interface EncapsulatedFrameSample {
  readonly bytes: Uint8Array;
  readonly vni: number;
  readonly inner: Uint8Array;
  readonly outer: OuterAddresses;
  /** The ports to decapsulate with (including outer.dstPort). */
  readonly options: DecapsulateOptions;
  /** Offsets in `bytes`. */
  readonly layout: { readonly ip: number; readonly ipHeaderLength: number; readonly udp: number; readonly vxlan: number; readonly inner: number };
  /** Whether the outer UDP checksum was computed (else 0). */
  readonly udpChecksum: boolean;
}

/**
 * Valid outer frames: 0-2 VLAN tags (0x8100 / 0x88a8), IPv4 with 0-40 bytes
 * of options (NOPs), any TOS/ID/TTL, DF or not, UDP from 49152-65535 to
 * 4789, 8472 or 9527,
 * the UDP checksum computed or 0.
 */
export function encapsulatedFrame(): fc.Arbitrary<EncapsulatedFrameSample> {
  return fc
    .record({
      srcMac: macAddress(),
      dstMac: macAddress(),
      tags: fc.array(fc.record({ tpid: fc.constantFrom(0x8100, 0x88a8), tci: uint16() }), { maxLength: 2 }),
      optionWords: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }) }),
      tos: uint8(),
      id: uint16(),
      df: fc.boolean(),
      ttl: uint8(),
      srcIp: ipv4Address(),
      dstIp: ipv4Address(),
      // RFC 7348's dynamic range, as VTEPs send (a low source port would also make
      // Wireshark try that port's dissector before VXLAN's).
      srcPort: fc.integer({ min: 49152, max: 0xffff }),
      dstPort: fc.constantFrom(VXLAN_PORT, LINUX_VXLAN_PORT, 9527),
      udpChecksum: fc.boolean(),
      vni: vni(),
      inner: innerFrame(),
    })
    .map((f): EncapsulatedFrameSample => {
      const ethernet = concat(
        mac(f.dstMac),
        mac(f.srcMac),
        ...f.tags.map((t) => [...u16(t.tpid), ...u16(t.tci)]),
        u16(0x0800),
      );
      const ipHeaderLength = 20 + 4 * f.optionWords;
      const udpLength = 8 + 8 + f.inner.length;
      const ip = new Uint8Array(ipHeaderLength).fill(0x01); // options: NOPs
      ip[0] = 0x40 | (ipHeaderLength / 4);
      ip[1] = f.tos;
      writeU16(ip, 2, ipHeaderLength + udpLength);
      writeU16(ip, 4, f.id);
      writeU16(ip, 6, f.df ? 0x4000 : 0);
      ip[8] = f.ttl;
      ip[9] = 17;
      writeU16(ip, 10, 0);
      writeIpv4(ip, 12, f.srcIp);
      writeIpv4(ip, 16, f.dstIp);
      writeU16(ip, 10, internetChecksum(ip));
      const udp = new Uint8Array(udpLength);
      writeU16(udp, 0, f.srcPort);
      writeU16(udp, 2, f.dstPort);
      writeU16(udp, 4, udpLength);
      udp.set(vxlanBytes({ flags: 0x08, vni: f.vni, reserved1: 0, reserved2: 0 }), 8);
      udp.set(f.inner, 16);
      if (f.udpChecksum) writeU16(udp, 6, udpChecksumOf(udp, 0, f.srcIp, f.dstIp));
      const bytes = concat(ethernet, ip, udp);
      const ipAt = ethernet.length;
      return {
        bytes,
        vni: f.vni,
        inner: f.inner,
        outer: {
          srcMac: f.srcMac,
          dstMac: f.dstMac,
          srcIp: f.srcIp,
          dstIp: f.dstIp,
          srcPort: f.srcPort,
          dstPort: f.dstPort,
          vlanIds: f.tags.map((t) => t.tci & 0x0fff),
        },
        options: { ports: [...new Set([VXLAN_PORT, f.dstPort])] },
        layout: { ip: ipAt, ipHeaderLength, udp: ipAt + ipHeaderLength, vxlan: ipAt + ipHeaderLength + 8, inner: ipAt + ipHeaderLength + 16 },
        udpChecksum: f.udpChecksum,
      };
    });
}

/** A frame `decapsulate(bytes, options)` must reject with this code, layer and offset. */
export interface MalformedEncapsulatedFrame {
  readonly bytes: Uint8Array;
  readonly options: DecapsulateOptions;
  readonly code: string;
  readonly layer: 'ethernet' | 'vlan' | 'ipv4' | 'udp' | 'vxlan';
  readonly offset: number;
  /** True for 'unsupported': traffic that is simply not VXLAN. */
  readonly notVxlan: boolean;
}

type Fault = Omit<MalformedEncapsulatedFrame, 'notVxlan'>;

/** Rewrites the IPv4 header checksum after a change to the header. */
function fixIpChecksum(bytes: Uint8Array, ip: number, headerLength: number): void {
  writeU16(bytes, ip + 10, 0);
  writeU16(bytes, ip + 10, internetChecksum(bytes, ip, ip + headerLength));
}

/**
 * Valid frames broken in one place each: cut short (ethernet, vlan, ipv4),
 * UDP payload too short for VXLAN or the inner header (udp, vxlan,
 * ethernet), wrong EtherType / protocol / port ('unsupported'), fragments,
 * IPv4 version and IHL, bad checksums, UDP length, VXLAN flags and reserved bits.
 */
export function malformedEncapsulatedFrame(): fc.Arbitrary<MalformedEncapsulatedFrame> {
  const faults = encapsulatedFrame().chain((s) => {
    const { ip, ipHeaderLength: ihl, udp, vxlan } = s.layout;
    const tags = s.outer.vlanIds.length;
    const copy = () => s.bytes.slice();
    const cut = fc.nat({ max: ip + ihl + 7 }).map((kept): Fault => {
      const bytes = s.bytes.slice(0, kept);
      if (kept < 14) return { bytes, options: s.options, code: 'truncated', layer: 'ethernet', offset: 0 };
      for (let i = 0; i < tags; i++) {
        if (kept < 18 + 4 * i) return { bytes, options: s.options, code: 'truncated', layer: 'vlan', offset: 14 + 4 * i };
      }
      return { bytes, options: s.options, code: 'truncated', layer: 'ipv4', offset: ip };
    });
    const shortUdp = fc.nat({ max: 8 + 8 + 13 }).map((datagram): Fault => {
      // IP total length (and UDP length) say the datagram is `datagram` bytes
      // long: too short for UDP, VXLAN or the inner header. The rest is trailer.
      const bytes = copy();
      writeU16(bytes, ip + 2, ihl + datagram);
      fixIpChecksum(bytes, ip, ihl);
      if (datagram >= 8) {
        writeU16(bytes, udp + 4, datagram);
        writeU16(bytes, udp + 6, 0);
      }
      if (datagram < 8) return { bytes, options: s.options, code: 'truncated', layer: 'udp', offset: udp };
      if (datagram < 16) return { bytes, options: s.options, code: 'truncated', layer: 'vxlan', offset: vxlan };
      return { bytes, options: s.options, code: 'truncated', layer: 'ethernet', offset: vxlan + 8 };
    });
    const etherType = uint16()
      .filter((t) => t !== 0x0800 && t !== 0x8100 && t !== 0x88a8)
      .map((t): Fault => {
        const bytes = copy();
        writeU16(bytes, ip - 2, t);
        return { bytes, options: s.options, code: 'unsupported', layer: 'ethernet', offset: ip - 2 };
      });
    const protocol = uint8()
      .filter((p) => p !== 17)
      .map((p): Fault => {
        const bytes = copy();
        bytes[ip + 9] = p;
        fixIpChecksum(bytes, ip, ihl);
        return { bytes, options: s.options, code: 'unsupported', layer: 'ipv4', offset: ip + 9 };
      });
    const fragment = fc.integer({ min: 1, max: 0x3fff }).map((bits): Fault => {
      const bytes = copy();
      writeU16(bytes, ip + 6, (bytes[ip + 6]! << 8) | bits);
      fixIpChecksum(bytes, ip, ihl);
      return { bytes, options: s.options, code: 'fragmented', layer: 'ipv4', offset: ip + 6 };
    });
    const version = fc.integer({ min: 0, max: 15 }).filter((v) => v !== 4).map((v): Fault => {
      const bytes = copy();
      bytes[ip] = (v << 4) | (bytes[ip]! & 0x0f);
      return { bytes, options: s.options, code: 'bad-version', layer: 'ipv4', offset: ip };
    });
    const ihlField = fc.integer({ min: 0, max: 4 }).map((v): Fault => {
      const bytes = copy();
      bytes[ip] = 0x40 | v;
      return { bytes, options: s.options, code: 'bad-header-length', layer: 'ipv4', offset: ip };
    });
    // Bits of the IPv4 header whose change nothing but the checksum catches.
    const ipBits = [1, 4, 5, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const ipChecksum = fc.tuple(fc.constantFrom(...ipBits), fc.nat({ max: 7 })).map(([byte, bit]): Fault => {
      const bytes = copy();
      bytes[ip + byte] = bytes[ip + byte]! ^ (1 << bit);
      return { bytes, options: s.options, code: 'bad-checksum', layer: 'ipv4', offset: ip + 10 };
    });
    const port = fc.constant<Fault>({
      bytes: s.bytes,
      options: { ports: [1, 2, 3, 4].map((p) => (p + s.outer.dstPort) & 0xffff) },
      code: 'unsupported',
      layer: 'udp',
      offset: udp + 2,
    });
    const udpLength = uint16()
      .filter((l) => l !== s.bytes.length - udp)
      .map((l): Fault => {
        const bytes = copy();
        writeU16(bytes, udp + 4, l);
        return { bytes, options: s.options, code: 'bad-length', layer: 'udp', offset: udp + 4 };
      });
    const udpChecksum = fc.nat({ max: (s.bytes.length - udp - 16) * 8 + 15 }).map((bit): Fault => {
      const bytes = copy();
      if (s.udpChecksum) {
        // One bit of the source port or of the inner frame flipped: nothing but the checksum catches it.
        const at = bit < 16 ? udp + (bit >>> 3) : udp + 16 + ((bit - 16) >>> 3);
        bytes[at] = bytes[at]! ^ (1 << (bit & 7));
      } else {
        // A checksum that is neither right nor 0 ("none").
        const right = udpChecksumOf(bytes, udp, s.outer.srcIp, s.outer.dstIp);
        writeU16(bytes, udp + 6, right === 1 ? 2 : right - 1);
      }
      return { bytes, options: s.options, code: 'bad-checksum', layer: 'udp', offset: udp + 6 };
    });
    const flags = fc.record({ flags: uint8(), reserved1: fc.integer({ min: 0, max: 0xff_ffff }), reserved2: uint8() })
      .filter((h) => h.flags !== 0x08 || h.reserved1 !== 0 || h.reserved2 !== 0)
      .map((h): Fault => {
        const bytes = copy();
        bytes[vxlan] = h.flags;
        writeU24(bytes, vxlan + 1, h.reserved1);
        bytes[vxlan + 7] = h.reserved2;
        writeU16(bytes, udp + 6, 0); // keep the UDP checksum out of it
        const offset = (h.flags & 0x08) === 0 || h.flags !== 0x08 ? vxlan : h.reserved1 !== 0 ? vxlan + 1 : vxlan + 7;
        return { bytes, options: s.options, code: (h.flags & 0x08) === 0 ? 'bad-value' : 'reserved', layer: 'vxlan', offset };
      });
    return fc.oneof(cut, shortUdp, etherType, protocol, fragment, version, ihlField, ipChecksum, port, udpLength, udpChecksum, flags);
  });
  return faults.map((f) => ({ ...f, notVxlan: f.code === 'unsupported' }));
}

/**
 * Reading a VXLAN packet out of an outer Ethernet frame, for VTEPs: the
 * outer Ethernet (with any 802.1Q/802.1ad tags), IPv4 and UDP headers are
 * parsed here with core's helpers, for the reason outer.ts gives (codecs
 * do not depend on each other).
 *
 * One parser serves both entry points: it returns the result or a
 * description of the first failure without throwing, so that
 * `tryDecapsulate` can turn away non-VXLAN traffic cheaply (exceptions are
 * slow) and `decapsulate` can throw a precise DecodeError.
 */
import {
  DecodeError,
  IssueCollector,
  checksumAdd,
  checksumAddU16,
  checksumAddU32,
  checksumFold,
  hex,
  ipv4FromBytes,
  macFromBytes,
  readU16,
  readU24,
  type DecodeErrorInit,
  type DecodeOptions,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import { checkHeader } from './codec.js';
import { LAYER as VXLAN, RESERVED1, RESERVED2, VNI, VXLAN_FLAG_I, VXLAN_HEADER_LENGTH, VXLAN_PORT } from './layout.js';
import { ETHERNET_LENGTH, ETHERTYPE_IPV4, IPV4_LENGTH, IP_PROTOCOL_UDP, UDP_LENGTH } from './outer.js';

const TPID_8021Q = 0x8100;
const TPID_8021AD = 0x88a8;
const VLAN_TAG_LENGTH = 4;
const DEFAULT_PORTS: readonly number[] = Object.freeze([VXLAN_PORT]);
const NO_TAGS: readonly number[] = Object.freeze([]);

export interface DecapsulateOptions {
  /** UDP destination ports that carry VXLAN (default [4789]). */
  readonly ports?: readonly number[] | undefined;
  /**
   * 'strict' (default) rejects a VXLAN header with reserved bits set, as
   * Linux does; 'lax' ignores them, as RFC 7348 §5 tells receivers to. The
   * I flag must be set in both.
   */
  readonly mode?: DecodeOptions['mode'];
  /** 'verify' (default) checks the outer IPv4 header checksum and a non-zero UDP checksum; 'ignore' skips both. */
  readonly checksum?: DecodeOptions['checksum'];
}

/** What the outer headers said. */
export interface OuterAddresses {
  readonly srcMac: MacAddress;
  readonly dstMac: MacAddress;
  readonly srcIp: Ipv4Address;
  readonly dstIp: Ipv4Address;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The VLAN IDs of the outer 802.1Q/802.1ad tags, outermost first (usually none). */
  readonly vlanIds: readonly number[];
}

export interface Decapsulated {
  /** The 24-bit VXLAN Network Identifier. */
  readonly vni: number;
  /** The inner Ethernet frame: a subarray of the input, not a copy. */
  readonly inner: Uint8Array;
  readonly outer: OuterAddresses;
}

/**
 * Why parsing stopped. The message is built only when `decapsulate`
 * throws (string building would dominate `tryDecapsulate` on other traffic).
 */
interface Failure {
  readonly failure: DecodeErrorInit;
  readonly explain?: () => string;
}

function describe(r: Failure): DecodeErrorInit {
  if (r.explain === undefined) return r.failure;
  const { failure } = r;
  return { ...failure, message: `${failure.layer} at offset ${failure.offset}: ${r.explain()}` };
}

/**
 * Parses `frame` as Ethernet [802.1Q/802.1ad tags] / IPv4 / UDP (to one of
 * `ports`) / VXLAN / inner Ethernet and returns the VNI, the inner frame
 * (no copy) and the outer addresses. Throws DecodeError at the first
 * problem, naming the layer ('ethernet', 'vlan', 'ipv4', 'udp', 'vxlan';
 * 'ethernet' again for an inner frame under 14 bytes) and the offset in
 * `frame`:
 * - 'truncated': a header (or the IPv4 total length, or the inner frame's
 *   14-byte header) runs past the bytes;
 * - 'unsupported': not VXLAN traffic: EtherType not IPv4 (at the
 *   EtherType), protocol not UDP (at the protocol), destination port not
 *   in `ports` (at the port);
 * - 'fragmented' (ipv4, at the flags): a fragment; reassemble first;
 * - 'bad-version', 'bad-header-length', 'bad-length': IPv4 version not 4,
 *   IHL under 5, total length under the header, UDP length not 8..IP payload;
 * - 'bad-checksum': the outer IPv4 header checksum, or a non-zero UDP
 *   checksum, is wrong (unless `checksum: 'ignore'`);
 * - 'bad-value', 'reserved' (vxlan): I flag clear; reserved bits set (strict).
 */
export function decapsulate(frame: Uint8Array, options?: DecapsulateOptions): Decapsulated {
  const r = parse(frame, options);
  if ('failure' in r) throw new DecodeError(describe(r));
  return r;
}

/** Like `decapsulate`, but returns undefined instead of throwing: for a VTEP, anything else is not its traffic. */
export function tryDecapsulate(frame: Uint8Array, options?: DecapsulateOptions): Decapsulated | undefined {
  const r = parse(frame, options);
  return 'failure' in r ? undefined : r;
}

function truncated(layer: string, offset: number, required: number, available: number): Failure {
  return { failure: { code: 'truncated', layer, offset, required, available: Math.max(available, 0) } };
}

function fail(code: string, layer: string, offset: number, explain: () => string): Failure {
  return { failure: { code, layer, offset }, explain };
}

function parse(frame: Uint8Array, options: DecapsulateOptions | undefined): Decapsulated | Failure {
  const length = frame.length;
  const verify = options?.checksum !== 'ignore';

  // Ethernet II, and any VLAN tags
  if (length < ETHERNET_LENGTH) return truncated('ethernet', 0, ETHERNET_LENGTH, length);
  let at = 12;
  let etherType = readU16(frame, at);
  let vlanIds = NO_TAGS;
  while (etherType === TPID_8021Q || etherType === TPID_8021AD) {
    const tag = at + 2;
    if (length - tag < VLAN_TAG_LENGTH) return truncated('vlan', tag, VLAN_TAG_LENGTH, length - tag);
    if (vlanIds === NO_TAGS) vlanIds = [];
    (vlanIds as number[]).push(readU16(frame, tag) & 0x0fff);
    at += VLAN_TAG_LENGTH;
    etherType = readU16(frame, at);
  }
  if (etherType !== ETHERTYPE_IPV4) return fail('unsupported', 'ethernet', at, () => `EtherType ${hex(etherType)} is not IPv4`);

  // IPv4
  const ip = at + 2;
  if (length - ip < IPV4_LENGTH) return truncated('ipv4', ip, IPV4_LENGTH, length - ip);
  const version = frame[ip]! >>> 4;
  if (version !== 4) return fail('bad-version', 'ipv4', ip, () => `version ${version}, not 4`);
  const headerLength = (frame[ip]! & 0x0f) * 4;
  if (headerLength < IPV4_LENGTH) return fail('bad-header-length', 'ipv4', ip, () => `IHL ${headerLength / 4} is under 5`);
  if (length - ip < headerLength) return truncated('ipv4', ip, headerLength, length - ip);
  const protocol = frame[ip + 9]!;
  if (protocol !== IP_PROTOCOL_UDP) return fail('unsupported', 'ipv4', ip + 9, () => `protocol ${protocol} is not UDP (17)`);
  const fragment = readU16(frame, ip + 6);
  if ((fragment & 0x3fff) !== 0) return fail('fragmented', 'ipv4', ip + 6, () => `a fragment (flags/offset ${hex(fragment)}); reassemble it first`);
  const totalLength = readU16(frame, ip + 2);
  if (totalLength < headerLength) return fail('bad-length', 'ipv4', ip + 2, () => `total length ${totalLength} is under the header length ${headerLength}`);
  if (totalLength > length - ip) return truncated('ipv4', ip, totalLength, length - ip);
  if (verify && checksumFold(checksumAdd(frame, ip, ip + headerLength)) !== 0xffff) {
    return fail('bad-checksum', 'ipv4', ip + 10, () => `header checksum ${hex(readU16(frame, ip + 10))} is wrong`);
  }
  const srcIp = ipv4FromBytes(frame, ip + 12);
  const dstIp = ipv4FromBytes(frame, ip + 16);

  // UDP
  const udp = ip + headerLength;
  const ipEnd = ip + totalLength;
  if (ipEnd - udp < UDP_LENGTH) return truncated('udp', udp, UDP_LENGTH, ipEnd - udp);
  const dstPort = readU16(frame, udp + 2);
  const ports = options?.ports ?? DEFAULT_PORTS;
  if (!ports.includes(dstPort)) return fail('unsupported', 'udp', udp + 2, () => `destination port ${dstPort} is not a VXLAN port (${ports.join(', ')})`);
  const udpLength = readU16(frame, udp + 4);
  if (udpLength !== ipEnd - udp) {
    return fail('bad-length', 'udp', udp + 4, () => `length ${udpLength} differs from the IP payload length ${ipEnd - udp}`);
  }
  const checksum = readU16(frame, udp + 6);
  if (verify && checksum !== 0) {
    const sum = checksumAddU16(checksumAddU16(checksumAddU32(checksumAddU32(0, srcIp), dstIp), IP_PROTOCOL_UDP), udpLength);
    if (checksumFold(checksumAdd(frame, udp, ipEnd, sum)) !== 0xffff) {
      return fail('bad-checksum', 'udp', udp + 6, () => `checksum ${hex(checksum)} is wrong`);
    }
  }

  // VXLAN
  const vx = udp + UDP_LENGTH;
  if (ipEnd - vx < VXLAN_HEADER_LENGTH) return truncated(VXLAN, vx, VXLAN_HEADER_LENGTH, ipEnd - vx);
  const flags = frame[vx]!;
  const reserved1 = readU24(frame, vx + RESERVED1);
  const reserved2 = frame[vx + RESERVED2]!;
  if ((flags & VXLAN_FLAG_I) === 0 || (options?.mode !== 'lax' && (flags !== VXLAN_FLAG_I || reserved1 !== 0 || reserved2 !== 0))) {
    // The header's own rules, as decodeVxlan applies them; the first problem is the one to report.
    const problems = new IssueCollector({ mode: 'lax' });
    checkHeader(problems, vx, flags, reserved1, reserved2);
    const first = problems.issues[0]!;
    return { failure: { code: first.code, layer: VXLAN, offset: first.offset, message: first.message } };
  }

  // The inner Ethernet frame ends where the UDP datagram does (not at any outer padding).
  const innerStart = vx + VXLAN_HEADER_LENGTH;
  if (ipEnd - innerStart < ETHERNET_LENGTH) return truncated('ethernet', innerStart, ETHERNET_LENGTH, ipEnd - innerStart);
  return {
    vni: readU24(frame, vx + VNI),
    inner: frame.subarray(innerStart, ipEnd),
    outer: {
      srcMac: macFromBytes(frame, 6),
      dstMac: macFromBytes(frame, 0),
      srcIp,
      dstIp,
      srcPort: readU16(frame, udp),
      dstPort,
      vlanIds,
    },
  };
}

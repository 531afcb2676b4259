import { EncodeError, checkUint, outputRegion, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { writeVxlanHeader } from './codec.js';
import { vxlanSourcePort } from './flow-hash.js';
import { MAX_VNI, VXLAN_FLAG_I, VXLAN_HEADER_LENGTH, VXLAN_PORT } from './layout.js';
import { IPV4_LENGTH, OUTER_LENGTH, UDP_LENGTH, fillUdpChecksum, writeOuterHeaders, type OuterFields } from './outer.js';

const MAX_MAC = 0xffff_ffff_ffff;
const MAX_IPV4 = 0xffff_ffff;
/** Outer headers and VXLAN header before the inner frame: 14 + 20 + 8 + 8. */
export const VXLAN_OVERHEAD = OUTER_LENGTH + VXLAN_HEADER_LENGTH;

/** The outer Ethernet/IPv4/UDP headers `encapsulate` writes. */
export interface OuterInput {
  /** This VTEP's MAC (outer Ethernet source). */
  readonly srcMac: MacAddress;
  /** The next hop's MAC towards the remote VTEP (outer Ethernet destination). */
  readonly dstMac: MacAddress;
  /** This VTEP's IPv4 address. */
  readonly srcIp: Ipv4Address;
  /** The remote VTEP's (or multicast group's) IPv4 address. */
  readonly dstIp: Ipv4Address;
  /** Default: the inner frame's flow hash in 49152-65535 (`vxlanSourcePort`). */
  readonly srcPort?: number | undefined;
  /** Default 4789 (`VXLAN_PORT`). */
  readonly dstPort?: number | undefined;
  /** Default 64. */
  readonly ttl?: number | undefined;
  /** The IPv4 TOS/DSCP+ECN octet, default 0. */
  readonly tos?: number | undefined;
  /** Set Don't Fragment, default false (as Linux's vxlan devices without `df set`). */
  readonly df?: boolean | undefined;
  /** IPv4 identification, default 0. */
  readonly id?: number | undefined;
}

export interface EncapsulateOptions {
  /** The 24-bit VXLAN Network Identifier. */
  readonly vni: number;
  readonly outer: OuterInput;
  /**
   * Compute the outer UDP checksum (default false: RFC 7348 §5 says it
   * SHOULD be sent as zero, and receivers accept zero).
   */
  readonly udpChecksum?: boolean | undefined;
}

/**
 * Builds Ethernet/IPv4/UDP/VXLAN around `innerFrame` (an Ethernet frame
 * without FCS) into `out` at `offset`, or a new array, and returns the
 * whole outer frame (a subarray of `out` when given): 50 bytes of headers
 * plus the inner frame. Lengths and the IPv4 header checksum are computed;
 * the UDP checksum with `udpChecksum: true`.
 *
 * When `innerFrame` already sits where it belongs, 50 bytes after `offset`
 * in `out` (built there in place), it is not copied.
 *
 * EncodeError: 'out-of-range' for a value that does not fit its field,
 * 'too-long' (field 'innerFrame') when the IPv4 packet would exceed 65535
 * bytes, 'buffer-too-small' when `out` cannot hold the frame.
 */
export function encapsulate(innerFrame: Uint8Array, options: EncapsulateOptions, out?: Uint8Array, offset = 0): Uint8Array {
  const fields = resolveOuter(options.outer, innerFrame);
  const vni = checkUint(options.vni, MAX_VNI, 'vni');
  const udpPayloadLength = VXLAN_HEADER_LENGTH + innerFrame.length;
  if (IPV4_LENGTH + UDP_LENGTH + udpPayloadLength > 0xffff) {
    throw new EncodeError(
      'too-long',
      'innerFrame',
      `innerFrame: ${innerFrame.length} bytes; with 36 bytes of IPv4, UDP and VXLAN headers the IPv4 packet exceeds 65535 bytes`,
    );
  }
  const region = outputRegion(VXLAN_OVERHEAD + innerFrame.length, out, offset);
  writeOuterHeaders(region, 0, fields, udpPayloadLength);
  writeVxlanHeader(region, OUTER_LENGTH, VXLAN_FLAG_I, 0, vni, 0);
  const inPlace = innerFrame.buffer === region.buffer && innerFrame.byteOffset === region.byteOffset + VXLAN_OVERHEAD;
  if (!inPlace) region.set(innerFrame, VXLAN_OVERHEAD);
  if (options.udpChecksum === true) fillUdpChecksum(region, 0, fields.srcIp, fields.dstIp, udpPayloadLength);
  return region;
}

function resolveOuter(outer: OuterInput, innerFrame: Uint8Array): OuterFields {
  return {
    srcMac: checkUint(outer.srcMac, MAX_MAC, 'outer.srcMac') as MacAddress,
    dstMac: checkUint(outer.dstMac, MAX_MAC, 'outer.dstMac') as MacAddress,
    srcIp: checkUint(outer.srcIp, MAX_IPV4, 'outer.srcIp') as Ipv4Address,
    dstIp: checkUint(outer.dstIp, MAX_IPV4, 'outer.dstIp') as Ipv4Address,
    srcPort: outer.srcPort === undefined ? vxlanSourcePort(innerFrame) : checkUint(outer.srcPort, 0xffff, 'outer.srcPort'),
    dstPort: outer.dstPort === undefined ? VXLAN_PORT : checkUint(outer.dstPort, 0xffff, 'outer.dstPort'),
    ttl: outer.ttl === undefined ? 64 : checkUint(outer.ttl, 0xff, 'outer.ttl'),
    tos: outer.tos === undefined ? 0 : checkUint(outer.tos, 0xff, 'outer.tos'),
    df: outer.df === true,
    id: outer.id === undefined ? 0 : checkUint(outer.id, 0xffff, 'outer.id'),
  };
}

import {
  EncodeError,
  checkUint,
  ipv4FromBytes,
  macFromBytes,
  outputRegion,
  readU16,
  writeIpv4,
  writeMac,
  writeU16,
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import {
  ARP_FIXED_LENGTH,
  ARP_HTYPE_ETHERNET,
  ARP_PTYPE_IPV4,
  ETHERNET_ADDRESS_LENGTH,
  ETHERNET_IPV4,
  HLEN,
  HTYPE,
  IPV4_ADDRESS_LENGTH,
  OP,
  PLEN,
  PTYPE,
  SHA,
  arpPacketLength,
} from './layout.js';
import { hasEthernetIpv4Layout, requireArpPacket } from './length.js';
import type { ArpInput, ArpPacket, EthernetIpv4Arp, EthernetIpv4ArpInput, GenericArp, GenericArpInput } from './packet.js';

const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
/**
 * The payload when nothing follows the packet. Creating a typed array costs
 * more than the rest of decodeArp together, and unpadded frames (veth, what
 * a host captures of its own sends) are common.
 */
const NO_PAYLOAD = new Uint8Array(0);

/**
 * Decodes the ARP packet at `offset` (e.g. 14 in an untagged Ethernet
 * frame). `headerLength` is the ARP packet's length, 8 + 2*hlen + 2*plen;
 * `payload` is whatever follows it in `bytes` (Ethernet padding, not ARP):
 * a subarray of `bytes`, or a shared empty array when nothing follows.
 *
 * Throws only DecodeError 'truncated', in strict and lax mode alike: first
 * with required 8 when the fixed part is cut, then with required = the
 * length hlen/plen announce, both at `offset`. Nothing else is rejected:
 * every htype/ptype/hlen/plen/op combination is a decodable packet (see
 * `ArpPacket`), so `options` exists for the common decoder contract and
 * `issues` is always empty.
 */
export function decodeArp(bytes: Uint8Array, offset = 0, options?: DecodeOptions): Decoded<ArpPacket> {
  const length = requireArpPacket(bytes, offset);
  const header = hasEthernetIpv4Layout(bytes, offset)
    ? readEthernetIpv4(bytes, offset)
    : readGeneric(bytes, offset);
  const end = offset + length;
  const payload = end === bytes.length ? NO_PAYLOAD : bytes.subarray(end);
  return { header, headerLength: length, payload, issues: NO_ISSUES };
}

function readEthernetIpv4(bytes: Uint8Array, offset: number): EthernetIpv4Arp {
  return {
    kind: 'ethernet-ipv4',
    htype: ARP_HTYPE_ETHERNET,
    ptype: ARP_PTYPE_IPV4,
    hlen: ETHERNET_ADDRESS_LENGTH,
    plen: IPV4_ADDRESS_LENGTH,
    op: readU16(bytes, offset + OP),
    sha: macFromBytes(bytes, offset + ETHERNET_IPV4.sha),
    spa: ipv4FromBytes(bytes, offset + ETHERNET_IPV4.spa),
    tha: macFromBytes(bytes, offset + ETHERNET_IPV4.tha),
    tpa: ipv4FromBytes(bytes, offset + ETHERNET_IPV4.tpa),
  };
}

function readGeneric(bytes: Uint8Array, offset: number): GenericArp {
  const hlen = bytes[offset + HLEN]!;
  const plen = bytes[offset + PLEN]!;
  const sha = offset + SHA;
  const spa = sha + hlen;
  const tha = spa + plen;
  const tpa = tha + hlen;
  return {
    kind: 'generic',
    htype: readU16(bytes, offset + HTYPE),
    ptype: readU16(bytes, offset + PTYPE),
    hlen,
    plen,
    op: readU16(bytes, offset + OP),
    // Copies: a decoded object owns its data, unlike the view.
    sha: bytes.slice(sha, spa),
    spa: bytes.slice(spa, tha),
    tha: bytes.slice(tha, tpa),
    tpa: bytes.slice(tpa, tpa + plen),
  };
}

/**
 * Writes `packet` into `out` at `offset` (or a new array) and returns the
 * written bytes. Throws EncodeError: 'out-of-range' for a field that does
 * not fit (op > 0xffff, a MAC beyond 48 bits, ...), 'invalid' for an
 * 'ethernet-ipv4' packet whose htype/ptype/hlen/plen are given and differ
 * from 1/0x0800/6/4 or a 'generic' one whose address lengths disagree with
 * each other or with hlen/plen, 'too-long' for generic addresses over 255
 * bytes, 'buffer-too-small' when `out` cannot hold the packet.
 */
export function encodeArp(packet: ArpInput, out?: Uint8Array, offset = 0): Uint8Array {
  if (packet.kind === 'ethernet-ipv4') return encodeEthernetIpv4(packet, out, offset);
  if (packet.kind === 'generic') return encodeGeneric(packet, out, offset);
  const kind: unknown = (packet as { kind: unknown }).kind;
  throw new EncodeError('invalid', 'kind', `kind: expected 'ethernet-ipv4' or 'generic', got ${String(kind)}`);
}

function encodeEthernetIpv4(packet: EthernetIpv4ArpInput, out: Uint8Array | undefined, offset: number): Uint8Array {
  checkImplied(packet.htype, ARP_HTYPE_ETHERNET, 'htype');
  checkImplied(packet.ptype, ARP_PTYPE_IPV4, 'ptype');
  checkImplied(packet.hlen, ETHERNET_ADDRESS_LENGTH, 'hlen');
  checkImplied(packet.plen, IPV4_ADDRESS_LENGTH, 'plen');
  const op = checkUint(packet.op, 0xffff, 'op');
  const sha = checkUint(packet.sha, 0xffff_ffff_ffff, 'sha') as MacAddress;
  const spa = checkUint(packet.spa, 0xffff_ffff, 'spa') as Ipv4Address;
  const tha = checkUint(packet.tha, 0xffff_ffff_ffff, 'tha') as MacAddress;
  const tpa = checkUint(packet.tpa, 0xffff_ffff, 'tpa') as Ipv4Address;
  const region = outputRegion(ETHERNET_IPV4.length, out, offset);
  writeU16(region, HTYPE, ARP_HTYPE_ETHERNET);
  writeU16(region, PTYPE, ARP_PTYPE_IPV4);
  region[HLEN] = ETHERNET_ADDRESS_LENGTH;
  region[PLEN] = IPV4_ADDRESS_LENGTH;
  writeU16(region, OP, op);
  writeMac(region, ETHERNET_IPV4.sha, sha);
  writeIpv4(region, ETHERNET_IPV4.spa, spa);
  writeMac(region, ETHERNET_IPV4.tha, tha);
  writeIpv4(region, ETHERNET_IPV4.tpa, tpa);
  return region;
}

/** The constant fields of the Ethernet/IPv4 form may be omitted, but not contradicted. */
function checkImplied(value: number | undefined, expected: number, field: string): void {
  if (value !== undefined && value !== expected) {
    throw new EncodeError(
      'invalid',
      field,
      `${field}: kind 'ethernet-ipv4' has ${field} ${expected}, got ${value}; use kind 'generic' for other layouts`,
    );
  }
}

function encodeGeneric(packet: GenericArpInput, out: Uint8Array | undefined, offset: number): Uint8Array {
  const htype = checkUint(packet.htype, 0xffff, 'htype');
  const ptype = checkUint(packet.ptype, 0xffff, 'ptype');
  const op = checkUint(packet.op, 0xffff, 'op');
  const hlen = addressLength(packet.hlen, packet.sha, packet.tha, 'hlen', 'sha', 'tha');
  const plen = addressLength(packet.plen, packet.spa, packet.tpa, 'plen', 'spa', 'tpa');
  const region = outputRegion(arpPacketLength(hlen, plen), out, offset);
  writeU16(region, HTYPE, htype);
  writeU16(region, PTYPE, ptype);
  region[HLEN] = hlen;
  region[PLEN] = plen;
  writeU16(region, OP, op);
  let at = ARP_FIXED_LENGTH;
  for (const address of [packet.sha, packet.spa, packet.tha, packet.tpa]) {
    region.set(address, at);
    at += address.length;
  }
  return region;
}

/** hlen/plen: the given value, or the sender address's length; both addresses must have it. */
function addressLength(
  given: number | undefined,
  sender: Uint8Array,
  target: Uint8Array,
  lengthField: string,
  senderField: string,
  targetField: string,
): number {
  let length: number;
  if (given === undefined) {
    length = sender.length;
    if (length > 0xff) {
      throw new EncodeError('too-long', senderField, `${senderField}: ${length} bytes, an ARP address holds at most 255`);
    }
  } else {
    length = checkUint(given, 0xff, lengthField);
    if (sender.length !== length) {
      throw new EncodeError('invalid', senderField, `${senderField}: ${sender.length} bytes, but ${lengthField} is ${length}`);
    }
  }
  if (target.length !== length) {
    throw new EncodeError('invalid', targetField, `${targetField}: ${target.length} bytes, but ${lengthField} is ${length}`);
  }
  return length;
}

import { readU16, readU32 } from '@wirestack/core';

/**
 * The outer UDP source port of RFC 7348 §5: "a hash of fields from the
 * inner packet", so that routers which spread traffic over equal-cost paths
 * by the outer 5-tuple keep each inner flow on one path (no reordering)
 * while different flows spread out. The RFC recommends the dynamic range
 * 49152-65535. (Linux does the same with its own hash; by default it maps
 * into net.ipv4.ip_local_port_range, 32768-60999, and seeds the hash
 * randomly per boot, so the exact ports differ from ours by design.)
 *
 * What counts as the flow, read from the inner Ethernet frame:
 * - IPv4: source and destination address and protocol, plus the ports for
 *   TCP, UDP, SCTP and UDP-Lite when the packet is not a fragment (later
 *   fragments carry no ports, so no fragment uses them and all fragments
 *   of a datagram stay together);
 * - ARP (Ethernet/IPv4): sender and target protocol address;
 * - anything else: the MAC addresses and the EtherType.
 * VLAN tags (0x8100, 0x88a8) are skipped, their VLAN IDs hashed. Like
 * Linux's flow hash the result is symmetric: both directions of a
 * conversation (request and reply) get the same port.
 */

export const VXLAN_SOURCE_PORT_MIN = 49152;
export const VXLAN_SOURCE_PORT_MAX = 65535;

const TPID_8021Q = 0x8100;
const TPID_8021AD = 0x88a8;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
/** IP protocols whose first four bytes are a source and destination port. */
const PORTED = new Set([6, 17, 132, 136]);

/** One round of mixing a 32-bit word into the state (MurmurHash3's body). */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes an unordered pair: (a, b) and (b, a) give the same state. */
function mixPair(h: number, a: number, b: number): number {
  return a <= b ? mix(mix(h, a), b) : mix(mix(h, b), a);
}

/** A 32-bit hash of the inner frame's flow (see above). Frames shorter than 14 bytes hash their bytes. */
export function innerFlowHash(frame: Uint8Array): number {
  const length = frame.length;
  let h = 0x5658_4c4e; // 'VXLN'
  if (length < 14) {
    for (let i = 0; i < length; i++) h = mix(h, frame[i]!);
    return finish(mix(h, length));
  }
  let at = 12;
  let etherType = readU16(frame, at);
  while ((etherType === TPID_8021Q || etherType === TPID_8021AD) && at + 6 <= length) {
    h = mix(h, readU16(frame, at + 2) & 0x0fff);
    at += 4;
    etherType = readU16(frame, at);
  }
  const l3 = at + 2;
  if (etherType === ETHERTYPE_IPV4 && l3 + 20 <= length) {
    const protocol = frame[l3 + 9]!;
    const src = readU32(frame, l3 + 12);
    const dst = readU32(frame, l3 + 16);
    h = mix(h, protocol);
    const fragment = (readU16(frame, l3 + 6) & 0x3fff) !== 0; // MF or a fragment offset
    const l4 = l3 + (frame[l3]! & 0x0f) * 4;
    if (!fragment && PORTED.has(protocol) && l4 + 4 <= length) {
      const srcPort = readU16(frame, l4);
      const dstPort = readU16(frame, l4 + 2);
      // Order the two endpoints (address, port) the same way in both directions.
      const srcFirst = src < dst || (src === dst && srcPort <= dstPort);
      return finish(
        srcFirst ? mix(mix(mix(mix(h, src), srcPort), dst), dstPort) : mix(mix(mix(mix(h, dst), dstPort), src), srcPort),
      );
    }
    return finish(mixPair(h, src, dst));
  }
  if (etherType === ETHERTYPE_ARP && l3 + 28 <= length && readU32(frame, l3) === 0x0001_0800 && readU16(frame, l3 + 4) === 0x0604) {
    return finish(mixPair(mix(h, etherType), readU32(frame, l3 + 14), readU32(frame, l3 + 24)));
  }
  // Other protocols: the two MACs (as 48-bit numbers) and the EtherType.
  const dstMac = readU16(frame, 0) * 0x1_0000_0000 + readU32(frame, 2);
  const srcMac = readU16(frame, 6) * 0x1_0000_0000 + readU32(frame, 8);
  const lo = dstMac <= srcMac ? dstMac : srcMac;
  const hi = dstMac <= srcMac ? srcMac : dstMac;
  h = mix(mix(h, etherType), Math.floor(lo / 0x1_0000_0000));
  h = mix(mix(h, lo >>> 0), Math.floor(hi / 0x1_0000_0000));
  return finish(mix(h, hi >>> 0));
}

/**
 * The outer UDP source port for an inner frame: its flow hash mapped into
 * [min, max] (default 49152-65535). The same flow always gets the same port.
 */
export function vxlanSourcePort(innerFrame: Uint8Array, min = VXLAN_SOURCE_PORT_MIN, max = VXLAN_SOURCE_PORT_MAX): number {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max && max <= 0xffff)) {
    throw new RangeError(`vxlanSourcePort: ${min}..${max} is not a port range`);
  }
  return min + (innerFlowHash(innerFrame) % (max - min + 1));
}

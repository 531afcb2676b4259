import { formatIpv4 } from '@wirestack/core';
import { etherTypeName, formatEthernet } from '@wirestack/ethernet';
import { formatVlanTag } from '@wirestack/vlan';
import { formatArp } from '@wirestack/arp';
import { formatIpv4Header } from '@wirestack/ipv4';
import { formatIcmp } from '@wirestack/icmp';
import { UDP_HEADER_LENGTH, formatUdp } from '@wirestack/udp';
import { VXLAN_HEADER_LENGTH, formatVxlan } from '@wirestack/vxlan';
import { type CustomLayerObject, type Ipv4Layer, type PacketLayer, decodePacket } from './decode.js';
import type { Registry } from './registry.js';

export interface FormatPacketOptions {
  /**
   * Print the link-level headers (MACs, ethertype, length, VLAN tags), as
   * `tcpdump -e` does (default true). Without them the line reads as
   * tcpdump's default form, `IP ...` / `ARP, ...`; a frame with nothing
   * known above its link-level headers prints them anyway (as tcpdump
   * does for an unknown ethertype).
   */
  readonly link?: boolean;
  /**
   * Where the frame a VXLAN header carries goes: `'inline'` (default)
   * continues the line after `: `, so each packet is one line (what
   * `wirestack decode` prints); `'newline'` starts a line of its own, as
   * tcpdump prints encapsulated frames.
   */
  readonly encapsulated?: 'inline' | 'newline';
}

export interface FormatFrameOptions extends FormatPacketOptions {
  /** Dispatch for `decodePacket` (default `defaultRegistry`: VXLAN on 4789 only). */
  readonly registry?: Registry;
}

/**
 * A frame as text: `decodePacket` (lax, checksums not verified: a trace
 * prints what is there) then `formatPacket`.
 */
export function formatFrame(frame: Uint8Array, options: FormatFrameOptions = {}): string {
  const layers = decodePacket(frame, options.registry === undefined ? { mode: 'lax', verify: 'none' } : { mode: 'lax', verify: 'none', registry: options.registry });
  return formatPacket(layers, frame.length, options);
}

/**
 * One line per frame in the spirit of `tcpdump -e -n`, built from the
 * codecs' format functions:
 *
 *   02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
 *   aa:.. > bb:.., ethertype 802.1Q (0x8100), length 102: vlan 10, p 0, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64
 *
 * and with `{ link: false }` as plain `tcpdump -n`:
 *
 *   IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64
 *
 * VXLAN's inner frame follows its header on the same line, or on a line
 * of its own with `{ encapsulated: 'newline' }`. One difference from
 * tcpdump -e is kept on purpose: ARP keeps its `ARP, ` after the link
 * header, and its length is the ARP packet's (28), not the bytes left in
 * a padded frame.
 */
export function formatPacket(
  layers: readonly (PacketLayer | CustomLayerObject)[],
  frameLength: number,
  options: FormatPacketOptions = {},
): string {
  const link = options.link !== false;
  const joiner = options.encapsulated === 'newline' ? '\n' : ': ';
  let text = '';
  let from = 0;
  let length: number | undefined = frameLength;
  // Each Ethernet frame runs up to and including a VXLAN header; the frame it carries is the next one.
  for (;;) {
    let to = from;
    while (to < layers.length && layers[to]!.layer !== 'vxlan') to++;
    text += formatOneFrame(layers, from, Math.min(to + 1, layers.length), length, link);
    if (to + 1 >= layers.length) return text;
    text += joiner;
    length = innerFrameLength(layers[to - 1]);
    from = to + 1;
  }
}

/** Layers that belong to the link level, or say nothing about what is above it. */
const LINK_LEVEL: ReadonlySet<string> = new Set(['ethernet', 'vlan', 'payload', 'error']);

/** ethernet exports names with a hex fallback; formatVlanTag wants undefined for an unknown type, to print tcpdump's `Unknown`. */
function knownEtherTypeName(etherType: number): string | undefined {
  const name = etherTypeName(etherType);
  return name.startsWith('0x') ? undefined : name;
}

function formatOneFrame(
  layers: readonly (PacketLayer | CustomLayerObject)[],
  from: number,
  to: number,
  frameLength: number | undefined,
  link: boolean,
): string {
  let showLink = link;
  if (!showLink) {
    showLink = true;
    for (let i = from; i < to; i++) if (!LINK_LEVEL.has(layers[i]!.layer)) showLink = false;
  }
  // tcpdump names the protocol when no link header did (`IP 10.0.0.1 > ...`).
  const ipWord = showLink ? '' : 'IP ';
  let line = '';
  let afterTag = false;
  let ip: Ipv4Layer | undefined;
  let ipUsed = false;
  // A VLAN tag's text goes on with `, ` (tcpdump's form); every other layer with `: `.
  const sep = (): string => {
    const s = line === '' ? '' : afterTag ? ', ' : ': ';
    afterTag = false;
    return s;
  };
  for (let i = from; i < to; i++) {
    const l = layers[i] as PacketLayer;
    const next = (i + 1 < to ? layers[i + 1] : undefined) as PacketLayer | undefined;
    switch (l.layer) {
      case 'ethernet':
        if (showLink) line += sep() + formatEthernet(l, frameLength);
        break;
      case 'vlan':
        if (showLink) {
          line += sep() + formatVlanTag(l, knownEtherTypeName);
          afterTag = true;
        }
        break;
      case 'arp':
        line += `${sep()}ARP, ${formatArp(l)}, length ${arpLength(l.hlen, l.plen)}`;
        break;
      case 'ipv4':
        ip = l;
        ipUsed = false;
        if (next === undefined || (next.layer !== 'icmp' && next.layer !== 'udp')) {
          line += sep() + ipWord + formatIpv4Header(l);
          ipUsed = true;
        }
        break;
      case 'icmp': {
        const addresses = ip !== undefined && !ipUsed ? `${ipWord}${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}: ` : '';
        line += sep() + addresses + formatIcmp(l, ip === undefined ? undefined : ip.totalLength - ip.ihl * 4);
        ipUsed = true;
        break;
      }
      case 'udp': {
        const addresses = ip !== undefined && !ipUsed ? { src: ip.src, dst: ip.dst } : undefined;
        ipUsed = true;
        if (next?.layer === 'vxlan') {
          // tcpdump prints the ports, then VXLAN's own words instead of `UDP, length N`.
          if (addresses !== undefined) line += `${sep()}${ipWord}${formatIpv4(addresses.src)}.${l.srcPort} > ${formatIpv4(addresses.dst)}.${l.dstPort}`;
        } else {
          line += sep() + (addresses === undefined ? '' : ipWord) + formatUdp(l, addresses);
        }
        break;
      }
      case 'vxlan':
        line += sep() + formatVxlan(l);
        break;
      case 'payload': {
        const before = layers[i - 1]?.layer;
        if (before === 'ethernet' || before === 'vlan') {
          afterTag = false;
          line += `, payload ${l.bytes.length} bytes`;
        }
        break;
      }
      case 'error':
        afterTag = false;
        line += `${line === '' ? '' : ' '}[${l.at} ${l.code} at ${l.offset}]`;
        break;
      default:
        line += `${sep()}${(l as CustomLayerObject).layer}`;
    }
  }
  return line;
}

/** The length of the frame inside VXLAN, from the UDP Length before it (undefined when that does not say). */
function innerFrameLength(udp: PacketLayer | CustomLayerObject | undefined): number | undefined {
  if (udp === undefined || udp.layer !== 'udp') return undefined;
  const length = (udp as { length: number }).length - UDP_HEADER_LENGTH - VXLAN_HEADER_LENGTH;
  return length >= 0 ? length : undefined;
}

function arpLength(hlen: number, plen: number): number {
  return 8 + 2 * hlen + 2 * plen;
}

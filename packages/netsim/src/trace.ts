/**
 * tcpdump-style one-liners for captured frames, built from the codecs' own
 * format* functions: `formatFrame(frame)` reads Ethernet, ARP, IPv4, ICMP,
 * UDP and VXLAN (then the inner frame, on an indented second line, as
 * tcpdump prints encapsulated traffic).
 */
import { formatIpv4, isDecodeError } from '@wirestack/core';
import { decodeArp, formatArp } from '@wirestack/arp';
import { EtherType, decodeEthernet, formatEthernet } from '@wirestack/ethernet';
import { decodeIcmp, formatIcmp } from '@wirestack/icmp';
import { IpProtocol, decodeIpv4, formatIpv4Header } from '@wirestack/ipv4';
import { decodeUdp, formatUdp } from '@wirestack/udp';
import { decodeVxlan, formatVxlan } from '@wirestack/vxlan';

export interface FormatFrameOptions {
  /** UDP destination ports read as VXLAN (default [4789, 8472, 9527]). */
  readonly vxlanPorts?: readonly number[];
  /** Prefix the link-level header, as `tcpdump -e` does. */
  readonly link?: boolean;
}

const DEFAULT_VXLAN_PORTS: readonly number[] = [4789, 8472, 9527];
const LAX = { mode: 'lax', checksum: 'ignore' } as const;

export function formatFrame(frame: Uint8Array, options: FormatFrameOptions = {}): string {
  try {
    return formatEthernetFrame(frame, options);
  } catch (error) {
    if (isDecodeError(error)) return `[malformed: ${error.message}]`;
    throw error;
  }
}

function formatEthernetFrame(frame: Uint8Array, options: FormatFrameOptions): string {
  const eth = decodeEthernet(frame, 0, LAX);
  const prefix = options.link === true ? `${formatEthernet(eth.header, frame.length)}: ` : '';
  const type = 'etherType' in eth.header ? eth.header.etherType : -1;
  if (type === EtherType.ARP) {
    const arp = decodeArp(eth.payload, 0, LAX);
    return `${prefix}ARP, ${formatArp(arp.header)}, length ${arp.headerLength}`;
  }
  if (type === EtherType.IPv4) return prefix + formatIpv4Packet(eth.payload, options);
  return prefix === '' ? formatEthernet(eth.header, frame.length) : prefix.slice(0, -2);
}

function formatIpv4Packet(packet: Uint8Array, options: FormatFrameOptions): string {
  const ip = decodeIpv4(packet, 0, LAX);
  const h = ip.header;
  // Non-first fragments carry no transport header: the IPv4 line says it all.
  if (h.fragmentOffset !== 0) return `IP ${formatIpv4Header(h)}`;
  const addresses = `${formatIpv4(h.src)} > ${formatIpv4(h.dst)}`;
  if (h.protocol === IpProtocol.ICMP) {
    const icmp = decodeIcmp(ip.payload, 0, LAX);
    return `IP ${addresses}: ${formatIcmp(icmp.header, ip.payload.length)}`;
  }
  if (h.protocol === IpProtocol.UDP) {
    const udp = decodeUdp(ip.payload, 0, LAX);
    const ports = options.vxlanPorts ?? DEFAULT_VXLAN_PORTS;
    if (ports.includes(udp.header.dstPort) && udp.payload.length >= 8) {
      const vx = decodeVxlan(udp.payload, 0, LAX);
      const outer = `IP ${formatIpv4(h.src)}.${udp.header.srcPort} > ${formatIpv4(h.dst)}.${udp.header.dstPort}: ${formatVxlan(vx.header)}`;
      return `${outer}\n    ${formatEthernetFrame(vx.payload, { ...options, link: true })}`;
    }
    return `IP ${formatUdp(udp.header, { src: h.src, dst: h.dst })}`;
  }
  return `IP ${formatIpv4Header(h)}`;
}

import { formatIpv4, hex } from '@wirestack/core';
import { etherTypeName, formatEthernet } from '@wirestack/ethernet';
import { formatArp } from '@wirestack/arp';
import { formatIpv4Header } from '@wirestack/ipv4';
import { formatIcmp } from '@wirestack/icmp';
import { formatUdp } from '@wirestack/udp';
import { formatVxlan } from '@wirestack/vxlan';
import type { CustomLayerObject, Ipv4Layer, PacketLayer } from './decode.js';

/**
 * One line per frame in the spirit of `tcpdump -e -n`, built from the
 * codecs' format functions:
 *
 *   02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28
 *   aa:.. > bb:.., ethertype 802.1Q (0x8100), length 102: vlan 10, p 0, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64
 *
 * VXLAN's inner frame follows on the same line after its header.
 */
export function formatPacket(layers: readonly (PacketLayer | CustomLayerObject)[], frameLength: number): string {
  let line = '';
  let ip: Ipv4Layer | undefined;
  let ipUsed = false;
  let frameBytes: number | undefined = frameLength;
  const sep = (): string => (line === '' ? '' : line.endsWith(', ') ? '' : ': ');
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i] as PacketLayer;
    const next = layers[i + 1] as PacketLayer | undefined;
    switch (l.layer) {
      case 'ethernet':
        line += sep() + formatEthernet(l, frameBytes);
        frameBytes = undefined;
        break;
      case 'vlan':
        line += `${sep()}${l.tpid === 0x8100 ? 'vlan' : `s-vlan (${hex(l.tpid)})`} ${l.vid}, p ${l.pcp}${l.dei ? ', DEI' : ''}, ethertype ${etherTypeName(l.etherType)} (${hex(l.etherType)})`;
        line += ', ';
        break;
      case 'arp':
        line += `${sep()}ARP, ${formatArp(l)}, length ${arpLength(l.hlen, l.plen)}`;
        break;
      case 'ipv4':
        ip = l;
        ipUsed = false;
        if (next === undefined || (next.layer !== 'icmp' && next.layer !== 'udp')) {
          line += sep() + formatIpv4Header(l);
          ipUsed = true;
        }
        break;
      case 'icmp':
        line += sep() + (ip !== undefined && !ipUsed ? `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}: ` : '') + formatIcmp(l, ip === undefined ? undefined : ip.totalLength - ip.ihl * 4);
        ipUsed = true;
        break;
      case 'udp': {
        const addresses = ip !== undefined && !ipUsed ? { src: ip.src, dst: ip.dst } : undefined;
        ipUsed = true;
        if (next?.layer === 'vxlan') {
          const ports = addresses === undefined ? '' : `${formatIpv4(addresses.src)}.${l.srcPort} > ${formatIpv4(addresses.dst)}.${l.dstPort}: `;
          line += sep() + ports;
        } else {
          line += sep() + formatUdp(l, addresses);
        }
        break;
      }
      case 'vxlan':
        line += (line.endsWith(': ') ? '' : sep()) + formatVxlan(l);
        ip = undefined;
        break;
      case 'payload':
        if (i > 0 && (layers[i - 1] as PacketLayer).layer === 'ethernet') line += `, payload ${l.bytes.length} bytes`;
        break;
      case 'error':
        line += ` [${l.at} ${l.code} at ${l.offset}]`;
        break;
      default:
        line += `${sep()}${(l as CustomLayerObject).layer}`;
    }
  }
  return line;
}

function arpLength(hlen: number, plen: number): number {
  return 8 + 2 * hlen + 2 * plen;
}

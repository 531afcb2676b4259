import { formatIpv4 } from '@wirestack/core';
import type { UdpHeader, UdpPseudoHeader } from './codec.js';
import { UDP_HEADER_LENGTH } from './layout.js';

/**
 * One line in the style of `tcpdump -n` (without its leading "IP "):
 *
 *   UDP, length 7
 *   10.0.0.1.5000 > 10.0.0.2.53: UDP, length 7        (given the IPv4 addresses)
 *
 * `length` is the data length, Length - 8, as tcpdump prints it. A Length
 * under 8 prints as tcpdump prints it, `truncated-udplength N` after the
 * addresses (`UDP, truncated-udplength N` without them). tcpdump goes on
 * to decode well-known ports (DNS, NTP, ...); this prints the UDP line only.
 */
export function formatUdp(header: UdpHeader, addresses?: UdpPseudoHeader): string {
  const bad = header.length < UDP_HEADER_LENGTH;
  const body = bad ? `truncated-udplength ${header.length}` : `UDP, length ${header.length - UDP_HEADER_LENGTH}`;
  if (addresses === undefined) return bad ? `UDP, ${body}` : body;
  return `${formatIpv4(addresses.src)}.${header.srcPort} > ${formatIpv4(addresses.dst)}.${header.dstPort}: ${body}`;
}

import { formatMac, hex } from '@wirestack/core';
import type { EthernetHeader } from './codec.js';
import { knownEtherTypeName } from './ethertype.js';

/**
 * One line in the style of `tcpdump -e -n`'s link-level header:
 *
 *   02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42
 *   00:1b:21:3c:4d:5e > 01:80:c2:00:00:00, 802.3, length 38
 *
 * For an EtherType frame `length` is the frame length, printed when given
 * (`frameLength`); for an 802.3 frame it is the header's length field, as
 * tcpdump prints it. Unknown EtherTypes print as tcpdump does: `Unknown`.
 */
export function formatEthernet(header: EthernetHeader, frameLength?: number): string {
  const addresses = `${formatMac(header.src)} > ${formatMac(header.dst)}, `;
  if (!('etherType' in header)) return `${addresses}802.3, length ${header.length}`;
  const name = knownEtherTypeName(header.etherType) ?? 'Unknown';
  const length = frameLength === undefined ? '' : `, length ${frameLength}`;
  return `${addresses}ethertype ${name} (${hex(header.etherType)})${length}`;
}

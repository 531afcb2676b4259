import { formatIpv4, formatMac } from '@wirestack/core';
import type { NeighbourEntry } from './neighbour-table.js';

/**
 * One line of `ip neigh show` (iproute2's print_neigh): the address, the
 * device, `lladdr` while the state is valid, then the state. iproute2 ends
 * the line with a space; this does not.
 *
 *   10.0.0.2 dev eth0 lladdr 02:42:ac:11:00:02 REACHABLE
 *   10.0.0.3 dev eth0 INCOMPLETE
 */
export function formatNeighbour(entry: NeighbourEntry, device: string): string {
  const lladdr = entry.mac === undefined ? '' : `lladdr ${formatMac(entry.mac)} `;
  return `${formatIpv4(entry.ip)} dev ${device} ${lladdr}${entry.state}`;
}

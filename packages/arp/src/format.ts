import { formatIpv4, formatMac, hex, ipv4FromBytes } from '@wirestack/core';
import { ARP_PTYPE_IPV4, IPV4_ADDRESS_LENGTH } from './layout.js';
import { ArpOp } from './operations.js';
import type { ArpPacket, GenericArp } from './packet.js';

/** tcpdump's words for the operations (print-arp.c). */
const LABELS: Readonly<Record<number, string>> = {
  [ArpOp.request]: 'Request',
  [ArpOp.reply]: 'Reply',
  [ArpOp.rarpRequest]: 'Reverse Request',
  [ArpOp.rarpReply]: 'Reverse Reply',
  [ArpOp.inarpRequest]: 'Inverse Request',
  [ArpOp.inarpReply]: 'Inverse Reply',
};

function opLabel(op: number): string {
  return LABELS[op] ?? `Unknown (${hex(op)})`;
}

/**
 * A one-line summary. For Ethernet/IPv4 the known operations read as
 * `tcpdump -n` prints them (without its "ARP, " and ", length 28"):
 *
 *   Request who-has 10.0.0.2 tell 10.0.0.1
 *   Request who-has 10.0.0.2 (02:00:00:00:00:02) tell 10.0.0.1   (tha not zero)
 *   Reply 10.0.0.2 is-at 02:00:00:00:00:02
 *   Reverse Request who-is 02:..:02 tell 02:..:01 / Reverse Reply 02:..:02 at 10.0.0.2
 *   Inverse Request who-is 02:..:02 tell 02:..:01 / Inverse Reply 02:..:01 at 10.0.0.1
 *
 * Unknown operations and generic packets list every field instead:
 *
 *   Unknown (0x000a) sender 02:..:01 10.0.0.1 target 02:..:02 10.0.0.2
 *   Request [htype 0x0006 ptype 0x86dd hlen 6 plen 16] sender 02:..:01 00:01:..:0f target ...
 */
export function formatArp(packet: ArpPacket): string {
  if (packet.kind === 'generic') return formatGeneric(packet);
  const sha = formatMac(packet.sha);
  const tha = formatMac(packet.tha);
  const spa = formatIpv4(packet.spa);
  const tpa = formatIpv4(packet.tpa);
  switch (packet.op) {
    case ArpOp.request:
      return `Request who-has ${tpa}${packet.tha === 0 ? '' : ` (${tha})`} tell ${spa}`;
    case ArpOp.reply:
      return `Reply ${spa} is-at ${sha}`;
    case ArpOp.rarpRequest:
      return `Reverse Request who-is ${tha} tell ${sha}`;
    case ArpOp.rarpReply:
      return `Reverse Reply ${tha} at ${tpa}`;
    case ArpOp.inarpRequest:
      return `Inverse Request who-is ${tha} tell ${sha}`;
    case ArpOp.inarpReply:
      return `Inverse Reply ${sha} at ${spa}`;
    default:
      return `${opLabel(packet.op)} sender ${sha} ${spa} target ${tha} ${tpa}`;
  }
}

function formatGeneric(packet: GenericArp): string {
  const ipv4 = packet.ptype === ARP_PTYPE_IPV4 && packet.plen === IPV4_ADDRESS_LENGTH;
  const protocol = (address: Uint8Array): string => (ipv4 ? formatIpv4(ipv4FromBytes(address)) : colonHex(address));
  return (
    `${opLabel(packet.op)} [htype ${hex(packet.htype)} ptype ${hex(packet.ptype)} hlen ${packet.hlen} plen ${packet.plen}]` +
    ` sender ${colonHex(packet.sha)} ${protocol(packet.spa)} target ${colonHex(packet.tha)} ${protocol(packet.tpa)}`
  );
}

/** Colon-separated hex, '-' for an empty (hlen/plen 0) address. */
function colonHex(address: Uint8Array): string {
  if (address.length === 0) return '-';
  return Array.from(address, (b) => b.toString(16).padStart(2, '0')).join(':');
}

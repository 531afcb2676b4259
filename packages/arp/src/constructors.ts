import { EncodeError, IPV4_ANY, MAC_ZERO, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { ArpOp } from './operations.js';
import type { EthernetIpv4Arp } from './packet.js';

/**
 * Builders for the Ethernet/IPv4 packets hosts actually send. They only
 * assemble values; `encodeArp` checks ranges when the packet is written.
 */

function ethernetIpv4(op: number, sha: MacAddress, spa: Ipv4Address, tha: MacAddress, tpa: Ipv4Address): EthernetIpv4Arp {
  return { kind: 'ethernet-ipv4', htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op, sha, spa, tha, tpa };
}

export interface ArpRequestInit {
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  readonly targetIp: Ipv4Address;
  /**
   * Unknown in a request, so zero by default (RFC 826 leaves it
   * unspecified; Linux and RFC 5227 send zero).
   */
  readonly targetMac?: MacAddress;
}

/** "Who has targetIp? Tell senderIp." (op 1). */
export function arpRequest(init: ArpRequestInit): EthernetIpv4Arp {
  return ethernetIpv4(ArpOp.request, init.senderMac, init.senderIp, init.targetMac ?? MAC_ZERO, init.targetIp);
}

export interface ArpReplyInit {
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  readonly targetMac: MacAddress;
  readonly targetIp: Ipv4Address;
}

/** "senderIp is at senderMac", addressed to the requester (op 2). */
export function arpReply(init: ArpReplyInit): EthernetIpv4Arp {
  return ethernetIpv4(ArpOp.reply, init.senderMac, init.senderIp, init.targetMac, init.targetIp);
}

/**
 * The reply RFC 826 prescribes for `request`: swap sender and target, put
 * `ourMac` as sender hardware address, set op to reply. To an RFC 5227
 * probe (spa 0.0.0.0) this gives tpa 0.0.0.0, as Linux answers one.
 * EncodeError 'invalid' (field 'op') when `request` is not an ARP request.
 */
export function replyTo(request: EthernetIpv4Arp, ourMac: MacAddress): EthernetIpv4Arp {
  if (request.op !== ArpOp.request) {
    throw new EncodeError('invalid', 'op', `op: replyTo needs an ARP request (op 1), got op ${request.op}`);
  }
  return ethernetIpv4(ArpOp.reply, ourMac, request.tpa, request.sha, request.spa);
}

export interface ArpOwnAddressInit {
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
}

/**
 * Gratuitous ARP: sender and target protocol address are both our address,
 * so receivers update an existing cache entry. As a request (default) the
 * target hardware address is zero; as a reply it is our MAC too (RFC 5944
 * §4.6 describes both forms).
 */
export function gratuitousArp(init: ArpOwnAddressInit, form: 'request' | 'reply' = 'request'): EthernetIpv4Arp {
  return form === 'request'
    ? ethernetIpv4(ArpOp.request, init.senderMac, init.senderIp, MAC_ZERO, init.senderIp)
    : ethernetIpv4(ArpOp.reply, init.senderMac, init.senderIp, init.senderMac, init.senderIp);
}

export interface ArpProbeInit {
  readonly senderMac: MacAddress;
  /** The address being probed. */
  readonly targetIp: Ipv4Address;
}

/** RFC 5227 §2.1.1 ARP Probe: a request with spa 0.0.0.0 and tha zero, so no cache learns from it. */
export function arpProbe(init: ArpProbeInit): EthernetIpv4Arp {
  return ethernetIpv4(ArpOp.request, init.senderMac, IPV4_ANY, MAC_ZERO, init.targetIp);
}

/**
 * RFC 5227 §2.3 ARP Announcement: a probe whose sender and target protocol
 * addresses are both the claimed address (the same packet as a gratuitous
 * ARP request).
 */
export function arpAnnouncement(init: ArpOwnAddressInit): EthernetIpv4Arp {
  return ethernetIpv4(ArpOp.request, init.senderMac, init.senderIp, MAC_ZERO, init.senderIp);
}

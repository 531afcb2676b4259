import { bytesEqual } from '@wirestack/core';
import { ArpOp } from './operations.js';
import type { ArpPacket } from './packet.js';

/**
 * Classifiers for both packet forms. Only protocol addresses and op are
 * looked at: RFC 5227 says the target hardware address of probes and
 * announcements is ignored ("SHOULD be zero"), so receivers must not rely
 * on it. A generic packet with plen 0 has no protocol address and is none
 * of these.
 */

function spaIsZero(packet: ArpPacket): boolean {
  if (packet.kind === 'ethernet-ipv4') return packet.spa === 0;
  return packet.plen > 0 && packet.spa.every((b) => b === 0);
}

/** spa === tpa and spa is not the unspecified address. */
function claimsOwnAddress(packet: ArpPacket): boolean {
  if (spaIsZero(packet)) return false;
  if (packet.kind === 'ethernet-ipv4') return packet.spa === packet.tpa;
  return packet.plen > 0 && bytesEqual(packet.spa, packet.tpa);
}

/**
 * Gratuitous ARP (request or reply): the sender announces its own address,
 * spa === tpa (not 0.0.0.0). This is the test Linux's arp_process makes.
 */
export function isGratuitous(packet: ArpPacket): boolean {
  return (packet.op === ArpOp.request || packet.op === ArpOp.reply) && claimsOwnAddress(packet);
}

/** RFC 5227 ARP Probe: a request with an all-zero sender protocol address. */
export function isProbe(packet: ArpPacket): boolean {
  return packet.op === ArpOp.request && spaIsZero(packet);
}

/** RFC 5227 ARP Announcement: a request with spa === tpa (not 0.0.0.0); also gratuitous. */
export function isAnnouncement(packet: ArpPacket): boolean {
  return packet.op === ArpOp.request && claimsOwnAddress(packet);
}

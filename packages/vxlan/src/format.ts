import { hex } from '@wirestack/core';
import type { VxlanHeader } from './codec.js';
import { VXLAN_FLAG_I } from './layout.js';

/**
 * One line as `tcpdump -n` prints a VXLAN header (print-vxlan.c):
 *
 *   VXLAN, flags [I] (0x08), vni 42
 *
 * The brackets show the I flag, or `invalid` when it is clear; the octet
 * follows in hex.
 */
export function formatVxlan(header: Pick<VxlanHeader, 'flags' | 'vni'>): string {
  return `VXLAN, flags [${(header.flags & VXLAN_FLAG_I) !== 0 ? 'I' : 'invalid'}] (${hex(header.flags, 2)}), vni ${header.vni}`;
}

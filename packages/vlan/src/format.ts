import { hex } from '@wirestack/core';
import type { VlanTag } from './codec.js';

/**
 * One tag as `tcpdump -e -n` prints it after the ethertype that announced
 * it (print-ether.c):
 *
 *   vlan 10, p 5, ethertype IPv4 (0x0800)
 *   vlan 20, p 3, DEI, ethertype 802.1Q (0x8100)      (DEI set; a stacked tag follows)
 *
 * The TPID is not part of the tag layer (see layout.ts): the line before
 * it prints it, as tcpdump does (`ethertype 802.1Q-QinQ (0x88a8), vlan 20,
 * ...`). EtherType names live in @wirestack/ethernet, which a codec may
 * not import: pass its `knownEtherTypeName` to print them. Without a name
 * function the ethertype prints as hex only (`ethertype 0x0800`); a name
 * function that does not know the value gives tcpdump's `Unknown (0x1234)`.
 */
export function formatVlanTag(
  tag: Pick<VlanTag, 'pcp' | 'dei' | 'vid' | 'etherType'>,
  etherTypeName?: (etherType: number) => string | undefined,
): string {
  const type = hex(tag.etherType);
  const ethertype = etherTypeName === undefined ? type : `${etherTypeName(tag.etherType) ?? 'Unknown'} (${type})`;
  return `vlan ${tag.vid}, p ${tag.pcp}${tag.dei ? ', DEI' : ''}, ethertype ${ethertype}`;
}

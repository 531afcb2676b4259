import { hex } from '@wirestack/core';

/**
 * Well-known EtherTypes (IEEE Registration Authority assignments). The set is
 * open: any value from 0x0600 up is an EtherType, known here or not, and
 * decodes, encodes and prints (as hex) the same way.
 */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  WakeOnLan: 0x0842,
  TRILL: 0x22f3,
  /** Transparent Ethernet Bridging (Ethernet inside GRE/NVGRE). */
  TEB: 0x6558,
  RARP: 0x8035,
  AppleTalk: 0x809b,
  AARP: 0x80f3,
  /** IEEE 802.1Q customer VLAN tag (C-TAG). */
  VLAN: 0x8100,
  IPX: 0x8137,
  IPv6: 0x86dd,
  /** MAC Control (PAUSE, and EPON's MPCP). */
  MACControl: 0x8808,
  /** LACP, Marker and OAM. */
  SlowProtocols: 0x8809,
  PPP: 0x880b,
  MPLS: 0x8847,
  MPLSMulticast: 0x8848,
  PPPoEDiscovery: 0x8863,
  PPPoESession: 0x8864,
  EAPOL: 0x888e,
  PROFINET: 0x8892,
  EtherCAT: 0x88a4,
  /** IEEE 802.1ad service VLAN tag (S-TAG). */
  QinQ: 0x88a8,
  GOOSE: 0x88b8,
  LLDP: 0x88cc,
  MACsec: 0x88e5,
  /** IEEE 802.1ah Provider Backbone Bridging I-TAG. */
  PBB: 0x88e7,
  PTP: 0x88f7,
  PRP: 0x88fb,
  CFM: 0x8902,
  FCoE: 0x8906,
  FIP: 0x8914,
  RoCE: 0x8915,
  HSR: 0x892f,
  NSH: 0x894f,
  Loopback: 0x9000,
  /** Pre-standard QinQ outer tag, still used by some switches. */
  VLAN9100: 0x9100,
  /** Pre-standard QinQ outer tag, still used by some switches. */
  VLAN9200: 0x9200,
} as const;

/** An EtherType value: any uint16 from 0x0600 up, named in `EtherType` or not. */
export type EtherType = number;

/**
 * Display names. Every type tcpdump 4.99 names is here under tcpdump's
 * name, so that `formatEthernet` prints what `tcpdump -e` prints; a few
 * more that tcpdump calls Unknown carry their usual short names.
 */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x0600, 'NS'],
  [0x0707, 'GeoNet (old)'],
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x0842, 'Wake-on-LAN'],
  [0x1000, 'Trail'],
  [0x1111, 'CALM FAST'],
  [0x22f3, 'TRILL'],
  [0x6001, 'MOP DL'],
  [0x6002, 'MOP RC'],
  [0x6003, 'DN'],
  [0x6004, 'LAT'],
  [0x6007, 'SCA'],
  [0x6558, 'TEB'],
  [0x8035, 'Reverse ARP'],
  [0x8038, 'Lanbridge'],
  [0x803c, 'DEC DNS'],
  [0x803e, 'DEC DTS'],
  [0x805b, 'VEXP'],
  [0x805c, 'VPROD'],
  [0x809b, 'Appletalk'],
  [0x80f3, 'Appletalk ARP'],
  [0x8100, '802.1Q'],
  [0x8137, 'IPX'],
  [0x86dd, 'IPv6'],
  [0x8808, 'MPCP'],
  [0x8809, 'Slow Protocols'],
  [0x880b, 'PPP'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
  [0x886f, 'MS NLB heartbeat'],
  [0x888e, 'EAPOL'],
  [0x8892, 'PROFINET'],
  [0x8899, 'Realtek protocols'],
  [0x88a2, 'AoE'],
  [0x88a4, 'EtherCAT'],
  [0x88a8, '802.1Q-QinQ'],
  [0x88b8, 'GOOSE'],
  [0x88ca, 'TIPC'],
  [0x88cc, 'LLDP'],
  [0x88e5, '802.1AE MACsec'],
  [0x88e7, 'PBB'],
  [0x88f7, 'PTP'],
  [0x88fb, 'PRP'],
  [0x8902, 'CFM'],
  [0x8906, 'FCoE'],
  [0x8914, 'FIP'],
  [0x8915, 'RoCE'],
  [0x892f, 'HSR'],
  [0x893a, 'IEEE1905.1'],
  [0x8947, 'GeoNet'],
  [0x894f, 'NSH'],
  [0x9000, 'Loopback'],
  [0x9100, '802.1Q-9100'],
  [0x9200, '802.1Q-9200'],
  [0xabcd, 'CFM (old)'],
  [0xd28b, 'Arista Vendor Specific Protocol'],
  [0xfefe, 'OSI'],
]);

/** The name of a known EtherType, or undefined. */
export function knownEtherTypeName(value: number): string | undefined {
  return NAMES.get(value);
}

/** The name of an EtherType (`'IPv4'`, `'802.1Q'`), or its hex form (`'0x1234'`) when unknown. */
export function etherTypeName(value: number): string {
  return NAMES.get(value) ?? hex(value);
}

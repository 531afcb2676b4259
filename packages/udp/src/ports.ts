/**
 * Well-known UDP ports (IANA Service Name and Transport Protocol Port Number
 * Registry, plus a few de-facto assignments marked as such). Ports are an
 * open enumeration: any 16-bit value is a port, named here or not.
 */
export const UdpPort = {
  Echo: 7,
  Discard: 9,
  DNS: 53,
  /** BOOTP/DHCP server. */
  DHCPServer: 67,
  /** BOOTP/DHCP client. */
  DHCPClient: 68,
  TFTP: 69,
  NTP: 123,
  NetBIOSName: 137,
  NetBIOSDatagram: 138,
  SNMP: 161,
  SNMPTrap: 162,
  LDAP: 389,
  /** QUIC (HTTP/3). */
  HTTPS: 443,
  IKE: 500,
  Syslog: 514,
  RIP: 520,
  DHCPv6Client: 546,
  DHCPv6Server: 547,
  L2TP: 1701,
  RADIUS: 1812,
  RADIUSAccounting: 1813,
  SSDP: 1900,
  GTPU: 2152,
  STUN: 3478,
  BFD: 3784,
  BFDEcho: 3785,
  IPsecNATT: 4500,
  VXLAN: 4789,
  /** VXLAN Generic Protocol Extension. */
  VXLANGPE: 4790,
  SIP: 5060,
  mDNS: 5353,
  LLMNR: 5355,
  Geneve: 6081,
  /** MPLS-in-UDP (RFC 7510). */
  MPLSInUDP: 6635,
  /** Linux's VXLAN port before IANA assigned 4789 (still `ip link ... type vxlan` without dstport). IANA lists 8472 as OTV. */
  LinuxVXLAN: 8472,
} as const;

/** A UDP port: any uint16, named in `UdpPort` or not. */
export type UdpPort = number;

/** IANA service names (what tcpdump and tshark print without -n). */
const NAMES: ReadonlyMap<number, string> = new Map([
  [7, 'echo'],
  [9, 'discard'],
  [53, 'domain'],
  [67, 'bootps'],
  [68, 'bootpc'],
  [69, 'tftp'],
  [123, 'ntp'],
  [137, 'netbios-ns'],
  [138, 'netbios-dgm'],
  [161, 'snmp'],
  [162, 'snmptrap'],
  [389, 'ldap'],
  [443, 'https'],
  [500, 'isakmp'],
  [514, 'syslog'],
  [520, 'router'],
  [546, 'dhcpv6-client'],
  [547, 'dhcpv6-server'],
  [1701, 'l2tp'],
  [1812, 'radius'],
  [1813, 'radius-acct'],
  [1900, 'ssdp'],
  [2152, 'gtp-user'],
  [3478, 'stun'],
  [3784, 'bfd-control'],
  [3785, 'bfd-echo'],
  [4500, 'ipsec-nat-t'],
  [4789, 'vxlan'],
  [4790, 'vxlan-gpe'],
  [5060, 'sip'],
  [5353, 'mdns'],
  [5355, 'llmnr'],
  [6081, 'geneve'],
  [6635, 'mpls-udp'],
  [8472, 'otv'],
]);

/** The service name of a well-known port (`'domain'`, `'vxlan'`), or the port in decimal (`'40000'`). */
export function udpPortName(port: number): string {
  return NAMES.get(port) ?? String(port);
}

/**
 * Captured from Linux 6.18 / iproute2 6.1 in a network namespace: veth
 * pair va/vb, addresses 10.0.0.1/24 and 10.0.0.7/24 on va, 10.9.0.1/31 and
 * 10.20.0.1/32 on vb, lo up, and the routes below added with `ip route`.
 */

/** `ip route show table all`, IPv6 lines included (trailing blanks as iproute2 prints them). */
export const KERNEL_TABLE_ALL = `10.12.0.0/16 via 10.0.0.2 dev va table 100 
default via 10.0.0.254 dev va proto babel 
10.0.0.0/24 dev va proto kernel scope link src 10.0.0.1 
10.5.0.0/16 via 10.0.0.3 dev va metric 50 
10.5.0.0/16 via 10.0.0.2 dev va proto static metric 100 
10.6.0.0/16 
	nexthop via 10.0.0.2 dev va weight 2 
	nexthop via 10.0.0.3 dev va weight 1 
unreachable 10.7.0.0/16 
prohibit 10.8.0.0/16 metric 7 
10.9.0.0/31 dev vb proto kernel scope link src 10.9.0.1 
blackhole 10.10.0.0/16 
throw 10.11.0.0/16 
10.13.0.0/16 dev va proto bgp scope link src 10.0.0.7 
10.14.0.0/16 via 10.0.0.5 dev va onlink 
10.15.0.0/16 via 10.0.0.4 dev va metric 50 mtu 1400 
10.16.0.0/16 via 10.13.0.9 dev va 
local 10.0.0.1 dev va table local proto kernel scope host src 10.0.0.1 
local 10.0.0.7 dev va table local proto kernel scope host src 10.0.0.1 
broadcast 10.0.0.255 dev va table local proto kernel scope link src 10.0.0.1 
local 10.9.0.1 dev vb table local proto kernel scope host src 10.9.0.1 
local 10.20.0.1 dev vb table local proto kernel scope host src 10.20.0.1 
local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 
fe80::/64 dev vb proto kernel metric 256 pref medium
local ::1 dev lo table local proto kernel metric 0 pref medium
multicast ff00::/8 dev vb table local proto kernel metric 256 pref medium
`;

/**
 * `ip route get` answers on that table (the `uid 0` and `cache` details
 * dropped): [arguments, answer]. Errors are `ip`'s "RTNETLINK answers: ..." text.
 */
export const KERNEL_ROUTE_GET: readonly [string, string][] = [
  ['10.5.1.1', '10.5.1.1 via 10.0.0.3 dev va src 10.0.0.1'],
  ['10.12.1.1', '10.12.1.1 via 10.0.0.254 dev va src 10.0.0.1'],
  ['10.13.1.1', '10.13.1.1 dev va src 10.0.0.7'],
  ['10.14.1.1', '10.14.1.1 via 10.0.0.5 dev va src 10.0.0.1'],
  ['10.0.0.1', 'local 10.0.0.1 dev lo src 10.0.0.1'],
  ['10.0.0.255', 'broadcast 10.0.0.255 dev va src 10.0.0.1'],
  ['10.0.0.0', '10.0.0.0 dev va src 10.0.0.1'],
  ['10.0.0.9', '10.0.0.9 dev va src 10.0.0.1'],
  ['10.9.0.1', 'local 10.9.0.1 dev lo src 10.9.0.1'],
  ['10.9.0.0', '10.9.0.0 dev vb src 10.9.0.1'],
  ['10.16.0.1', '10.16.0.1 via 10.13.0.9 dev va src 10.0.0.1'],
  ['8.8.8.8', '8.8.8.8 via 10.0.0.254 dev va src 10.0.0.1'],
  ['10.20.0.1', 'local 10.20.0.1 dev lo src 10.20.0.1'],
  ['10.15.0.1', '10.15.0.1 via 10.0.0.4 dev va src 10.0.0.1'],
  ['127.0.0.1', 'local 127.0.0.1 dev lo src 127.0.0.1'],
  ['127.1.2.3', 'local 127.1.2.3 dev lo src 127.0.0.1'],
  ['10.5.1.1 from 10.0.0.7', '10.5.1.1 from 10.0.0.7 via 10.0.0.3 dev va'],
  ['10.5.1.1 from 10.0.0.9 iif va', '10.5.1.1 from 10.0.0.9 via 10.0.0.3 dev va iif va'],
  ['10.0.0.1 from 10.0.0.9 iif va', 'local 10.0.0.1 from 10.0.0.9 dev lo iif va'],
  ['10.0.0.255 from 10.0.0.9 iif va', 'broadcast 10.0.0.255 from 10.0.0.9 dev lo iif va'],
  ['10.7.1.1', 'RTNETLINK answers: No route to host'],
  ['10.8.1.1', 'RTNETLINK answers: Permission denied'],
  ['10.10.1.1', 'RTNETLINK answers: Invalid argument'],
  ['10.11.1.1', 'RTNETLINK answers: Network is unreachable'],
];

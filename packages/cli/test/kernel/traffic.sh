#!/usr/bin/env bash
# Real kernel traffic for the decode tests, captured with tcpdump into $1:
#   routed.pcap  host wsst-a -> router wsst-r -> host wsst-b (veth pairs):
#                ARP, ping, ping -s 3000 (fragments), ping -R (record route),
#                UDP to a closed port (port unreachable), ping -t 1 (TTL exceeded)
#   vxlan.pcap   the underlay between wsst-v1 and wsst-v2: Linux vxlan devices
#                (id 1 on dstport 9527, id 2 on 4789), each bridged to a br0/br1
#                holding the overlay address, pinged across
# Every namespace is named wsst-* and deleted on exit; traffic only goes to
# addresses inside them. Needs root, iproute2, tcpdump, ping.
set -euo pipefail
OUT=${1:?usage: traffic.sh OUTDIR}
NAMESPACES=(wsst-a wsst-r wsst-b wsst-v1 wsst-v2)
PIDS=()

cleanup() {
  local pid ns
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT

for ns in "${NAMESPACES[@]}"; do
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

capture() { # ns dev file
  local log="$OUT/$3.log"
  : >"$log"
  ip netns exec "$1" tcpdump -i "$2" -U --immediate-mode -n -Z root -w "$OUT/$3" 2>"$log" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$log" && return 0; sleep 0.05; done
  cat "$log" >&2; echo "tcpdump did not start on $1/$2" >&2; exit 1
}

stop_captures() {
  sleep 0.5
  local pid
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# Routed: a0 -- r0 [router] r1 -- b0
ip link add a0 netns wsst-a type veth peer name r0 netns wsst-r
ip link add b0 netns wsst-b type veth peer name r1 netns wsst-r
ip -n wsst-a addr add 10.99.0.1/24 dev a0; ip -n wsst-a link set a0 up
ip -n wsst-r addr add 10.99.0.254/24 dev r0; ip -n wsst-r link set r0 up
ip -n wsst-r addr add 10.99.1.254/24 dev r1; ip -n wsst-r link set r1 up
ip -n wsst-b addr add 10.99.1.2/24 dev b0; ip -n wsst-b link set b0 up
ip -n wsst-a route add default via 10.99.0.254
ip -n wsst-b route add default via 10.99.1.254
ip netns exec wsst-r sysctl -qw net.ipv4.ip_forward=1

capture wsst-a a0 routed.pcap
ip netns exec wsst-a ping -n -q -c 2 -i 0.2 10.99.1.2 >/dev/null
ip netns exec wsst-a ping -n -q -c 1 -s 3000 10.99.1.2 >/dev/null
ip netns exec wsst-a ping -n -q -c 1 -R 10.99.1.2 >/dev/null || true
ip netns exec wsst-a bash -c 'echo hello >/dev/udp/10.99.1.2/33434' || true
sleep 0.2
ip netns exec wsst-a ping -n -q -c 1 -t 1 -W 1 10.99.1.2 >/dev/null || true
stop_captures

# VXLAN: underlay v1 <-> v2, overlays on 9527 (vni 1) and 4789 (vni 2)
ip link add u1 netns wsst-v1 type veth peer name u2 netns wsst-v2
ip -n wsst-v1 addr add 192.168.99.1/24 dev u1; ip -n wsst-v1 link set u1 up
ip -n wsst-v2 addr add 192.168.99.2/24 dev u2; ip -n wsst-v2 link set u2 up
for side in 1 2; do
  ns=wsst-v$side; peer=192.168.99.$((3 - side)); me=192.168.99.$side
  ip -n $ns link add vxlan1 type vxlan id 1 dstport 9527 remote $peer local $me
  ip -n $ns link add vxlan2 type vxlan id 2 dstport 4789 remote $peer local $me
  ip -n $ns link add br0 type bridge; ip -n $ns link add br1 type bridge
  ip -n $ns link set vxlan1 master br0; ip -n $ns link set vxlan2 master br1
  ip -n $ns addr add 10.200.1.$side/24 dev br0; ip -n $ns addr add 10.200.2.$side/24 dev br1
  for dev in vxlan1 vxlan2 br0 br1; do ip -n $ns link set $dev up; done
done
capture wsst-v1 u1 vxlan.pcap
ip netns exec wsst-v1 ping -n -q -c 2 -i 0.2 10.200.1.2 >/dev/null
ip netns exec wsst-v1 ping -n -q -c 2 -i 0.2 10.200.2.2 >/dev/null
stop_captures

#!/usr/bin/env bash
# Captures small pcap fixtures of real Linux kernel traffic for the codec
# packages' tests (packages/<name>/test/fixtures), with a README next to them
# that names their source.
#
#   sudo tools/capture/capture.sh all            every scenario
#   sudo tools/capture/capture.sh arp udp        some scenarios
#   sudo tools/capture/capture.sh list           the scenarios
#
# Every party lives in a network namespace this script creates (prefix
# wscap-) and joins with veth pairs made inside those namespaces, so nothing
# appears in the root namespace and traffic only ever goes to addresses of
# those namespaces. A trap deletes every namespace and stops every process
# this script started (by PID), on success, on error and on Ctrl-C. A lock
# makes concurrent runs wait for each other; re-running replaces the
# fixtures.
#
# Needs root, iproute2, tcpdump, tshark (checks each fixture), iputils-ping,
# node (UDP datagrams), perl (turns veth checksum offload off when ethtool
# is missing). Uses arping for an extra gratuitous ARP only if installed.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
SCENARIOS=(arp ethernet ipv4 icmp udp vxlan)
MAX_PACKETS=30

# ---------------------------------------------------------------- bookkeeping

NAMESPACES=()   # namespaces this run created, deleted by cleanup
PIDS=()         # background processes this run started, stopped by cleanup
WORK=''         # temporary directory for captures and logs
COMMANDS=()     # commands of the current scenario, for its README

log() { printf 'capture: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  local status=$?
  local pid ns
  for pid in "${PIDS[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  for ns in "${NAMESPACES[@]}"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  NAMESPACES=()
  if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
  exit "$status"
}

forget_pid() {
  local keep=() pid
  for pid in "${PIDS[@]}"; do [[ "$pid" == "$1" ]] || keep+=("$pid"); done
  PIDS=("${keep[@]}")
}

# Runs a command inside a namespace and records it for the README.
nsx() {
  local ns=$1; shift
  COMMANDS+=("ip netns exec $ns $*")
  ip netns exec "$ns" "$@"
}

# Records a root-namespace command for the README and runs it.
rec() {
  COMMANDS+=("$*")
  "$@"
}

# Creates a namespace with IPv6 off (no router solicitations or MLD reports
# in the captures) and loopback up. A namespace of the same name can only be
# left over from a run of this script that was killed (the lock is held), so
# it is replaced.
make_ns() {
  local ns=$1
  if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
    log "removing leftover namespace $ns"
    ip netns del "$ns"
  fi
  rec ip netns add "$ns"
  NAMESPACES+=("$ns")
  nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  rec ip -n "$ns" link set lo up
}

# Turns off transmit checksum offload on a veth. With it on, the kernel
# leaves UDP checksums unfinished (CHECKSUM_PARTIAL) and the capture holds a
# wrong checksum that no real wire carries. ethtool -K IF tx off when
# ethtool is there, else the same request (ETHTOOL_STXCSUM) through ioctl.
no_tx_offload() {
  local ns=$1 dev=$2
  if command -v ethtool >/dev/null; then
    ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null
  else
    ip netns exec "$ns" perl -MSocket -e '
      my ($dev) = @ARGV;
      my $value = pack("LL", 0x17, 0);                    # ETHTOOL_STXCSUM, off
      my $ifreq = pack("a16 P", $dev, $value);            # ifr_name, ifr_data
      $ifreq .= "\0" x (40 - length $ifreq);
      socket(my $s, AF_INET, SOCK_DGRAM, 0) or die "socket: $!\n";
      ioctl($s, 0x8946, $ifreq) or die "SIOCETHTOOL $dev: $!\n";   # SIOCETHTOOL
    ' "$dev"
  fi
  COMMANDS+=("ip netns exec $ns ethtool -K $dev tx off")
}

# veth pair between two namespaces, both ends named $3/$4, with fixed MACs
# so the fixtures are stable across runs, and no checksum offload.
veth_pair() {
  local ns1=$1 ns2=$2 dev1=$3 dev2=$4 mac1=$5 mac2=$6
  rec ip link add "$dev1" netns "$ns1" address "$mac1" type veth peer name "$dev2" netns "$ns2" address "$mac2"
  no_tx_offload "$ns1" "$dev1"
  no_tx_offload "$ns2" "$dev2"
}

addr_up() {
  local ns=$1 dev=$2 cidr=$3
  rec ip -n "$ns" addr add "$cidr" dev "$dev"
  rec ip -n "$ns" link set "$dev" up
}

# Starts tcpdump on ns/dev, writing to file; returns when it is listening.
# -U and --immediate-mode write each packet at once (otherwise packets still
# in the kernel ring are lost at SIGINT), -c bounds the fixture, -Z root keeps
# Debian's tcpdump from dropping to a user that cannot write the file.
CAPTURE_PID=''
start_capture() {
  local ns=$1 dev=$2 file=$3; shift 3
  local errlog="$WORK/tcpdump.$$.$RANDOM.log"
  : >"$errlog"   # exists before the background job opens it, for the polling below
  ip netns exec "$ns" tcpdump -i "$dev" -U --immediate-mode -n -Z root -c "$MAX_PACKETS" -w "$file" "$@" 2>"$errlog" &
  CAPTURE_PID=$!
  PIDS+=("$CAPTURE_PID")
  COMMANDS+=("ip netns exec $ns tcpdump -i $dev -U --immediate-mode -n -Z root -c $MAX_PACKETS -w $(basename "$file") $* &")
  local i
  for ((i = 0; i < 100; i++)); do
    if grep -q 'listening on' "$errlog"; then return 0; fi
    if ! kill -0 "$CAPTURE_PID" 2>/dev/null; then cat "$errlog" >&2; die "tcpdump on $ns/$dev did not start"; fi
    sleep 0.05
  done
  cat "$errlog" >&2
  die "tcpdump on $ns/$dev not listening after 5 s"
}

# Lets the last replies arrive, then stops the tcpdump started last.
stop_capture() {
  sleep 0.5
  kill -INT "$CAPTURE_PID" 2>/dev/null || true   # it may have stopped at -c already
  wait "$CAPTURE_PID" 2>/dev/null || true
  forget_pid "$CAPTURE_PID"
  CAPTURE_PID=''
}

# Starts a background command in a namespace; sets BG_PID.
BG_PID=''
start_bg() {
  local ns=$1; shift
  COMMANDS+=("ip netns exec $ns $* &")
  ip netns exec "$ns" "$@" &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

stop_bg() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

# Fails the scenario unless at least $3 frames of $1 match the tshark
# display filter $2 (extra tshark arguments after it).
expect() {
  local file=$1 filter=$2 min=$3; shift 3
  local n
  n=$(tshark -n -r "$file" "$@" -Y "$filter" 2>/dev/null | wc -l)
  if ((n < min)); then
    tshark -n -r "$file" "$@" >&2 || true
    die "$(basename "$file"): expected at least $min frame(s) matching '$filter', found $n"
  fi
}

# Moves a checked capture into packages/<pkg>/test/fixtures.
install_fixture() {
  local file=$1 pkg=$2
  local dir="$ROOT/packages/$pkg/test/fixtures"
  mkdir -p "$dir"
  chmod 0644 "$file"
  mv -f "$file" "$dir/$(basename "$file")"
}

# Writes the README section of this script in packages/<pkg>/test/fixtures,
# between markers, so notes others keep in the same README survive re-runs.
# Arguments: pkg scenario description (markdown) files... Each file gets a
# one-line-per-frame tshark summary; a file name followed by '@args' gives
# tshark decode arguments for it (e.g. 'x.pcap@-d udp.port==9527,vxlan').
write_readme() {
  local pkg=$1 scenario=$2 description=$3; shift 3
  local dir="$ROOT/packages/$pkg/test/fixtures"
  local readme="$dir/README.md"
  local begin='<!-- tools/capture/capture.sh: begin (generated, re-run the script to update) -->'
  local end='<!-- tools/capture/capture.sh: end -->'
  local section="$WORK/section.md"
  {
    echo "$begin"
    echo "## Kernel captures ($scenario)"
    echo
    echo "Captured from Linux $(uname -r) by \`tools/capture/capture.sh $scenario\`"
    echo "on $(date -u +%Y-%m-%d) (tcpdump $(tcpdump --version 2>&1 | awk 'NR==1{print $3}'))."
    echo "Real kernel traffic between network namespaces joined by veth pairs;"
    echo "classic pcap, LINKTYPE_ETHERNET, microsecond timestamps."
    echo
    echo "$description"
    echo
    local spec file args
    for spec in "$@"; do
      file=${spec%%@*}
      args=()
      [[ "$spec" == *@* ]] && read -r -a args <<<"${spec#*@}"
      echo "### $file"
      echo
      echo '```'
      echo "\$ tshark -n -r $file${args[*]:+ ${args[*]}}"
      tshark -n -r "$dir/$file" "${args[@]}" 2>/dev/null | sed 's/^ *//'
      echo '```'
      echo
    done
    echo "Commands (run by the script, in this order; namespaces are deleted afterwards):"
    echo
    echo '```'
    printf '%s\n' "${COMMANDS[@]}"
    echo '```'
    echo "$end"
  } >"$section"
  mkdir -p "$dir"
  if [[ -f "$readme" ]] && grep -qF "$begin" "$readme"; then
    # Replace the old section in place, keep everything around it.
    awk -v b="$begin" -v e="$end" -v f="$section" '
      $0 == b { while ((getline line < f) > 0) print line; skip = 1; next }
      $0 == e && skip { skip = 0; next }
      !skip { print }
    ' "$readme" >"$readme.tmp"
    mv -f "$readme.tmp" "$readme"
  elif [[ -f "$readme" ]]; then
    { echo; cat "$section"; } >>"$readme"
  else
    { echo "# Test fixtures"; echo; cat "$section"; } >"$readme"
  fi
}

# Deletes this scenario's namespaces (the trap does it too on failure).
teardown() {
  local ns
  for ns in "${NAMESPACES[@]}"; do rec ip netns del "$ns"; done
  NAMESPACES=()
}

# A comment line in the README's command list.
note() { COMMANDS+=("# $*"); }

# ----------------------------------------------------------------- topologies

# Two hosts on one link: wscap-<s>-a 10.99.0.1/24 (02:00:00:00:00:01) and
# wscap-<s>-b 10.99.0.2/24 (02:00:00:00:00:02), both on veth0.
PAIR_A='' PAIR_B=''
pair_topology() {
  PAIR_A="wscap-$1-a" PAIR_B="wscap-$1-b"
  make_ns "$PAIR_A"
  make_ns "$PAIR_B"
  veth_pair "$PAIR_A" "$PAIR_B" veth0 veth0 02:00:00:00:00:01 02:00:00:00:00:02
  addr_up "$PAIR_A" veth0 10.99.0.1/24
  addr_up "$PAIR_B" veth0 10.99.0.2/24
}

# Two hosts and a router between them:
#   wscap-<s>-a  veth0 10.99.1.1/24   (02:00:00:00:01:01), default via .254
#   wscap-<s>-r  veth0 10.99.1.254/24 (02:00:00:00:01:fe)
#                veth1 10.99.2.254/24 (02:00:00:00:02:fe), ip_forward=1
#   wscap-<s>-b  veth0 10.99.2.2/24   (02:00:00:00:02:02), default via .254
ROUTED_A='' ROUTED_R='' ROUTED_B=''
routed_topology() {
  ROUTED_A="wscap-$1-a" ROUTED_R="wscap-$1-r" ROUTED_B="wscap-$1-b"
  make_ns "$ROUTED_A"
  make_ns "$ROUTED_R"
  make_ns "$ROUTED_B"
  veth_pair "$ROUTED_A" "$ROUTED_R" veth0 veth0 02:00:00:00:01:01 02:00:00:00:01:fe
  veth_pair "$ROUTED_B" "$ROUTED_R" veth0 veth1 02:00:00:00:02:02 02:00:00:00:02:fe
  addr_up "$ROUTED_A" veth0 10.99.1.1/24
  addr_up "$ROUTED_R" veth0 10.99.1.254/24
  addr_up "$ROUTED_R" veth1 10.99.2.254/24
  addr_up "$ROUTED_B" veth0 10.99.2.2/24
  nsx "$ROUTED_R" sysctl -qw net.ipv4.ip_forward=1
  rec ip -n "$ROUTED_A" route add default via 10.99.1.254
  rec ip -n "$ROUTED_B" route add default via 10.99.2.254
}

# ------------------------------------------------------------------ scenarios

scenario_arp() {
  pair_topology arp
  local a=$PAIR_A b=$PAIR_B out="$WORK/kernel-arp.pcap"
  # Short reachable time and first-probe delay in a, so its entry for b
  # goes STALE -> DELAY -> PROBE within the capture: a unicast request.
  nsx "$a" sysctl -qw net.ipv4.neigh.veth0.base_reachable_time_ms=500 net.ipv4.neigh.veth0.delay_first_probe_time=1
  start_capture "$a" veth0 "$out" arp
  nsx "$a" ping -n -q -c 1 -W 1 10.99.0.2 >/dev/null      # broadcast request, reply
  sleep 2
  nsx "$a" ping -n -q -c 1 -W 1 10.99.0.2 >/dev/null      # entry STALE -> DELAY
  sleep 2                                                  # -> PROBE: unicast request, reply
  # Gratuitous ARP from the kernel itself: with arp_notify, a changed
  # hardware address is announced (NETDEV_CHANGEADDR).
  nsx "$a" sysctl -qw net.ipv4.conf.veth0.arp_notify=1
  rec ip -n "$a" link set veth0 address 02:00:00:00:00:11
  if command -v arping >/dev/null; then
    nsx "$a" arping -U -c 1 -I veth0 10.99.0.1 >/dev/null 2>&1 || log "arping -U failed; skipped"
  fi
  stop_capture
  expect "$out" 'arp.opcode == 1 && eth.dst == ff:ff:ff:ff:ff:ff && !arp.isgratuitous' 1
  expect "$out" 'arp.opcode == 2' 1
  expect "$out" 'arp.isgratuitous' 1
  install_fixture "$out" arp
  write_readme arp arp "Namespaces wscap-arp-a (10.99.0.1/24, 02:00:00:00:00:01 on veth0) and
wscap-arp-b (10.99.0.2/24, 02:00:00:00:00:02), captured on a's veth0 with filter \`arp\`:
a broadcast request and its reply (first ping), a unicast request and reply
(a re-validates its STALE entry: base_reachable_time_ms=500,
delay_first_probe_time=1), and a gratuitous ARP request the kernel sends
when a's MAC changes to 02:00:00:00:00:11 with arp_notify=1. Neighbour
timing is the kernel's, so the unicast probe's presence and order can vary
between runs." kernel-arp.pcap
  teardown
}

scenario_ethernet() {
  pair_topology ethernet
  local a=$PAIR_A out="$WORK/kernel-ping.pcap"
  start_capture "$a" veth0 "$out" not ip6
  nsx "$a" ping -n -q -c 2 -i 0.2 -W 1 10.99.0.2 >/dev/null
  stop_capture
  expect "$out" 'arp.opcode == 1' 1
  expect "$out" 'arp.opcode == 2' 1
  expect "$out" 'icmp.type == 8' 2
  expect "$out" 'icmp.type == 0' 2
  install_fixture "$out" ethernet
  write_readme ethernet ethernet "Namespaces wscap-ethernet-a (10.99.0.1/24, 02:00:00:00:00:01 on veth0) and
wscap-ethernet-b (10.99.0.2/24, 02:00:00:00:00:02), captured on a's veth0:
\`ping -c 2\` from a to b, so ARP request/reply and two ICMP echo
requests/replies, all Ethernet II frames (ethertypes 0x0806 and 0x0800;
frames as the kernel sent them, without padding to 60 bytes or FCS)." kernel-ping.pcap
  teardown
}

scenario_ipv4() {
  note kernel-fragments.pcap
  pair_topology ipv4
  local a=$PAIR_A frag="$WORK/kernel-fragments.pcap" rr="$WORK/kernel-record-route.pcap"
  start_capture "$a" veth0 "$frag" ip
  nsx "$a" ping -n -q -c 1 -s 3000 -W 1 10.99.0.2 >/dev/null
  stop_capture
  expect "$frag" 'ip.flags.mf == 1' 4
  expect "$frag" 'ip.frag_offset > 0 && ip.flags.mf == 0' 2
  expect "$frag" 'icmp.type == 0' 1
  teardown

  note kernel-record-route.pcap
  routed_topology ipv4
  a=$ROUTED_A
  start_capture "$a" veth0 "$rr" ip
  nsx "$a" ping -n -q -c 1 -R -W 1 10.99.2.2 >/dev/null
  stop_capture
  expect "$rr" 'ip.opt.type == 7 && icmp.type == 8' 1
  expect "$rr" 'ip.opt.type == 7 && icmp.type == 0' 1
  install_fixture "$frag" ipv4
  install_fixture "$rr" ipv4
  write_readme ipv4 ipv4 "- kernel-fragments.pcap: namespaces wscap-ipv4-a (10.99.0.1/24) and
  wscap-ipv4-b (10.99.0.2/24) on one veth link (MTU 1500), captured on a's
  veth0 with filter \`ip\`: \`ping -c 1 -s 3000\`, an echo request of 3008
  IPv4 payload bytes (8 ICMP header + 3000 data) sent as three fragments
  (offsets 0, 1480, 2960; 1480 + 1480 + 48 bytes) and the reply,
  fragmented the same way by b.
- kernel-record-route.pcap: wscap-ipv4-a (10.99.1.1/24) reaches
  wscap-ipv4-b (10.99.2.2/24) through the forwarding namespace wscap-ipv4-r
  (10.99.1.254, 10.99.2.254), captured on a's veth0 with filter \`ip\`:
  \`ping -c 1 -R\`, an echo request and reply carrying the IPv4 Record Route
  option (type 7, 9 slots) filled in by each hop." kernel-fragments.pcap kernel-record-route.pcap
  teardown
}

scenario_icmp() {
  routed_topology icmp
  local a=$ROUTED_A r=$ROUTED_R out="$WORK/kernel-icmp.pcap"
  # r's link to b gets a smaller MTU, so a DF datagram larger than it draws
  # "fragmentation needed" with the next-hop MTU (RFC 1191).
  rec ip -n "$r" link set veth1 mtu 1280
  start_capture "$a" veth0 "$out" icmp or udp
  nsx "$a" ping -n -q -c 1 -W 1 10.99.2.2 >/dev/null || true                # echo request, reply
  nsx "$a" bash -c 'printf wirestack >/dev/udp/10.99.2.2/33434'             # closed port: port unreachable from b
  sleep 0.2
  nsx "$a" ping -n -q -c 1 -t 1 -W 1 10.99.2.2 >/dev/null || true          # TTL 1: time exceeded from r
  nsx "$a" ping -n -q -c 1 -M do -s 1400 -W 1 10.99.2.2 >/dev/null || true # DF, too big: frag needed from r
  stop_capture
  expect "$out" 'icmp.type == 8' 1
  expect "$out" 'icmp.type == 0' 1
  expect "$out" 'icmp.type == 3 && icmp.code == 3' 1
  expect "$out" 'icmp.type == 11 && icmp.code == 0' 1
  expect "$out" 'icmp.type == 3 && icmp.code == 4' 1
  install_fixture "$out" icmp
  write_readme icmp icmp "wscap-icmp-a (10.99.1.1/24) reaches wscap-icmp-b (10.99.2.2/24) through
the forwarding namespace wscap-icmp-r (10.99.1.254 towards a, 10.99.2.254
towards b, ip_forward=1; its link to b has MTU 1280), captured on a's veth0
with filter \`icmp or udp\`:
echo request and reply (\`ping -c 1\`); a UDP datagram (payload
\"wirestack\") to b's closed port 33434 and b's port unreachable (type 3
code 3) quoting it; \`ping -c 1 -t 1\` and r's time exceeded (type 11 code
0); \`ping -c 1 -M do -s 1400\` and r's fragmentation needed (type 3 code 4,
next-hop MTU 1280). The failing pings send one request each, answered only by
the error." kernel-icmp.pcap
  teardown
}

scenario_udp() {
  pair_topology udp
  local a=$PAIR_A b=$PAIR_B out="$WORK/kernel-udp.pcap" ready="$WORK/udp-ready"
  # b echoes every datagram back; a sends payloads of 0, 1, 7, 64 and 1001
  # bytes from port 40000 to port 5555.
  start_bg "$b" node -e '
    const s = require("node:dgram").createSocket("udp4");
    s.on("message", (m, r) => s.send(m, r.port, r.address));
    s.bind(5555, "10.99.0.2", () => require("node:fs").writeFileSync(process.argv[1], "ready"));
  ' "$ready"
  local server=$BG_PID i
  for ((i = 0; i < 100; i++)); do [[ -f "$ready" ]] && break; sleep 0.05; done
  [[ -f "$ready" ]] || die "UDP echo server in $b did not start"
  start_capture "$a" veth0 "$out" udp
  nsx "$a" node -e '
    const s = require("node:dgram").createSocket("udp4");
    const sizes = [0, 1, 7, 64, 1001];
    let replies = 0;
    const timer = setTimeout(() => { console.error("udp: replies missing"); process.exit(1); }, 3000);
    s.on("message", () => { if (++replies === sizes.length) { clearTimeout(timer); s.close(); } });
    s.bind(40000, "10.99.0.1", async () => {
      for (const n of sizes) {
        const payload = Buffer.alloc(n, 0).map((_, i) => 0x41 + (i % 26));
        await new Promise((done) => s.send(payload, 5555, "10.99.0.2", done));
        await new Promise((done) => setTimeout(done, 50));
      }
    });
  '
  stop_capture
  stop_bg "$server"
  expect "$out" 'udp.length == 8' 2
  expect "$out" 'udp.length == 15' 2
  expect "$out" 'udp.length == 1009' 2
  install_fixture "$out" udp
  write_readme udp udp "Namespaces wscap-udp-a (10.99.0.1/24) and wscap-udp-b (10.99.0.2/24) on one
veth link, captured on a's veth0 with filter \`udp\`: node:dgram in a sends
payloads of 0, 1, 7, 64 and 1001 bytes (the letters A-Z repeated) from
port 40000 to port 5555, and an echo server (node:dgram) in b sends each
back. Checksum offload is off on both veths (\`ethtool -K veth0 tx off\`,
done through the same ioctl when ethtool is missing), so every UDP checksum
is the kernel's finished one, as on a real wire." kernel-udp.pcap
  teardown
}

# One VXLAN link over a veth underlay; $2 = vni, $3 = UDP port.
vxlan_up() {
  local a=$1 b=$2 vni=$3 port=$4
  rec ip -n "$a" link add vxlan1 address 02:00:00:00:0a:01 type vxlan id "$vni" remote 192.168.99.2 local 192.168.99.1 dstport "$port" dev veth0
  rec ip -n "$b" link add vxlan1 address 02:00:00:00:0a:02 type vxlan id "$vni" remote 192.168.99.1 local 192.168.99.2 dstport "$port" dev veth0
  addr_up "$a" vxlan1 10.0.0.1/24
  addr_up "$b" vxlan1 10.0.0.2/24
}

vxlan_down() {
  rec ip -n "$1" link del vxlan1
  rec ip -n "$2" link del vxlan1
}

scenario_vxlan() {
  local a=wscap-vxlan-a b=wscap-vxlan-b
  make_ns "$a"
  make_ns "$b"
  veth_pair "$a" "$b" veth0 veth0 02:00:00:00:00:01 02:00:00:00:00:02
  addr_up "$a" veth0 192.168.99.1/24
  addr_up "$b" veth0 192.168.99.2/24
  # Resolve the underlay first, so the captures hold only VXLAN datagrams.
  nsx "$a" ping -n -q -c 1 -W 1 192.168.99.2 >/dev/null

  local std="$WORK/kernel-vxlan-4789.pcap" alt="$WORK/kernel-vxlan-9527.pcap"
  note kernel-vxlan-4789.pcap
  vxlan_up "$a" "$b" 42 4789
  start_capture "$a" veth0 "$std" udp port 4789
  nsx "$a" ping -n -q -c 2 -i 0.2 -W 1 10.0.0.2 >/dev/null
  stop_capture
  vxlan_down "$a" "$b"

  note kernel-vxlan-9527.pcap
  vxlan_up "$a" "$b" 1 9527
  start_capture "$a" veth0 "$alt" udp port 9527
  nsx "$a" ping -n -q -c 2 -i 0.2 -W 1 10.0.0.2 >/dev/null
  stop_capture

  expect "$std" 'vxlan.vni == 42 && arp' 2
  expect "$std" 'vxlan.vni == 42 && icmp.type == 8' 2
  expect "$std" 'vxlan.vni == 42 && icmp.type == 0' 2
  expect "$alt" 'vxlan.vni == 1 && arp' 2 -d udp.port==9527,vxlan
  expect "$alt" 'vxlan.vni == 1 && icmp.type == 0' 2 -d udp.port==9527,vxlan
  install_fixture "$std" vxlan
  install_fixture "$alt" vxlan
  write_readme vxlan vxlan "Namespaces wscap-vxlan-a and wscap-vxlan-b joined by a veth pair as the
underlay (192.168.99.1/24 and .2 on veth0, MACs 02:00:00:00:00:01/02); in
each a Linux vxlan device vxlan1 (MAC 02:00:00:00:0a:01/02, overlay
addresses 10.0.0.1/24 and 10.0.0.2/24) with the peer as its remote.
Captured on a's underlay veth0: \`ping -c 2 10.0.0.2\` over the overlay, so
Ethernet/IPv4/UDP/VXLAN/Ethernet/(ARP | IPv4/ICMP). The kernel filled in
the outer UDP checksums (non-zero and valid: check with
\`tshark -o udp.check_checksum:TRUE\`); the outer source port is its flow hash.
- kernel-vxlan-4789.pcap: VNI 42, UDP port 4789 (IANA), tshark decodes it
  as VXLAN by itself.
- kernel-vxlan-9527.pcap: VNI 1, UDP port 9527; tshark needs
  \`-d udp.port==9527,vxlan\`." kernel-vxlan-4789.pcap "kernel-vxlan-9527.pcap@-d udp.port==9527,vxlan"
  teardown
}

# ----------------------------------------------------------------------- main

usage() {
  echo "usage: $0 all | list | SCENARIO... (scenarios: ${SCENARIOS[*]})" >&2
  exit 2
}

main() {
  (($# > 0)) || usage
  local wanted=() s
  for s in "$@"; do
    case "$s" in
      all) wanted+=("${SCENARIOS[@]}") ;;
      list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
      -h | --help) usage ;;
      *)
        [[ " ${SCENARIOS[*]} " == *" $s "* ]] || { log "unknown scenario '$s'"; usage; }
        wanted+=("$s")
        ;;
    esac
  done
  [[ $(id -u) == 0 ]] || die "needs root (network namespaces, tcpdump)"
  local cmd
  for cmd in ip tcpdump tshark ping node perl flock; do
    command -v "$cmd" >/dev/null || die "missing command '$cmd'"
  done

  exec 9>/run/lock/wscap-capture.lock
  flock 9
  trap cleanup EXIT
  trap 'exit 130' INT TERM HUP
  WORK=$(mktemp -d /tmp/wscap.XXXXXX)
  chmod 0755 "$WORK"
  for s in "${wanted[@]}"; do
    log "$s"
    COMMANDS=()
    "scenario_$s"
  done
  log "done: ${wanted[*]}"
}

main "$@"

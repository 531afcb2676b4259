/**
 * @wirestack/netsim: simulated forwarding in virtual time, in packets per
 * second of wall clock on one core.
 *
 * 1. Ping flood through host -> br0 -> vxlan1 -> underlay (two machines'
 *    UDP stacks) -> vxlan1 -> br0 -> host: the walkthrough's VXLAN lab,
 *    echo requests 10 us apart. Every echo round trip is 2 ICMP packets,
 *    each crossing 3 links, 2 bridges, 2 VTEPs and 2 underlay IP stacks.
 *    Baseline: the same flood between two hosts on one veth pair.
 * 2. A 1,000-host flat L2 topology (one bridge, 1,000 hosts and a gateway
 *    on 10.1.0.0/16) where every host pings the gateway: first the cold
 *    round (1,000 ARP resolutions, the gateway's neighbour table filling
 *    up), then steady rounds. Reported per echo round trip.
 * 3. 10,000 hosts: 100 bridges of 100 hosts and a gateway each, every host
 *    pinging its gateway 3 times 1 s apart, then 5 more: wall time against
 *    the virtual time simulated (the issue asks for faster than real time).
 *    The first round is dominated by ARP: each request floods its segment.
 * 4. (root only) The real-UDP VTEP against the Linux kernel: `ping -f -c N`
 *    from a kernel host through a kernel vxlan device to a wirestack Host
 *    behind a VxlanDevice on a node:dgram socket (Node in its own network
 *    namespace), against the same flood to a kernel host behind a kernel
 *    vxlan device (the reference, the kernel's own vxlan -> vxlan path).
 *    A flood ping sends the next request when the reply arrives, so this is
 *    round trips per second through each VTEP. Namespaces wsns-b* are
 *    created and deleted here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, vxlanLab } from '@wirestack/netsim';
import { compare, consume, report } from './measure.mjs';

function vxlanFlood() {
  const lab = vxlanLab({ vethLatency: 0, underlayLatency: 0 });
  const from = lab.a.containers[0];
  // Resolve ARP once so the measured rounds are steady state.
  from.ping('10.0.0.103', { count: 1 });
  lab.net.run();
  lab.inside.clear();
  lab.outside.clear();
  // The taps would copy every frame; the flood runs untapped.
  return {
    name: 'ping flood host-br0-vxlan-br0-host',
    run(n) {
      let received = 0;
      from.ping('10.0.0.103', { count: n, interval: 0.01, wait: 1 }).then((r) => (received = r.received));
      lab.net.run();
      consume(received);
    },
  };
}

function vethFlood() {
  const net = new Network();
  const a = net.host('a');
  const b = net.host('b');
  net.link(net.addInterface(a, { name: 'eth0', address: '10.0.0.1/24' }), net.addInterface(b, { name: 'eth0', address: '10.0.0.2/24' }));
  a.ping('10.0.0.2', { count: 1 });
  net.run();
  return {
    name: 'ping flood host-veth-host (baseline)',
    run(n) {
      a.ping('10.0.0.2', { count: n, interval: 0.01, wait: 1 });
      net.run();
    },
  };
}

function flatL2(hosts) {
  const net = new Network();
  const br = net.bridge('br0');
  const gw = net.host('gw');
  net.link(net.addInterface(gw, { name: 'eth0', address: '10.1.0.1/16' }), br);
  const members = [];
  for (let i = 0; i < hosts; i++) {
    const h = net.host(`h${i}`);
    net.link(net.addInterface(h, { name: 'eth0', address: `10.1.${(i + 2) >> 8}.${(i + 2) & 0xff}/16` }), br, { latency: 0.01 });
    members.push(h);
  }
  return { net, members, gw };
}

function segments(count, size) {
  const net = new Network();
  const members = [];
  for (let s = 0; s < count; s++) {
    const br = net.bridge(`br${s}`);
    const gw = net.host(`gw${s}`);
    net.link(net.addInterface(gw, { name: 'eth0', address: `10.${s >> 8}.${s & 0xff}.1/24` }), br);
    for (let i = 0; i < size; i++) {
      const h = net.host(`h${s}-${i}`);
      net.link(net.addInterface(h, { name: 'eth0', address: `10.${s >> 8}.${s & 0xff}.${i + 2}/24` }), br, { latency: 0.01 });
      h.gateway = `10.${s >> 8}.${s & 0xff}.1`;
      members.push(h);
    }
  }
  return { net, members };
}

function pingAll({ net, members }, count) {
  const started = performance.now();
  const virtualStart = net.scheduler.now();
  let received = 0;
  for (const h of members) h.ping(h.gateway ?? '10.1.0.1', { count, interval: 1000, wait: 100 }).then((r) => (received += r.received));
  net.run();
  return { wallMs: performance.now() - started, virtualMs: net.scheduler.now() - virtualStart, sent: members.length * count, received: () => received };
}

export default async function main() {
  const results = compare([vethFlood(), vxlanFlood()], { rounds: 5, roundMs: 200 });
  report('netsim: ICMP echo round trips per second of wall clock (virtual time)', results, {
    baseline: 'ping flood host-veth-host (baseline)',
  });
  for (const r of results) {
    console.log(`  ${r.name}: ${((r.opsPerSec * 2) / 1e3).toFixed(1)} k ICMP packets/s`);
  }

  const lab = flatL2(1000);
  const cold = pingAll(lab, 1);
  await Promise.resolve();
  const steady = pingAll(lab, 5);
  await new Promise((resolve) => setTimeout(resolve, 0));
  console.log('\n## netsim: 1,000 hosts on one bridge, all pinging one gateway');
  const line = (label, m) =>
    console.log(
      `  ${label.padEnd(34)} ${m.sent} echoes, ${m.received()} replies in ${m.wallMs.toFixed(1)} ms wall ` +
        `(${((m.sent / m.wallMs) * 1000 / 1e3).toFixed(1)} k round trips/s; ${m.virtualMs.toFixed(0)} ms virtual, ` +
        `${(m.virtualMs / m.wallMs).toFixed(1)}x real time)`,
    );
  line('cold (ARP for every host)', cold);
  line('steady (5 pings each, 1 s apart)', steady);
  console.log(`  gateway neighbour table: ${lab.gw.interfaces[0].neighbours.size} entries`);

  const built = performance.now();
  const big = segments(100, 100);
  const buildMs = performance.now() - built;
  const tenK = pingAll(big, 3);
  await new Promise((resolve) => setTimeout(resolve, 0));
  console.log('\n## netsim: 10,000 hosts (100 bridges x 100 hosts + gateway), 3 pings each to the gateway');
  console.log(`  built in ${buildMs.toFixed(0)} ms`);
  line('3 pings each, 1 s apart (cold ARP)', tenK);
  const tenKSteady = pingAll(big, 5);
  await new Promise((resolve) => setTimeout(resolve, 0));
  line('5 more each (neighbours cached)', tenKSteady);

  await kernelComparison();
}

const FLOOD = 20_000;

function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The wirestack VTEP peer, run by node inside its namespace, importing the built package. */
const PEER = (netsimUrl) => `
import { Network, RealTimeScheduler, UdpUnderlay } from '${netsimUrl}';
const underlay = await UdpUnderlay.bind({ address: '192.168.77.2', port: 4789 });
const net = new Network({ scheduler: new RealTimeScheduler() });
const br0 = net.bridge('br0');
net.vxlan('vxlan1', { vni: 42, remote: '192.168.77.1', underlay }, br0);
const host = net.host('ws');
net.link(net.addInterface(host, { name: 'eth0', address: '10.0.0.2/24' }), br0);
process.stdout.write('ready\\n');
setInterval(() => {}, 1 << 30);
`;

function floodPing(ns) {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'ping', '-f', '-q', '-c', String(FLOOD), '-W', '1', '10.0.0.2'], { encoding: 'utf8' });
  const m = /(\d+) packets transmitted, (\d+) received.*time (\d+)ms/.exec(out);
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(out);
  if (!m) throw new Error(`unexpected ping output: ${out}`);
  return { received: Number(m[2]), ms: Number(m[3]), avgRtt: rtt ? Number(rtt[1]) : NaN };
}

async function kernelComparison() {
  console.log('\n## netsim: real-UDP VTEP vs the kernel (ping -f through VXLAN, VNI 42, dstport 4789)');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    console.log('  skipped: needs root (network namespaces)');
    return;
  }
  const tag = process.pid % 100000;
  const K = `wsns-bk${tag}`; // kernel VTEP + br0, the pinging host's side
  const H = `wsns-bh${tag}`; // 10.0.0.1, pings
  const N = `wsns-bn${tag}`; // the far VTEP: node (wirestack), then the kernel
  const M = `wsns-bm${tag}`; // 10.0.0.2 behind the kernel's far VTEP (reference)
  const dir = mkdtempSync(join(tmpdir(), 'netsim-bench-'));
  let child;
  try {
    for (const ns of [K, H, N, M]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('-n', K, 'link', 'add', 'ul0', 'type', 'veth', 'peer', 'name', 'ul1', 'netns', N);
    ip('-n', K, 'addr', 'add', '192.168.77.1/24', 'dev', 'ul0');
    ip('-n', K, 'link', 'set', 'ul0', 'up');
    ip('-n', N, 'addr', 'add', '192.168.77.2/24', 'dev', 'ul1');
    ip('-n', N, 'link', 'set', 'ul1', 'up');
    ip('-n', K, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', K, 'link', 'set', 'br0', 'up');
    ip('-n', K, 'link', 'add', 'vxlan42', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'remote', '192.168.77.2', 'local', '192.168.77.1', 'dev', 'ul0');
    ip('-n', K, 'link', 'set', 'vxlan42', 'master', 'br0', 'up');
    ip('-n', K, 'link', 'add', 'hv0', 'type', 'veth', 'peer', 'name', 'hv1', 'netns', H);
    ip('-n', K, 'link', 'set', 'hv0', 'master', 'br0', 'up');
    ip('-n', H, 'addr', 'add', '10.0.0.1/24', 'dev', 'hv1');
    ip('-n', H, 'link', 'set', 'hv1', 'up');

    // wirestack's VTEP and host in N.
    const script = join(dir, 'peer.mjs');
    writeFileSync(script, PEER(import.meta.resolve('@wirestack/netsim')));
    child = spawn('ip', ['netns', 'exec', N, process.execPath, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve);
      child.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    });
    floodPing(H); // warm-up: ARP, FDB learning, JIT
    const ours = floodPing(H);
    process.kill(child.pid, 'SIGKILL');
    child = undefined;

    // The reference: the kernel's own vxlan device in N, a kernel host behind it in M.
    ip('-n', H, 'neigh', 'flush', 'all');
    ip('-n', N, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', N, 'link', 'set', 'br0', 'up');
    ip('-n', N, 'link', 'add', 'vxlan42', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'remote', '192.168.77.1', 'local', '192.168.77.2', 'dev', 'ul1');
    ip('-n', N, 'link', 'set', 'vxlan42', 'master', 'br0', 'up');
    ip('-n', N, 'link', 'add', 'mv0', 'type', 'veth', 'peer', 'name', 'mv1', 'netns', M);
    ip('-n', N, 'link', 'set', 'mv0', 'master', 'br0', 'up');
    ip('-n', M, 'addr', 'add', '10.0.0.2/24', 'dev', 'mv1');
    ip('-n', M, 'link', 'set', 'mv1', 'up');
    floodPing(H);
    const kernel = floodPing(H);

    const row = (name, r) =>
      console.log(
        `  ${name.padEnd(44)} ${r.received}/${FLOOD} replies in ${r.ms} ms: ${((r.received / r.ms) * 1000 / 1e3).toFixed(1)} k round trips/s, avg rtt ${r.avgRtt} ms`,
      );
    row('kernel vxlan -> kernel vxlan (reference)', kernel);
    row('kernel vxlan -> wirestack VTEP (node:dgram)', ours);
    console.log(`  wirestack / kernel: ${((ours.received / ours.ms) / (kernel.received / kernel.ms)).toFixed(2)}x`);
  } finally {
    if (child?.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    for (const ns of [K, H, N, M]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

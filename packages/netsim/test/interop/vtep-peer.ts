/**
 * The wirestack side of the kernel interop test, run by node inside a
 * network namespace (bundled by the test with esbuild from the sources):
 * Host 10.0.0.2/24 — br0 — vxlan1 (VNI 42) over a real UDP socket.
 * argv: localAddress remoteVtep dstport. Commands on stdin, one per line:
 * `fdb`, `neigh`, `ping ADDRESS`, `quit`; each answer is one JSON line.
 */
import { createInterface } from 'node:readline';
import { formatMac } from '@wirestack/core';
import { Network, RealTimeScheduler, UdpUnderlay } from '../../src/index.js';

const [local, remote, port] = process.argv.slice(2) as [string, string, string];
const underlay = await UdpUnderlay.bind({ address: local, port: Number(port) });
const net = new Network({ scheduler: new RealTimeScheduler() });
const br0 = net.bridge('br0');
net.vxlan('vxlan1', { vni: 42, dstPort: Number(port), remote, underlay }, br0);
const host = net.host('ws');
const eth0 = net.addInterface(host, { name: 'eth0', address: '10.0.0.2/24' });
net.link(eth0, br0, { names: ['veth-ws', 'veth-ws'] });

const answer = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
answer({ ready: true, mac: formatMac(eth0.mac) });
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'fdb') answer({ fdb: br0.fdbShow() });
  else if (cmd === 'neigh') answer({ neigh: host.neighbours() });
  else if (cmd === 'ping') {
    const r = await host.ping(arg!, { count: 3, interval: 200, wait: 2000 });
    answer({ transmitted: r.transmitted, received: r.received, rtts: r.rtts });
  } else if (cmd === 'quit') break;
}
await underlay.close();
process.exit(0);

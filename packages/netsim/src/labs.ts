/**
 * The two-machine labs of the container-networking walkthrough, built with
 * the code API: `vxlanLab` (br0 + vxlan1 on each machine, one L2 segment
 * 10.0.0.0/24 across an underlay) and `hostGwLab` (a subnet per machine,
 * routed via the peer machine, no tunnel).
 */
import type { BridgeDevice } from './bridge-device.js';
import type { Capture } from './capture.js';
import type { Host } from './host.js';
import type { Link } from './link.js';
import { Network, type NetworkOptions } from './network.js';
import { hostUnderlay, type VxlanDevice } from './vxlan-device.js';

export interface LabOptions extends NetworkOptions {
  /** One-way latency of a container's veth pair, ms (default 0.02). */
  readonly vethLatency?: number;
  /** One-way latency of the underlay link between the machines, ms (default 0.2). */
  readonly underlayLatency?: number;
  /** Containers per machine (default 2: .101/.102 on A, .103/.104 on B). */
  readonly containersPerMachine?: number;
}

export interface Machine {
  /** The machine's own stack: its underlay address, and in host-gw its routes. */
  readonly host: Host;
  readonly br0: BridgeDevice;
  readonly containers: Host[];
  readonly veths: Link[];
  readonly vxlan1?: VxlanDevice;
}

export interface Lab {
  readonly net: Network;
  readonly a: Machine;
  readonly b: Machine;
  readonly underlay: Link;
  /** Taps: inside (the first container's veth on A) and on the underlay. */
  readonly inside: Capture;
  readonly outside: Capture;
}

export const VXLAN_LAB_VNI = 1;
export const VXLAN_LAB_PORT = 9527;

function machines(net: Network, options: LabOptions): { hostA: Host; hostB: Host; underlay: Link } {
  const hostA = net.host('machine-a');
  const hostB = net.host('machine-b');
  const ethA = net.addInterface(hostA, { name: 'eth0', address: '192.168.1.1/24' });
  const ethB = net.addInterface(hostB, { name: 'eth0', address: '192.168.1.2/24' });
  const underlay = net.link(ethA, ethB, { latency: options.underlayLatency ?? 0.2 });
  return { hostA, hostB, underlay };
}

/**
 * Machine A: 10.0.0.101, 10.0.0.102 on br0; machine B: 10.0.0.103, 10.0.0.104;
 * each machine's vxlan1 (VNI 1, dstport 9527, remote = the other machine)
 * enslaved to its br0. The underlay: 192.168.1.1 and 192.168.1.2 on one link.
 */
export function vxlanLab(options: LabOptions = {}): Lab {
  const net = new Network(options);
  const { hostA, hostB, underlay } = machines(net, options);
  const per = options.containersPerMachine ?? 2;
  const build = (host: Host, peer: string, first: number): Machine => {
    const br0 = net.bridge('br0');
    const vxlan1 = net.vxlan(
      'vxlan1',
      { vni: VXLAN_LAB_VNI, dstPort: VXLAN_LAB_PORT, remote: peer, underlay: hostUnderlay(host, VXLAN_LAB_PORT) },
      br0,
    );
    const containers: Host[] = [];
    const veths: Link[] = [];
    for (let i = 0; i < per; i++) {
      const n = first + i;
      const c = net.host(`c${n}`);
      const eth0 = net.addInterface(c, { name: 'eth0', address: `10.0.0.${n}/24` });
      veths.push(net.link(eth0, br0, { latency: options.vethLatency ?? 0.02, names: [`veth${n}`, `veth${n}`] }));
      containers.push(c);
    }
    return { host, br0, containers, veths, vxlan1 };
  };
  const a = build(hostA, '192.168.1.2', 101);
  const b = build(hostB, '192.168.1.1', 101 + per);
  const inside = net.tap(a.veths[0]!, 'inside');
  const outside = net.tap(underlay, 'underlay');
  return { net, a, b, underlay, inside, outside };
}

/**
 * The same two machines without a tunnel: A's containers in 10.0.1.0/24
 * behind A (10.0.1.1 on br0), B's in 10.0.2.0/24 behind B; each machine
 * routes the other's subnet via the other's underlay address.
 */
export function hostGwLab(options: LabOptions = {}): Lab {
  const net = new Network(options);
  const { hostA, hostB, underlay } = machines(net, options);
  hostA.forwarding = true;
  hostB.forwarding = true;
  const per = options.containersPerMachine ?? 2;
  const build = (host: Host, subnet: number, peerSubnet: number, peer: string, first: number): Machine => {
    const br0 = net.bridge('br0');
    const cni0 = net.addInterface(host, { name: 'cni0', address: `10.0.${subnet}.1/24` });
    net.link(cni0, br0, { latency: 0, names: ['cni0', 'cni0'] });
    host.addRoute(`10.0.${peerSubnet}.0/24 via ${peer} dev eth0`);
    const containers: Host[] = [];
    const veths: Link[] = [];
    for (let i = 0; i < per; i++) {
      const n = first + i;
      const c = net.host(`c${n}`);
      const eth0 = net.addInterface(c, { name: 'eth0', address: `10.0.${subnet}.${n}/24` });
      c.addRoute(`default via 10.0.${subnet}.1 dev eth0`);
      veths.push(net.link(eth0, br0, { latency: options.vethLatency ?? 0.02, names: [`veth${n}`, `veth${n}`] }));
      containers.push(c);
    }
    return { host, br0, containers, veths };
  };
  const a = build(hostA, 1, 2, '192.168.1.2', 101);
  const b = build(hostB, 2, 1, '192.168.1.1', 101 + per);
  const inside = net.tap(a.veths[0]!, 'inside');
  const outside = net.tap(underlay, 'underlay');
  return { net, a, b, underlay, inside, outside };
}

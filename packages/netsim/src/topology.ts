/**
 * A lab in one typed object: hosts with interfaces and routes, bridges,
 * links and VXLAN devices, built with the same code API (`Network`). Link
 * ends are `host:interface` or `bridge` (a new port named after the other
 * end's interface) or `bridge:port`.
 *
 *   buildTopology({
 *     hosts: { a: { interfaces: { eth0: { address: '10.0.0.1/24' } } }, b: { ... } },
 *     bridges: { br0: {} },
 *     links: [{ a: 'a:eth0', b: 'br0' }, { a: 'b:eth0', b: 'br0' }],
 *   })
 */
import type { BridgeOptions } from '@wirestack/bridge';
import { BridgeDevice } from './bridge-device.js';
import type { Host, HostInterface } from './host.js';
import type { Link, LinkOptions } from './link.js';
import { Network, type NetworkOptions } from './network.js';
import { hostUnderlay, type VxlanDevice } from './vxlan-device.js';

export interface InterfaceSpec {
  /** `10.0.0.1/24`. */
  readonly address?: string;
  /** Default: the network's next MAC. */
  readonly mac?: string;
  readonly mtu?: number;
}

export interface HostSpec {
  /** A router (`ip_forward = 1`). */
  readonly forwarding?: boolean;
  readonly interfaces: Readonly<Record<string, InterfaceSpec>>;
  /** `ip route add` arguments, e.g. `default via 10.0.0.1`. */
  readonly routes?: readonly string[];
}

export interface LinkSpec extends LinkOptions {
  /** `host:interface`, `bridge` or `bridge:port`. */
  readonly a: string;
  readonly b: string;
}

export interface VxlanSpec {
  /** The bridge it is enslaved to. */
  readonly bridge: string;
  /** The host whose UDP socket carries it (in-memory underlay). */
  readonly underlay: string;
  readonly vni: number;
  readonly dstPort?: number;
  readonly remote?: string;
  readonly group?: string;
  /** With `group`: the underlay host's interface that joins it (`dev eth0`). */
  readonly underlayDevice?: string;
  readonly learning?: boolean;
}

export interface TopologySpec {
  readonly hosts?: Readonly<Record<string, HostSpec>>;
  readonly bridges?: Readonly<Record<string, Omit<BridgeOptions, 'name' | 'mac'>>>;
  readonly links?: readonly LinkSpec[];
  /** Keyed by a unique name; the device is called `name` unless `device` says otherwise. */
  readonly vxlans?: Readonly<Record<string, VxlanSpec & { readonly device?: string }>>;
}

export interface Topology {
  readonly net: Network;
  readonly hosts: ReadonlyMap<string, Host>;
  readonly bridges: ReadonlyMap<string, BridgeDevice>;
  readonly vxlans: ReadonlyMap<string, VxlanDevice>;
  readonly links: readonly Link[];
  host(name: string): Host;
  bridge(name: string): BridgeDevice;
}

export function buildTopology(spec: TopologySpec, options: NetworkOptions = {}): Topology {
  const net = new Network(options);
  const hosts = new Map<string, Host>();
  const bridges = new Map<string, BridgeDevice>();
  const vxlans = new Map<string, VxlanDevice>();
  const links: Link[] = [];
  const need = <T>(map: Map<string, T>, kind: string, name: string): T => {
    const v = map.get(name);
    if (v === undefined) throw new Error(`netsim topology: no ${kind} '${name}'`);
    return v;
  };

  for (const [name, h] of Object.entries(spec.hosts ?? {})) {
    const host = net.host(name, { forwarding: h.forwarding ?? false });
    for (const [ifname, i] of Object.entries(h.interfaces)) {
      net.addInterface(host, { name: ifname, ...(i.mac === undefined ? {} : { mac: i.mac }), ...(i.address === undefined ? {} : { address: i.address }), ...(i.mtu === undefined ? {} : { mtu: i.mtu }) });
    }
    hosts.set(name, host);
  }
  for (const [name, b] of Object.entries(spec.bridges ?? {})) bridges.set(name, net.bridge(name, b));

  const end = (text: string, other: string): HostInterface | BridgeDevice | { bridge: BridgeDevice; port: string } => {
    const [node, port] = text.split(':') as [string, string | undefined];
    const bridge = bridges.get(node);
    if (bridge !== undefined) return { bridge, port: port ?? `veth-${other.replace(':', '-')}` };
    const host = need(hosts, 'host or bridge', node);
    if (port === undefined) throw new Error(`netsim topology: '${text}' needs an interface (host:interface)`);
    return host.interface(port);
  };
  for (const l of spec.links ?? []) {
    const a = end(l.a, l.b);
    const b = end(l.b, l.a);
    const portA = a instanceof BridgeDevice || !('bridge' in a) ? a : a.bridge.addPort(a.port);
    const portB = b instanceof BridgeDevice || !('bridge' in b) ? b : b.bridge.addPort(b.port);
    links.push(net.link(portA, portB, l));
  }
  for (const [name, v] of Object.entries(spec.vxlans ?? {})) {
    const dstPort = v.dstPort ?? 4789;
    const dev = net.vxlan(
      v.device ?? name,
      {
        vni: v.vni,
        dstPort,
        underlay: hostUnderlay(need(hosts, 'host', v.underlay), dstPort),
        ...(v.remote === undefined ? {} : { remote: v.remote }),
        ...(v.group === undefined ? {} : { group: v.group }),
        ...(v.underlayDevice === undefined ? {} : { device: v.underlayDevice }),
        ...(v.learning === undefined ? {} : { learning: v.learning }),
      },
      need(bridges, 'bridge', v.bridge),
    );
    vxlans.set(name, dev);
  }
  // Routes last: a route's gateway must be reachable through an interface.
  for (const [name, h] of Object.entries(spec.hosts ?? {})) for (const r of h.routes ?? []) need(hosts, 'host', name).addRoute(r);

  return {
    net,
    hosts,
    bridges,
    vxlans,
    links,
    host: (name) => need(hosts, 'host', name),
    bridge: (name) => need(bridges, 'bridge', name),
  };
}

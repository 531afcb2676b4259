/**
 * The container for a simulated network: one scheduler, one seeded random
 * source, deterministic MAC addresses, and factory methods mirroring the
 * `ip` commands of a lab (`ip netns add` → host, `ip link add type veth`
 * → link, `type bridge` → bridge, `type vxlan` → vxlan).
 */
import { asMac, parseMac, type MacAddress } from '@wirestack/core';
import type { BridgeOptions } from '@wirestack/bridge';
import { BridgeDevice, BridgePort } from './bridge-device.js';
import { Capture } from './capture.js';
import { Host, HostInterface, type HostOptions, type InterfaceOptions } from './host.js';
import { Link, type FramePort, type LinkOptions } from './link.js';
import { seededRandom } from './random.js';
import { VirtualScheduler, type Scheduler } from './scheduler.js';
import { VxlanDevice, type VxlanDeviceOptions } from './vxlan-device.js';

export interface NetworkOptions {
  /** Default: a new VirtualScheduler. Pass a RealTimeScheduler for interop. */
  readonly scheduler?: Scheduler;
  /** Seed of the random source (link loss, neighbour jitter). Default 1. */
  readonly seed?: number;
  /**
   * The first MAC of the network's sequence (default 02:00:00:00:00:01).
   * Give networks that share a segment (e.g. through a real underlay) different ones.
   */
  readonly firstMac?: MacAddress | string;
}

/** Locally administered, unicast. */
const FIRST_MAC = 0x02_00_00_00_00_01;

export class Network {
  readonly scheduler: Scheduler;
  readonly random: () => number;
  readonly hosts: Host[] = [];
  readonly bridges: BridgeDevice[] = [];
  readonly links: Link[] = [];
  private macs = 0;
  private readonly firstMac: number;
  private veths = 0;

  constructor(options: NetworkOptions = {}) {
    this.scheduler = options.scheduler ?? new VirtualScheduler();
    this.random = seededRandom(options.seed ?? 1);
    const first = options.firstMac ?? FIRST_MAC;
    this.firstMac = typeof first === 'string' ? parseMac(first) : first;
  }

  /** The next address of the network's deterministic MAC sequence. */
  nextMac(): MacAddress {
    return asMac(this.firstMac + this.macs++);
  }

  host(name: string, options: HostOptions = {}): Host {
    const host = new Host(name, this.scheduler, { random: this.random, ...options });
    this.hosts.push(host);
    return host;
  }

  /** A host with forwarding on. */
  router(name: string, options: HostOptions = {}): Host {
    return this.host(name, { ...options, forwarding: true });
  }

  /** An interface on `host` with the next MAC unless one is given. */
  addInterface(host: Host, options: Omit<InterfaceOptions, 'mac'> & { mac?: InterfaceOptions['mac'] }): HostInterface {
    return host.addInterface({ ...options, mac: options.mac ?? this.nextMac() });
  }

  bridge(name: string, options: Omit<BridgeOptions, 'name'> = {}): BridgeDevice {
    const br = new BridgeDevice(this.scheduler, { mac: this.nextMac(), hashSeed: Math.floor(this.random() * 0x1_0000_0000), ...options, name });
    this.bridges.push(br);
    return br;
  }

  /** A veth-like pair between two ports; a bridge stands for a new port on it named after the other side. */
  link(a: FramePort | BridgeDevice, b: FramePort | BridgeDevice, options: LinkOptions & { names?: [string, string] } = {}): Link {
    const portA = a instanceof BridgeDevice ? a.addPort(options.names?.[0] ?? `veth${this.veths++}`) : a;
    const portB = b instanceof BridgeDevice ? b.addPort(options.names?.[1] ?? `veth${this.veths++}`) : b;
    const link = new Link(this.scheduler, this.random, portA, portB, options);
    this.links.push(link);
    return link;
  }

  /** `ip link add NAME type vxlan id VNI ...` enslaved to `bridge` when given. */
  vxlan(name: string, options: VxlanDeviceOptions, bridge?: BridgeDevice): VxlanDevice {
    const dev = new VxlanDevice(name, options);
    if (bridge !== undefined) dev.attach(bridge);
    return dev;
  }

  /** A capture, tapped on a link, host interface or bridge port. */
  tap(on: Link | HostInterface | BridgePort, name?: string): Capture {
    return on.tap(new Capture(name ?? (on instanceof Link ? `${on.a.port.name}-${on.b.port.name}` : on.name)));
  }

  /** The scheduler as a VirtualScheduler (throws in real-time mode). */
  get virtual(): VirtualScheduler {
    if (!(this.scheduler instanceof VirtualScheduler)) throw new Error('netsim: the network runs in real time');
    return this.scheduler;
  }

  run(): number {
    return this.virtual.run();
  }

  runFor(ms: number): number {
    return this.virtual.runFor(ms);
  }

  runUntil(predicate: () => boolean, timeout?: number): boolean {
    return this.virtual.runUntil(predicate, timeout);
  }
}

/**
 * A VXLAN device (`ip link add vxlan1 type vxlan id 1 remote X dstport
 * 9527`) enslaved to a bridge: frames the bridge sends out of its VXLAN
 * port get a VXLAN header (@wirestack/vxlan) and go to each remote VTEP
 * the bridge's VXLAN FDB names, through the underlay's UDP socket; VXLAN
 * datagrams from the underlay are decoded and handed to the bridge, which
 * learns the inner source MAC behind the sending VTEP.
 *
 * With `group` (`ip link add vxlan0 type vxlan id 42 group 239.1.1.1 dev
 * eth0`) the device joins the multicast group on its underlay socket: BUM
 * and unknown-unicast frames go to the group, every VTEP that joined it
 * receives them and learns the sender's MAC behind the sender's unicast
 * address, and known unicast then goes straight to the learned VTEP.
 *
 * The underlay is a UDP socket, as a Linux vxlan device's is: the outer
 * IPv4/UDP/Ethernet headers are the underlay's business (a simulated
 * host's stack, or the kernel's for a node:dgram socket).
 */
import { MAC_ZERO, formatIpv4, isDecodeError, isMulticastIpv4, parseIpv4, type Ipv4Address } from '@wirestack/core';
import { VXLAN_PORT, type VxlanRemote } from '@wirestack/bridge';
import { VXLAN_HEADER_LENGTH, decodeVxlan, encodeVxlan } from '@wirestack/vxlan';
import type { BridgeDevice, BridgeSlave } from './bridge-device.js';
import type { Host } from './host.js';

/** A UDP endpoint carrying VXLAN datagrams. */
export interface VxlanUnderlay {
  send(payload: Uint8Array, dst: Ipv4Address, dstPort: number): void;
  onMessage(listener: (payload: Uint8Array, src: Ipv4Address, srcPort: number) => void): void;
  /**
   * Joins multicast `group` on the underlay (IP_ADD_MEMBERSHIP), sending
   * to it out of `device` when given, without looping our own datagrams
   * back (a Linux vxlan socket turns IP_MULTICAST_LOOP off). Needed for
   * `group`; an underlay without it cannot take a group.
   */
  joinGroup?(group: Ipv4Address, device?: string): void;
}

export interface VxlanDeviceOptions {
  /** `id`: the VNI (0..16777215). */
  readonly vni: number;
  /** `dstport` (default 4789). The in-memory underlay binds it too. */
  readonly dstPort?: number;
  /** `remote`: the VTEP every frame without an FDB entry goes to (an all-zero FDB entry). */
  readonly remote?: Ipv4Address | string;
  /**
   * `group`: a multicast group instead of `remote`. The device joins it on
   * the underlay, and BUM traffic goes to it (an all-zero FDB entry).
   */
  readonly group?: Ipv4Address | string;
  /**
   * `dev`: the underlay interface the group is joined on and sent out of:
   * an interface name on a simulated host, an interface address on a real
   * (node:dgram) underlay. Default: the interface of the route to the group.
   */
  readonly device?: string;
  /** `learning` / `nolearning` (default learning). */
  readonly learning?: boolean;
  readonly underlay: VxlanUnderlay;
}

export interface VxlanCounters {
  sent: number;
  received: number;
  /** Undecodable, wrong-VNI or unattached datagrams. */
  dropped: number;
}

export class VxlanDevice implements BridgeSlave {
  readonly vni: number;
  readonly dstPort: number;
  readonly counters: VxlanCounters = { sent: 0, received: 0, dropped: 0 };
  private bridge: BridgeDevice | undefined;
  private port = -1;
  private readonly defaultRemote: Ipv4Address | undefined;

  constructor(
    readonly name: string,
    private readonly options: VxlanDeviceOptions,
  ) {
    this.vni = options.vni;
    this.dstPort = options.dstPort ?? VXLAN_PORT;
    const remote = options.remote ?? options.group;
    this.defaultRemote = typeof remote === 'string' ? parseIpv4(remote) : remote;
    if (options.remote !== undefined && options.group !== undefined) throw new Error(`netsim: ${name}: remote and group are mutually exclusive`);
    if (options.group !== undefined) {
      if (!isMulticastIpv4(this.defaultRemote!)) throw new Error(`netsim: ${name}: group must be a multicast address`);
      if (options.underlay.joinGroup === undefined) throw new Error(`netsim: ${name}: the underlay cannot join multicast group ${formatIpv4(this.defaultRemote!)}`);
      options.underlay.joinGroup(this.defaultRemote!, options.device);
    } else if (options.device !== undefined) {
      throw new Error(`netsim: ${name}: device applies to a group only`);
    }
    options.underlay.onMessage((payload, src) => this.receive(payload, src));
  }

  /** `ip link set vxlan1 master br0`. */
  attach(bridge: BridgeDevice): void {
    if (this.bridge !== undefined) throw new Error(`netsim: ${this.name} is already enslaved`);
    this.bridge = bridge;
    const vxlan = { vni: this.vni, dstPort: this.dstPort, learning: this.options.learning ?? true };
    this.port = bridge.addVxlanPort(this.name, vxlan, this);
    if (this.defaultRemote !== undefined) {
      bridge.engine.vxlanFdbAdd(this.port, { mac: MAC_ZERO, dst: this.defaultRemote }, 'append');
    }
  }

  /** The bridge port index of this device (-1 before `attach`). */
  get portIndex(): number {
    return this.port;
  }

  transmit(frame: Uint8Array, remotes: readonly VxlanRemote[]): void {
    const out = new Uint8Array(VXLAN_HEADER_LENGTH + frame.length);
    encodeVxlan({ vni: this.vni }, out);
    out.set(frame, VXLAN_HEADER_LENGTH);
    for (const r of remotes) {
      this.counters.sent++;
      this.options.underlay.send(r.vni === this.vni ? out : reVni(out, r.vni), r.ip, r.port);
    }
  }

  private receive(payload: Uint8Array, src: Ipv4Address): void {
    const bridge = this.bridge;
    let vni: number;
    try {
      vni = decodeVxlan(payload).header.vni;
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      this.counters.dropped++;
      return;
    }
    if (bridge === undefined || vni !== this.vni) {
      this.counters.dropped++;
      return;
    }
    this.counters.received++;
    bridge.receiveFromVtep(this.port, payload.subarray(VXLAN_HEADER_LENGTH), src);
  }
}

function reVni(datagram: Uint8Array, vni: number): Uint8Array {
  const copy = datagram.slice();
  encodeVxlan({ vni }, copy);
  return copy;
}

/**
 * An in-memory underlay: a UDP socket on a simulated host bound to
 * `port` (the VXLAN dstport), so the outer packets cross simulated links
 * and can be tapped there. It can join a multicast group (for `group`)
 * when bound to any address, as a Linux vxlan socket is: a socket bound to
 * a unicast address receives nothing sent to a group.
 */
export function hostUnderlay(host: Host, port: number = VXLAN_PORT, address?: Ipv4Address | string): VxlanUnderlay {
  const socket = host.bind(port, address);
  return {
    joinGroup: (group, device) => {
      if (socket.address !== undefined) {
        throw new Error(`netsim: ${host.name}: a VXLAN socket bound to ${formatIpv4(socket.address)} cannot receive group ${formatIpv4(group)}; bind it to any address`);
      }
      const iface = device === undefined ? undefined : host.interface(device);
      if (iface !== undefined) {
        if (iface.address === undefined) throw new Error(`netsim: ${host.name}: ${device} has no address to join ${formatIpv4(group)} on`);
        socket.setMulticastInterface(iface.address);
      }
      socket.addMembership(group, iface?.address);
      socket.setMulticastLoopback(false);
    },
    send: (payload, dst, dstPort) => {
      socket.send(payload, dstPort, dst);
    },
    onMessage: (listener) => {
      socket.on('message', (data, rinfo) => listener(data, rinfo.ip, rinfo.port));
    },
  };
}

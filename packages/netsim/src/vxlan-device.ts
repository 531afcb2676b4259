/**
 * A VXLAN device (`ip link add vxlan1 type vxlan id 1 remote X dstport
 * 9527`) enslaved to a bridge: frames the bridge sends out of its VXLAN
 * port get a VXLAN header (@wirestack/vxlan) and go to each remote VTEP
 * the bridge's VXLAN FDB names, through the underlay's UDP socket; VXLAN
 * datagrams from the underlay are decoded and handed to the bridge, which
 * learns the inner source MAC behind the sending VTEP.
 *
 * The underlay is a UDP socket, as a Linux vxlan device's is: the outer
 * IPv4/UDP/Ethernet headers are the underlay's business (a simulated
 * host's stack, or the kernel's for a node:dgram socket).
 */
import { MAC_ZERO, isDecodeError, isMulticastIpv4, parseIpv4, type Ipv4Address } from '@wirestack/core';
import { VXLAN_PORT, type VxlanRemote } from '@wirestack/bridge';
import { VXLAN_HEADER_LENGTH, decodeVxlan, encodeVxlan } from '@wirestack/vxlan';
import type { BridgeDevice, BridgeSlave } from './bridge-device.js';
import type { Host } from './host.js';

/** A UDP endpoint carrying VXLAN datagrams. */
export interface VxlanUnderlay {
  send(payload: Uint8Array, dst: Ipv4Address, dstPort: number): void;
  onMessage(listener: (payload: Uint8Array, src: Ipv4Address, srcPort: number) => void): void;
}

export interface VxlanDeviceOptions {
  /** `id`: the VNI (0..16777215). */
  readonly vni: number;
  /** `dstport` (default 4789). The in-memory underlay binds it too. */
  readonly dstPort?: number;
  /** `remote`: the VTEP every frame without an FDB entry goes to (an all-zero FDB entry). */
  readonly remote?: Ipv4Address | string;
  /** `group`: a multicast group as that default destination instead (the underlay must reach it). */
  readonly group?: Ipv4Address | string;
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
    if (options.group !== undefined && !isMulticastIpv4(this.defaultRemote!)) throw new Error(`netsim: ${name}: group must be a multicast address`);
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
 * and can be tapped there.
 */
export function hostUnderlay(host: Host, port: number = VXLAN_PORT, address?: Ipv4Address | string): VxlanUnderlay {
  const socket = host.bind(port, address);
  return {
    send: (payload, dst, dstPort) => {
      socket.send(payload, dstPort, dst);
    },
    onMessage: (listener) => {
      socket.on('message', (data, rinfo) => listener(data, rinfo.ip, rinfo.port));
    },
  };
}

/**
 * A real UDP underlay for a VxlanDevice: a node:dgram socket bound to an
 * address and port the user gives, so a simulated bridge can exchange VXLAN
 * with a Linux vxlan device or another VTEP. Pair it with a
 * RealTimeScheduler. Node only (the rest of netsim runs anywhere).
 *
 * For a VXLAN `group`, bind to 0.0.0.0 (a socket bound to a unicast
 * address receives nothing sent to a group, on Linux as in netsim) and name
 * the interface by its address (`device`), as node:dgram's
 * addMembership/setMulticastInterface take it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { formatIpv4, parseIpv4, type Ipv4Address } from '@wirestack/core';
import type { VxlanUnderlay } from './vxlan-device.js';

export interface UdpUnderlayOptions {
  /** Local IPv4 address to bind (e.g. the address of a veth in a namespace; 0.0.0.0 to receive a multicast group). */
  readonly address: string;
  /** Local UDP port (the VXLAN dstport the peers send to; default 4789). */
  readonly port?: number;
}

export class UdpUnderlay implements VxlanUnderlay {
  private readonly listeners: ((payload: Uint8Array, src: Ipv4Address, srcPort: number) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      let src: Ipv4Address;
      try {
        src = parseIpv4(rinfo.address);
      } catch {
        return; // not IPv4
      }
      const payload = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      for (const l of this.listeners) l(payload, src, rinfo.port);
    });
  }

  /** Binds the socket; resolves once it listens. */
  static bind(options: UdpUnderlayOptions): Promise<UdpUnderlay> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 4789, options.address, () => {
        socket.off('error', reject);
        resolve(new UdpUnderlay(socket));
      });
    });
  }

  /** The bound address and port. */
  get local(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  send(payload: Uint8Array, dst: Ipv4Address, dstPort: number): void {
    this.socket.send(payload, dstPort, formatIpv4(dst));
  }

  /**
   * IP_ADD_MEMBERSHIP on the kernel socket (node:dgram `addMembership`),
   * sending to the group out of the interface with address `device` when
   * given, with IP_MULTICAST_LOOP off as a Linux vxlan socket has it.
   */
  joinGroup(group: Ipv4Address, device?: string): void {
    if (device !== undefined && !isIpv4Text(device)) {
      throw new Error(`netsim: a real underlay names the group's interface by its IPv4 address (node:dgram), not '${device}'`);
    }
    this.socket.addMembership(formatIpv4(group), device);
    if (device !== undefined) this.socket.setMulticastInterface(device);
    this.socket.setMulticastLoopback(false);
  }

  onMessage(listener: (payload: Uint8Array, src: Ipv4Address, srcPort: number) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function isIpv4Text(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

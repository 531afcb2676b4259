/**
 * A UDP socket on a simulated host, shaped like node:dgram's: `bind`,
 * `send`, `on('message', (data, rinfo) => ...)`, `close`, and IPv4
 * multicast (`addMembership`, `dropMembership`, `setMulticastInterface`,
 * `setMulticastTTL`, `setMulticastLoopback`).
 */
import { formatIpv4, isMulticastIpv4, parseIpv4, type Ipv4Address } from '@wirestack/core';

export interface RemoteInfo {
  /** Dotted quad, as node:dgram gives it. */
  readonly address: string;
  readonly ip: Ipv4Address;
  readonly port: number;
  readonly size: number;
}

export type MessageListener = (data: Uint8Array, rinfo: RemoteInfo) => void;

/** How a multicast datagram leaves: IP_MULTICAST_IF and IP_MULTICAST_TTL. */
export interface MulticastSendOptions {
  /** The local address naming the outgoing interface (undefined: the route to the group decides). */
  readonly interfaceAddress: Ipv4Address | undefined;
  readonly ttl: number;
  /** IP_MULTICAST_LOOP: a copy to this host's own member sockets too. */
  readonly loop: boolean;
}

/** What a socket needs from its host (implemented by Host). */
export interface UdpTransport {
  sendUdp(
    srcPort: number,
    dst: Ipv4Address,
    dstPort: number,
    data: Uint8Array,
    src: Ipv4Address | undefined,
    multicast?: MulticastSendOptions,
  ): boolean;
  unbindUdp(port: number): void;
  /** IP_ADD_MEMBERSHIP: the host joins `group` on an interface; returns that interface's index. */
  joinGroup(group: Ipv4Address, interfaceAddress: Ipv4Address | undefined): number;
  /** IP_DROP_MEMBERSHIP on the interface `joinGroup` returned. */
  leaveGroup(group: Ipv4Address, ifindex: number): void;
}

/** IP_MULTICAST_TTL's default on Linux (and node:dgram's): multicast stays on the link. */
const DEFAULT_MULTICAST_TTL = 1;

export class UdpSocket {
  private readonly listeners: MessageListener[] = [];
  private closed = false;
  /** Joined groups: `group` → the ifindex joined on (one membership per group here). */
  private readonly memberships = new Map<Ipv4Address, number>();
  private multicastInterface: Ipv4Address | undefined = undefined;
  private multicastTtl = DEFAULT_MULTICAST_TTL;
  private multicastLoop = true;

  constructor(
    private readonly transport: UdpTransport,
    readonly port: number,
    /** The local address bound (undefined: any of the host's). */
    readonly address: Ipv4Address | undefined,
  ) {}

  on(event: 'message', listener: MessageListener): this {
    if (event !== 'message') throw new TypeError(`netsim: UdpSocket has no '${String(event)}' event`);
    this.listeners.push(listener);
    return this;
  }

  /**
   * Sends `data` to `address:port` from this socket's port. Returns false
   * when there is no route (the datagram is dropped, as sendto fails with
   * ENETUNREACH). A multicast destination leaves through the multicast
   * interface when one is set, with the multicast TTL.
   */
  send(data: Uint8Array, port: number, address: Ipv4Address): boolean {
    if (this.closed) throw new Error('netsim: send on a closed socket');
    if (isMulticastIpv4(address)) {
      return this.transport.sendUdp(this.port, address, port, data, this.address, {
        interfaceAddress: this.multicastInterface,
        ttl: this.multicastTtl,
        loop: this.multicastLoop,
      });
    }
    return this.transport.sendUdp(this.port, address, port, data, this.address);
  }

  /**
   * `socket.addMembership(group, interfaceAddress?)`: the host joins the
   * group on the interface holding `interfaceAddress` (default: the
   * interface of the route to the group, as Linux picks it), accepts its
   * multicast MAC there, and delivers the group's datagrams for this port
   * to this socket. Throws when no interface fits (ENODEV) or the address
   * is not multicast (EINVAL).
   */
  addMembership(group: Ipv4Address | string, interfaceAddress?: Ipv4Address | string): void {
    if (this.closed) throw new Error('netsim: addMembership on a closed socket');
    const g = toIpv4(group);
    if (!isMulticastIpv4(g)) throw new Error(`netsim: addMembership: ${formatIpv4(g)} is not a multicast address (EINVAL)`);
    if (this.memberships.has(g)) throw new Error(`netsim: addMembership: already a member of ${formatIpv4(g)} (EADDRINUSE)`);
    const ifindex = this.transport.joinGroup(g, interfaceAddress === undefined ? undefined : toIpv4(interfaceAddress));
    this.memberships.set(g, ifindex);
  }

  /** `socket.dropMembership(group)`. Throws when the socket is not a member (EADDRNOTAVAIL). */
  dropMembership(group: Ipv4Address | string): void {
    const g = toIpv4(group);
    const ifindex = this.memberships.get(g);
    if (ifindex === undefined) throw new Error(`netsim: dropMembership: not a member of ${formatIpv4(g)} (EADDRNOTAVAIL)`);
    this.memberships.delete(g);
    this.transport.leaveGroup(g, ifindex);
  }

  /** True when this socket joined `group` (on interface `ifindex`, when given). */
  isMember(group: Ipv4Address, ifindex?: number): boolean {
    const joined = this.memberships.get(group);
    return joined !== undefined && (ifindex === undefined || joined === ifindex);
  }

  /** `socket.setMulticastInterface(address)` (IP_MULTICAST_IF): the interface multicast datagrams leave by. */
  setMulticastInterface(interfaceAddress: Ipv4Address | string): void {
    this.multicastInterface = toIpv4(interfaceAddress);
  }

  /** `socket.setMulticastTTL(ttl)` (IP_MULTICAST_TTL, default 1). */
  setMulticastTTL(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) throw new RangeError(`netsim: multicast TTL ${ttl} is not in 0..255`);
    this.multicastTtl = ttl;
  }

  /** `socket.setMulticastLoopback(flag)` (IP_MULTICAST_LOOP, default true as on Linux). Returns `flag`, as node:dgram does. */
  setMulticastLoopback(flag: boolean): boolean {
    this.multicastLoop = flag;
    return flag;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [group, ifindex] of this.memberships) this.transport.leaveGroup(group, ifindex);
    this.memberships.clear();
    this.transport.unbindUdp(this.port);
  }

  /** Called by the host for each datagram to this socket. */
  deliver(data: Uint8Array, src: Ipv4Address, srcPort: number): void {
    const rinfo: RemoteInfo = { address: formatIpv4(src), ip: src, port: srcPort, size: data.length };
    for (const l of this.listeners) l(data, rinfo);
  }
}

function toIpv4(address: Ipv4Address | string): Ipv4Address {
  return typeof address === 'string' ? parseIpv4(address) : address;
}

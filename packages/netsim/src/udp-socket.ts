/**
 * A UDP socket on a simulated host, shaped like node:dgram's: `bind`,
 * `send`, `on('message', (data, rinfo) => ...)`, `close`.
 */
import { formatIpv4, type Ipv4Address } from '@wirestack/core';

export interface RemoteInfo {
  /** Dotted quad, as node:dgram gives it. */
  readonly address: string;
  readonly ip: Ipv4Address;
  readonly port: number;
  readonly size: number;
}

export type MessageListener = (data: Uint8Array, rinfo: RemoteInfo) => void;

/** What a socket needs from its host (implemented by Host). */
export interface UdpTransport {
  sendUdp(srcPort: number, dst: Ipv4Address, dstPort: number, data: Uint8Array, src: Ipv4Address | undefined): boolean;
  unbindUdp(port: number): void;
}

export class UdpSocket {
  private readonly listeners: MessageListener[] = [];
  private closed = false;

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
   * ENETUNREACH).
   */
  send(data: Uint8Array, port: number, address: Ipv4Address): boolean {
    if (this.closed) throw new Error('netsim: send on a closed socket');
    return this.transport.sendUdp(this.port, address, port, data, this.address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.unbindUdp(this.port);
  }

  /** Called by the host for each datagram to this socket. */
  deliver(data: Uint8Array, src: Ipv4Address, srcPort: number): void {
    const rinfo: RemoteInfo = { address: formatIpv4(src), ip: src, port: srcPort, size: data.length };
    for (const l of this.listeners) l(data, rinfo);
  }
}

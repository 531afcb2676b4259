/**
 * A host: interfaces with a MAC, an IPv4 address and an MTU, its own
 * routing table (@wirestack/routing) and one neighbour table per interface
 * (@wirestack/neighbour). It answers ARP and ICMP echo, sends ICMP errors
 * (port unreachable; time exceeded and fragmentation needed when it
 * forwards), fragments and reassembles IPv4, and has UDP sockets. With
 * `forwarding` on it is a router (`ip_forward`): TTL decremented with an
 * incremental checksum update. Its sockets can join IPv4 multicast groups:
 * the interface then accepts the group's MAC (RFC 1112 §6.4) and hands the
 * group's datagrams to the member sockets.
 */
import {
  IPV4_BROADCAST,
  MAC_BROADCAST,
  formatIpv4,
  ipv4Mask,
  isDecodeError,
  isEncodeError,
  isMulticastIpv4,
  macFromBytes,
  parseIpv4,
  parseIpv4Prefix,
  parseMac,
  readU16,
  writeMac,
  writeU16,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import { decodeArp, encodeArp } from '@wirestack/arp';
import { ETHERNET_MIN_FRAME_LENGTH, EtherType, encodeEthernet } from '@wirestack/ethernet';
import {
  IcmpErrorRefused,
  IcmpType,
  decodeIcmp,
  echoReply,
  echoRequest,
  encodeIcmp,
  errorFor,
  fragmentationNeeded,
  icmpCodeName,
  portUnreachable,
  timeExceeded,
  type IcmpErrorInput,
  type IcmpMessage,
} from '@wirestack/icmp';
import { IPV4_MIN_HEADER_LENGTH, IpProtocol, Ipv4Reassembler, Ipv4View, decodeIpv4, encodeIpv4, fragmentIpv4 } from '@wirestack/ipv4';
import { NeighbourTable, formatNeighbour, ipv4MulticastMac, type NeighbourAction } from '@wirestack/neighbour';
import { Rib, TABLE_MAIN, formatRoutes, parseRoute, type RouteGetResult } from '@wirestack/routing';
import { decodeUdp, encodeUdp } from '@wirestack/udp';
import type { Capture } from './capture.js';
import type { FramePort, LinkEnd } from './link.js';
import {
  formatPingError,
  formatPingHeader,
  formatPingReply,
  formatPingSummary,
  type PingError,
  type PingOptions,
  type PingReply,
  type PingResult,
} from './ping.js';
import type { Scheduler, TimerHandle } from './scheduler.js';
import { UdpSocket, type MulticastSendOptions, type UdpTransport } from './udp-socket.js';

export interface InterfaceOptions {
  readonly name: string;
  readonly mac: MacAddress | string;
  /** `10.0.0.101/24`: the address and its prefix length (adds the connected route). */
  readonly address?: string;
  /** Default 1500. */
  readonly mtu?: number;
}

export interface HostOptions {
  /** Forward datagrams not addressed to this host (a router). Default false. */
  readonly forwarding?: boolean;
  /** Uniform random numbers in [0, 1) for the neighbour tables' timer jitter. */
  readonly random?: () => number;
}

export interface HostCounters {
  received: number;
  delivered: number;
  forwarded: number;
  dropped: number;
  icmpErrorsSent: number;
}

const ETHERNET_HEADER = 14;
const DEFAULT_TTL = 64;
/** Route cache size; the cache is cleared whenever the RIB changes or it fills up. */
const ROUTE_CACHE_SIZE = 4096;

export class HostInterface implements FramePort {
  wire: LinkEnd | undefined = undefined;
  address: Ipv4Address | undefined = undefined;
  prefixLength = 0;
  readonly neighbours: NeighbourTable<Uint8Array>;
  readonly taps: Capture[] = [];
  /** Joined multicast groups → how many sockets joined each here (the kernel's ip_mc_list). */
  readonly groups = new Map<Ipv4Address, number>();
  /** The MACs of `groups`, counted: the NIC's multicast filter (groups may share one MAC). */
  readonly multicastMacs = new Map<MacAddress, number>();
  /** When the neighbour table's timer is armed for, and its handle. */
  timerAt = Infinity;
  timer: TimerHandle | undefined = undefined;

  constructor(
    private readonly host: Host,
    readonly name: string,
    readonly ifindex: number,
    readonly mac: MacAddress,
    public mtu: number,
    random: () => number,
    now: number,
  ) {
    this.neighbours = new NeighbourTable<Uint8Array>({ mac, device: name, random, now });
  }

  input(frame: Uint8Array): void {
    this.host.receiveFrame(this, frame);
  }

  /** Records every frame this interface sends or receives. */
  tap(capture: Capture): Capture {
    this.taps.push(capture);
    return capture;
  }

  /** True when the interface takes frames sent to `mac`: its own, broadcast, or a joined group's. */
  accepts(mac: MacAddress): boolean {
    return mac === this.mac || mac === MAC_BROADCAST || this.multicastMacs.has(mac);
  }

  /** True when `ip` is the directed broadcast address of this interface's subnet. */
  isSubnetBroadcast(ip: number): boolean {
    if (this.address === undefined || this.prefixLength >= 31) return false;
    const mask = ipv4Mask(this.prefixLength);
    return ip === ((this.address & mask) | ~mask) >>> 0;
  }
}

interface PingSession {
  readonly sent: Map<number, number>;
  reply(reply: PingReply): void;
  error(error: PingError): void;
}

export class Host implements UdpTransport {
  readonly rib = new Rib();
  readonly interfaces: HostInterface[] = [];
  readonly counters: HostCounters = { received: 0, delivered: 0, forwarded: 0, dropped: 0, icmpErrorsSent: 0 };
  forwarding: boolean;
  private readonly byIfindex = new Map<number, HostInterface>();
  private readonly sockets = new Map<number, UdpSocket>();
  private readonly pings = new Map<number, PingSession>();
  private readonly reassembler = new Ipv4Reassembler();
  private readonly random: () => number;
  private nextIpId = 1;
  private nextPingId = 1;
  private nextEphemeral = 32768;
  /** `ip route get` answers by destination, as the kernel's routing cache once kept them: Rib.get allocates. */
  private readonly routeCache = new Map<number, RouteGetResult>();

  constructor(
    readonly name: string,
    readonly scheduler: Scheduler,
    options: HostOptions = {},
  ) {
    this.forwarding = options.forwarding ?? false;
    this.random = options.random ?? Math.random;
    this.rib.subscribe(() => this.routeCache.clear());
  }

  /** The route for datagrams to `dst` (the same for locally made and forwarded ones: one source address per interface). */
  private route(dst: Ipv4Address): RouteGetResult {
    let r = this.routeCache.get(dst);
    if (r === undefined) {
      if (this.routeCache.size >= ROUTE_CACHE_SIZE) this.routeCache.clear();
      r = this.rib.get(dst);
      this.routeCache.set(dst, r);
    }
    return r;
  }

  // ------------------------------------------------------------ configuration

  /** `ip link add` + `ip addr add`: a new interface, with its connected route when an address is given. */
  addInterface(options: InterfaceOptions): HostInterface {
    const mac = typeof options.mac === 'string' ? parseMac(options.mac) : options.mac;
    const ifindex = this.rib.interfaces.add(options.name);
    const iface = new HostInterface(this, options.name, ifindex, mac, options.mtu ?? 1500, this.random, this.scheduler.now());
    this.interfaces.push(iface);
    this.byIfindex.set(ifindex, iface);
    if (options.address !== undefined) this.setAddress(iface, options.address);
    return iface;
  }

  /** `ip addr add 10.0.0.101/24 dev eth0` (one address per interface here). */
  setAddress(iface: HostInterface, cidr: string): void {
    const prefix = parseIpv4Prefix(cidr, { allowHostBits: true });
    iface.address = prefix.address;
    iface.prefixLength = prefix.length;
    this.rib.addAddress(iface.ifindex, prefix);
    iface.neighbours.addAddress(prefix);
  }

  interface(name: string): HostInterface {
    const iface = this.interfaces.find((i) => i.name === name);
    if (iface === undefined) throw new Error(`netsim: ${this.name} has no interface ${name}`);
    return iface;
  }

  /** `ip route add ...` in iproute2's words, e.g. `default via 10.0.0.1` or `10.0.2.0/24 via 192.168.1.2 dev eth0`. */
  addRoute(text: string): void {
    this.rib.add(parseRoute(text, this.rib.interfaces));
  }

  /** `ip route show` lines (main table). */
  routes(): string[] {
    return formatRoutes(this.rib, { table: TABLE_MAIN });
  }

  /** `ip neigh show` lines over all interfaces. */
  neighbours(): string[] {
    const lines: string[] = [];
    for (const i of this.interfaces) for (const e of i.neighbours.entries()) lines.push(formatNeighbour(e, i.name));
    return lines;
  }

  /** The host's addresses. */
  addresses(): Ipv4Address[] {
    return this.interfaces.flatMap((i) => (i.address === undefined ? [] : [i.address]));
  }

  // ------------------------------------------------------------ UDP

  /** A UDP socket bound to `port` (0: an ephemeral port) and optionally one local address. */
  bind(port = 0, address?: Ipv4Address | string): UdpSocket {
    if (port === 0) {
      while (this.sockets.has(this.nextEphemeral)) this.nextEphemeral++;
      port = this.nextEphemeral++;
    }
    if (this.sockets.has(port)) throw new Error(`netsim: ${this.name}: UDP port ${port} is in use (EADDRINUSE)`);
    const local = typeof address === 'string' ? parseIpv4(address) : address;
    const socket = new UdpSocket(this, port, local);
    this.sockets.set(port, socket);
    return socket;
  }

  unbindUdp(port: number): void {
    this.sockets.delete(port);
  }

  sendUdp(
    srcPort: number,
    dst: Ipv4Address,
    dstPort: number,
    data: Uint8Array,
    src: Ipv4Address | undefined,
    multicast?: MulticastSendOptions,
  ): boolean {
    if (multicast !== undefined) {
      // IP_MULTICAST_IF names the interface; without it the route to the group does.
      const oif = multicast.interfaceAddress === undefined ? this.routeInterface(dst) : this.interfaceWithAddress(multicast.interfaceAddress);
      const from = src ?? oif?.address;
      if (oif === undefined || from === undefined) return false;
      const payload = encodeUdp({ srcPort, dstPort, payload: data, pseudoHeader: { src: from, dst } });
      return this.sendIp({ src: from, dst, protocol: IpProtocol.UDP, payload, ttl: multicast.ttl, oif, loop: multicast.loop });
    }
    const route = this.route(dst);
    const from = src ?? route.prefsrc;
    if (route.error !== undefined || from === undefined) return false;
    const payload = encodeUdp({ srcPort, dstPort, payload: data, pseudoHeader: { src: from, dst } });
    return this.sendIp({ src: from, dst, protocol: IpProtocol.UDP, payload });
  }

  /**
   * IP_ADD_MEMBERSHIP: joins `group` on the interface holding
   * `interfaceAddress`, or on the interface of the route to the group (as
   * Linux's ip_mc_find_dev picks it). Returns that interface's index.
   */
  joinGroup(group: Ipv4Address, interfaceAddress: Ipv4Address | undefined): number {
    if (!isMulticastIpv4(group)) throw new Error(`netsim: ${this.name}: ${formatIpv4(group)} is not a multicast group (EINVAL)`);
    const iface = interfaceAddress === undefined ? this.routeInterface(group) : this.interfaceWithAddress(interfaceAddress);
    if (iface === undefined) {
      const why = interfaceAddress === undefined ? `no route to ${formatIpv4(group)}` : `no interface has ${formatIpv4(interfaceAddress)}`;
      throw new Error(`netsim: ${this.name}: cannot join ${formatIpv4(group)}: ${why} (ENODEV)`);
    }
    iface.groups.set(group, (iface.groups.get(group) ?? 0) + 1);
    const mac = ipv4MulticastMac(group);
    iface.multicastMacs.set(mac, (iface.multicastMacs.get(mac) ?? 0) + 1);
    return iface.ifindex;
  }

  /** IP_DROP_MEMBERSHIP: one membership of `group` on interface `ifindex` fewer. */
  leaveGroup(group: Ipv4Address, ifindex: number): void {
    const iface = this.byIfindex.get(ifindex);
    const n = iface?.groups.get(group);
    if (iface === undefined || n === undefined) return;
    if (n > 1) iface.groups.set(group, n - 1);
    else iface.groups.delete(group);
    const mac = ipv4MulticastMac(group);
    const m = iface.multicastMacs.get(mac) ?? 0;
    if (m > 1) iface.multicastMacs.set(mac, m - 1);
    else iface.multicastMacs.delete(mac);
  }

  /** The interfaces that joined `group`, by name (`ip maddr show` in short). */
  multicastGroups(): Map<string, Ipv4Address[]> {
    const out = new Map<string, Ipv4Address[]>();
    for (const i of this.interfaces) if (i.groups.size > 0) out.set(i.name, [...i.groups.keys()]);
    return out;
  }

  private routeInterface(dst: Ipv4Address): HostInterface | undefined {
    const route = this.route(dst);
    return route.error !== undefined || route.ifindex === undefined ? undefined : this.byIfindex.get(route.ifindex);
  }

  private interfaceWithAddress(address: Ipv4Address): HostInterface | undefined {
    return this.interfaces.find((i) => i.address === address);
  }

  // ------------------------------------------------------------ ping

  /**
   * Sends `count` ICMP echo requests to `dst`, one every `interval` ms, and
   * resolves when every reply arrived or `wait` ms after the last request.
   * In virtual time, run the scheduler before awaiting the result.
   */
  ping(dst: Ipv4Address | string, options: PingOptions = {}): Promise<PingResult> {
    const target = typeof dst === 'string' ? parseIpv4(dst) : dst;
    const count = options.count ?? 4;
    const size = options.size ?? 56;
    const interval = options.interval ?? 1000;
    const wait = options.wait ?? 1000;
    const print = options.print;
    const id = this.nextPingId++ & 0xffff;
    const start = this.scheduler.now();
    const replies: PingReply[] = [];
    const errors: PingError[] = [];
    let transmitted = 0;
    print?.(formatPingHeader(target, size));
    return new Promise((resolve) => {
      let finished = false;
      let waitTimer: TimerHandle | undefined;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        waitTimer?.cancel();
        this.pings.delete(id);
        const result: PingResult = {
          destination: target,
          transmitted,
          received: replies.length,
          loss: transmitted === 0 ? 0 : (transmitted - replies.length) / transmitted,
          replies,
          errors,
          rtts: replies.map((r) => r.rtt),
          time: this.scheduler.now() - start,
        };
        if (print !== undefined) for (const line of formatPingSummary(result)) print(line);
        resolve(result);
      };
      const session: PingSession = {
        sent: new Map(),
        reply: (reply) => {
          if (!session.sent.delete(reply.seq)) return; // duplicate or unknown
          replies.push(reply);
          print?.(formatPingReply(reply));
          if (transmitted === count && session.sent.size === 0) finish();
        },
        error: (error) => {
          errors.push(error);
          print?.(formatPingError(error));
        },
      };
      this.pings.set(id, session);
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) data[i] = (0x10 + i) & 0xff; // iputils' pattern after its timestamp
      for (let seq = 1; seq <= count; seq++) {
        this.scheduler.at(start + (seq - 1) * interval, () => {
          if (finished) return;
          transmitted++;
          session.sent.set(seq, this.scheduler.now());
          const icmp = encodeIcmp(echoRequest({ id, seq, data }));
          this.sendIp({ dst: target, protocol: IpProtocol.ICMP, payload: icmp, ttl: options.ttl ?? DEFAULT_TTL, df: options.dontFragment === true });
          if (seq === count) waitTimer = this.scheduler.at(this.scheduler.now() + wait, finish);
        });
      }
    });
  }

  // ------------------------------------------------------------ sending

  /**
   * Sends an IPv4 datagram made here: route lookup, source selection,
   * fragmentation to the interface MTU, neighbour resolution. Returns false
   * when there is no route or the datagram cannot leave (DF and too big).
   * A multicast datagram goes out of `oif` when given (else the route's
   * interface) to the group's MAC, never via a gateway; with `loop` a copy
   * is delivered here too when the interface joined the group
   * (IP_MULTICAST_LOOP).
   */
  sendIp(init: {
    dst: Ipv4Address;
    protocol: number;
    payload: Uint8Array;
    src?: Ipv4Address;
    ttl?: number;
    df?: boolean;
    oif?: HostInterface;
    loop?: boolean;
  }): boolean {
    const route = init.oif === undefined ? this.route(init.dst) : undefined;
    if (route !== undefined && (route.error !== undefined || route.ifindex === undefined)) return false;
    const src = init.src ?? route?.prefsrc ?? init.oif?.address;
    if (src === undefined) return false;
    // Room for the Ethernet header in front, so sendFrame need not copy the datagram again.
    const frame = new Uint8Array(ETHERNET_HEADER + IPV4_MIN_HEADER_LENGTH + init.payload.length);
    const datagram = encodeIpv4(
      {
        protocol: init.protocol,
        src,
        dst: init.dst,
        ttl: init.ttl ?? DEFAULT_TTL,
        id: this.nextIpId++ & 0xffff,
        df: init.df === true,
        payload: init.payload,
      },
      frame,
      ETHERNET_HEADER,
    );
    if (route?.type === 'local') {
      // The loopback: delivered to ourselves, asynchronously like any frame.
      this.scheduler.at(this.scheduler.now(), () => this.deliverLocal(datagram, false, undefined));
      return true;
    }
    const iface = init.oif ?? this.byIfindex.get(route!.ifindex!);
    if (iface === undefined) return false;
    if (isMulticastIpv4(init.dst)) {
      if (init.loop === true && iface.groups.has(init.dst)) {
        this.scheduler.at(this.scheduler.now(), () => this.deliverLocal(datagram, true, iface));
      }
      // TTL 0 keeps a multicast datagram on this host; the group's MAC is the next hop (no ARP, no gateway).
      return init.ttl === 0 || this.output(iface, init.dst, datagram, undefined);
    }
    return this.output(iface, route?.gateway ?? init.dst, datagram, undefined);
  }

  /**
   * Puts a datagram on `iface` towards next hop `nextHop`, fragmenting it
   * when it exceeds the MTU. `forwardedFrom` is the original datagram when
   * forwarding (for the fragmentation-needed error).
   */
  private output(iface: HostInterface, nextHop: Ipv4Address, datagram: Uint8Array, forwardedFrom: Uint8Array | undefined): boolean {
    if (datagram.length > iface.mtu) {
      const df = (datagram[6]! & 0x40) !== 0;
      if (df) {
        if (forwardedFrom !== undefined) this.sendIcmpError(forwardedFrom, (o) => fragmentationNeeded(o, iface.mtu));
        this.counters.dropped++;
        return false;
      }
      for (const fragment of fragmentIpv4(datagram, iface.mtu)) this.transmitIp(iface, nextHop, fragment);
      return true;
    }
    this.transmitIp(iface, nextHop, datagram);
    return true;
  }

  private transmitIp(iface: HostInterface, nextHop: Ipv4Address, datagram: Uint8Array): void {
    const now = this.scheduler.now();
    if (nextHop === IPV4_BROADCAST || iface.isSubnetBroadcast(nextHop)) {
      this.sendFrame(iface, MAC_BROADCAST, EtherType.IPv4, datagram);
      return;
    }
    const fast = iface.neighbours.lookup(nextHop, now);
    if (fast >= 0) {
      this.sendFrame(iface, fast as MacAddress, EtherType.IPv4, datagram);
      return;
    }
    const resolution = iface.neighbours.resolve(nextHop, datagram, now);
    if (resolution.status === 'resolved') this.sendFrame(iface, resolution.mac, EtherType.IPv4, datagram);
    else if (resolution.status === 'dropped') this.counters.dropped++;
    this.neighbourActions(iface, resolution.actions);
  }

  private sendFrame(iface: HostInterface, dst: MacAddress, etherType: number, payload: Uint8Array): void {
    let frame: Uint8Array;
    if (hasHeadroom(payload)) {
      // Built by sendIp with the Ethernet header's room in front: write the header in place.
      frame = new Uint8Array(payload.buffer, 0, payload.byteOffset + payload.length);
      writeMac(frame, 0, dst);
      writeMac(frame, 6, iface.mac);
      writeU16(frame, 12, etherType);
    } else {
      frame = encodeEthernet({ dst, src: iface.mac, etherType, payload });
    }
    const now = this.scheduler.now();
    for (const t of iface.taps) t.record(now, frame);
    iface.wire?.send(frame);
  }

  private neighbourActions(iface: HostInterface, actions: readonly NeighbourAction<Uint8Array>[]): void {
    for (const a of actions) {
      if (a.type === 'send-arp') this.sendFrame(iface, a.dst, EtherType.ARP, encodeArp(a.packet));
      else if (a.type === 'transmit') this.sendFrame(iface, a.mac, EtherType.IPv4, a.packet);
      else if (a.type === 'drop') {
        this.counters.dropped++;
        // The kernel answers a forwarded packet whose next hop does not resolve with host unreachable.
        if (a.reason === 'resolution-failed' && !this.isOwnSource(a.packet)) {
          this.sendIcmpError(a.packet, (o) => errorFor(o, IcmpType.destUnreachable, 1));
        }
      }
    }
    this.armNeighbourTimer(iface);
  }

  /** Keeps one background timer per neighbour table at (or before) its next deadline. */
  private armNeighbourTimer(iface: HostInterface): void {
    const deadline = iface.neighbours.nextDeadline();
    if (deadline === undefined || deadline >= iface.timerAt) return;
    iface.timer?.cancel();
    iface.timerAt = deadline;
    iface.timer = this.scheduler.at(
      deadline,
      () => {
        iface.timerAt = Infinity;
        iface.timer = undefined;
        this.neighbourActions(iface, iface.neighbours.tick(this.scheduler.now()));
      },
      { background: true },
    );
  }

  private isOwnSource(datagram: Uint8Array): boolean {
    const src = readU32At(datagram, 12);
    return this.interfaces.some((i) => i.address === src);
  }

  // ------------------------------------------------------------ receiving

  receiveFrame(iface: HostInterface, frame: Uint8Array): void {
    const now = this.scheduler.now();
    for (const t of iface.taps) t.record(now, frame);
    if (frame.length < ETHERNET_HEADER) return;
    const dst = macFromBytes(frame, 0);
    // The NIC's filter: our MAC, broadcast, and the MACs of joined groups (PACKET_OTHERHOST otherwise).
    if (!iface.accepts(dst)) return;
    const linkBroadcast = dst !== iface.mac;
    this.counters.received++;
    const etherType = readU16(frame, 12);
    if (etherType === EtherType.ARP) {
      if (linkBroadcast && this.irrelevantArp(iface, frame)) return;
      let arp;
      try {
        arp = decodeArp(frame, ETHERNET_HEADER).header;
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        this.counters.dropped++;
        return;
      }
      this.neighbourActions(iface, iface.neighbours.receiveArp(arp, now, dst));
      return;
    }
    if (etherType !== EtherType.IPv4) return;
    let datagram: Uint8Array;
    try {
      const ip = decodeIpv4(frame, ETHERNET_HEADER);
      datagram = frame.subarray(ETHERNET_HEADER, ETHERNET_HEADER + ip.header.totalLength);
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      this.counters.dropped++;
      return;
    }
    const ipDst = readU32At(datagram, 16);
    if (isMulticastIpv4(ipDst)) {
      // Multicast is delivered where the interface joined the group, and never forwarded (no multicast routing).
      if (iface.groups.has(ipDst)) this.deliverLocal(datagram, true, iface);
      else this.counters.dropped++;
    } else if (this.isLocalDestination(ipDst)) this.deliverLocal(datagram, linkBroadcast, iface);
    else if (this.forwarding && !linkBroadcast) this.forward(iface, datagram);
    else this.counters.dropped++;
  }

  /**
   * A broadcast ARP request for someone else's address from a sender we have
   * no entry for changes nothing (arp_process only updates existing entries,
   * and arp_accept is off): skipped before decoding, which matters when a
   * request floods a segment of thousands of hosts.
   */
  private irrelevantArp(iface: HostInterface, frame: Uint8Array): boolean {
    if (frame.length < ETHERNET_HEADER + 28 || iface.neighbours.parameters.arpAccept) return false;
    const spa = readU32At(frame, ETHERNET_HEADER + 14);
    const tpa = readU32At(frame, ETHERNET_HEADER + 24);
    return (
      frame[ETHERNET_HEADER + 4] === 6 &&
      frame[ETHERNET_HEADER + 5] === 4 &&
      readU16(frame, ETHERNET_HEADER + 6) === 1 &&
      spa !== tpa &&
      tpa !== iface.address &&
      iface.neighbours.get(spa) === undefined &&
      !iface.neighbours.proxies().includes(tpa)
    );
  }

  private isLocalDestination(ip: number): boolean {
    if (ip === IPV4_BROADCAST) return true;
    for (const i of this.interfaces) if (i.address === ip || i.isSubnetBroadcast(ip)) return true;
    return false;
  }

  private isBroadcast = (ip: Ipv4Address): boolean => this.interfaces.some((i) => i.isSubnetBroadcast(ip));

  /** `inIface`: where the datagram arrived (undefined: the loopback), for multicast membership. */
  private deliverLocal(fragment: Uint8Array, linkBroadcast: boolean, inIface: HostInterface | undefined): void {
    const datagram = this.reassembler.push(fragment, this.scheduler.now());
    if (datagram === undefined) return;
    const { header, payload } = decodeIpv4(datagram);
    this.counters.delivered++;
    if (header.protocol === IpProtocol.ICMP) this.receiveIcmp(header.src, header.dst, header.ttl, payload);
    else if (header.protocol === IpProtocol.UDP) this.receiveUdp(datagram, header.src, header.dst, payload, linkBroadcast, inIface);
  }

  private receiveIcmp(src: Ipv4Address, dst: Ipv4Address, ttl: number, payload: Uint8Array): void {
    let message: IcmpMessage;
    try {
      message = decodeIcmp(payload).header;
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      this.counters.dropped++;
      return;
    }
    switch (message.kind) {
      case 'echo-request':
        // icmp_echo_ignore_broadcasts = 1, as Linux defaults (it covers multicast too).
        if (dst === IPV4_BROADCAST || isMulticastIpv4(dst) || this.isBroadcast(dst)) return;
        this.sendIp({ src: dst, dst: src, protocol: IpProtocol.ICMP, payload: encodeIcmp(echoReply(message)) });
        return;
      case 'echo-reply': {
        const session = this.pings.get(message.id);
        const sent = session?.sent.get(message.seq);
        if (session === undefined || sent === undefined) return;
        session.reply({ seq: message.seq, from: src, bytes: payload.length, ttl, rtt: this.scheduler.now() - sent });
        return;
      }
      case 'dest-unreachable':
      case 'time-exceeded':
        this.icmpErrorToPing(message.quoted.raw, src, icmpErrorText(message));
        return;
      default:
      // Other messages (redirects, timestamps, ...) are not acted on.
    }
  }

  /** An ICMP error quoting one of our echo requests goes to its ping, as iputils prints it. */
  private icmpErrorToPing(quoted: Uint8Array | undefined, from: Ipv4Address, text: string): void {
    if (quoted === undefined || quoted.length < 20) return;
    const ihl = (quoted[0]! & 0x0f) * 4;
    if (quoted[9] !== IpProtocol.ICMP || quoted.length < ihl + 8 || quoted[ihl] !== IcmpType.echoRequest) return;
    const session = this.pings.get(readU16(quoted, ihl + 4));
    session?.error({ seq: readU16(quoted, ihl + 6), from, message: text });
  }

  private receiveUdp(
    datagram: Uint8Array,
    src: Ipv4Address,
    dst: Ipv4Address,
    payload: Uint8Array,
    linkBroadcast: boolean,
    inIface: HostInterface | undefined,
  ): void {
    let udp;
    try {
      udp = decodeUdp(payload, 0, { pseudoHeader: { src, dst } });
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      this.counters.dropped++;
      return;
    }
    const socket = this.sockets.get(udp.header.dstPort);
    if (isMulticastIpv4(dst)) {
      // To the socket on the port that joined the group on this interface; no ICMP error otherwise (RFC 1122 §3.2.2).
      if (socket === undefined || !socket.isMember(dst, inIface?.ifindex) || (socket.address !== undefined && socket.address !== dst)) {
        this.counters.dropped++;
        return;
      }
      socket.deliver(udp.payload, src, udp.header.srcPort);
      return;
    }
    if (socket === undefined || (socket.address !== undefined && socket.address !== dst)) {
      this.sendIcmpError(datagram, (o) => portUnreachable(o, { linkBroadcast, isBroadcast: this.isBroadcast }));
      return;
    }
    socket.deliver(udp.payload, src, udp.header.srcPort);
  }

  // ------------------------------------------------------------ forwarding

  private forward(inIface: HostInterface, datagram: Uint8Array): void {
    if (datagram[8]! <= 1) {
      this.sendIcmpError(datagram, (o) => timeExceeded(o));
      return;
    }
    const dst = readU32At(datagram, 16);
    const route = this.route(dst);
    const out = route.ifindex === undefined ? undefined : this.byIfindex.get(route.ifindex);
    if (route.error !== undefined || out === undefined) {
      const code = route.error?.icmp?.code;
      if (code !== undefined) this.sendIcmpError(datagram, (o) => errorFor(o, IcmpType.destUnreachable, code));
      this.counters.dropped++;
      return;
    }
    const copy = datagram.slice();
    new Ipv4View(copy).decrementTtl();
    this.counters.forwarded++;
    this.output(out, route.gateway ?? dst, copy, datagram);
  }

  /** Builds and sends an ICMP error about `offending`, unless RFC 1122 forbids one. */
  private sendIcmpError(offending: Uint8Array, build: (offending: Uint8Array) => IcmpErrorInput): void {
    let message: IcmpErrorInput;
    try {
      message = build(offending);
    } catch (error) {
      if (error instanceof IcmpErrorRefused || isEncodeError(error)) return;
      throw error;
    }
    this.counters.icmpErrorsSent++;
    this.sendIp({ dst: readU32At(offending, 12), protocol: IpProtocol.ICMP, payload: encodeIcmp(message) });
  }

  toString(): string {
    return `${this.name} (${this.addresses().map(formatIpv4).join(', ')})`;
  }
}

/** A datagram at offset 14 of its own buffer, filling the rest, long enough to need no Ethernet padding. */
function hasHeadroom(payload: Uint8Array): boolean {
  return (
    payload.byteOffset === ETHERNET_HEADER &&
    payload.buffer.byteLength === ETHERNET_HEADER + payload.length &&
    payload.length >= ETHERNET_MIN_FRAME_LENGTH - ETHERNET_HEADER
  );
}

function readU32At(bytes: Uint8Array, offset: number): Ipv4Address {
  return (((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0) as Ipv4Address;
}

/** The words iputils ping prints for an ICMP error. */
function icmpErrorText(message: IcmpMessage): string {
  if (message.kind === 'time-exceeded') return message.code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
  if (message.kind === 'dest-unreachable') {
    const words: Record<number, string> = {
      0: 'Destination Net Unreachable',
      1: 'Destination Host Unreachable',
      2: 'Destination Protocol Unreachable',
      3: 'Destination Port Unreachable',
      4: `Frag needed and DF set (mtu = ${message.mtu})`,
      13: 'Packet filtered',
    };
    return words[message.code] ?? `Dest Unreachable, Bad Code: ${message.code}`;
  }
  return icmpCodeName(message.type, message.code);
}

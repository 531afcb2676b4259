import {
  IPV4_ANY,
  MAC_BROADCAST,
  ipv4Mask,
  isLoopbackIpv4,
  isMulticastIpv4,
  isMulticastMac,
  type Ipv4Address,
  type Ipv4Prefix,
  type MacAddress,
} from '@wirestack/core';
import { ArpOp, arpRequest, replyTo, type ArpPacket } from '@wirestack/arp';
import type { DropReason, NeighbourAction, Resolution } from './actions.js';
import { EntryStore } from './entry-store.js';
import { GcList } from './gc-list.js';
import { noArpMac } from './link-address.js';
import { formatNeighbour } from './listing.js';
import { resolveParameters, type NeighbourParameters } from './parameters.js';
import { NUD_CONNECTED, NUD_IN_TIMER, NUD_VALID, Nud, nudStateName, type NudStateName } from './states.js';
import type { NeighbourStats } from './stats.js';
import { TimerHeap } from './timer-heap.js';

/** One of our addresses. A tentative address (RFC 5227 probing in progress) is not answered for, only watched for conflicts. */
export interface InterfaceAddress extends Ipv4Prefix {
  readonly tentative?: boolean;
}

export interface NeighbourTableOptions<P> {
  /** The MAC address of our interface: the sender of our ARP packets. */
  readonly mac: MacAddress;
  /** Our addresses: ARP requests for them are answered; the prefix picks the source of our requests. */
  readonly addresses?: readonly InterfaceAddress[];
  /** Interface name for listings (default 'eth0'). */
  readonly device?: string;
  /** Overrides of the Linux defaults. */
  readonly parameters?: Partial<NeighbourParameters>;
  /** Uniform random numbers in [0, 1) (default Math.random); inject a fixed source for deterministic tests. */
  readonly random?: () => number;
  /** Size of a queued packet in bytes, for unres_qlen_bytes (default: its `byteLength`). */
  readonly packetLength?: (packet: P) => number;
  /** The time the table starts at, in ms (default 0): the first periodic GC is gcInterval later. */
  readonly now?: number;
}

/** A snapshot of one entry, for listings and tests. */
export interface NeighbourEntry {
  readonly ip: Ipv4Address;
  /** The cached address, shown only while the state is valid (as `ip neigh` shows it). */
  readonly mac: MacAddress | undefined;
  readonly state: NudStateName;
  readonly probes: number;
  readonly queuedPackets: number;
  readonly queuedBytes: number;
  /** Last reachability confirmation (ms). */
  readonly confirmed: number;
  /** Last state or address change (ms). */
  readonly updated: number;
  /** Last use by the slow path (ms). */
  readonly used: number;
  /** When the entry's timer fires, if armed. */
  readonly timer: number | undefined;
}

/** States an administrator may set (`ip neigh replace ... nud <state>`). */
export type AdminState = 'PERMANENT' | 'NOARP' | 'REACHABLE' | 'STALE';

/** Linux re-arms neighbour timers at least HZ/100 ahead. */
const MIN_TIMER_MS = 10;
/** neigh_forced_gc spares entries updated within the last 5 s, and runs above gc_thresh2 at most that often. */
const FORCED_GC_WINDOW_MS = 5_000;
/** neigh_periodic_work re-draws reachable_time when it is older than 300 s. */
const REACHABLE_REDRAW_MS = 300_000;

/** neigh_update flags (NEIGH_UPDATE_F_*). */
const F_OVERRIDE = 1;
const F_ADMIN = 2;

const EMPTY: readonly never[] = Object.freeze([]);

interface PacketQueue<P> {
  packets: P[];
  head: number;
  bytes: number;
}

function byteLength(packet: unknown): number {
  const n = (packet as { byteLength?: unknown } | null | undefined)?.byteLength;
  if (typeof n !== 'number') throw new TypeError('neighbour: packets have no byteLength; pass options.packetLength');
  return n;
}

/**
 * The ARP neighbour table of one interface, with the Linux NUD state machine
 * (net/core/neighbour.c, net/ipv4/arp.c), sans-I/O.
 *
 * Time is an argument in milliseconds. Every method that takes `now` first
 * runs the timers due by then, each at its own deadline, so the outcome does
 * not depend on how often the driver calls; `nextDeadline()` says when to
 * call `tick` next. Inputs are ARP packets and packets to send; outputs are
 * actions (ARP to send, queued packets released or dropped, conflicts).
 *
 * `lookup(ip, now)` is the allocation-free fast path: the MAC of a REACHABLE,
 * PERMANENT or NOARP entry, else -1, meaning "use `resolve`". Everything
 * else is the slow path.
 */
export class NeighbourTable<P = Uint8Array> {
  readonly parameters: NeighbourParameters;
  readonly mac: MacAddress;
  readonly device: string;

  private readonly store: EntryStore;
  private readonly timers = new TimerHeap();
  private readonly gcList = new GcList();
  private readonly queues = new Map<number, PacketQueue<P>>();
  private readonly proxySet = new Set<number>();
  private addressList: InterfaceAddress[];
  private readonly random: () => number;
  private readonly packetLength: (packet: P) => number;

  /** The current reachable_time (ms), drawn in ½..1½ base_reachable_time. */
  private reachable: number;
  private lastRand: number;
  private lastFlush: number;
  private nextGc: number;
  private clock: number;
  /** Bumped by every change that can make an entry collectable (see forcedGc). */
  private generation = 0;
  /** A forced GC that walked the whole list and freed nothing at `generation` frees nothing until `until` either. */
  private fruitlessGc = { generation: -1, until: -Infinity };

  private allocs = 0;
  private destroys = 0;
  private lookups = 0;
  private hits = 0;
  private resFailed = 0;
  private rcvProbesMcast = 0;
  private rcvProbesUcast = 0;
  private periodicGcRuns = 0;
  private forcedGcRuns = 0;
  private unresolvedDiscards = 0;
  private tableFulls = 0;

  constructor(options: NeighbourTableOptions<P>) {
    this.parameters = resolveParameters(options.parameters);
    this.mac = options.mac;
    this.device = options.device ?? 'eth0';
    this.addressList = [...(options.addresses ?? [])];
    this.random = options.random ?? Math.random;
    this.packetLength = options.packetLength ?? byteLength;
    const start = options.now ?? 0;
    checkTime(start);
    this.clock = start;
    this.lastRand = start;
    this.lastFlush = start;
    this.nextGc = start + this.parameters.gcInterval;
    this.reachable = this.drawReachableTime();
    // Odd, like the kernel's hash_rnd.
    this.store = new EntryStore((Math.floor(this.random() * 0x1_0000_0000) | 1) >>> 0);
    this.store.setReachableTime(this.reachable);
  }

  // ---------------------------------------------------------------- fast path

  /**
   * The MAC to send to `ip` when its entry is usable without any state
   * change (REACHABLE and not yet expired at `now`, PERMANENT, NOARP), else
   * -1: call `resolve`. Allocates nothing and changes no state but counters.
   */
  lookup(ip: number, now: number): number {
    this.lookups++;
    const mac = this.store.usableMac(ip, now);
    if (mac === -1) return -1;
    this.hits++;
    return mac < 0 ? -1 : mac;
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Sends `packet` to `ip` (neigh_resolve_output / neigh_event_send): the MAC
   * when the entry can be used (a STALE entry moves to DELAY); otherwise the
   * packet is queued, and a new resolution sends a broadcast request at once.
   */
  resolve(ip: Ipv4Address, packet: P, now: number): Resolution<P> {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    const store = this.store;
    let e = this.find(ip);
    if (e < 0) {
      e = this.create(ip, now, false);
      if (e < 0) return { status: 'dropped', reason: 'table-full', actions: out };
      // arp_constructor: multicast and broadcast destinations need no ARP.
      const special = noArpMac(ip, this.addressList);
      if (special !== undefined) {
        store.setState(e, Nud.NOARP);
        store.setMac(e, special);
      }
    }
    const state = store.state[e]!;
    if ((state & NUD_CONNECTED) !== 0) return { status: 'resolved', mac: store.macOf(e) as MacAddress, actions: out };
    const outcome = this.eventSend(e, packet, now, out);
    this.advance(now, out);
    if (outcome === 'send') return { status: 'resolved', mac: store.macOf(e) as MacAddress, actions: out };
    if (outcome === 'queued') return { status: 'queued', actions: out };
    return { status: 'dropped', reason: 'resolution-failed', actions: out };
  }

  /**
   * An ARP packet received on the interface (net/ipv4/arp.c arp_process).
   * `linkDst` is the destination MAC of the frame that carried it: our MAC
   * (the default) or a broadcast/multicast address; a frame for another
   * unicast MAC is ignored, as the kernel drops PACKET_OTHERHOST. Returns
   * what to send (replies) and report (conflicts).
   */
  receiveArp(packet: ArpPacket, now: number, linkDst: MacAddress = this.mac): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    this.processArp(packet, now, linkDst, out);
    this.advance(now, out);
    return out;
  }

  /**
   * Reachability confirmed by an upper layer (neigh_confirm, e.g. TCP made
   * progress): records the time only, as Linux does. A REACHABLE entry
   * stays so for another reachable_time; a DELAY entry becomes REACHABLE
   * instead of PROBE when its delay ends; other states are unaffected.
   */
  confirm(ip: Ipv4Address, now: number): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    const e = this.store.find(ip);
    if (e >= 0) this.store.setConfirmed(e, now);
    return out.length === 0 ? EMPTY : out;
  }

  /** Runs every timer due by `now` (probes, state changes, periodic GC). */
  tick(now: number): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    this.advance(now, out);
    return out.length === 0 ? EMPTY : out;
  }

  /** When `tick` must next be called, or undefined if never (the periodic GC always has a deadline). */
  nextDeadline(): number | undefined {
    const t = this.timers.peekDeadline();
    return t === undefined || this.nextGc < t ? this.nextGc : t;
  }

  // ---------------------------------------------------------------- administration

  /**
   * `ip neigh replace IP lladdr MAC nud STATE`: an administrative entry.
   * PERMANENT entries are never collected and do not count against the GC
   * thresholds. RangeError when the table is full (gc_thresh3, nothing to evict).
   */
  set(ip: Ipv4Address, mac: MacAddress, state: AdminState, now: number): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    let e = this.store.find(ip);
    if (e < 0) {
      e = this.create(ip, now, state === 'PERMANENT');
      if (e < 0) throw new RangeError('neighbour table overflow: gc_thresh3 entries and none can be evicted');
    }
    this.update(e, mac, Nud[state], F_OVERRIDE | F_ADMIN, now, out);
    this.advance(now, out);
    return out;
  }

  /** `ip neigh del IP`: removes the entry; packets waiting on it are dropped. */
  delete(ip: Ipv4Address, now: number): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    const e = this.store.find(ip);
    if (e >= 0) {
      if ((this.store.state[e]! & (Nud.INCOMPLETE | Nud.PROBE)) !== 0) this.invalidate(e, now, out);
      this.destroy(e, 'entry-removed', out);
    }
    return out;
  }

  /** `ip neigh flush`: removes every entry except PERMANENT and NOARP ones. */
  flush(now: number): readonly NeighbourAction<P>[] {
    const out: NeighbourAction<P>[] = [];
    now = this.advance(now, out);
    for (const e of [...this.store.entries()]) {
      if ((this.store.state[e]! & (Nud.PERMANENT | Nud.NOARP)) === 0) this.destroy(e, 'entry-removed', out);
    }
    return out;
  }

  /** `ip neigh add proxy IP`: answer ARP requests for `ip` with our MAC. */
  addProxy(ip: Ipv4Address): void {
    this.proxySet.add(ip);
  }

  deleteProxy(ip: Ipv4Address): boolean {
    return this.proxySet.delete(ip);
  }

  proxies(): Ipv4Address[] {
    return [...this.proxySet].sort((a, b) => a - b) as Ipv4Address[];
  }

  /** Adds or replaces (same address) one of our addresses, e.g. to end RFC 5227 probing with `tentative: false`. */
  addAddress(address: InterfaceAddress): void {
    this.addressList = [...this.addressList.filter((a) => a.address !== address.address), address];
  }

  removeAddress(ip: Ipv4Address): boolean {
    const before = this.addressList.length;
    this.addressList = this.addressList.filter((a) => a.address !== ip);
    return this.addressList.length !== before;
  }

  addresses(): readonly InterfaceAddress[] {
    return this.addressList;
  }

  // ---------------------------------------------------------------- introspection

  /** Entries in the table (every state). */
  get size(): number {
    return this.store.count;
  }

  /** The current reachable_time in ms (re-drawn every 300 s by the periodic GC). */
  get reachableTime(): number {
    return this.reachable;
  }

  /** Slots of the hash index: bounded by twice the peak entry count. */
  get indexSlots(): number {
    return this.store.slots;
  }

  get(ip: Ipv4Address): NeighbourEntry | undefined {
    const e = this.store.find(ip);
    return e < 0 ? undefined : this.snapshot(e);
  }

  /** Every entry, by address. */
  entries(): NeighbourEntry[] {
    return [...this.store.entries()].map((e) => this.snapshot(e)).sort((a, b) => a.ip - b.ip);
  }

  /**
   * `ip neigh show`: one line per entry, e.g. `10.0.0.2 dev eth0 lladdr
   * 02:42:ac:11:00:02 REACHABLE`. Like iproute2, NOARP entries are listed
   * only with `all` (`ip neigh show nud all`).
   */
  show(options: { all?: boolean } = {}): string[] {
    return this.entries()
      .filter((entry) => options.all === true || entry.state !== 'NOARP')
      .map((entry) => formatNeighbour(entry, this.device));
  }

  /** The /proc/net/stat/arp_cache counters. */
  stats(): NeighbourStats {
    return {
      entries: this.store.count,
      allocs: this.allocs,
      destroys: this.destroys,
      hashGrows: this.store.grows,
      lookups: this.lookups,
      hits: this.hits,
      resFailed: this.resFailed,
      rcvProbesMcast: this.rcvProbesMcast,
      rcvProbesUcast: this.rcvProbesUcast,
      periodicGcRuns: this.periodicGcRuns,
      forcedGcRuns: this.forcedGcRuns,
      unresolvedDiscards: this.unresolvedDiscards,
      tableFulls: this.tableFulls,
    };
  }

  // ---------------------------------------------------------------- time

  /**
   * Runs the timers and periodic GC due by `now`, each at its own deadline
   * (entry timers before the GC at equal times). Time never goes back: an
   * earlier `now` is taken as the latest time seen. Returns the effective now.
   */
  private advance(now: number, out: NeighbourAction<P>[]): number {
    checkTime(now);
    if (now < this.clock) now = this.clock;
    for (;;) {
      const t = this.timers.peekDeadline();
      if (t !== undefined && t <= now && t <= this.nextGc) {
        const e = this.timers.peekEntry();
        this.timers.cancel(e);
        this.clock = t;
        this.timerFired(e, t, out);
      } else if (this.nextGc <= now) {
        this.clock = this.nextGc;
        this.periodicGc(this.nextGc, out);
      } else break;
    }
    this.clock = now;
    return now;
  }

  private drawReachableTime(): number {
    const base = this.parameters.baseReachableTime;
    // neigh_rand_reach_time: get_random_u32_below(base) + base / 2.
    return base === 0 ? 0 : Math.floor(this.random() * base) + Math.floor(base / 2);
  }

  /** neigh_add_timer: also pulls `used` up to `confirmed`. */
  private addTimer(e: number, when: number): void {
    const s = this.store;
    if (s.used[e]! < s.confirmedOf(e)) s.used[e] = s.confirmedOf(e);
    this.timers.set(e, when);
  }

  private retrans(): number {
    return Math.max(this.parameters.retransTime, MIN_TIMER_MS);
  }

  /** neigh_max_probes. */
  private maxProbes(state: number): number {
    const p = this.parameters;
    return p.ucastProbes + p.appProbes + (state === Nud.PROBE ? p.mcastReprobes : p.mcastProbes);
  }

  /** neigh_timer_handler, run at the timer's deadline `now`. */
  private timerFired(e: number, now: number, out: NeighbourAction<P>[]): void {
    const s = this.store;
    let state = s.state[e]!;
    if ((state & NUD_IN_TIMER) === 0) return;
    this.generation++;
    const delay = this.parameters.delayFirstProbeTime;
    let next: number;
    if (state === Nud.REACHABLE) {
      if (now < s.confirmedOf(e) + this.reachable) {
        // Confirmed since the timer was armed: still reachable.
        next = s.confirmedOf(e) + this.reachable;
      } else if (now <= s.used[e]! + delay) {
        // Expired but in use: skip STALE and start the delay at once.
        state = Nud.DELAY;
        s.updated[e] = now;
        next = now + delay;
      } else {
        s.setState(e, Nud.STALE);
        s.updated[e] = now;
        return;
      }
    } else if (state === Nud.DELAY) {
      if (now <= s.confirmedOf(e) + delay) {
        state = Nud.REACHABLE;
        s.updated[e] = now;
        next = s.confirmedOf(e) + this.reachable;
      } else {
        state = Nud.PROBE;
        s.updated[e] = now;
        s.probes[e] = 0;
        next = now + this.retrans();
      }
    } else {
      // INCOMPLETE or PROBE: the next retransmission.
      next = now + this.retrans();
    }
    s.setState(e, state);
    if ((state & (Nud.INCOMPLETE | Nud.PROBE)) !== 0 && s.probes[e]! >= this.maxProbes(state)) {
      s.setState(e, Nud.FAILED);
      this.invalidate(e, now, out);
      return;
    }
    // A REACHABLE deadline already past (reachable_time shorter than the
    // delay) is re-armed just ahead, as the kernel does.
    this.addTimer(e, next <= now ? now + MIN_TIMER_MS : next);
    if ((state & (Nud.INCOMPLETE | Nud.PROBE)) !== 0) this.probe(e, out);
  }

  /** neigh_probe: one solicitation, then count it. */
  private probe(e: number, out: NeighbourAction<P>[]): void {
    this.solicit(e, out);
    this.store.probes[e]!++;
  }

  /**
   * arp_solicit: the first ucast_probes probes go unicast to the cached
   * address, the next app_probes to user space, the rest broadcast. An
   * INCOMPLETE entry starts counting at ucast_probes, so it only broadcasts.
   */
  private solicit(e: number, out: NeighbourAction<P>[]): void {
    const s = this.store;
    const ip = s.key[e]! as Ipv4Address;
    let n = s.probes[e]! - this.parameters.ucastProbes;
    let dst: MacAddress;
    if (n < 0) dst = s.macOf(e) as MacAddress;
    else {
      n -= this.parameters.appProbes;
      if (n < 0) {
        out.push({ type: 'app-probe', ip });
        return;
      }
      dst = MAC_BROADCAST;
    }
    out.push({ type: 'send-arp', packet: arpRequest({ senderMac: this.mac, senderIp: this.sourceFor(ip), targetIp: ip }), dst });
  }

  /** neigh_invalidate: resolution failed; queued packets are dropped (the kernel sends ICMP unreachable for each). */
  private invalidate(e: number, now: number, out: NeighbourAction<P>[]): void {
    this.resFailed++;
    this.generation++;
    this.store.updated[e] = now;
    this.dropQueue(e, 'resolution-failed', out);
  }

  // ---------------------------------------------------------------- the state machine

  /**
   * neigh_event_send: a packet is to go to entry `e`. Returns 'send' when the
   * cached address may be used now, 'queued' when the packet waits for
   * resolution, 'failed' when it cannot be resolved at all.
   */
  private eventSend(e: number, packet: P, now: number, out: NeighbourAction<P>[]): 'send' | 'queued' | 'failed' {
    const s = this.store;
    const p = this.parameters;
    s.used[e] = now;
    const state = s.state[e]!;
    if ((state & (NUD_CONNECTED | Nud.DELAY | Nud.PROBE)) !== 0) return 'send';
    this.generation++;
    let immediateProbe = false;
    if ((state & (Nud.STALE | Nud.INCOMPLETE)) === 0) {
      // NONE or FAILED: start (again) from scratch.
      if (p.mcastProbes + p.appProbes === 0) {
        s.setState(e, Nud.FAILED);
        s.updated[e] = now;
        return 'failed';
      }
      s.probes[e] = p.ucastProbes;
      this.timers.cancel(e);
      s.setState(e, Nud.INCOMPLETE);
      s.updated[e] = now;
      this.addTimer(e, now + this.retrans());
      immediateProbe = true;
    } else if (state === Nud.STALE) {
      this.timers.cancel(e);
      s.setState(e, Nud.DELAY);
      s.updated[e] = now;
      this.addTimer(e, now + p.delayFirstProbeTime);
      return 'send';
    }
    this.enqueue(e, packet, out);
    if (immediateProbe) this.probe(e, out);
    return 'queued';
  }

  /** Queues a packet on an INCOMPLETE entry, dropping the oldest beyond unres_qlen_bytes (a lone oversized packet still waits). */
  private enqueue(e: number, packet: P, out: NeighbourAction<P>[]): void {
    const length = this.packetLength(packet);
    let q = this.queues.get(e);
    if (q === undefined) {
      q = { packets: [], head: 0, bytes: 0 };
      this.queues.set(e, q);
    }
    const ip = this.store.key[e]! as Ipv4Address;
    while (q.bytes + length > this.parameters.unresQlenBytes && q.head < q.packets.length) {
      const old = q.packets[q.head]!;
      q.packets[q.head++] = undefined as P;
      q.bytes -= this.packetLength(old);
      this.unresolvedDiscards++;
      out.push({ type: 'drop', ip, packet: old, reason: 'queue-full' });
    }
    if (q.head > 32 && q.head * 2 > q.packets.length) {
      q.packets = q.packets.slice(q.head);
      q.head = 0;
    }
    q.packets.push(packet);
    q.bytes += length;
  }

  private dropQueue(e: number, reason: DropReason, out: NeighbourAction<P>[]): void {
    const q = this.queues.get(e);
    if (q === undefined) return;
    this.queues.delete(e);
    const ip = this.store.key[e]! as Ipv4Address;
    for (let i = q.head; i < q.packets.length; i++) out.push({ type: 'drop', ip, packet: q.packets[i]!, reason });
  }

  /**
   * __neigh_update for a supplied link-layer address. Without F_ADMIN,
   * NOARP and PERMANENT entries do not change. A different address replaces
   * a valid one only with F_OVERRIDE; the same address with new state
   * STALE keeps the current state. Queued packets go out when the entry
   * becomes valid.
   */
  private update(e: number, lladdr: MacAddress, wanted: number, flags: number, now: number, out: NeighbourAction<P>[]): void {
    const s = this.store;
    const old = s.state[e]!;
    let next = wanted;
    this.generation++;
    if ((flags & F_ADMIN) === 0 && (old & (Nud.NOARP | Nud.PERMANENT)) !== 0) return;
    const oldValid = (old & NUD_VALID) !== 0;
    const sameAddress = oldValid && s.macOf(e) === lladdr;
    if ((next & NUD_CONNECTED) !== 0) s.setConfirmed(e, now);
    if (oldValid) {
      if (!sameAddress && (flags & F_OVERRIDE) === 0) return;
      if (sameAddress && next === Nud.STALE && (flags & F_ADMIN) === 0) next = old;
    }
    if (next !== old || !sameAddress) s.updated[e] = now;
    if (next !== old) {
      this.timers.cancel(e);
      if (next === Nud.PROBE) s.probes[e] = 0;
      s.setState(e, next);
      if ((next & NUD_IN_TIMER) !== 0) this.addTimer(e, now + (next === Nud.REACHABLE ? this.reachable : 0));
    }
    if (!sameAddress) {
      s.setMac(e, lladdr);
      if ((next & NUD_CONNECTED) === 0) s.setConfirmed(e, now - 2 * this.parameters.baseReachableTime);
    }
    if (((next ^ old) & Nud.PERMANENT) !== 0) {
      if (next === Nud.PERMANENT) this.gcList.remove(e);
      else this.gcList.push(e);
    }
    if (next === old || oldValid) return;
    const q = this.queues.get(e);
    if (q === undefined) return;
    this.queues.delete(e);
    const ip = s.key[e]! as Ipv4Address;
    for (let i = q.head; i < q.packets.length; i++) {
      const packet = q.packets[i]!;
      // The kernel re-sends each through the entry's output path, so a
      // STALE entry (learnt from a request) moves to DELAY here.
      this.eventSend(e, packet, now, out);
      out.push({ type: 'transmit', ip, mac: lladdr, packet });
    }
  }

  /** The table lookup with its counters (neigh_lookup). */
  private find(ip: number): number {
    this.lookups++;
    const e = this.store.find(ip);
    if (e >= 0) this.hits++;
    return e;
  }

  /**
   * neigh_alloc + ___neigh_create: a new entry (state NONE), or -1 when the
   * table is full. At gc_thresh3 collectable entries, or at gc_thresh2 when
   * the last forced GC is over 5 s old, forced GC runs first; if it frees
   * nothing at gc_thresh3, the entry is refused (table_fulls).
   */
  private create(ip: number, now: number, exemptFromGc: boolean): number {
    const p = this.parameters;
    if (!exemptFromGc) {
      const entries = this.gcList.size;
      if (entries >= p.gcThresh3 || (entries >= p.gcThresh2 && now > this.lastFlush + FORCED_GC_WINDOW_MS)) {
        if (this.forcedGc(now) === 0 && entries >= p.gcThresh3) {
          this.tableFulls++;
          return -1;
        }
      }
    }
    this.generation++;
    const s = this.store;
    const e = s.insert(ip);
    s.probes[e] = 0;
    s.updated[e] = now;
    s.used[e] = now;
    s.setConfirmed(e, now - 2 * p.baseReachableTime);
    if (!exemptFromGc) this.gcList.push(e);
    this.allocs++;
    return e;
  }

  /** Removes entry `e` (neigh_mark_dead + neigh_destroy). */
  private destroy(e: number, reason: DropReason, out: NeighbourAction<P>[]): void {
    this.generation++;
    this.dropQueue(e, reason, out);
    this.timers.cancel(e);
    this.gcList.remove(e);
    this.store.remove(e);
    this.destroys++;
  }

  /**
   * neigh_forced_gc: walks the GC list oldest first and removes entries
   * without a running timer that are FAILED, NOARP, multicast, or not
   * updated in the last 5 s, until the table is back at gc_thresh2.
   * Returns how many it removed.
   */
  private forcedGc(now: number): number {
    this.forcedGcRuns++;
    this.lastFlush = now;
    // Under a flood every new sender runs the forced GC. When nothing changed
    // since a walk that freed nothing, the walk would free nothing again
    // until the oldest entry ages past the window: skip it. (The kernel
    // bounds the same cost with a 1 ms time budget per walk.)
    const fruitless = this.fruitlessGc;
    if (fruitless.generation === this.generation && now <= fruitless.until) return 0;
    const maxClean = this.gcList.size - this.parameters.gcThresh2;
    const tref = now - FORCED_GC_WINDOW_MS;
    const { state, updated, key } = this.store;
    let shrunk = 0;
    let oldest = Infinity;
    let walkedAll = true;
    const none: NeighbourAction<P>[] = [];
    for (let e = this.gcList.head; e >= 0; ) {
      const next = this.gcList.next[e]!;
      const st = state[e]!;
      // The kernel only frees entries nobody holds: a running timer holds one.
      if ((st & NUD_IN_TIMER) === 0) {
        const u = updated[e]!;
        if (st === Nud.FAILED || st === Nud.NOARP || key[e]! >>> 28 === 0xe || u < tref || u > now) {
          this.destroy(e, 'entry-removed', none);
          shrunk++;
        } else if (u < oldest) oldest = u;
        if (shrunk >= maxClean) {
          walkedAll = next < 0;
          break;
        }
      }
      e = next;
    }
    if (shrunk === 0 && walkedAll) {
      fruitless.generation = this.generation;
      fruitless.until = oldest + FORCED_GC_WINDOW_MS;
    }
    return shrunk;
  }

  /**
   * neigh_periodic_work: re-draws reachable_time every 300 s; from
   * gc_thresh1 entries up, removes entries without a timer (not PERMANENT)
   * that are FAILED or unused for gc_stale_time.
   */
  private periodicGc(now: number, out: NeighbourAction<P>[]): void {
    this.periodicGcRuns++;
    const p = this.parameters;
    if (now > this.lastRand + REACHABLE_REDRAW_MS) {
      this.lastRand = now;
      this.reachable = this.drawReachableTime();
      this.store.setReachableTime(this.reachable);
    }
    const s = this.store;
    if (s.count >= p.gcThresh1) {
      for (const e of [...s.entries()]) {
        const state = s.state[e]!;
        if ((state & (Nud.PERMANENT | NUD_IN_TIMER)) !== 0) continue;
        if (s.used[e]! < s.confirmedOf(e) && s.confirmedOf(e) <= now) s.used[e] = s.confirmedOf(e);
        const used = s.used[e]!;
        if (state === Nud.FAILED || !(now >= used && now < used + p.gcStaleTime)) this.destroy(e, 'entry-removed', out);
      }
    }
    this.nextGc = now + p.gcInterval;
  }

  // ---------------------------------------------------------------- ARP input

  private processArp(packet: ArpPacket, now: number, linkDst: MacAddress, out: NeighbourAction<P>[]): void {
    // arp_rcv: Ethernet/IPv4 ARP only, and only frames addressed to us.
    if (packet.kind !== 'ethernet-ipv4') return;
    if (packet.op !== ArpOp.request && packet.op !== ArpOp.reply) return;
    const toUs = linkDst === this.mac;
    if (!toUs && !isMulticastMac(linkDst)) return;
    const { sha, spa: sip, tpa: tip } = packet;
    // Our own frames looped back, and senders no host can be: not learnt from
    // (a hostile sha of ff:ff:.. would otherwise turn unicast into broadcast).
    if (sha === this.mac || sha === 0 || isMulticastMac(sha)) return;
    // arp_process drops requests for multicast and loopback targets.
    if (isMulticastIpv4(tip) || isLoopbackIpv4(tip)) return;

    // RFC 5227 conflict detection (user space's job on Linux).
    if (sip !== IPV4_ANY && this.ownAddress(sip) !== undefined) out.push({ type: 'conflict', ip: sip, mac: sha });
    else if (sip === IPV4_ANY && packet.op === ArpOp.request && this.ownAddress(tip)?.tentative === true) {
      out.push({ type: 'conflict', ip: tip, mac: sha });
    }

    if (packet.op === ArpOp.request) {
      const local = this.isLocal(tip);
      if (sip === IPV4_ANY) {
        // An RFC 5227 probe: answer for our address so the prober sees the
        // conflict, learn nothing (arp_process's duplicate address detection case).
        if (local) out.push({ type: 'send-arp', packet: replyTo(packet, this.mac), dst: sha });
        return;
      }
      if (local || this.proxySet.has(tip)) {
        if (toUs) this.rcvProbesUcast++;
        else this.rcvProbesMcast++;
        // neigh_event_ns: learn the requester as STALE, then answer, unless
        // the table is full (then the kernel does not answer either).
        if (this.cacheable(sip)) {
          let e = this.find(sip);
          if (e < 0) e = this.create(sip, now, false);
          if (e < 0) return;
          this.update(e, sha, Nud.STALE, F_OVERRIDE, now, out);
        }
        out.push({ type: 'send-arp', packet: replyTo(packet, this.mac), dst: sha });
        return;
      }
    }
    if (sip === IPV4_ANY) return;

    // Replies, requests for others and gratuitous ARP update an entry that
    // exists; only arp_accept lets gratuitous ARP create one.
    const gratuitous =
      sip === tip && this.cacheable(tip) && noArpMac(tip, this.addressList) === undefined && (packet.op !== ArpOp.reply || packet.tha === sha);
    let e = this.find(sip);
    if (e < 0 && gratuitous && this.parameters.arpAccept) e = this.create(sip, now, false);
    if (e < 0) return;
    const s = this.store;
    // Within locktime of the last change a different address is ignored
    // (the first answer wins), unless the sender announces itself.
    const override = now > s.updated[e]! + this.parameters.locktime || gratuitous;
    // Broadcast replies and requests do not prove reachability.
    const state = packet.op === ArpOp.reply && toUs ? Nud.REACHABLE : Nud.STALE;
    this.update(e, sha, state, override ? F_OVERRIDE : 0, now, out);
  }

  /** Addresses an entry may be created for: unicast, not ours, not 0.0.0.0, not loopback. */
  private cacheable(ip: Ipv4Address): boolean {
    return ip !== IPV4_ANY && !isMulticastIpv4(ip) && !isLoopbackIpv4(ip) && ip !== 0xffff_ffff && this.ownAddress(ip) === undefined;
  }

  private ownAddress(ip: number): InterfaceAddress | undefined {
    for (const a of this.addressList) if (a.address === ip) return a;
    return undefined;
  }

  private isLocal(ip: number): boolean {
    const a = this.ownAddress(ip);
    return a !== undefined && a.tentative !== true;
  }

  /** inet_select_addr: a (non-tentative) address on the target's subnet, else the first one, else 0.0.0.0. */
  private sourceFor(target: number): Ipv4Address {
    let first: Ipv4Address | undefined;
    for (const a of this.addressList) {
      if (a.tentative === true) continue;
      const mask = ipv4Mask(a.length);
      if (((a.address & mask) >>> 0) === ((target & mask) >>> 0)) return a.address;
      first ??= a.address;
    }
    return first ?? IPV4_ANY;
  }

  private snapshot(e: number): NeighbourEntry {
    const s = this.store;
    const state = s.state[e]!;
    const q = this.queues.get(e);
    return {
      ip: s.key[e]! as Ipv4Address,
      mac: (state & NUD_VALID) !== 0 ? (s.macOf(e) as MacAddress) : undefined,
      state: nudStateName(state),
      probes: s.probes[e]!,
      queuedPackets: q === undefined ? 0 : q.packets.length - q.head,
      queuedBytes: q?.bytes ?? 0,
      confirmed: s.confirmedOf(e),
      updated: s.updated[e]!,
      used: s.used[e]!,
      timer: this.timers.deadlineOf(e),
    };
  }
}

function checkTime(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError(`neighbour: time must be a finite number of ms, got ${String(now)}`);
}

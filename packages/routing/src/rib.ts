import { formatIpv4, ipv4Mask, type Ipv4Address, type Ipv4Prefix } from '@wirestack/core';
import { RouteError } from './errors.js';
import { Fib, maskAddress } from './fib.js';
import { flowHash, type Flow } from './flow-hash.js';
import { Interfaces } from './interfaces.js';
import {
  defaultScopeFor,
  defaultTableFor,
  isRouteType,
  PROTO_BOOT,
  PROTO_KERNEL,
  ROUTE_TYPE_NUMBERS,
  SCOPE_HOST,
  SCOPE_LINK,
  TABLE_DEFAULT,
  TABLE_LOCAL,
  TABLE_MAIN,
  type RouteType,
} from './names.js';
import { NextHopTable, type NextHopEntry } from './nexthops.js';
import type { NextHop, NextHopInput, Route, RouteInput, RouteMatch } from './route.js';

/** A change in the RIB, for consumers such as a BGP speaker or an external FIB. */
export type RouteEvent =
  | { readonly kind: 'added'; readonly route: Route }
  | { readonly kind: 'removed'; readonly route: Route }
  /** The route used for forwarding to a prefix changed (`route` undefined: the prefix is gone). */
  | {
      readonly kind: 'selected';
      readonly table: number;
      readonly destination: Ipv4Prefix;
      readonly previous: Route | undefined;
      readonly route: Route | undefined;
    };

export type RouteListener = (event: RouteEvent) => void;

/** An interface address, as `ip addr add 10.0.0.1/24 dev eth0` makes it. */
export interface InterfaceAddress {
  readonly ifindex: number;
  readonly address: Ipv4Address;
  readonly length: number;
  /** A further address in the subnet of an earlier one on the same device. */
  readonly secondary: boolean;
}

/** What `lookup` answers. */
export interface LookupResult {
  readonly table: number;
  /** The selected route of the longest matching prefix. */
  readonly route: Route;
  /** The next hop chosen for the flow (undefined for blackhole, unreachable, prohibit). */
  readonly nexthop: NextHop | undefined;
}

/** Why `get` would not forward: the kernel's errno and the ICMP error a router sends back. */
export interface RouteGetError {
  readonly errno: 'ENETUNREACH' | 'EHOSTUNREACH' | 'EACCES' | 'EINVAL';
  /** strerror text, as `ip route get` prints it after "RTNETLINK answers: ". */
  readonly message: string;
  /** ICMP destination unreachable (type 3) and its code; none for blackhole (silent drop). */
  readonly icmp?: { readonly type: 3; readonly code: number };
}

/** What `get` answers, in the spirit of `ip route get`. */
export interface RouteGetResult {
  readonly destination: Ipv4Address;
  /** The matched route's type; 'unreachable' when nothing matched. */
  readonly type: RouteType;
  readonly table?: number;
  readonly route?: Route;
  /** The immediate next hop after recursive resolution (absent: on-link). */
  readonly gateway?: Ipv4Address;
  /** Output device (the loopback for local destinations). */
  readonly ifindex?: number;
  /** The source address the kernel would choose (absent when `source` was given). */
  readonly prefsrc?: Ipv4Address;
  /** `from`, as given. */
  readonly source?: Ipv4Address;
  /** `iif`, as given: the lookup is for a packet arriving there (forwarding). */
  readonly iif?: number;
  /** Gateways resolved recursively on the way, the route's own first. */
  readonly resolvedVia?: readonly Ipv4Address[];
  readonly error?: RouteGetError;
}

export interface RouteGetOptions {
  readonly src?: Ipv4Address;
  readonly iif?: number;
  /** Look in this table only instead of the default rules (local, main, default). */
  readonly table?: number;
  readonly protocol?: number;
  readonly sport?: number;
  readonly dport?: number;
}

export interface RibOptions {
  /** Seed of the ECMP flow hash. */
  readonly hashSeed?: number;
  /**
   * A table gets a compiled FIB (DIR-24-8, ~50 MB) on its first lookup once
   * it holds this many routes; smaller tables are searched by prefix length
   * through the RIB's own index. `fib(table)` compiles one regardless.
   */
  readonly fibMinRoutes?: number;
}

interface TableState {
  readonly id: number;
  routes: number;
  /** Distinct prefixes per length, so lookups without a FIB skip empty lengths. */
  readonly prefixes: Uint32Array;
  fib: Fib | null;
  /** The FIB could not hold the table (too many next-hop entries or tbl8 groups). */
  fibDisabled: boolean;
}

/** The lookup order of Linux's default rules: local, main, default. */
const DEFAULT_RULES = [TABLE_LOCAL, TABLE_MAIN, TABLE_DEFAULT] as const;
const MAX_RECURSION = 8;
const T = ROUTE_TYPE_NUMBERS;
/** Route types that carry no next hop: the lookup ends in an error (or, for throw, in the next table). */
const NO_NEXTHOP = new Set<number>([T.blackhole, T.unreachable, T.prohibit, T.throw]);
const FLAG_SELECTED = 1;

/**
 * Routing tables as Linux keeps them: several tables, several routes per
 * prefix (the lowest metric is selected), typed routes, ECMP groups,
 * connected routes from interface addresses, `ip route get`-style lookups
 * and change notifications. Sans-I/O: nothing here reads a clock.
 *
 * Storage is columnar: a route is a slot in typed arrays (prefix, length,
 * table, protocol, scope, metric, next-hop entry, chain link), found through
 * an open-addressing hash of (table, prefix, length) that points at the
 * prefix's selected route; routes of one prefix are chained in metric order.
 * Route objects are made on demand for listing and events.
 */
export class Rib {
  readonly interfaces = new Interfaces();
  readonly nexthops = new NextHopTable();

  // Route columns, indexed by slot. A free slot has nh 0.
  private capacity = 0;
  private dst = new Uint32Array(0);
  private len = new Uint8Array(0);
  private table = new Uint32Array(0);
  private proto = new Uint8Array(0);
  private scope = new Uint8Array(0);
  private metric = new Uint32Array(0);
  private nh = new Uint32Array(0);
  private next = new Int32Array(0);
  private flags = new Uint8Array(0);
  private used = 0; // slots ever used (high-water mark)
  private freeSlots: number[] = [];
  private count = 0;

  // (table, prefix, length) -> selected slot + 1; 0 = empty bucket.
  private buckets = new Int32Array(16);
  private bucketMask = 15;
  private prefixCount = 0;

  private readonly tables = new Map<number, TableState>();
  private readonly listeners: RouteListener[] = [];
  private readonly addresses: InterfaceAddress[] = [];
  /** Device addresses derived from kernel routes; null when a kernel route changed. */
  private kernelAddresses: DeviceAddress[] | null = null;
  private readonly hashSeed: number;
  private readonly fibMinRoutes: number;

  constructor(options: RibOptions = {}) {
    this.hashSeed = options.hashSeed ?? 0;
    this.fibMinRoutes = options.fibMinRoutes ?? 4096;
  }

  /** Number of routes in all tables. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the route columns and the prefix index (next-hop entries and FIBs not included). */
  get byteLength(): number {
    return (
      this.dst.byteLength +
      this.len.byteLength +
      this.table.byteLength +
      this.proto.byteLength +
      this.scope.byteLength +
      this.metric.byteLength +
      this.nh.byteLength +
      this.next.byteLength +
      this.flags.byteLength +
      this.buckets.byteLength
    );
  }

  /** Table ids that hold routes, ascending. */
  tableIds(): number[] {
    return [...this.tables.values()].filter((t) => t.routes > 0).map((t) => t.id).sort((a, b) => a - b);
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  subscribe(listener: RouteListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  // -- changes ------------------------------------------------------------

  /** `ip route add`: RouteError 'exists' when the table already has the prefix with this metric. */
  add(input: RouteInput): void {
    const r = this.normalize(input);
    const head = this.findHead(r.table, r.dst, r.len);
    if (head >= 0 && this.slotWithMetric(head, r.metric) >= 0) {
      throw new RouteError('exists', `${formatPrefix(r.dst, r.len)} metric ${r.metric} in table ${r.table}`);
    }
    this.insertSlot(r, this.nexthops.acquire(r.type, r.prefsrc, r.nexthops), head);
  }

  /** `ip route replace`: changes the route with the same table, prefix and metric, or adds it. */
  replace(input: RouteInput): void {
    const r = this.normalize(input);
    const head = this.findHead(r.table, r.dst, r.len);
    const slot = head >= 0 ? this.slotWithMetric(head, r.metric) : -1;
    const entry = this.nexthops.acquire(r.type, r.prefsrc, r.nexthops);
    if (slot < 0) this.insertSlot(r, entry, head);
    else this.updateSlot(slot, entry, r.proto, r.scope);
  }

  /**
   * `ip route append`, as an ECMP member: adds the next hops to the route
   * with the same table, prefix and metric (or adds the route). RouteError
   * 'exists' when one of them is already a member; 'invalid' when the
   * existing route is of another type.
   */
  append(input: RouteInput): void {
    const r = this.normalize(input);
    const head = this.findHead(r.table, r.dst, r.len);
    const slot = head >= 0 ? this.slotWithMetric(head, r.metric) : -1;
    if (slot < 0) {
      this.insertSlot(r, this.nexthops.acquire(r.type, r.prefsrc, r.nexthops), head);
      return;
    }
    const old = this.nexthops.get(this.nh[slot]!);
    if (old.typeNumber !== r.type || NO_NEXTHOP.has(r.type)) {
      throw new RouteError('invalid', `append to a ${old.type} route of another type or without next hops`);
    }
    for (const n of r.nexthops) {
      if (old.nexthops.some((o) => o.gateway === n.gateway && o.ifindex === n.ifindex)) {
        throw new RouteError('exists', 'the next hop is already a member');
      }
    }
    const merged = [...old.nexthops, ...r.nexthops];
    const prefsrc = old.prefsrc ?? r.prefsrc;
    this.updateSlot(slot, this.nexthops.acquire(r.type, prefsrc ?? 0, merged), this.proto[slot]!, this.scope[slot]!);
  }

  /**
   * `ip route del`: deletes the first route of the prefix (lowest metric
   * first) that agrees with every attribute given. RouteError 'not-found'
   * (ESRCH) when none does. Returns the deleted route.
   */
  delete(match: RouteMatch): Route {
    const { address, length } = checkPrefix(match.destination);
    const table = match.table === undefined || match.table === 0 ? TABLE_MAIN : checkTable(match.table);
    const wantType = match.type === undefined ? 0 : checkType(match.type);
    const head = this.findHead(table, address, length);
    for (let s = head; s >= 0; s = this.next[s]!) {
      if (this.matches(s, match, wantType)) {
        const route = this.routeAt(s);
        this.removeSlot(s);
        return route;
      }
    }
    throw new RouteError('not-found', `no route ${formatPrefix(address, length)} in table ${table} matches`);
  }

  /** Removes every route of a table (or of all tables). */
  flush(table?: number): number {
    let removed = 0;
    for (let s = 0; s < this.used; s++) {
      if (this.nh[s] !== 0 && (table === undefined || this.table[s] === table)) {
        this.removeSlot(s);
        removed++;
      }
    }
    return removed;
  }

  // -- interface addresses --------------------------------------------------

  /**
   * `ip addr add ADDRESS/LEN dev IF`: records the address and adds the
   * routes the kernel derives from it: `local ADDRESS` (host scope) and, for
   * the first address of a subnet on the device, the connected route
   * `PREFIX/LEN dev IF scope link` in main and `broadcast` (below /31) in
   * local, all proto kernel with src ADDRESS. The prefix's host bits are the
   * address (`{ address: 10.0.0.1, length: 24 }`).
   */
  addAddress(ifindex: number, address: Ipv4Prefix): InterfaceAddress {
    if (!this.interfaces.has(ifindex)) throw new RouteError('invalid', `no device with index ${ifindex}`);
    const { address: a, length } = address;
    if (!Number.isInteger(length) || length < 0 || length > 32 || !isUint32(a)) {
      throw new RouteError('invalid', `bad interface address`);
    }
    if (this.addresses.some((x) => x.ifindex === ifindex && x.address === a)) {
      throw new RouteError('exists', `${formatPrefix(a, 32)} on device ${ifindex}`);
    }
    const net = maskAddress(a, length);
    const primary = this.addresses.find(
      (x) => x.ifindex === ifindex && !x.secondary && x.length === length && maskAddress(x.address, length) === net,
    );
    const record: InterfaceAddress = { ifindex, address: a as Ipv4Address, length, secondary: primary !== undefined };
    this.addresses.push(record);
    const src = (primary?.address ?? a) as Ipv4Address;
    const loopback = ifindex === Interfaces.LOOPBACK;
    const kernel = { protocol: PROTO_KERNEL, prefsrc: src, nexthops: [{ ifindex }] };
    this.replace({ ...kernel, destination: { address: a as Ipv4Address, length: 32 }, type: 'local', table: TABLE_LOCAL, scope: SCOPE_HOST });
    if (primary === undefined && net !== 0 && (net !== a || length < 32)) {
      this.replace({
        ...kernel,
        destination: { address: net as Ipv4Address, length },
        type: loopback ? 'local' : 'unicast',
        table: loopback ? TABLE_LOCAL : TABLE_MAIN,
        scope: loopback ? SCOPE_HOST : SCOPE_LINK,
      });
      if (length < 31) {
        const broadcast = (net | ~ipv4Mask(length)) >>> 0;
        this.replace({ ...kernel, destination: { address: broadcast as Ipv4Address, length: 32 }, type: 'broadcast', table: TABLE_LOCAL, scope: SCOPE_LINK });
      }
    }
    return record;
  }

  /**
   * `ip addr del`: removes the address and its routes. Removing a primary
   * address removes its secondaries too (Linux's default, without
   * promote_secondaries).
   */
  removeAddress(ifindex: number, address: Ipv4Address): void {
    const record = this.addresses.find((x) => x.ifindex === ifindex && x.address === address);
    if (record === undefined) throw new RouteError('not-found', `${formatPrefix(address, 32)} on device ${ifindex}`);
    const net = maskAddress(address, record.length);
    const doomed = record.secondary
      ? [record]
      : this.addresses.filter((x) => x.ifindex === ifindex && x.length === record.length && maskAddress(x.address, x.length) === net);
    for (const x of doomed) {
      this.addresses.splice(this.addresses.indexOf(x), 1);
      this.deleteKernelRoute(TABLE_LOCAL, x.address, 32, 'local', ifindex);
    }
    if (!record.secondary) {
      const loopback = ifindex === Interfaces.LOOPBACK;
      this.deleteKernelRoute(loopback ? TABLE_LOCAL : TABLE_MAIN, net, record.length, loopback ? 'local' : 'unicast', ifindex);
      this.deleteKernelRoute(TABLE_LOCAL, (net | ~ipv4Mask(record.length)) >>> 0, 32, 'broadcast', ifindex);
    }
  }

  /** Interface addresses, in the order they were added. */
  listAddresses(ifindex?: number): InterfaceAddress[] {
    return this.addresses.filter((x) => ifindex === undefined || x.ifindex === ifindex);
  }

  private deleteKernelRoute(table: number, address: number, length: number, type: RouteType, ifindex: number): void {
    const head = this.findHead(table, address, length);
    const wantType = T[type];
    for (let s = head; s >= 0; s = this.next[s]!) {
      const e = this.nexthops.get(this.nh[s]!);
      if (this.proto[s] === PROTO_KERNEL && e.typeNumber === wantType && e.nexthops[0]?.ifindex === ifindex) {
        this.removeSlot(s);
        return;
      }
    }
  }

  // -- queries ----------------------------------------------------------------

  /** Every route of the prefix in a table (default main), selected first. */
  routesFor(destination: Ipv4Prefix, table: number = TABLE_MAIN): Route[] {
    const { address, length } = checkPrefix(destination);
    const out: Route[] = [];
    for (let s = this.findHead(table, address, length); s >= 0; s = this.next[s]!) out.push(this.routeAt(s));
    return out;
  }

  /** The selected route of exactly this prefix, if any. */
  selected(destination: Ipv4Prefix, table: number = TABLE_MAIN): Route | undefined {
    const { address, length } = checkPrefix(destination);
    const s = this.findHead(table, address, length);
    return s < 0 ? undefined : this.routeAt(s);
  }

  /**
   * Routes as `ip route show table all` orders them: by table id, then by
   * address, longer prefixes first, then by metric. `table` limits the list
   * to one table.
   */
  list(table?: number): Route[] {
    const slots: number[] = [];
    for (let s = 0; s < this.used; s++) {
      if (this.nh[s] !== 0 && (table === undefined || this.table[s] === table)) slots.push(s);
    }
    const t = this.table;
    const d = this.dst;
    const l = this.len;
    const m = this.metric;
    slots.sort((x, y) => t[x]! - t[y]! || d[x]! - d[y]! || l[y]! - l[x]! || m[x]! - m[y]!);
    return slots.map((s) => this.routeAt(s));
  }

  /**
   * The route forwarding would use for `dst`, through the default rules
   * (local, main, default; a throw route passes on to the next table), and
   * the ECMP member chosen by the flow hash.
   */
  lookup(dst: Ipv4Address, flow?: Omit<Flow, 'dst'>): LookupResult | undefined {
    const found = this.match(dst, undefined);
    if (found === undefined) return undefined;
    const entry = this.nexthops.get(this.nh[found.slot]!);
    const hash = flowHash({ ...flow, dst }, this.hashSeed);
    return { table: found.table, route: this.routeAt(found.slot), nexthop: NextHopTable.choose(entry, hash) };
  }

  /**
   * `ip route get`: the answer for a packet to `dst` (from `src`, arriving
   * on `iif` when given): type, table, next hop after recursive resolution
   * of a gateway that is not directly connected, output device, source
   * address, or the error with its ICMP code.
   */
  get(dst: Ipv4Address, options: RouteGetOptions = {}): RouteGetResult {
    const base: { destination: Ipv4Address; source?: Ipv4Address; iif?: number } = { destination: dst };
    if (options.src !== undefined) base.source = options.src;
    if (options.iif !== undefined) base.iif = options.iif;
    const found = this.match(dst, options.table);
    if (found === undefined) {
      return { ...base, type: 'unreachable', error: GET_ERRORS.ENETUNREACH };
    }
    const route = this.routeAt(found.slot);
    const entry = this.nexthops.get(this.nh[found.slot]!);
    const where = { ...base, type: entry.type, table: found.table, route };
    switch (entry.typeNumber) {
      case T.unreachable:
        return { ...where, error: GET_ERRORS.EHOSTUNREACH };
      case T.prohibit:
        return { ...where, error: GET_ERRORS.EACCES };
      case T.blackhole:
        return { ...where, error: GET_ERRORS.EINVAL };
      case T.local: {
        // Local delivery goes through the loopback; the source defaults to the address itself.
        const out = { ...where, ifindex: Interfaces.LOOPBACK };
        return options.src !== undefined || options.iif !== undefined ? out : { ...out, prefsrc: entry.prefsrc ?? dst };
      }
      case T.broadcast:
        // A broadcast that arrives is delivered locally, through the loopback.
        if (options.iif !== undefined) return { ...where, ifindex: Interfaces.LOOPBACK };
        break;
    }
    const flow: Flow = { dst, ...pick(options, ['src', 'protocol', 'sport', 'dport']) };
    const member = NextHopTable.choose(entry, flowHash(flow, this.hashSeed));
    if (member === undefined) return { ...where, error: GET_ERRORS.EINVAL };
    const hop = this.resolve(member, flow, options.table, 0);
    if (hop === undefined) return { ...where, error: GET_ERRORS.ENETUNREACH };
    const result: {
      -readonly [K in keyof RouteGetResult]: RouteGetResult[K];
    } = { ...where, ifindex: hop.ifindex };
    // A gateway that is one of our own addresses gets host scope in the
    // kernel (fib_check_nh: the lookup of the gateway finds a local route),
    // so the route does not use it: the destination is reached directly.
    if (hop.gateway !== undefined && !this.isLocalAddress(hop.gateway)) result.gateway = hop.gateway as Ipv4Address;
    if (hop.via.length > 0) result.resolvedVia = hop.via;
    if (options.src === undefined && options.iif === undefined) {
      const src = entry.prefsrc ?? this.selectSource(hop.ifindex, hop.gateway ?? dst);
      if (src !== undefined) result.prefsrc = src;
    }
    return result;
  }

  /**
   * The compiled FIB of a table (compiled now if needed), kept up to date
   * as routes change: `fib.lookup(a)` answers a next-hop entry index for
   * `nexthops.get(index)`, or 0. Undefined when the table cannot be
   * compiled (over 32767 distinct next-hop entries or tbl8 groups).
   */
  fib(table: number = TABLE_MAIN): Fib | undefined {
    const state = this.stateOf(table);
    if (state.fib === null && !state.fibDisabled) this.compile(state);
    return state.fib ?? undefined;
  }

  // -- internals: lookup --------------------------------------------------------

  /** True when `address` hits a local route (one of this host's addresses). */
  private isLocalAddress(address: number): boolean {
    const found = this.match(address, undefined);
    return found !== undefined && this.nexthops.get(this.nh[found.slot]!).typeNumber === T.local;
  }

  private match(dst: number, onlyTable: number | undefined): { table: number; slot: number } | undefined {
    if (onlyTable !== undefined) {
      const state = this.tables.get(onlyTable);
      const slot = state === undefined ? -1 : this.longestMatch(state, dst);
      return slot < 0 || this.nexthops.get(this.nh[slot]!).typeNumber === T.throw ? undefined : { table: onlyTable, slot };
    }
    for (const table of DEFAULT_RULES) {
      const state = this.tables.get(table);
      if (state === undefined || state.routes === 0) continue;
      const slot = this.longestMatch(state, dst);
      if (slot < 0) continue;
      if (this.nexthops.get(this.nh[slot]!).typeNumber === T.throw) continue; // on to the next rule
      return { table, slot };
    }
    return undefined;
  }

  /** The selected slot of the longest prefix of the table matching `dst`, or -1. */
  private longestMatch(state: TableState, dst: number): number {
    if (state.fib === null && !state.fibDisabled && state.routes >= this.fibMinRoutes) this.compile(state);
    if (state.fib !== null) {
      const length = state.fib.matchLength(dst);
      return length < 0 ? -1 : this.findHead(state.id, maskAddress(dst, length), length);
    }
    const prefixes = state.prefixes;
    for (let length = 32; length >= 0; length--) {
      if (prefixes[length] === 0) continue;
      const s = this.findHead(state.id, maskAddress(dst, length), length);
      if (s >= 0) return s;
    }
    return -1;
  }

  /**
   * The immediate next hop for a member: itself when it names a device,
   * else its gateway looked up again (recursively, up to 8 levels), as a
   * router resolves a BGP next hop.
   */
  private resolve(
    member: NextHop,
    flow: Flow,
    onlyTable: number | undefined,
    depth: number,
  ): { gateway: number | undefined; ifindex: number; via: Ipv4Address[] } | undefined {
    if (member.ifindex !== undefined) return { gateway: member.gateway, ifindex: member.ifindex, via: [] };
    const gateway = member.gateway!;
    if (depth >= MAX_RECURSION) return undefined;
    const found = this.match(gateway, onlyTable);
    if (found === undefined) return undefined;
    const entry = this.nexthops.get(this.nh[found.slot]!);
    if (entry.typeNumber !== T.unicast) return undefined; // a local, broadcast or error route cannot be a gateway
    const next = NextHopTable.choose(entry, flowHash(flow, this.hashSeed));
    if (next === undefined) return undefined;
    if (next.gateway === undefined) {
      // A connected route: the gateway itself is on that link.
      return { gateway, ifindex: next.ifindex!, via: [gateway] };
    }
    const deeper = this.resolve(next, flow, onlyTable, depth + 1);
    return deeper === undefined ? undefined : { ...deeper, via: [gateway, ...deeper.via] };
  }

  /**
   * The source address for traffic out of `ifindex` towards `target` (the
   * gateway or the destination): a primary address of the device whose
   * subnet holds the target, else its first primary address, else the first
   * global address of any device (as inet_select_addr does).
   */
  private selectSource(ifindex: number, target: number): Ipv4Address | undefined {
    const addresses = this.deviceAddresses();
    let first: DeviceAddress | undefined;
    for (const x of addresses) {
      if (x.ifindex !== ifindex) continue;
      if (maskAddress(x.address, x.length) === maskAddress(target, x.length)) return x.address;
      first ??= x;
    }
    if (first !== undefined) return first.address;
    return addresses.find((x) => x.ifindex !== Interfaces.LOOPBACK && x.address >>> 24 !== 127)?.address;
  }

  /**
   * Primary addresses per device, read from the kernel routes an address
   * makes (`local A dev D proto kernel src A`, and the subnet route with
   * `src A` for its length), so that a table loaded from `ip route show`
   * text chooses sources as the kernel did without knowing `ip addr`.
   * Cached until a proto kernel route changes.
   */
  private deviceAddresses(): readonly DeviceAddress[] {
    if (this.kernelAddresses !== null) return this.kernelAddresses;
    const found: DeviceAddress[] = [];
    const lengths = new Map<string, number>();
    for (let s = 0; s < this.used; s++) {
      if (this.nh[s] === 0 || this.proto[s] !== PROTO_KERNEL) continue;
      const e = this.nexthops.get(this.nh[s]!);
      const ifindex = e.nexthops[0]?.ifindex;
      if (e.prefsrc === undefined || ifindex === undefined) continue;
      if (this.len[s] === 32 && e.typeNumber === T.local && this.table[s] === TABLE_LOCAL && this.dst[s] === e.prefsrc) {
        found.push({ ifindex, address: e.prefsrc, length: 32 });
      } else if (this.len[s]! < 32 && (e.typeNumber === T.unicast || e.typeNumber === T.local)) {
        lengths.set(`${ifindex}|${e.prefsrc}`, this.len[s]!);
      }
    }
    for (const x of found) x.length = lengths.get(`${x.ifindex}|${x.address}`) ?? 32;
    this.kernelAddresses = found;
    return found;
  }

  // -- internals: validation ------------------------------------------------------

  private normalize(input: RouteInput): NormalizedRoute {
    const { address, length } = checkPrefix(input.destination);
    const typeName = input.type ?? 'unicast';
    const type = checkType(typeName);
    const table = input.table === undefined || input.table === 0 ? defaultTableFor(typeName) : checkTable(input.table);
    const nexthops = input.nexthops ?? [];
    if (NO_NEXTHOP.has(type)) {
      if (nexthops.length > 0) throw new RouteError('invalid', `a ${typeName} route takes no gateway or device`);
    } else {
      if (nexthops.length === 0) throw new RouteError('invalid', `a ${typeName} route needs a gateway or a device`);
      for (const n of nexthops) {
        if (n.ifindex !== undefined && !this.interfaces.has(n.ifindex)) {
          throw new RouteError('invalid', `no device with index ${n.ifindex}`);
        }
      }
    }
    const hasGateway = nexthops.some((n) => n.gateway !== undefined);
    const prefsrc = input.prefsrc ?? 0;
    if (!isUint32(prefsrc)) throw new RouteError('invalid', `prefsrc ${prefsrc}`);
    return {
      table,
      type,
      dst: address,
      len: length,
      proto: checkByte(input.protocol ?? PROTO_BOOT, 'protocol'),
      scope: checkByte(input.scope ?? defaultScopeFor(typeName, hasGateway), 'scope'),
      metric: checkUint32(input.metric ?? 0, 'metric'),
      prefsrc,
      nexthops,
    };
  }

  private matches(s: number, m: RouteMatch, wantType: number): boolean {
    const e = this.nexthops.get(this.nh[s]!);
    if (wantType !== 0 && e.typeNumber !== wantType) return false;
    if (m.scope !== undefined && this.scope[s] !== m.scope) return false;
    if (m.prefsrc !== undefined && m.prefsrc !== 0 && e.prefsrc !== m.prefsrc) return false;
    if (m.protocol !== undefined && m.protocol !== 0 && this.proto[s] !== m.protocol) return false;
    if (m.metric !== undefined && this.metric[s] !== m.metric) return false;
    const want = m.nexthops ?? [];
    if (want.length === 1) {
      // As fib_nh_match: a single next hop is compared with the route's first.
      const have = e.nexthops[0];
      const w = want[0]!;
      if (have === undefined) return w.gateway === undefined && w.ifindex === undefined;
      if (w.ifindex !== undefined && have.ifindex !== w.ifindex) return false;
      if (w.gateway !== undefined && have.gateway !== w.gateway) return false;
    } else if (want.length > 1) {
      if (want.length !== e.nexthops.length) return false;
      for (let i = 0; i < want.length; i++) {
        const w = want[i]!;
        const have = e.nexthops[i]!;
        if (w.ifindex !== undefined && have.ifindex !== w.ifindex) return false;
        if (w.gateway !== undefined && have.gateway !== w.gateway) return false;
        if (w.weight !== undefined && have.weight !== w.weight) return false;
      }
    }
    return true;
  }

  // -- internals: storage -------------------------------------------------------

  private stateOf(table: number): TableState {
    let state = this.tables.get(table);
    if (state === undefined) {
      state = { id: table, routes: 0, prefixes: new Uint32Array(33), fib: null, fibDisabled: false };
      this.tables.set(table, state);
    }
    return state;
  }

  private slotWithMetric(head: number, metric: number): number {
    for (let s = head; s >= 0; s = this.next[s]!) {
      if (this.metric[s] === metric) return s;
      if (this.metric[s]! > metric) return -1;
    }
    return -1;
  }

  private insertSlot(r: NormalizedRoute, entry: number, head: number): number {
    const slot = this.allocateSlot();
    this.dst[slot] = r.dst;
    this.len[slot] = r.len;
    this.table[slot] = r.table;
    this.proto[slot] = r.proto;
    this.scope[slot] = r.scope;
    this.metric[slot] = r.metric;
    this.nh[slot] = entry;
    this.flags[slot] = 0;
    this.count++;
    if (r.proto === PROTO_KERNEL) this.kernelAddresses = null;
    const state = this.stateOf(r.table);
    state.routes++;
    // Chain in metric order; a new head is a new selection.
    let previousHead = -1;
    if (head < 0 || this.metric[head]! > r.metric) {
      this.next[slot] = head;
      if (head < 0) {
        this.insertBucket(slot);
        state.prefixes[r.len]!++;
      } else {
        this.replaceBucket(head, slot);
        this.flags[head] = 0;
        previousHead = head;
      }
      this.flags[slot] = FLAG_SELECTED;
    } else {
      let p = head;
      while (this.next[p]! >= 0 && this.metric[this.next[p]!]! < r.metric) p = this.next[p]!;
      this.next[slot] = this.next[p]!;
      this.next[p] = slot;
    }
    if (this.listeners.length > 0) this.emit({ kind: 'added', route: this.routeAt(slot) });
    if (this.flags[slot] === FLAG_SELECTED) this.selectionChanged(state, r.dst, r.len, previousHead, slot, false);
    return slot;
  }

  private updateSlot(slot: number, entry: number, proto: number, scope: number): void {
    const old = this.listeners.length > 0 ? this.routeAt(slot) : undefined;
    const oldEntry = this.nh[slot]!;
    if (proto === PROTO_KERNEL || this.proto[slot] === PROTO_KERNEL) this.kernelAddresses = null;
    this.nh[slot] = entry;
    this.proto[slot] = proto;
    this.scope[slot] = scope;
    this.nexthops.release(oldEntry);
    if (old !== undefined) {
      this.emit({ kind: 'removed', route: old });
      this.emit({ kind: 'added', route: this.routeAt(slot) });
    }
    if (this.flags[slot] === FLAG_SELECTED) {
      const state = this.stateOf(this.table[slot]!);
      this.selectionChanged(state, this.dst[slot]!, this.len[slot]!, -1, slot, true, old);
    }
  }

  private removeSlot(slot: number): void {
    const table = this.table[slot]!;
    const dst = this.dst[slot]!;
    const len = this.len[slot]!;
    const state = this.stateOf(table);
    const removed = this.listeners.length > 0 ? this.routeAt(slot) : undefined;
    const wasSelected = this.flags[slot] === FLAG_SELECTED;
    const successor = this.next[slot]!;
    if (this.proto[slot] === PROTO_KERNEL) this.kernelAddresses = null;
    if (wasSelected) {
      if (successor >= 0) {
        this.replaceBucket(slot, successor);
        this.flags[successor] = FLAG_SELECTED;
      } else {
        this.deleteBucket(slot);
        state.prefixes[len]!--;
      }
    } else {
      let p = this.findHead(table, dst, len);
      while (this.next[p] !== slot) p = this.next[p]!;
      this.next[p] = successor;
    }
    this.nexthops.release(this.nh[slot]!);
    this.nh[slot] = 0;
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
    this.count--;
    state.routes--;
    if (removed !== undefined) this.emit({ kind: 'removed', route: removed });
    if (wasSelected) this.selectionChanged(state, dst, len, -1, successor, false, removed);
  }

  /**
   * Keeps the table's FIB in step with the selected route of a prefix and
   * tells listeners. `previous` is the slot of the old selection when it is
   * still in the RIB, else its route object is passed as `previousRoute`.
   */
  private selectionChanged(
    state: TableState,
    dst: number,
    len: number,
    previous: number,
    current: number,
    sameSlot: boolean,
    previousRoute?: Route,
  ): void {
    const fib = state.fib;
    if (fib !== null) {
      try {
        if (current >= 0) fib.insert(dst, len, this.nh[current]!);
        else fib.delete(dst, len);
      } catch (e) {
        if (!(e instanceof RouteError)) throw e;
        // Out of 15-bit next-hop indices or tbl8 groups: lookups fall back to the RIB's index.
        state.fib = null;
        state.fibDisabled = true;
      }
    }
    if (this.listeners.length === 0) return;
    const before = previous >= 0 ? this.routeAt(previous) : previousRoute;
    const after = current >= 0 ? this.routeAt(current) : undefined;
    if (sameSlot && before === undefined) return;
    this.emit({
      kind: 'selected',
      table: state.id,
      destination: { address: dst as Ipv4Address, length: len },
      previous: before,
      route: after,
    });
  }

  private compile(state: TableState): void {
    const addresses = new Uint32Array(state.prefixes.reduce((a, b) => a + b, 0));
    const lengths = new Uint8Array(addresses.length);
    const values = new Uint32Array(addresses.length);
    let n = 0;
    let tooMany = false;
    for (let s = 0; s < this.used; s++) {
      if (this.flags[s] !== FLAG_SELECTED || this.table[s] !== state.id) continue;
      addresses[n] = this.dst[s]!;
      lengths[n] = this.len[s]!;
      values[n] = this.nh[s]!;
      if (values[n]! > Fib.MAX_VALUE) tooMany = true;
      n++;
    }
    if (tooMany) {
      state.fibDisabled = true;
      return;
    }
    const fib = new Fib();
    try {
      fib.load(addresses, lengths, values, n);
    } catch (e) {
      if (!(e instanceof RouteError)) throw e;
      state.fibDisabled = true;
      return;
    }
    state.fib = fib;
  }

  private emit(event: RouteEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  /** A Route object for a slot. */
  private routeAt(s: number): Route {
    const e: NextHopEntry = this.nexthops.get(this.nh[s]!);
    const route: { -readonly [K in keyof Route]: Route[K] } = {
      table: this.table[s]!,
      type: e.type,
      destination: { address: this.dst[s]! as Ipv4Address, length: this.len[s]! },
      protocol: this.proto[s]!,
      scope: this.scope[s]!,
      metric: this.metric[s]!,
      nexthops: e.nexthops,
    };
    if (e.prefsrc !== undefined) route.prefsrc = e.prefsrc;
    return route;
  }

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.capacity) this.growColumns(Math.max(64, this.capacity * 2));
    return this.used++;
  }

  private growColumns(capacity: number): void {
    const grow = <A extends Uint8Array | Uint32Array | Int32Array>(old: A, make: (n: number) => A): A => {
      const a = make(capacity);
      a.set(old);
      return a;
    };
    this.dst = grow(this.dst, (n) => new Uint32Array(n));
    this.len = grow(this.len, (n) => new Uint8Array(n));
    this.table = grow(this.table, (n) => new Uint32Array(n));
    this.proto = grow(this.proto, (n) => new Uint8Array(n));
    this.scope = grow(this.scope, (n) => new Uint8Array(n));
    this.metric = grow(this.metric, (n) => new Uint32Array(n));
    this.nh = grow(this.nh, (n) => new Uint32Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }

  /** Makes room for `n` more routes at once (a bulk load). */
  reserve(n: number): void {
    const need = this.count + n;
    if (need > this.capacity) this.growColumns(need);
    while ((this.prefixCount + n) * 2 > this.buckets.length) this.growBuckets();
  }

  // -- internals: the prefix index (open addressing, linear probing) -----------

  private home(table: number, dst: number, len: number): number {
    let h = Math.imul(dst ^ Math.imul(table + len * 0x01000193, 0x9e3779b9), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.bucketMask;
  }

  /** The selected slot of (table, prefix), or -1. */
  private findHead(table: number, dst: number, len: number): number {
    const buckets = this.buckets;
    for (let i = this.home(table, dst, len); ; i = (i + 1) & this.bucketMask) {
      const v = buckets[i]!;
      if (v === 0) return -1;
      const s = v - 1;
      if (this.dst[s] === dst && this.len[s] === len && this.table[s] === table) return s;
    }
  }

  private bucketOfSlot(slot: number): number {
    for (let i = this.home(this.table[slot]!, this.dst[slot]!, this.len[slot]!); ; i = (i + 1) & this.bucketMask) {
      if (this.buckets[i] === slot + 1) return i;
    }
  }

  private insertBucket(slot: number): void {
    if ((this.prefixCount + 1) * 2 > this.buckets.length) this.growBuckets();
    let i = this.home(this.table[slot]!, this.dst[slot]!, this.len[slot]!);
    while (this.buckets[i] !== 0) i = (i + 1) & this.bucketMask;
    this.buckets[i] = slot + 1;
    this.prefixCount++;
  }

  private replaceBucket(oldSlot: number, newSlot: number): void {
    this.buckets[this.bucketOfSlot(oldSlot)] = newSlot + 1;
  }

  private deleteBucket(slot: number): void {
    let i = this.bucketOfSlot(slot);
    const mask = this.bucketMask;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = this.buckets[j]!;
      if (v === 0) break;
      const s = v - 1;
      const h = this.home(this.table[s]!, this.dst[s]!, this.len[s]!);
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        this.buckets[i] = v;
        i = j;
      }
    }
    this.buckets[i] = 0;
    this.prefixCount--;
  }

  private growBuckets(): void {
    const old = this.buckets;
    this.buckets = new Int32Array(old.length * 2);
    this.bucketMask = this.buckets.length - 1;
    for (let k = 0; k < old.length; k++) {
      const v = old[k]!;
      if (v === 0) continue;
      const s = v - 1;
      let i = this.home(this.table[s]!, this.dst[s]!, this.len[s]!);
      while (this.buckets[i] !== 0) i = (i + 1) & this.bucketMask;
      this.buckets[i] = v;
    }
  }
}

interface DeviceAddress {
  readonly ifindex: number;
  readonly address: Ipv4Address;
  length: number;
}

interface NormalizedRoute {
  table: number;
  type: number;
  dst: number;
  len: number;
  proto: number;
  scope: number;
  metric: number;
  prefsrc: number;
  nexthops: readonly NextHopInput[];
}

const GET_ERRORS = {
  ENETUNREACH: { errno: 'ENETUNREACH', message: 'Network is unreachable', icmp: { type: 3, code: 0 } },
  EHOSTUNREACH: { errno: 'EHOSTUNREACH', message: 'No route to host', icmp: { type: 3, code: 1 } },
  EACCES: { errno: 'EACCES', message: 'Permission denied', icmp: { type: 3, code: 13 } },
  EINVAL: { errno: 'EINVAL', message: 'Invalid argument' },
} as const satisfies Record<string, RouteGetError>;

function pick<O extends object, K extends keyof O>(o: O, keys: readonly K[]): Partial<Pick<O, K>> {
  const out: Partial<Pick<O, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function isUint32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

function checkPrefix(p: Ipv4Prefix): { address: number; length: number } {
  const { address, length } = p;
  if (!Number.isInteger(length) || length < 0 || length > 32 || !isUint32(address)) {
    throw new RouteError('invalid', `bad prefix ${address}/${length}`);
  }
  if (maskAddress(address, length) !== address) {
    throw new RouteError('invalid', `invalid prefix for given prefix length: ${formatPrefix(address, length)}`);
  }
  return { address, length };
}

function checkType(t: string): number {
  if (!isRouteType(t)) throw new RouteError('invalid', `unknown route type ${JSON.stringify(t)}`);
  return ROUTE_TYPE_NUMBERS[t];
}

function checkTable(t: number): number {
  if (!isUint32(t)) throw new RouteError('invalid', `table ${t}`);
  return t;
}

function checkByte(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RouteError('invalid', `${what} ${v} is not in 0..255`);
  return v;
}

function checkUint32(v: number, what: string): number {
  if (!isUint32(v)) throw new RouteError('invalid', `${what} ${v} is not in 0..4294967295`);
  return v;
}

function formatPrefix(address: number, length: number): string {
  return `${formatIpv4(address as Ipv4Address)}/${length}`;
}


import { formatIpv4, type Ipv4Address } from '@wirestack/core';
import { RouteError } from './errors.js';
import type { Interfaces } from './interfaces.js';
import {
  defaultScopeFor,
  defaultTableFor,
  isRouteType,
  parseProtocol,
  parseScope,
  parseTable,
  PROTO_BOOT,
  protocolName,
  SCOPE_UNIVERSE,
  scopeName,
  TABLE_MAIN,
  tableName,
  type RouteType,
} from './names.js';
import type { NextHopInput, Route, RouteInput } from './route.js';
import type { Rib } from './rib.js';

/**
 * `ip route` text: one route per line as `ip route show` prints it (a
 * multipath route continues on lines starting with `nexthop`, or on the
 * same line as `ip -o` and `ip route add` write it).
 *
 * The parser is a hand-written scanner over character codes, not a regular
 * expression per field: a million lines load in about a second.
 */

export interface ParseRouteOptions {
  /**
   * The table the text lists (as `ip route show table N` omits `table N`).
   * Default: main, and local for local/broadcast/anycast/nat routes, as
   * `ip route add` does.
   */
  readonly table?: number;
}

/** Flags iproute2 prints that describe state, not configuration: accepted and ignored. */
const IGNORED_FLAGS = new Set(['linkdown', 'dead', 'pervasive', 'offload', 'trap', 'offload_failed', 'rt_offload', 'rt_trap', 'rt_offload_failed', 'notify', 'unresolved', '\\']);
/** Route metrics and attributes with one argument that a Route does not model: accepted and ignored. */
const IGNORED_WITH_ARGUMENT = new Set([
  'mtu', 'advmss', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'initcwnd', 'initrwnd', 'hoplimit', 'reordering',
  'rto_min', 'quickack', 'fastopen_no_cookie', 'features', 'congctl', 'realm', 'realms', 'expires', 'pref', 'uid', 'error',
]);

/** A scanner over one route's text: tokens are runs of non-blank characters. */
class Scanner {
  text = '';
  pos = 0;
  limit = 0;
  start = 0;
  end = 0;

  /** Scans text[from, to): a whole table is scanned in place, without a string per line. */
  reset(text: string, from = 0, to = text.length): void {
    this.text = text;
    this.pos = from;
    this.limit = to;
  }

  /** Advances to the next token; false at the end. */
  next(): boolean {
    const t = this.text;
    let i = this.pos;
    const n = this.limit;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
    if (i >= n) {
      this.pos = i;
      return false;
    }
    this.start = i;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) break;
      i++;
    }
    this.end = i;
    this.pos = i;
    return true;
  }

  token(): string {
    return this.text.slice(this.start, this.end);
  }

  /** True when the current token is exactly `word` (no string is made). */
  is(word: string): boolean {
    return this.end - this.start === word.length && this.text.startsWith(word, this.start);
  }

  /** The keyword code of the current token, or K.other. */
  keyword(): number {
    const len = this.end - this.start;
    if (len > 10) return K.other;
    for (const [word, code] of KEYWORDS_BY_LENGTH[len]!) if (this.text.startsWith(word, this.start)) return code;
    return K.other;
  }

  /** The next token, or an 'invalid' error naming what was expected after `keyword`. */
  argument(keyword: string): string {
    if (!this.next()) throw new RouteError('invalid', `"${keyword}" needs an argument`);
    return this.token();
  }

  /**
   * The current token as a dotted quad (uint32), or -1. Octets 0..255
   * without leading zeros, as core's parseIpv4 accepts.
   */
  address(from = this.start, to = this.end): number {
    const t = this.text;
    let value = 0;
    let octets = 0;
    let i = from;
    while (octets < 4) {
      const first = i;
      let octet = 0;
      while (i < to) {
        const c = t.charCodeAt(i);
        if (c < 48 || c > 57) break;
        octet = octet * 10 + (c - 48);
        i++;
      }
      const digits = i - first;
      if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && t.charCodeAt(first) === 48)) return -1;
      value = value * 256 + octet;
      octets++;
      if (octets < 4) {
        if (i >= to || t.charCodeAt(i) !== 46) return -1;
        i++;
      }
    }
    return i === to ? value : -1;
  }

  /** The current token as an unsigned decimal integer up to `max`, or -1. */
  uint(max: number): number {
    const t = this.text;
    if (this.end - this.start > 10 || this.end === this.start) return -1;
    if (this.end - this.start > 1 && t.charCodeAt(this.start) === 48) return -1;
    let v = 0;
    for (let i = this.start; i < this.end; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
      v = v * 10 + (c - 48);
    }
    return v <= max ? v : -1;
  }
}

const scanner = new Scanner();

/** Keyword codes, so the parser switches on numbers instead of slicing every token into a string. */
const enum K {
  other,
  via,
  dev,
  weight,
  onlink,
  nexthop,
  table,
  proto,
  scope,
  src,
  metric,
  unsupported,
}
const KEYWORDS: [string, K][] = [
  ['via', K.via], ['dev', K.dev], ['oif', K.dev], ['weight', K.weight], ['onlink', K.onlink], ['nexthop', K.nexthop],
  ['table', K.table], ['proto', K.proto], ['protocol', K.proto], ['scope', K.scope], ['src', K.src],
  ['metric', K.metric], ['priority', K.metric], ['preference', K.metric],
  ['tos', K.unsupported], ['dsfield', K.unsupported], ['from', K.unsupported],
];
const KEYWORDS_BY_LENGTH: [string, K][][] = Array.from({ length: 11 }, (_, n) => KEYWORDS.filter(([w]) => w.length === n));

/** The last protocol name parsed: a table names the same one on most lines. */
let lastProtocol = { text: 'boot', value: PROTO_BOOT };

/** The last device name looked up, per registry: tables name the same device on most lines. */
let lastDevice: { interfaces: Interfaces; name: string; index: number } | undefined;

function deviceIndex(s: Scanner, interfaces: Interfaces): number {
  if (!s.next()) throw new RouteError('invalid', '"dev" needs an argument');
  const cached = lastDevice;
  if (cached !== undefined && cached.interfaces === interfaces && s.is(cached.name)) return cached.index;
  const name = s.token();
  const index = interfaces.ensure(name);
  lastDevice = { interfaces, name, index };
  return index;
}

/** A mutable next hop while parsing. */
interface NextHopDraft {
  gateway?: Ipv4Address;
  ifindex?: number;
  weight?: number;
  onlink?: boolean;
}

/**
 * Parses one route in `ip route` form (`10.244.1.0/24 via 10.168.0.3 dev
 * eth0 proto static metric 100`, `unreachable 10.7.0.0/16`, a multipath
 * route with its `nexthop` parts). Device names are looked up in
 * `interfaces` and registered when new. Throws RouteError 'invalid'.
 */
export function parseRoute(text: string, interfaces: Interfaces, options: ParseRouteOptions = {}): RouteInput {
  return parseRouteAt(text, 0, text.length, interfaces, options);
}

/** parseRoute over text[from, to). */
function parseRouteAt(text: string, from: number, to: number, interfaces: Interfaces, options: ParseRouteOptions): RouteInput {
  const s = scanner;
  s.reset(text, from, to);
  if (!s.next()) throw new RouteError('invalid', 'empty route');
  let type: RouteType | undefined;
  const first = text.charCodeAt(s.start);
  if (first < 48 || first > 57) {
    // Not a dotted quad: a route type, or `default`.
    const word = s.token();
    if (isRouteType(word)) {
      type = word;
      if (!s.next()) throw new RouteError('invalid', 'a route type needs a destination');
    }
  }
  const destination = parseDestination(s);
  let table: number | undefined;
  let protocol: number | undefined;
  let scope: number | undefined;
  let metric: number | undefined;
  let prefsrc: number | undefined;
  const single: NextHopDraft = {};
  let multipath: NextHopDraft[] | undefined;
  let current: NextHopDraft = single;
  while (s.next()) {
    switch (s.keyword()) {
      case K.via: {
        if (!s.next()) throw new RouteError('invalid', '"via" needs an argument');
        if (s.is('inet') && !s.next()) throw new RouteError('invalid', '"via" needs an argument');
        const a = s.address();
        if (a < 0) throw new RouteError('invalid', `"via" needs an IPv4 address, not ${JSON.stringify(s.token())}`);
        current.gateway = a as Ipv4Address;
        break;
      }
      case K.dev:
        current.ifindex = deviceIndex(s, interfaces);
        break;
      case K.weight: {
        s.argument('weight');
        const w = s.uint(256);
        if (w < 1) throw new RouteError('invalid', `weight ${s.token()}`);
        current.weight = w;
        break;
      }
      case K.onlink:
        current.onlink = true;
        break;
      case K.nexthop:
        current = {};
        (multipath ??= []).push(current);
        break;
      case K.table: {
        const t = parseTable(s.argument('table'));
        if (t === undefined) throw new RouteError('invalid', `table ${s.token()}`);
        table = t;
        break;
      }
      case K.proto: {
        if (!s.next()) throw new RouteError('invalid', '"proto" needs an argument');
        if (s.is(lastProtocol.text)) {
          protocol = lastProtocol.value;
          break;
        }
        const word = s.token();
        const p = parseProtocol(word);
        if (p === undefined) throw new RouteError('invalid', `protocol ${word}`);
        lastProtocol = { text: word, value: p };
        protocol = p;
        break;
      }
      case K.scope: {
        const sc = parseScope(s.argument('scope'));
        if (sc === undefined) throw new RouteError('invalid', `scope ${s.token()}`);
        scope = sc;
        break;
      }
      case K.src: {
        s.argument('src');
        const a = s.address();
        if (a < 0) throw new RouteError('invalid', `src ${s.token()}`);
        prefsrc = a;
        break;
      }
      case K.metric: {
        s.argument('metric');
        const m = s.uint(0xffff_ffff);
        if (m < 0) throw new RouteError('invalid', `metric ${s.token()}`);
        metric = m;
        break;
      }
      case K.unsupported:
        throw new RouteError('invalid', `"${s.token()}" routes are not supported`);
      default: {
        const word = s.token();
        if (IGNORED_FLAGS.has(word)) break;
        if (IGNORED_WITH_ARGUMENT.has(word)) {
          if (s.argument(word) === 'lock') s.argument(word);
          break;
        }
        throw new RouteError('invalid', `unknown keyword ${JSON.stringify(word)}`);
      }
    }
  }
  const typeName = type ?? 'unicast';
  const nexthops: NextHopInput[] = [];
  if (multipath !== undefined) {
    if (single.gateway !== undefined || single.ifindex !== undefined) {
      throw new RouteError('invalid', 'a route has either "via"/"dev" or "nexthop" parts, not both');
    }
    for (const nh of multipath) nexthops.push(nh);
  } else if (single.gateway !== undefined || single.ifindex !== undefined) {
    nexthops.push(single);
  }
  const route: { -readonly [K in keyof RouteInput]: RouteInput[K] } = {
    destination,
    table: table ?? options.table ?? defaultTableFor(typeName),
  };
  if (type !== undefined) route.type = type;
  if (protocol !== undefined) route.protocol = protocol;
  if (scope !== undefined) route.scope = scope;
  if (metric !== undefined) route.metric = metric;
  if (prefsrc !== undefined) route.prefsrc = prefsrc as Ipv4Address;
  if (nexthops.length > 0) route.nexthops = nexthops;
  return route;
}

function parseDestination(s: Scanner): { address: Ipv4Address; length: number } {
  if (s.is('default') || s.is('all') || s.is('any')) return { address: 0 as Ipv4Address, length: 0 };
  const t = s.text;
  const start = s.start;
  const end = s.end;
  let slash = end;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 47) {
      slash = i;
      break;
    }
    if (c === 58) throw new RouteError('invalid', `IPv6 destination ${JSON.stringify(s.token())}`);
  }
  const address = s.address(start, slash);
  if (address < 0) throw new RouteError('invalid', `destination ${JSON.stringify(s.token())}`);
  let length = 32;
  if (slash < end) {
    s.start = slash + 1;
    length = s.uint(32);
    s.start = start;
    if (length < 0) throw new RouteError('invalid', `prefix length in ${JSON.stringify(s.token())}`);
  }
  if (length < 32 && (address & (0xffff_ffff >>> length)) !== 0) {
    throw new RouteError('invalid', `invalid prefix for given prefix length: ${s.token()}`);
  }
  return { address: address as Ipv4Address, length };
}

export interface FormatRouteOptions {
  /** The table being listed: its routes print without `table` (default main). */
  readonly table?: number;
  /** Multipath next hops on the same line (as `ip -o`), instead of continuation lines. */
  readonly oneline?: boolean;
}

/**
 * One route in `ip route show` form. Fields at their defaults are left out
 * as iproute2 does (proto boot, scope global, metric 0, table main); where
 * `ip route add` would infer another value from the text, the field is
 * printed, so that `parseRoute(formatRoute(r))` gives `r` back.
 */
export function formatRoute(route: Route, interfaces: Interfaces, options: FormatRouteOptions = {}): string {
  const listing = options.table ?? TABLE_MAIN;
  let out = route.type === 'unicast' ? '' : `${route.type} `;
  const { address, length } = route.destination;
  out += length === 0 ? 'default' : length === 32 ? formatIpv4(address) : `${formatIpv4(address)}/${length}`;
  const nexthops = route.nexthops;
  const multipath = nexthops.length > 1 || (nexthops.length === 1 && nexthops[0]!.weight !== 1);
  if (!multipath && nexthops.length === 1) {
    const nh = nexthops[0]!;
    if (nh.gateway !== undefined) out += ` via ${formatIpv4(nh.gateway)}`;
    if (nh.ifindex !== undefined) out += ` dev ${deviceName(interfaces, nh.ifindex)}`;
  }
  const impliedTable = options.table ?? defaultTableFor(route.type);
  if (route.table !== listing || route.table !== impliedTable) out += ` table ${tableName(route.table)}`;
  if (route.protocol !== PROTO_BOOT) out += ` proto ${protocolName(route.protocol)}`;
  const hasGateway = nexthops.some((n) => n.gateway !== undefined);
  if (route.scope !== SCOPE_UNIVERSE || route.scope !== defaultScopeFor(route.type, hasGateway)) {
    out += ` scope ${scopeName(route.scope)}`;
  }
  if (route.prefsrc !== undefined) out += ` src ${formatIpv4(route.prefsrc)}`;
  if (route.metric !== 0) out += ` metric ${route.metric}`;
  if (!multipath && nexthops.length === 1 && nexthops[0]!.onlink) out += ' onlink';
  if (multipath) {
    const sep = options.oneline === true ? ' ' : '\n\t';
    for (const nh of nexthops) {
      out += `${sep}nexthop`;
      if (nh.gateway !== undefined) out += ` via ${formatIpv4(nh.gateway)}`;
      if (nh.ifindex !== undefined) out += ` dev ${deviceName(interfaces, nh.ifindex)}`;
      out += ` weight ${nh.weight}`;
      if (nh.onlink) out += ' onlink';
    }
  }
  return out;
}

function deviceName(interfaces: Interfaces, ifindex: number): string {
  return interfaces.nameOf(ifindex) ?? `if${ifindex}`;
}

/** Lists the RIB (or one table) in `ip route show table all` form, one route per entry. */
export function formatRoutes(rib: Rib, options: FormatRouteOptions = {}): string[] {
  return rib.list(options.table).map((r) => formatRoute(r, rib.interfaces, options));
}

export interface LoadRoutesOptions extends ParseRouteOptions {
  /** How each route goes in: 'add' (default; a duplicate is an error), 'replace' or 'append'. */
  readonly mode?: 'add' | 'replace' | 'append';
}

export interface LoadResult {
  /** Routes added. */
  readonly loaded: number;
  /** Lines skipped: IPv6 routes (the RIB is IPv4), comments and blank lines. */
  readonly skipped: number;
}

/**
 * Feeds `ip route show` text into a RIB line by line: continuation lines
 * (starting with blanks then `nexthop`) belong to the route before them.
 * Errors are RouteErrors carrying the 1-based line number.
 */
export class RouteLoader {
  private pending = '';
  private pendingLine = 0;
  private lineNumber = 0;
  private loadedCount = 0;
  private skippedCount = 0;
  private readonly insert: (route: RouteInput) => void;

  constructor(
    private readonly rib: Rib,
    private readonly options: LoadRoutesOptions = {},
  ) {
    const mode = options.mode ?? 'add';
    this.insert = mode === 'add' ? (r) => rib.add(r) : mode === 'replace' ? (r) => rib.replace(r) : (r) => rib.append(r);
  }

  get loaded(): number {
    return this.loadedCount;
  }

  get skipped(): number {
    return this.skippedCount;
  }

  /** One line of text (without its newline). */
  line(text: string): void {
    this.lineNumber++;
    let i = 0;
    while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i === text.length || text.charCodeAt(i) === 35 /* # */) {
      this.skippedCount++;
      return;
    }
    if (i > 0 && text.startsWith('nexthop', i)) {
      if (this.pendingLine === 0) throw new RouteError('invalid', 'a "nexthop" line without a route', this.lineNumber);
      this.pending += ` ${text}`;
      return;
    }
    this.flush();
    this.pending = text;
    this.pendingLine = this.lineNumber;
  }

  /** Ends the input: the last route goes in. */
  end(): LoadResult {
    this.flush();
    return { loaded: this.loadedCount, skipped: this.skippedCount };
  }

  private flush(): void {
    if (this.pendingLine === 0) return;
    const text = this.pending;
    const line = this.pendingLine;
    this.pending = '';
    this.pendingLine = 0;
    if (isIpv6Route(text)) {
      this.skippedCount++;
      return;
    }
    try {
      this.insert(parseRoute(text, this.rib.interfaces, this.options));
    } catch (e) {
      if (e instanceof RouteError) throw new RouteError(e.code, `${e.message}: ${text.trim()}`, line);
      throw e;
    }
    this.loadedCount++;
  }
}

/** True when the route's destination is an IPv6 prefix (`ip route show table all` mixes them in). */
const probe = new Scanner();
function isIpv6Route(text: string, from = 0, to = text.length): boolean {
  const s = probe;
  s.reset(text, from, to);
  if (!s.next()) return false;
  const first = text.charCodeAt(s.start);
  if ((first < 48 || first > 57) && isRouteType(s.token()) && !s.next()) return false;
  for (let i = s.start; i < s.end; i++) if (text.charCodeAt(i) === 58) return true;
  return false;
}

/**
 * Loads a whole `ip route show` text into the RIB. The text is scanned in
 * place (a route and its continuation lines are one range of it), so a
 * million-line table costs no string per line.
 */
export function loadRoutes(rib: Rib, text: string, options: LoadRoutesOptions = {}): LoadResult {
  const mode = options.mode ?? 'add';
  let loaded = 0;
  let skipped = 0;
  let routeStart = -1;
  let routeEnd = -1;
  let routeLine = 0;
  let lineNumber = 0;
  const flush = (): void => {
    if (routeStart < 0) return;
    try {
      if (isIpv6Route(text, routeStart, routeEnd)) {
        skipped++;
      } else {
        const route = parseRouteAt(text, routeStart, routeEnd, rib.interfaces, options);
        if (mode === 'add') rib.add(route);
        else if (mode === 'replace') rib.replace(route);
        else rib.append(route);
        loaded++;
      }
    } catch (e) {
      if (e instanceof RouteError) throw new RouteError(e.code, `${e.message}: ${text.slice(routeStart, routeEnd).trim()}`, routeLine);
      throw e;
    }
    routeStart = -1;
  };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    let i = start;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
    if (i === end || text.charCodeAt(i) === 35 /* # */) {
      skipped++;
    } else if (i > start && text.startsWith('nexthop', i)) {
      if (routeStart < 0) throw new RouteError('invalid', 'a "nexthop" line without a route', lineNumber);
      routeEnd = end; // continuation lines follow their route, so the route stays one range
    } else {
      flush();
      routeStart = start;
      routeEnd = end;
      routeLine = lineNumber;
    }
    start = end + 1;
  }
  flush();
  return { loaded, skipped };
}

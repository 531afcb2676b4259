/**
 * Route types, protocols, scopes and table ids with the kernel's numbers
 * (linux/rtnetlink.h) and the names iproute2 prints for them. Protocol,
 * scope and table are open: any number 0..255 (tables: 0..2^32-1) is valid
 * and prints as a number when it has no name.
 */

/** RTN_* route types, by name. */
export type RouteType =
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'nat';

/** RTN_* numbers; index 0 (RTN_UNSPEC) marks a free slot in the RIB's columns. */
export const ROUTE_TYPE_NUMBERS: Readonly<Record<RouteType, number>> = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
};

export const ROUTE_TYPES: readonly RouteType[] = Object.keys(ROUTE_TYPE_NUMBERS) as RouteType[];

const TYPE_BY_NUMBER: (RouteType | undefined)[] = [];
for (const t of ROUTE_TYPES) TYPE_BY_NUMBER[ROUTE_TYPE_NUMBERS[t]] = t;

export function routeTypeOf(n: number): RouteType {
  const t = TYPE_BY_NUMBER[n];
  if (t === undefined) throw new RangeError(`not a route type number: ${n}`);
  return t;
}

export function isRouteType(name: string): name is RouteType {
  return Object.prototype.hasOwnProperty.call(ROUTE_TYPE_NUMBERS, name);
}

/** Route types whose routes go to the local table when no table is given (as `ip route add` does). */
export function defaultTableFor(type: RouteType): number {
  return type === 'local' || type === 'broadcast' || type === 'anycast' || type === 'nat' ? TABLE_LOCAL : TABLE_MAIN;
}

/**
 * The scope `ip route add` gives a route when none is named: host for
 * local/nat, link for broadcast/anycast/multicast and for unicast routes
 * without a gateway (a connected network), universe otherwise.
 */
export function defaultScopeFor(type: RouteType, hasGateway: boolean): number {
  if (type === 'local' || type === 'nat') return SCOPE_HOST;
  if (type === 'broadcast' || type === 'anycast' || type === 'multicast') return SCOPE_LINK;
  if (type === 'unicast' && !hasGateway) return SCOPE_LINK;
  return SCOPE_UNIVERSE;
}

// RT_TABLE_*
export const TABLE_UNSPEC = 0;
export const TABLE_COMPAT = 252;
export const TABLE_DEFAULT = 253;
export const TABLE_MAIN = 254;
export const TABLE_LOCAL = 255;

// RT_SCOPE_*
export const SCOPE_UNIVERSE = 0;
export const SCOPE_SITE = 200;
export const SCOPE_LINK = 253;
export const SCOPE_HOST = 254;
export const SCOPE_NOWHERE = 255;

// RTPROT_* (the ones the RIB itself uses)
export const PROTO_UNSPEC = 0;
export const PROTO_KERNEL = 2;
export const PROTO_BOOT = 3;
export const PROTO_STATIC = 4;
export const PROTO_BGP = 186;

/** iproute2's names (lib/rt_names.c and /etc/iproute2/rt_protos). */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'unspec'],
  [1, 'redirect'],
  [2, 'kernel'],
  [3, 'boot'],
  [4, 'static'],
  [8, 'gated'],
  [9, 'ra'],
  [10, 'mrt'],
  [11, 'zebra'],
  [12, 'bird'],
  [13, 'dnrouted'],
  [14, 'xorp'],
  [15, 'ntk'],
  [16, 'dhcp'],
  [17, 'mrouted'],
  [18, 'keepalived'],
  [42, 'babel'],
  [99, 'openr'],
  [186, 'bgp'],
  [187, 'isis'],
  [188, 'ospf'],
  [189, 'rip'],
  [192, 'eigrp'],
]);
const SCOPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'global'],
  [200, 'site'],
  [253, 'link'],
  [254, 'host'],
  [255, 'nowhere'],
]);
const TABLE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'unspec'],
  [252, 'compat'],
  [253, 'default'],
  [254, 'main'],
  [255, 'local'],
]);

function inverse(names: ReadonlyMap<number, string>): Map<string, number> {
  return new Map([...names].map(([n, s]) => [s, n]));
}
const PROTOCOL_NUMBERS = inverse(PROTOCOL_NAMES);
const SCOPE_NUMBERS = inverse(SCOPE_NAMES);
SCOPE_NUMBERS.set('universe', SCOPE_UNIVERSE);
const TABLE_NUMBERS = inverse(TABLE_NAMES);
TABLE_NUMBERS.set('all', TABLE_UNSPEC);

export function protocolName(n: number): string {
  return PROTOCOL_NAMES.get(n) ?? String(n);
}
export function scopeName(n: number): string {
  return SCOPE_NAMES.get(n) ?? String(n);
}
export function tableName(n: number): string {
  return TABLE_NAMES.get(n) ?? String(n);
}

function numberOf(names: ReadonlyMap<string, number>, text: string, max: number): number | undefined {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** A protocol name or number 0..255; undefined when it is neither. */
export function parseProtocol(text: string): number | undefined {
  return numberOf(PROTOCOL_NUMBERS, text, 255);
}
/** A scope name (`global`/`universe`, `site`, `link`, `host`, `nowhere`) or number 0..255. */
export function parseScope(text: string): number | undefined {
  return numberOf(SCOPE_NUMBERS, text, 255);
}
/** A table name (`main`, `local`, `default`, ...) or number 0..2^32-1. */
export function parseTable(text: string): number | undefined {
  return numberOf(TABLE_NUMBERS, text, 0xffff_ffff);
}

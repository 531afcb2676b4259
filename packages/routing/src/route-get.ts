import { formatIpv4, type Ipv4Address } from '@wirestack/core';
import type { Interfaces } from './interfaces.js';
import { TABLE_LOCAL, TABLE_MAIN, tableName } from './names.js';
import type { Rib, RouteGetOptions, RouteGetResult } from './rib.js';

/**
 * `ip route get` answers as text, and the streaming loop behind
 * `wirestack route get --table FILE ADDR...` (the CLI only does the I/O).
 */

/**
 * One answer in the form `ip route get` prints (without its `uid` and
 * `cache` details): `10.244.1.5 via 10.168.0.3 dev eth0 src 10.168.0.2`,
 * `local 10.0.0.1 dev lo src 10.0.0.1`, with `table T` when the route is
 * not in main (nor a local/broadcast route in local, where the kernel's own
 * routes live). A route that refuses the packet prints its type:
 * `unreachable 10.7.1.1`, `prohibit ...`, `blackhole ...`; no route at all
 * prints `unreachable ADDR (no route)`, an unresolvable gateway
 * `unreachable ADDR via GW (gateway unresolved)`.
 */
export function formatRouteGet(result: RouteGetResult, interfaces: Interfaces): string {
  const dst = formatIpv4(result.destination);
  // Like the kernel, say nothing of main, nor of local for its own local/broadcast routes.
  const quiet = result.table === undefined || result.table === TABLE_MAIN ||
    (result.table === TABLE_LOCAL && (result.type === 'local' || result.type === 'broadcast'));
  const table = quiet ? '' : ` table ${tableName(result.table!)}`;
  if (result.error !== undefined) {
    if (result.route === undefined) return `unreachable ${dst} (no route)`;
    if (result.type === 'unicast') {
      const gw = result.route.nexthops[0]?.gateway;
      return `unreachable ${dst}${gw === undefined ? '' : ` via ${formatIpv4(gw)}`}${table} (gateway unresolved)`;
    }
    return `${result.type} ${dst}${table}`;
  }
  let out = result.type === 'unicast' ? dst : `${result.type} ${dst}`;
  if (result.source !== undefined) out += ` from ${formatIpv4(result.source)}`;
  if (result.gateway !== undefined) out += ` via ${formatIpv4(result.gateway)}`;
  if (result.ifindex !== undefined) out += ` dev ${interfaces.nameOf(result.ifindex) ?? `if${result.ifindex}`}`;
  out += table;
  if (result.prefsrc !== undefined) out += ` src ${formatIpv4(result.prefsrc)}`;
  if (result.iif !== undefined) out += ` iif ${interfaces.nameOf(result.iif) ?? `if${result.iif}`}`;
  return out;
}

/** Parses a dotted quad without allocating; -1 when the text is not one. */
function parseAddress(text: string): number {
  let value = 0;
  let octets = 0;
  let i = 0;
  const n = text.length;
  while (octets < 4) {
    const first = i;
    let octet = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(first) === 48)) return -1;
    value = value * 256 + octet;
    if (++octets < 4) {
      if (i >= n || text.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === n ? value : -1;
}

/**
 * The answer for one address given as text (surrounding blanks ignored):
 * the `formatRouteGet` line, or iproute2's complaint for text that is not
 * an IPv4 address.
 */
export function routeGetLine(rib: Rib, text: string, options: RouteGetOptions = {}): string {
  const trimmed = text.trim();
  const a = parseAddress(trimmed);
  if (a < 0) return `Error: any valid address is expected rather than ${JSON.stringify(trimmed)}.`;
  return formatRouteGet(rib.get(a as Ipv4Address, options), rib.interfaces);
}

/**
 * Streams answers for addresses read one per line (blank lines skipped),
 * e.g. from standard input: each answer is yielded as soon as its line
 * arrives.
 */
export async function* routeGetStream(
  rib: Rib,
  lines: AsyncIterable<string> | Iterable<string>,
  options: RouteGetOptions = {},
): AsyncGenerator<string> {
  for await (const line of lines) {
    if (line.trim().length === 0) continue;
    yield routeGetLine(rib, line, options);
  }
}

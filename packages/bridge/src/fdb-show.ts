/**
 * `bridge fdb show` lines, in iproute2's order of words: MAC, `dev`, `dst`,
 * `vlan`, `port`, `vni`, flags (`self`, `sticky`), `master`, then the state
 * (`permanent`, `static`; nothing for a learned entry: expired ones are
 * not listed, so the kernel's `stale` never shows).
 * iproute2 ends each line with a space; these lines are trimmed.
 */
import { type MacAddress, formatIpv4, formatMac } from '@wirestack/core';
import type { FdbEntry } from './bridge.js';
import type { VxlanEntryState, VxlanFdb, VxlanRemote } from './vxlan-fdb.js';

export function formatBridgeEntry(e: FdbEntry, bridgeName: string): string {
  let line = `${formatMac(e.mac)} dev ${e.dev}`;
  if (e.vlan !== 0) line += ` vlan ${e.vlan}`;
  if (e.sticky) line += ' sticky';
  line += ` master ${bridgeName}`;
  if (e.state !== 'dynamic') line += ` ${e.state}`;
  return line;
}

/** One line per remote; `port` and `vni` only where they differ from the device's own. */
export function formatVxlanEntry(
  e: { mac: MacAddress; remotes: readonly VxlanRemote[]; state: VxlanEntryState },
  dev: string,
  vx: VxlanFdb,
): string[] {
  return e.remotes.map((r) => {
    let line = `${formatMac(e.mac)} dev ${dev} dst ${formatIpv4(r.ip)}`;
    if (r.port !== vx.dstPort) line += ` port ${r.port}`;
    if (r.vni !== vx.vni) line += ` vni ${r.vni}`;
    line += ' self';
    if (e.state !== 'dynamic') line += ` ${e.state}`;
    return line;
  });
}

import { rename, rm } from 'node:fs/promises';
import { parseIpv4, type Ipv4Address } from '@wirestack/core';
import { mrtIpv4, tableDumpV2Records, type MrtPeer, type SnapshotPrefix, type TableDumpV2Snapshot } from '@wirestack/bgp';
import { writeMrtFile, type BgpSpeaker, type SpeakerOptions } from '@wirestack/bgp/node';

/**
 * The `--mrt-dump` snapshot: the speaker's Loc-RIB as TABLE_DUMP_V2.
 *
 * The peer table holds our own speaker first (index 0, address 0.0.0.0:
 * the routes we originate) and then the configured peers in file order,
 * each with the BGP Identifier its routes carry (0.0.0.0 when it gave us
 * none). Each prefix has one entry, its best route.
 */
export function locRibSnapshot(speaker: BgpSpeaker, options: SpeakerOptions, timestamp: number): TableDumpV2Snapshot & { readonly routes: readonly SnapshotPrefix[] } {
  // A copy, taken now: the Loc-RIB empties as sessions close on shutdown,
  // and the dump is written after the Cease went out.
  const best = speaker.routes();
  const indexOf = new Map<number, number>(options.peers.map((p, i) => [parseIpv4(p.address), i + 1]));
  const bgpIds = new Map<number, Ipv4Address>();
  const routes: SnapshotPrefix[] = [];
  for (const r of best) {
    const peerIndex = r.source.kind === 'local' ? 0 : indexOf.get(r.source.address);
    if (peerIndex === undefined) continue; // not a configured peer: cannot happen, the engine only peers with those
    if (peerIndex > 0) bgpIds.set(peerIndex, r.source.bgpId);
    routes.push({ prefix: r.prefix.address, length: r.prefix.length, entries: [{ peerIndex, originatedTime: timestamp, attributes: r.attributes }] });
  }
  const routerId = parseIpv4(options.routerId);
  const peers: MrtPeer[] = [
    { bgpId: routerId, address: mrtIpv4(0 as Ipv4Address), asn: options.asn },
    ...options.peers.map((p, i) => ({ bgpId: bgpIds.get(i + 1) ?? (0 as Ipv4Address), address: mrtIpv4(parseIpv4(p.address)), asn: p.asn })),
  ];
  return { timestamp, collectorId: routerId, viewName: '', peers, routes };
}

/**
 * Writes the snapshot next to `path` and renames it into place, so a
 * reader never sees half a dump (SIGUSR1 may come while one is read).
 */
export async function writeLocRibDump(path: string, snapshot: TableDumpV2Snapshot): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeMrtFile(temporary, tableDumpV2Records(snapshot));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

import { EncodeError, checkUint, type Ipv4Address } from '@wirestack/core';
import type { BgpMessage, PathAttributes } from '../messages.js';
import { encodeBgp4mpMessage, bgp4mpMessageSubtype, encodeStateChange } from './bgp4mp.js';
import { encodeMrtRecord, frameMrtRecord, writeMrtHeader } from './codec.js';
import { Bgp4mpSubtype, MRT_HEADER_LENGTH, MrtType } from './layout.js';
import type { MrtAddress, MrtPeer, MrtRecord } from './records.js';
import { encodeRib, encodeRibAttributes, ribSubtype } from './table-dump-v2.js';

/**
 * Writing MRT: TABLE_DUMP_V2 snapshots of a RIB and BGP4MP message logs,
 * as records (one Uint8Array each) so a full table streams to a file
 * without one giant buffer.
 */

/** An IPv4 address in the form MRT records hold. */
export function mrtIpv4(address: Ipv4Address): MrtAddress {
  return { family: 'ipv4', address };
}

/** One path to a prefix, from the peer at `peerIndex` of the snapshot's peer table. */
export interface SnapshotEntry {
  readonly peerIndex: number;
  /** Seconds since the epoch when the route was received. */
  readonly originatedTime: number;
  readonly attributes: PathAttributes;
  /** Only with `addPath` (RFC 8050 RIB_IPV4_UNICAST_ADDPATH). */
  readonly pathId?: number;
}

/** Every path to one IPv4 prefix. */
export interface SnapshotPrefix {
  readonly prefix: Ipv4Address;
  readonly length: number;
  readonly entries: readonly SnapshotEntry[];
}

export interface TableDumpV2Snapshot {
  /** Seconds since the epoch: the time of the dump, in every record's header. */
  readonly timestamp: number;
  /** The BGP Identifier of the dumping speaker. */
  readonly collectorId: Ipv4Address;
  readonly viewName?: string;
  readonly peers: readonly MrtPeer[];
  /** Prefixes in any order (collectors write them sorted; bgpdump does not care). */
  readonly routes: Iterable<SnapshotPrefix>;
  /** Write RIB_IPV4_UNICAST_ADDPATH records; every entry then needs a `pathId`. */
  readonly addPath?: boolean;
}

/**
 * The records of a TABLE_DUMP_V2 snapshot: PEER_INDEX_TABLE, then one
 * RIB_IPV4_UNICAST record per prefix with sequence numbers from 0 (RFC
 * 6396 §4.3.2; prefixes without entries are left out). AS_PATH and
 * AGGREGATOR carry 4-octet ASNs. An attribute set shared by many prefixes
 * (as interned ones are) is encoded once.
 */
export function* tableDumpV2Records(snapshot: TableDumpV2Snapshot): Generator<Uint8Array, void, undefined> {
  const { timestamp, peers } = snapshot;
  yield encodeMrtRecord({
    kind: 'peer-index-table',
    timestamp,
    collectorId: snapshot.collectorId,
    viewName: snapshot.viewName ?? '',
    peers,
  });
  const addPath = snapshot.addPath === true;
  const subtype = ribSubtype('ipv4-unicast', addPath);
  const cache = new WeakMap<PathAttributes, Uint8Array>();
  const attributeBytes = (a: PathAttributes, field: string): Uint8Array => {
    let block = cache.get(a);
    if (block === undefined) {
      block = encodeRibAttributes(a, field);
      cache.set(a, block);
    }
    return block;
  };
  let sequence = 0;
  for (const route of snapshot.routes) {
    if (route.entries.length === 0) continue;
    route.entries.forEach((e, i) => {
      if (!Number.isInteger(e.peerIndex) || e.peerIndex < 0 || e.peerIndex >= peers.length) {
        throw new EncodeError('out-of-range', `entries[${i}].peerIndex`, `entries[${i}].peerIndex: ${e.peerIndex} is not an index into the ${peers.length} peers`);
      }
    });
    const record = encodeRib(
      {
        kind: 'rib',
        timestamp,
        table: 'ipv4-unicast',
        addPath,
        sequence,
        prefix: { family: 'ipv4', address: route.prefix, length: route.length },
        entries: route.entries,
      },
      attributeBytes,
      MRT_HEADER_LENGTH,
    );
    writeMrtHeader(record, timestamp, MrtType.TABLE_DUMP_V2, subtype, record.length - MRT_HEADER_LENGTH);
    yield record;
    sequence = (sequence + 1) >>> 0; // RFC 6396 §4.3.2: wraps to zero
  }
}

/** Fields of a BGP4MP record about one peering; written as the _AS4 subtypes. */
export interface Bgp4mpInit {
  readonly timestamp: number;
  /** With microseconds the record is BGP4MP_ET. */
  readonly microseconds?: number;
  readonly peerAs: number;
  readonly localAs: number;
  readonly peerAddress: MrtAddress;
  readonly localAddress: MrtAddress;
  /** 0 when unknown (RFC 6396 §4.4.1). */
  readonly interfaceIndex?: number;
}

export interface Bgp4mpMessageInit extends Bgp4mpInit {
  /** The message: an object to encode with 4-octet ASNs, or the octets as sent or received (header included). */
  readonly message: BgpMessage | Uint8Array;
  /** A message the local speaker sent (MESSAGE_AS4_LOCAL) rather than received. */
  readonly local?: boolean;
  /** The session uses ADD-PATH for IPv4 unicast (the _ADDPATH subtypes). */
  readonly addPath?: boolean;
}

/** A BGP4MP(_ET) MESSAGE_AS4 record (or its _LOCAL/_ADDPATH variant). */
export function bgp4mpMessageRecord(init: Bgp4mpMessageInit): Uint8Array {
  const fields = {
    timestamp: init.timestamp,
    as4: true,
    local: init.local === true,
    addPath: init.addPath === true,
    peerAs: init.peerAs,
    localAs: init.localAs,
    interfaceIndex: init.interfaceIndex ?? 0,
    peerAddress: init.peerAddress,
    localAddress: init.localAddress,
    message: init.message,
  };
  return bgp4mpFrame(init, bgp4mpMessageSubtype(fields), encodeBgp4mpMessage(fields));
}

export interface Bgp4mpStateChangeInit extends Bgp4mpInit {
  /** FSM states: 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established (`BgpFsmState`). */
  readonly oldState: number;
  readonly newState: number;
}

/** A BGP4MP(_ET) STATE_CHANGE_AS4 record. */
export function bgp4mpStateChangeRecord(init: Bgp4mpStateChangeInit): Uint8Array {
  const body = encodeStateChange({
    kind: 'bgp4mp-state-change',
    timestamp: init.timestamp,
    as4: true,
    peerAs: init.peerAs,
    localAs: init.localAs,
    interfaceIndex: init.interfaceIndex ?? 0,
    peerAddress: init.peerAddress,
    localAddress: init.localAddress,
    oldState: init.oldState,
    newState: init.newState,
  });
  return bgp4mpFrame(init, Bgp4mpSubtype.STATE_CHANGE_AS4, body);
}

function bgp4mpFrame(init: Bgp4mpInit, subtype: number, body: Uint8Array): Uint8Array {
  if (init.microseconds === undefined) return frameMrtRecord(init.timestamp, MrtType.BGP4MP, subtype, body);
  return frameMrtRecord(init.timestamp, MrtType.BGP4MP_ET, subtype, body, checkUint(init.microseconds, 999_999, 'microseconds'));
}

/** Records (as octets, or as objects to encode) concatenated into one MRT file image. */
export function encodeMrt(records: Iterable<Uint8Array | MrtRecord>): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const r of records) {
    const bytes = r instanceof Uint8Array ? r : encodeMrtRecord(r);
    parts.push(bytes);
    length += bytes.length;
  }
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

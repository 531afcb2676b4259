/**
 * fast-check arbitraries for MRT records: every record they yield encodes
 * and decodes back to itself. fast-check is an optional peer dependency;
 * the MRT main entry never loads this module.
 */
import * as fc from 'fast-check';
import { ipv4Mask, type Ipv4Address } from '@wirestack/core';
import { bgpMessage, pathAttributes } from '../arbitraries.js';
import type { MpReach, PathAttributes } from '../messages.js';
import { MrtType, TableDumpV2Subtype, Bgp4mpSubtype } from './layout.js';
import type {
  Bgp4mpMessageRecord,
  Bgp4mpStateChangeRecord,
  MrtAddress,
  MrtPeer,
  MrtPrefix,
  MrtRecord,
  PeerIndexTableRecord,
  RibEntry,
  RibRecord,
  RibTable,
  UnknownMrtRecord,
} from './records.js';

const u16 = () => fc.integer({ min: 0, max: 0xffff });
const u32 = () => fc.integer({ min: 0, max: 0xffff_ffff });
const ipv4 = () => u32().map((n) => n as Ipv4Address);
const ipv6 = () => fc.uint8Array({ minLength: 16, maxLength: 16 });
const family = () => fc.constantFrom('ipv4' as const, 'ipv6' as const);

export function mrtAddress(f: 'ipv4' | 'ipv6'): fc.Arbitrary<MrtAddress> {
  return f === 'ipv4' ? ipv4().map((address) => ({ family: f, address })) : ipv6().map((address) => ({ family: f, address }));
}

/** A canonical prefix (host bits clear). */
export function mrtPrefix(f: 'ipv4' | 'ipv6'): fc.Arbitrary<MrtPrefix> {
  if (f === 'ipv4') {
    return fc.record({ address: u32(), length: fc.integer({ min: 0, max: 32 }) }).map(({ address, length }) => ({
      family: f,
      address: ((address & ipv4Mask(length)) >>> 0) as Ipv4Address,
      length,
    }));
  }
  return fc.record({ address: ipv6(), length: fc.integer({ min: 0, max: 128 }) }).map(({ address, length }) => {
    const masked = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      const bits = Math.min(8, Math.max(0, length - 8 * i));
      masked[i] = address[i]! & ((0xff << (8 - bits)) & 0xff);
    }
    return { family: f, address: masked, length };
  });
}

export function mrtPeer(): fc.Arbitrary<MrtPeer> {
  return fc.record({ bgpId: ipv4(), address: family().chain(mrtAddress), asn: fc.oneof(u16(), u32()) });
}

export function peerIndexTable(): fc.Arbitrary<PeerIndexTableRecord> {
  return fc.record({
    kind: fc.constant('peer-index-table' as const),
    timestamp: u32(),
    collectorId: ipv4(),
    viewName: fc.string({ maxLength: 12 }),
    peers: fc.array(mrtPeer(), { maxLength: 6 }),
  });
}

/** The abbreviated MP_REACH_NLRI a RIB entry of `table` may carry. */
function ribMpReach(table: RibTable): fc.Arbitrary<MpReach> {
  const empty = new Uint8Array(0);
  const safi = table.endsWith('unicast') ? 1 : 2;
  if (table.startsWith('ipv6')) {
    return fc.uint8Array({ minLength: 16, maxLength: 16 }).chain((global) =>
      fc.constantFrom(global, new Uint8Array([...global, 0xfe, 0x80, ...new Uint8Array(13), 1])).map((nextHop) => ({ kind: 'other' as const, afi: 2, safi, nextHop, nlri: empty })),
    );
  }
  const v6NextHop = ipv6().map((nextHop) => ({ kind: 'other' as const, afi: 1, safi, nextHop, nlri: empty }));
  if (table === 'ipv4-unicast') return fc.oneof(ipv4().map((nextHop) => ({ kind: 'ipv4-unicast' as const, nextHop, nlri: [] })), v6NextHop);
  return fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }).map((nextHop) => ({ kind: 'other' as const, afi: 1, safi, nextHop, nlri: empty })), v6NextHop);
}

/** Path attributes as a RIB entry of `table` holds them: 4-octet ASNs, no MP_UNREACH, an abbreviated MP_REACH. */
export function ribAttributes(table: RibTable): fc.Arbitrary<PathAttributes> {
  return fc.record({ attributes: pathAttributes({ fourOctetAs: true }), mpReach: fc.option(ribMpReach(table), { nil: undefined }) }).map(({ attributes, mpReach }) => {
    const { mpReach: _reach, mpUnreach: _unreach, ...rest } = attributes;
    return mpReach === undefined ? rest : { ...rest, mpReach };
  });
}

export function ribRecord(): fc.Arbitrary<RibRecord> {
  const tables: readonly RibTable[] = ['ipv4-unicast', 'ipv4-multicast', 'ipv6-unicast', 'ipv6-multicast'];
  return fc.record({ table: fc.constantFrom(...tables), addPath: fc.boolean() }).chain(({ table, addPath }) => {
    const entry: fc.Arbitrary<RibEntry> = fc
      .record({ peerIndex: u16(), originatedTime: u32(), pathId: u32(), attributes: ribAttributes(table) })
      .map(({ pathId, ...e }) => (addPath ? { ...e, pathId } : e));
    return fc.record({
      kind: fc.constant('rib' as const),
      timestamp: u32(),
      table: fc.constant(table),
      addPath: fc.constant(addPath),
      sequence: u32(),
      prefix: mrtPrefix(table.startsWith('ipv4') ? 'ipv4' : 'ipv6'),
      entries: fc.array(entry, { maxLength: 4 }),
    });
  });
}

function peering(as4: boolean) {
  const asn = as4 ? u32() : u16();
  return family().chain((f) =>
    fc.record(
      {
        timestamp: u32(),
        microseconds: fc.integer({ min: 0, max: 999_999 }),
        as4: fc.constant(as4),
        peerAs: asn,
        localAs: asn,
        interfaceIndex: u16(),
        peerAddress: mrtAddress(f),
        localAddress: mrtAddress(f),
      },
      { requiredKeys: ['timestamp', 'as4', 'peerAs', 'localAs', 'interfaceIndex', 'peerAddress', 'localAddress'] },
    ),
  );
}

export function bgp4mpMessage(): fc.Arbitrary<Bgp4mpMessageRecord> {
  return fc.record({ as4: fc.boolean(), addPath: fc.boolean(), local: fc.boolean() }).chain(({ as4, addPath, local }) =>
    fc
      .record({ peering: peering(as4), message: bgpMessage({ fourOctetAs: as4, addPath, extendedMessage: true }) })
      .map(({ peering: p, message }) => ({ kind: 'bgp4mp-message' as const, ...p, local, addPath, message })),
  );
}

export function bgp4mpStateChange(): fc.Arbitrary<Bgp4mpStateChangeRecord> {
  return fc
    .record({ as4: fc.boolean(), oldState: u16(), newState: u16() })
    .chain(({ as4, oldState, newState }) => peering(as4).map((p) => ({ kind: 'bgp4mp-state-change' as const, ...p, oldState, newState })));
}

/** A record of a type or subtype the codec keeps as bytes. */
export function unknownMrtRecord(): fc.Arbitrary<UnknownMrtRecord> {
  const kinds = fc.oneof(
    fc.record({ type: fc.constantFrom(MrtType.OSPFV2, MrtType.TABLE_DUMP, MrtType.ISIS, MrtType.ISIS_ET, MrtType.OSPFV3, MrtType.OSPFV3_ET, 0, 0xffff), subtype: u16() }),
    fc.record({ type: fc.constant(MrtType.TABLE_DUMP_V2), subtype: fc.constantFrom(TableDumpV2Subtype.RIB_GENERIC, TableDumpV2Subtype.GEO_PEER_TABLE, TableDumpV2Subtype.RIB_GENERIC_ADDPATH, 0, 13, 0xffff) }),
    fc.record({ type: fc.constantFrom(MrtType.BGP4MP, MrtType.BGP4MP_ET), subtype: fc.constantFrom(2, 3, Bgp4mpSubtype.MESSAGE_AS4_LOCAL_ADDPATH + 1, 0xffff) }),
  );
  return fc.record({ kinds, timestamp: u32(), body: fc.uint8Array({ maxLength: 40 }) }).map(({ kinds: k, timestamp, body }) => ({ kind: 'unknown' as const, timestamp, ...k, body }));
}

export function mrtRecord(): fc.Arbitrary<MrtRecord> {
  return fc.oneof(peerIndexTable(), ribRecord(), bgp4mpMessage(), bgp4mpStateChange(), unknownMrtRecord());
}

/**
 * fast-check arbitraries for driving a neighbour table. Import from
 * `@wirestack/neighbour/arbitraries`; fast-check is an optional peer
 * dependency the main entry never loads.
 *
 * Events are plain data over a small pool of neighbours, so a sequence
 * revisits the same entries through every state; `applyNeighbourEvent`
 * feeds one to a table.
 */
import * as fc from 'fast-check';
import { MAC_BROADCAST, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { arpProbe, arpReply, arpRequest, gratuitousArp, type EthernetIpv4Arp } from '@wirestack/arp';
import type { NeighbourAction, Resolution } from './actions.js';
import type { NeighbourTable } from './neighbour-table.js';

/** Who the events are about: our interface, and the neighbours (with the MACs they may use). */
export interface NeighbourPool {
  readonly ourMac: MacAddress;
  readonly ourIp: Ipv4Address;
  readonly neighbours: readonly Ipv4Address[];
  readonly macs: readonly MacAddress[];
}

/** A packet to queue: only its size matters to the table; `id` tells packets apart. */
export interface TestPacket {
  readonly id: number;
  readonly byteLength: number;
}

export type NeighbourEvent =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'resolve'; readonly ip: Ipv4Address; readonly bytes: number }
  | { readonly kind: 'confirm'; readonly ip: Ipv4Address }
  | { readonly kind: 'delete'; readonly ip: Ipv4Address }
  | { readonly kind: 'arp'; readonly label: ArpEventLabel; readonly packet: EthernetIpv4Arp; readonly linkDst: MacAddress };

export type ArpEventLabel =
  | 'reply'
  | 'broadcast-reply'
  | 'request-for-us'
  | 'unicast-request-for-us'
  | 'request-for-other'
  | 'gratuitous-request'
  | 'gratuitous-reply'
  | 'probe-for-us'
  | 'probe-for-other';

/** Time steps that land on and next to the default timers' edges (1 s, 5 s, 30 s, 60 s), and anywhere. */
export function timeStep(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(1, 9, 10, 999, 1_000, 1_001, 4_999, 5_000, 15_000, 29_999, 30_000, 60_000) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  );
}

/** One ARP packet a neighbour may send us, labelled with what it is. */
export function arpEvent(pool: NeighbourPool): fc.Arbitrary<NeighbourEvent> {
  const { ourMac, ourIp } = pool;
  const ip = fc.constantFrom(...pool.neighbours);
  const mac = fc.constantFrom(...pool.macs);
  const ev = (label: ArpEventLabel, packet: EthernetIpv4Arp, linkDst: MacAddress): NeighbourEvent => ({ kind: 'arp', label, packet, linkDst });
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('reply', arpReply({ senderMac: m, senderIp: i, targetMac: ourMac, targetIp: ourIp }), ourMac)) },
    { weight: 1, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('broadcast-reply', arpReply({ senderMac: m, senderIp: i, targetMac: ourMac, targetIp: ourIp }), MAC_BROADCAST)) },
    { weight: 2, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('request-for-us', arpRequest({ senderMac: m, senderIp: i, targetIp: ourIp }), MAC_BROADCAST)) },
    { weight: 1, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('unicast-request-for-us', arpRequest({ senderMac: m, senderIp: i, targetIp: ourIp, targetMac: ourMac }), ourMac)) },
    {
      weight: 1,
      arbitrary: fc.tuple(ip, mac, ip).map(([i, m, other]) => ev('request-for-other', arpRequest({ senderMac: m, senderIp: i, targetIp: other === i ? ((i + 1) >>> 0) as Ipv4Address : other }), MAC_BROADCAST)),
    },
    { weight: 1, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('gratuitous-request', gratuitousArp({ senderMac: m, senderIp: i }, 'request'), MAC_BROADCAST)) },
    { weight: 1, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('gratuitous-reply', gratuitousArp({ senderMac: m, senderIp: i }, 'reply'), MAC_BROADCAST)) },
    { weight: 1, arbitrary: mac.map((m) => ev('probe-for-us', arpProbe({ senderMac: m, targetIp: ourIp }), MAC_BROADCAST)) },
    { weight: 1, arbitrary: fc.tuple(ip, mac).map(([i, m]) => ev('probe-for-other', arpProbe({ senderMac: m, targetIp: i }), MAC_BROADCAST)) },
  );
}

/** Any event: time passing, packets to send (up to 40 000 bytes, so 64 KiB queues overflow), confirmations, deletions, ARP. */
export function neighbourEvent(pool: NeighbourPool): fc.Arbitrary<NeighbourEvent> {
  const ip = fc.constantFrom(...pool.neighbours);
  return fc.oneof(
    { weight: 4, arbitrary: timeStep().map((ms): NeighbourEvent => ({ kind: 'advance', ms })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(ip, fc.oneof(fc.integer({ min: 0, max: 1_500 }), fc.integer({ min: 1_500, max: 40_000 })))
        .map(([i, bytes]): NeighbourEvent => ({ kind: 'resolve', ip: i, bytes })),
    },
    { weight: 3, arbitrary: ip.map((i): NeighbourEvent => ({ kind: 'confirm', ip: i })) },
    { weight: 1, arbitrary: ip.map((i): NeighbourEvent => ({ kind: 'delete', ip: i })) },
    { weight: 6, arbitrary: arpEvent(pool) },
  );
}

export function neighbourEvents(pool: NeighbourPool, options: { maxLength?: number } = {}): fc.Arbitrary<NeighbourEvent[]> {
  return fc.array(neighbourEvent(pool), { maxLength: options.maxLength ?? 60 });
}

/** A small pool: our host 10.0.0.1 with MAC 02:00:00:00:00:01, three neighbours in 10.0.0.0/24, three MACs. */
export function defaultPool(): NeighbourPool {
  return {
    ourMac: 0x0200_0000_0001 as MacAddress,
    ourIp: 0x0a00_0001 as Ipv4Address,
    neighbours: [0x0a00_0002, 0x0a00_0003, 0x0a00_0004] as Ipv4Address[],
    macs: [0x0200_0000_0002, 0x0200_0000_0003, 0x0200_0000_00aa] as MacAddress[],
  };
}

/** A stream of ARP requests for `target` from `count` distinct senders (a flood), generated lazily. */
export function* arpFlood(target: Ipv4Address, count: number, firstSender = 0x0a01_0000): Generator<EthernetIpv4Arp> {
  for (let i = 0; i < count; i++) {
    yield arpRequest({ senderMac: (0x0a00_0000_0000 + i) as MacAddress, senderIp: ((firstSender + i) >>> 0) as Ipv4Address, targetIp: target });
  }
}

/**
 * Feeds one event to `table` at time `now` ('advance' moves time on);
 * a 'resolve' sends the packet `{ id: packetId, byteLength: bytes }`.
 * Returns the new time and what the table did.
 */
export function applyNeighbourEvent(
  table: NeighbourTable<TestPacket>,
  event: NeighbourEvent,
  now: number,
  packetId = 0,
): { now: number; actions: readonly NeighbourAction<TestPacket>[]; resolution?: Resolution<TestPacket> } {
  switch (event.kind) {
    case 'advance':
      return { now: now + event.ms, actions: table.tick(now + event.ms) };
    case 'resolve': {
      const resolution = table.resolve(event.ip, { id: packetId, byteLength: event.bytes }, now);
      return { now, actions: resolution.actions, resolution };
    }
    case 'confirm':
      return { now, actions: table.confirm(event.ip, now) };
    case 'delete':
      return { now, actions: table.delete(event.ip, now) };
    case 'arp':
      return { now, actions: table.receiveArp(event.packet, now, event.linkDst) };
  }
}

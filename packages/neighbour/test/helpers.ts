import { parseIpv4, parseMac, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { arpReply, arpRequest, type EthernetIpv4Arp } from '@wirestack/arp';
import { NeighbourTable, type NeighbourAction, type NeighbourParameters } from '../src/index.js';
import type { TestPacket } from '../src/arbitraries.js';

export const OUR_MAC = parseMac('02:00:00:00:00:01');
export const OUR_IP = parseIpv4('10.0.0.1');
export const PEER_IP = parseIpv4('10.0.0.2');
export const PEER_MAC = parseMac('02:42:ac:11:00:02');
export const OTHER_MAC = parseMac('02:42:ac:11:00:99');

/** reachable_time is floor(random * base) + base/2: with random 0.5 it is exactly base_reachable_time. */
export const HALF = (): number => 0.5;

export function makeTable(parameters: Partial<NeighbourParameters> = {}, now = 0): NeighbourTable<TestPacket> {
  return new NeighbourTable<TestPacket>({
    mac: OUR_MAC,
    addresses: [{ address: OUR_IP, length: 24 }],
    parameters,
    random: HALF,
    now,
  });
}

let id = 0;
export function packet(byteLength = 100): TestPacket {
  return { id: ++id, byteLength };
}

export function replyFrom(ip: Ipv4Address, mac: MacAddress): EthernetIpv4Arp {
  return arpReply({ senderMac: mac, senderIp: ip, targetMac: OUR_MAC, targetIp: OUR_IP });
}

export function requestFrom(ip: Ipv4Address, mac: MacAddress, target: Ipv4Address = OUR_IP): EthernetIpv4Arp {
  return arpRequest({ senderMac: mac, senderIp: ip, targetIp: target });
}

/** The ARP packets sent, as [op, target ip, destination MAC] (1 = request, 2 = reply). */
export function sentArp(actions: readonly NeighbourAction<TestPacket>[]): [number, number, number][] {
  return actions.flatMap((a) => (a.type === 'send-arp' ? [[a.packet.op, a.packet.tpa, a.dst] as [number, number, number]] : []));
}

export function stateOf(table: NeighbourTable<TestPacket>, ip: Ipv4Address): string | undefined {
  return table.get(ip)?.state;
}

/** Resolves the peer and answers it: the entry is REACHABLE, confirmed at `now`. */
export function learnReachable(table: NeighbourTable<TestPacket>, now: number, ip = PEER_IP, mac = PEER_MAC): void {
  table.resolve(ip, packet(), now);
  table.receiveArp(replyFrom(ip, mac), now);
}

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { formatIpv4, formatMac, toHex } from '@wirestack/core';
import { missingPrerequisite, tsharkFields } from '@wirestack-tools/testkit';
import { decodeArp, encodeArp, type ArpPacket } from '../src/index.js';
import { arpPacket, genericArpPacket } from '../src/arbitraries.js';

/**
 * tshark, the ground truth: thousands of our packets in Ethernet frames,
 * every field compared with what Wireshark's ARP dissector reads.
 */
const missing = missingPrerequisite({ commands: ['tshark'] });

/** The 14-byte Ethernet II header, written by hand: broadcast, a fixed source, EtherType 0x0806. */
const ETHERNET_ARP = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06);

function frame(arp: Uint8Array): Uint8Array {
  const out = new Uint8Array(ETHERNET_ARP.length + arp.length);
  out.set(ETHERNET_ARP, 0);
  out.set(arp, ETHERNET_ARP.length);
  return out;
}

const FIELDS = [
  'arp.hw.type',
  'arp.proto.type',
  'arp.hw.size',
  'arp.proto.size',
  'arp.opcode',
  'arp.src.hw_mac',
  'arp.src.proto_ipv4',
  'arp.dst.hw_mac',
  'arp.dst.proto_ipv4',
  // generic forms: Wireshark shows addresses it has no type for as bytes
  'arp.src.hw',
  'arp.src.proto',
  'arp.dst.hw',
  'arp.dst.proto',
  'arp.src.hw_ax25',
  'arp.dst.hw_ax25',
  'arp.dst.drarp_error_status',
] as const;

/**
 * Op 7 is DRARP-Error (RFC 1931): Wireshark reads the first byte of the
 * target protocol address as an error status and shows no address. To us it
 * is plain ARP with an unknown op, so compare that byte instead.
 */
const DRARP_ERROR = 7;

/** A hardware address as tshark prints it (MAC, AX.25 or bytes), back to plain hex. */
function hardwareHex(row: Record<string, string>, side: 'src' | 'dst'): string {
  return (row[`arp.${side}.hw_mac`] || row[`arp.${side}.hw_ax25`] || row[`arp.${side}.hw`]!).replaceAll(':', '');
}

/** A protocol address as tshark prints it (dotted IPv4 or bytes), back to plain hex. */
function protocolHex(row: Record<string, string>, side: 'src' | 'dst'): string {
  const ipv4 = row[`arp.${side}.proto_ipv4`]!;
  return ipv4 !== '' ? toHex(Uint8Array.from(ipv4.split('.').map(Number))) : row[`arp.${side}.proto`]!;
}

/** What tshark shows for the target protocol address: the address, or the DRARP-Error status. */
function tpaAsTsharkShows(op: number, tpa: Uint8Array, asText: string): string {
  if (op !== DRARP_ERROR) return asText;
  return tpa.length > 0 ? String(tpa[0]) : '';
}

describe('tshark agrees with our decoding', () => {
  it.skipIf(missing !== undefined)('on 4000 Ethernet/IPv4 packets', () => {
    const seed = Date.now();
    const packets = fc.sample(arpPacket(), { numRuns: 4000, seed });
    const rows = tsharkFields(packets.map((p) => frame(encodeArp(p))), FIELDS);
    expect(rows.length, `seed ${seed}`).toBe(packets.length);
    packets.forEach((p, i) => {
      const ours = decodeArp(frame(encodeArp(p)), 14).header;
      if (ours.kind !== 'ethernet-ipv4') throw new Error(`packet ${i} decoded as ${ours.kind}`);
      const row = rows[i]!;
      expect(
        [row['arp.hw.type'], row['arp.proto.type'], row['arp.hw.size'], row['arp.proto.size'], row['arp.opcode'],
         row['arp.src.hw_mac'], row['arp.src.proto_ipv4'], row['arp.dst.hw_mac'],
         ours.op === DRARP_ERROR ? row['arp.dst.drarp_error_status'] : row['arp.dst.proto_ipv4']],
        `packet ${i}, seed ${seed}`,
      ).toEqual([
        String(ours.htype), '0x0800', String(ours.hlen), String(ours.plen), String(ours.op),
        formatMac(ours.sha), formatIpv4(ours.spa), formatMac(ours.tha),
        tpaAsTsharkShows(ours.op, Uint8Array.of(ours.tpa >>> 24), formatIpv4(ours.tpa)),
      ]);
    });
  });

  it.skipIf(missing !== undefined)('on 1500 generic packets (any htype/ptype/hlen/plen)', () => {
    const seed = Date.now();
    // htype 19 is ATM (RFC 2225), whose ARP has a different layout that
    // Wireshark dissects as ATMARP; it is plain ARP to us, so leave it out.
    const packets = fc.sample(genericArpPacket().filter((g) => g.htype !== 19), { numRuns: 1500, seed });
    const rows = tsharkFields(packets.map((p) => frame(encodeArp(p))), FIELDS);
    expect(rows.length, `seed ${seed}`).toBe(packets.length);
    packets.forEach((p, i) => {
      const ours: ArpPacket = decodeArp(frame(encodeArp(p)), 14).header;
      if (ours.kind !== 'generic') throw new Error(`packet ${i} decoded as ${ours.kind}`);
      const row = rows[i]!;
      expect(
        [
          row['arp.hw.type'], row['arp.proto.type'], row['arp.hw.size'], row['arp.proto.size'], row['arp.opcode'],
          hardwareHex(row, 'src'),
          protocolHex(row, 'src'),
          hardwareHex(row, 'dst'),
          ours.op === DRARP_ERROR ? row['arp.dst.drarp_error_status'] : protocolHex(row, 'dst'),
        ],
        `packet ${i}, seed ${seed}`,
      ).toEqual([
        String(ours.htype), `0x${ours.ptype.toString(16).padStart(4, '0')}`, String(ours.hlen), String(ours.plen), String(ours.op),
        toHex(ours.sha), toHex(ours.spa), toHex(ours.tha), tpaAsTsharkShows(ours.op, ours.tpa, toHex(ours.tpa)),
      ]);
    });
  });
});

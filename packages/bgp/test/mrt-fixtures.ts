import { fromHex, parseIpv4 } from '@wirestack/core';
import type { MrtRecord } from '../src/mrt/index.js';

/**
 * Records written out octet by octet from the layouts of RFC 6396 (§2
 * common header, §4.3.1 PEER_INDEX_TABLE, §4.3.2 RIB_IPV4_UNICAST, §4.4
 * BGP4MP, §3 the _ET microseconds), then decoded, re-encoded and printed.
 */
const T = '5f5e1000'; // 1600000000
const V6_PEER = '20010db8000000000000000000000002';

export const VECTORS: ReadonlyArray<{ name: string; hex: string; record: MrtRecord }> = [
  {
    name: 'TABLE_DUMP_V2 PEER_INDEX_TABLE, an IPv4 2-octet-AS peer and an IPv6 4-octet-AS peer',
    hex:
      `${T} 000d 0001 00000030` +
      ' 0a000001 0004 72763261 0002' + // collector 10.0.0.1, view "rv2a", 2 peers
      ' 00 c0000201 0a000002 fde9' + // type 0: IPv4, AS 2 octets; 192.0.2.1; 10.0.0.2; AS65001
      ` 03 c0000202 ${V6_PEER} fa56ea01`, // type 3: IPv6, AS 4 octets; AS4200000001
    record: {
      kind: 'peer-index-table',
      timestamp: 1600000000,
      collectorId: parseIpv4('10.0.0.1'),
      viewName: 'rv2a',
      peers: [
        { bgpId: parseIpv4('192.0.2.1'), address: { family: 'ipv4', address: parseIpv4('10.0.0.2') }, asn: 65001 },
        { bgpId: parseIpv4('192.0.2.2'), address: { family: 'ipv6', address: fromHex(V6_PEER) }, asn: 4200000001 },
      ],
    },
  },
  {
    name: 'TABLE_DUMP_V2 RIB_IPV4_UNICAST with a 4-octet AS_PATH',
    hex:
      `${T} 000d 0002 0000003c` +
      ' 00000007 16 c61200 0001' + // sequence 7, 198.18.0.0/22, 1 entry
      ' 0001 5f5e0f00 002a' + // peer index 1, originated 1599999744, 42 octets of attributes
      ' 40010100' + // ORIGIN IGP
      ' 40020e 0203 0000fde9 fa56ea01 00000003' + // AS_PATH: AS_SEQUENCE of 3 four-octet ASNs
      ' 400304 0a000002' + // NEXT_HOP
      ' 800404 00000064' + // MULTI_EXIT_DISC 100
      ' c00804 fde90001', // COMMUNITIES 65001:1
    record: {
      kind: 'rib',
      timestamp: 1600000000,
      table: 'ipv4-unicast',
      addPath: false,
      sequence: 7,
      prefix: { family: 'ipv4', address: parseIpv4('198.18.0.0'), length: 22 },
      entries: [
        {
          peerIndex: 1,
          originatedTime: 0x5f5e0f00,
          attributes: {
            origin: 'igp',
            asPath: [{ type: 'sequence', asns: [65001, 4200000001, 3] }],
            nextHop: parseIpv4('10.0.0.2'),
            med: 100,
            communities: [0xfde9_0001],
          },
        },
      ],
    },
  },
  {
    name: 'BGP4MP_ET MESSAGE_AS4 holding a KEEPALIVE',
    hex: `${T} 0011 0004 0000002b 0001e240 fa56ea01 0000fde8 0000 0001 0a000002 0a000001 ${'ff'.repeat(16)} 0013 04`,
    record: {
      kind: 'bgp4mp-message',
      timestamp: 1600000000,
      microseconds: 123456,
      as4: true,
      peerAs: 4200000001,
      localAs: 65000,
      interfaceIndex: 0,
      peerAddress: { family: 'ipv4', address: parseIpv4('10.0.0.2') },
      localAddress: { family: 'ipv4', address: parseIpv4('10.0.0.1') },
      local: false,
      addPath: false,
      message: { type: 'keepalive' },
    },
  },
  {
    name: 'BGP4MP STATE_CHANGE_AS4 Idle -> Connect',
    hex: `${T} 0010 0005 00000018 fa56ea01 0000fde8 0002 0001 0a000002 0a000001 0001 0002`,
    record: {
      kind: 'bgp4mp-state-change',
      timestamp: 1600000000,
      as4: true,
      peerAs: 4200000001,
      localAs: 65000,
      interfaceIndex: 2,
      peerAddress: { family: 'ipv4', address: parseIpv4('10.0.0.2') },
      localAddress: { family: 'ipv4', address: parseIpv4('10.0.0.1') },
      oldState: 1,
      newState: 2,
    },
  },
  {
    name: 'BGP4MP MESSAGE (2-octet AS) holding an UPDATE',
    hex:
      `${T} 0010 0001 0000003d fde9 fde8 0000 0001 0a000002 0a000001` +
      ` ${'ff'.repeat(16)} 002d 02 0000 0012 40010100 400204 0201fde9 400304 0a000002 18c63364`,
    record: {
      kind: 'bgp4mp-message',
      timestamp: 1600000000,
      as4: false,
      peerAs: 65001,
      localAs: 65000,
      interfaceIndex: 0,
      peerAddress: { family: 'ipv4', address: parseIpv4('10.0.0.2') },
      localAddress: { family: 'ipv4', address: parseIpv4('10.0.0.1') },
      local: false,
      addPath: false,
      message: {
        type: 'update',
        withdrawn: [],
        attributes: { origin: 'igp', asPath: [{ type: 'sequence', asns: [65001] }], nextHop: parseIpv4('10.0.0.2') },
        nlri: [{ address: parseIpv4('198.51.100.0'), length: 24 }],
      },
    },
  },
  {
    name: 'an OSPFv2 record (type 11), kept as bytes',
    hex: `${T} 000b 0000 00000003 010203`,
    record: { kind: 'unknown', timestamp: 1600000000, type: 11, subtype: 0, body: Uint8Array.of(1, 2, 3) },
  },
];

export const VECTOR_FILE = fromHex(VECTORS.map((v) => v.hex).join(''));

/** What our formatter (and bgpdump -m, see mrt-interop.test.ts) prints for VECTOR_FILE. */
export const VECTOR_LINES = [
  'TABLE_DUMP2|1600000000|B|2001:db8::2|4200000001|198.18.0.0/22|65001 4200000001 3|IGP|10.0.0.2|0|100|65001:1|NAG||',
  'BGP4MP|1600000000|STATE|10.0.0.2|4200000001|1|2',
  'BGP4MP|1600000000|A|10.0.0.2|65001|198.51.100.0/24|65001|IGP|10.0.0.2|0|0||NAG||',
];

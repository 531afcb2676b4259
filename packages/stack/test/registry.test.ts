import { describe, expect, it } from 'vitest';
import { DecodeError, parseIpv4, parseMac, readU16, requireBytes } from '@wirestack/core';
import { Registry, StackParser, decodePacket, defaultRegistry, ether, formatTimestamp, toJsonLayers, type CustomLayer } from '../src/index.js';

const m1 = parseMac('02:00:00:00:00:01');
const m2 = parseMac('02:00:00:00:00:02');
const a = parseIpv4('10.0.0.1');
const b = parseIpv4('10.0.0.2');

function vxlanOn(port: number): Uint8Array {
  return ether({ dst: m2, src: m1 })
    .ipv4({ src: a, dst: b })
    .udp({ srcPort: 50000, dstPort: port })
    .vxlan({ vni: 7 })
    .ether({ dst: m1, src: m2 })
    .arp({ op: 1, sha: m2, spa: b, tha: m1, tpa: a })
    .build();
}

describe('Registry', () => {
  it('binds VXLAN on 4789 by default; other ports are plain UDP until bound, and binding makes a new registry', () => {
    expect(decodePacket(vxlanOn(4789)).map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', 'ethernet', 'arp']);
    expect(decodePacket(vxlanOn(9527)).map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'payload']);
    const mine = defaultRegistry.withUdpPort(9527, 'vxlan').withUdpPort(8472, 'vxlan');
    expect(decodePacket(vxlanOn(9527), { registry: mine }).map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', 'ethernet', 'arp']);
    expect(new StackParser({ registry: mine }).parse(vxlanOn(8472))).toBe(6);
    expect(defaultRegistry.udpPort(9527, 0)).toBeUndefined();
    expect(decodePacket(vxlanOn(4789), { registry: defaultRegistry.withoutUdpPort(4789) }).at(-1)!.layer).toBe('payload');
    expect(() => defaultRegistry.withUdpPort(1, 'nope')).toThrow(/unknown layer/);
    expect(() => defaultRegistry.withUdpPort(70000, 'vxlan')).toThrow(RangeError);
  });

  it('a custom codec bound on an ethertype decodes in both parsers and hands on to the next layer', () => {
    // A made-up 4-byte shim: a 16-bit tag, then the ethertype of what follows.
    const shim: CustomLayer = {
      name: 'shim',
      decode(bytes, offset) {
        requireBytes(bytes, offset, 4, 'shim');
        return { header: { tag: readU16(bytes, offset) }, headerLength: 4, next: { etherType: readU16(bytes, offset + 2) } };
      },
    };
    const registry = Registry.empty().withLayer(shim).withEtherType(0x88b5, 'shim').withEtherType(0x0800, 'ipv4').withIpProtocol(1, 'icmp');
    const inner = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b }).icmp({ kind: 'echo-request', id: 1, seq: 2 }).build();
    const frame = new Uint8Array(inner.length + 4);
    frame.set(inner.subarray(0, 12));
    frame.set([0x88, 0xb5, 0x12, 0x34, 0x08, 0x00], 12);
    frame.set(inner.subarray(14), 18);
    const layers = decodePacket(frame, { registry });
    expect(layers.map((l) => l.layer)).toEqual(['ethernet', 'shim', 'ipv4', 'icmp']);
    expect(layers[1]).toEqual({ layer: 'shim', tag: 0x1234 });
    const parser = new StackParser({ registry });
    expect(parser.parse(frame)).toBe(4);
    expect(parser.layers[1]!.custom).toEqual({ tag: 0x1234 });
    expect(parser.layers[2]!.offset).toBe(18);
    expect(toJsonLayers(layers)[1]).toEqual({ layer: 'shim', tag: 0x1234 });
    expect(() => defaultRegistry.withLayer({ ...shim, name: 'ipv4' })).toThrow(/built-in/);
  });
});

describe('the --json contract', () => {
  it('names exactly the contract fields per layer, addresses as strings', () => {
    const frame = ether({ dst: m2, src: m1 })
      .vlan({ vid: 100, pcp: 3, dei: true, tpid: 0x88a8 })
      .vlan({ vid: 5 })
      .ipv4({ src: a, dst: b, ttl: 9, id: 77, df: true })
      .udp({ srcPort: 1000, dstPort: 2000, checksum: 0 })
      .payload(new Uint8Array(3))
      .build();
    expect(toJsonLayers(decodePacket(frame))).toEqual([
      { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', etherType: 0x88a8 },
      { layer: 'vlan', tpid: 0x88a8, pcp: 3, dei: true, vid: 100, etherType: 0x8100 },
      { layer: 'vlan', tpid: 0x8100, pcp: 0, dei: false, vid: 5, etherType: 0x0800 },
      {
        layer: 'ipv4', version: 4, ihl: 5, dscp: 0, ecn: 0, totalLength: 31, id: 77, df: true, mf: false, fragmentOffset: 0, ttl: 9, protocol: 17,
        checksum: expect.any(Number), checksumValid: true, src: '10.0.0.1', dst: '10.0.0.2', options: [],
      },
      { layer: 'udp', srcPort: 1000, dstPort: 2000, length: 11, checksum: 0, checksumValid: null },
      { layer: 'payload', length: 3 },
    ]);
  });

  it('ICMP: id/seq for echo, mtu for fragmentation needed, gateway for redirect, quoted datagram decoded with UDP ports', () => {
    const offending = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b, id: 9 }).udp({ srcPort: 5, dstPort: 6 }).payload(new Uint8Array(30)).build().subarray(14, 14 + 58);
    const frag = ether({ dst: m1, src: m2 }).ipv4({ src: b, dst: a }).icmp({ kind: 'dest-unreachable', code: 4, mtu: 1400, quoted: { raw: offending.slice(0, 28) } }).build();
    const [, , icmp] = toJsonLayers(decodePacket(frag));
    expect(icmp).toEqual({
      layer: 'icmp', type: 3, code: 4, checksum: expect.any(Number), checksumValid: true, mtu: 1400,
      quoted: {
        version: 4, ihl: 5, dscp: 0, ecn: 0, totalLength: 58, id: 9, df: false, mf: false, fragmentOffset: 0, ttl: 64, protocol: 17,
        checksum: expect.any(Number), checksumValid: true, src: '10.0.0.1', dst: '10.0.0.2', options: [], srcPort: 5, dstPort: 6,
      },
    });
    const redirect = ether({ dst: m1, src: m2 }).ipv4({ src: b, dst: a }).icmp({ kind: 'redirect', code: 1, gateway: parseIpv4('10.0.0.254'), quoted: { raw: offending.slice(0, 28) } }).build();
    expect(toJsonLayers(decodePacket(redirect))[2]).toMatchObject({ gateway: '10.0.0.254' });
    const echo = ether({ dst: m1, src: m2 }).ipv4({ src: b, dst: a }).icmp({ kind: 'echo-reply', id: 3, seq: 4 }).build();
    expect(toJsonLayers(decodePacket(echo))[2]).toEqual({ layer: 'icmp', type: 0, code: 0, checksum: expect.any(Number), checksumValid: true, id: 3, seq: 4 });
  });

  it('a layer that cannot be decoded ends the list with an error object naming it and its offset', () => {
    const frame = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b }).udp({ srcPort: 1, dstPort: 2 }).payload(new Uint8Array(20)).build();
    const cut = frame.slice(0, 14 + 12);
    expect(toJsonLayers(decodePacket(cut, { mode: 'lax' })).at(-1)).toEqual({ layer: 'error', at: 'ipv4', code: 'truncated', offset: 14 });
    expect(() => decodePacket(cut)).toThrow(DecodeError);
    const parser = new StackParser({ mode: 'lax' });
    parser.parse(cut);
    expect([parser.count, parser.errorLayer, parser.errorCode, parser.errorOffset]).toEqual([1, 'ipv4', 'truncated', 14]);
  });

  it('times are ISO 8601 with the capture resolution', () => {
    expect(formatTimestamp(1_700_000_000, 123_456_789, 9)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(formatTimestamp(0, 5_000, 6)).toBe('1970-01-01T00:00:00.000005Z');
  });
});

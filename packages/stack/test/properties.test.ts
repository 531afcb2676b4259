import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { isDecodeError, parseIpv4, parseMac, type HeaderView } from '@wirestack/core';
import type { EthernetView } from '@wirestack/ethernet';
import type { VlanTagView } from '@wirestack/vlan';
import type { Ipv4View } from '@wirestack/ipv4';
import type { UdpView } from '@wirestack/udp';
import type { VxlanView } from '@wirestack/vxlan';
import type { IcmpView } from '@wirestack/icmp';
import type { ArpView } from '@wirestack/arp';
import { StackParser, build, buildInto, decodePacket, ether, type LayerInput, type PacketLayer, type PayloadLayer } from '../src/index.js';
import { damagedFrame, frame } from '../src/arbitraries.js';

/** The layer names the builder input should decode to (empty payloads are not layers). */
function expectedNames(layers: readonly LayerInput[]): string[] {
  return layers.filter((l) => l.layer !== 'payload' || l.bytes.length > 0).map((l) => l.layer);
}

/** What a view reads, in decodePacket's terms, for the fields both have. */
function viewFields(layer: string, view: HeaderView | undefined, tpid: number): Record<string, unknown> {
  switch (layer) {
    case 'ethernet': {
      const v = view as EthernetView;
      return v.isLength ? { dst: v.dst, src: v.src, length: v.etherType } : { dst: v.dst, src: v.src, etherType: v.etherType };
    }
    case 'vlan': {
      const v = view as VlanTagView;
      return { tpid, pcp: v.pcp, dei: v.dei, vid: v.vid, etherType: v.etherType };
    }
    case 'arp': {
      const v = view as ArpView;
      return { htype: v.htype, ptype: v.ptype, op: v.op, sha: v.sha, spa: v.spa, tha: v.tha, tpa: v.tpa };
    }
    case 'ipv4': {
      const v = view as Ipv4View;
      return { version: v.version, ihl: v.ihl, dscp: v.dscp, ecn: v.ecn, totalLength: v.totalLength, id: v.id, df: v.df, mf: v.mf, fragmentOffset: v.fragmentOffset, ttl: v.ttl, protocol: v.protocol, checksum: v.checksum, src: v.src, dst: v.dst };
    }
    case 'icmp': {
      const v = view as IcmpView;
      return { type: v.type, code: v.code, checksum: v.checksum };
    }
    case 'udp': {
      const v = view as UdpView;
      return { srcPort: v.srcPort, dstPort: v.dstPort, length: v.length, checksum: v.checksum };
    }
    case 'vxlan': {
      const v = view as VxlanView;
      return { flags: v.flags, vni: v.vni };
    }
  }
  return {};
}

describe('whole frames from the arbitraries', () => {
  it('decode strictly to the layers they were built from, with every checksum right', () => {
    fc.assert(
      fc.property(frame(), ({ layers, bytes }) => {
        const decoded = decodePacket(bytes);
        expect(decoded.map((l) => l.layer)).toEqual(expectedNames(layers));
        for (let i = 0; i < decoded.length; i++) {
          const d = decoded[i] as PacketLayer;
          const input = layers[i]! as Record<string, unknown>;
          for (const key of ['dst', 'src', 'vid', 'pcp', 'dei', 'ttl', 'id', 'dscp', 'ecn', 'srcPort', 'vni', 'op', 'sha', 'spa', 'tha', 'tpa', 'kind']) {
            if (input[key] !== undefined) expect((d as unknown as Record<string, unknown>)[key]).toEqual(input[key]);
          }
          if (d.layer === 'vlan') expect(d.tpid).toBe(input.tpid);
          if (d.layer === 'ipv4' || d.layer === 'icmp') expect(d.checksumValid).toBe(true);
          if (d.layer === 'udp') expect(d.checksumValid).toBe(true);
          if (d.layer === 'payload') expect(d.bytes).toEqual(input.bytes);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('StackParser finds the same layers at the same places as decodePacket, and its views read the same values', () => {
    const parser = new StackParser();
    fc.assert(
      fc.property(frame(), ({ bytes }) => {
        const decoded = decodePacket(bytes).filter((l) => l.layer !== 'payload');
        const count = parser.parse(bytes);
        expect(count).toBe(decoded.length);
        for (let i = 0; i < count; i++) {
          const slot = parser.layers[i]!;
          const d = decoded[i]! as Record<string, unknown>;
          expect(slot.layer).toBe(d.layer);
          const fields = viewFields(slot.layer, slot.view, slot.tpid);
          for (const [k, v] of Object.entries(fields)) expect(v, `${slot.layer}.${k}`).toEqual(d[k]);
        }
        const payload = decodePacket(bytes).at(-1);
        const rest = parser.payloadEnd - parser.payloadOffset;
        expect(rest).toBe(payload?.layer === 'payload' ? (payload as PayloadLayer).bytes.length : 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('damaged frames: lax modes never throw; strict modes throw only DecodeError; lax errors name the same layer', () => {
    const strict = new StackParser();
    const lax = new StackParser({ mode: 'lax' });
    fc.assert(
      fc.property(fc.oneof(damagedFrame(), fc.uint8Array({ maxLength: 80 })), (bytes) => {
        const layers = decodePacket(bytes, { mode: 'lax' });
        lax.parse(bytes);
        const last = layers.at(-1)!;
        if (lax.failed) {
          expect(last.layer).toBe('error');
        }
        for (const f of [() => decodePacket(bytes), () => strict.parse(bytes)]) {
          try {
            f();
          } catch (error) {
            expect(isDecodeError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parse allocates nothing per packet that survives (the same slots and views are reused)', () => {
    const parser = new StackParser();
    const frames = fc.sample(frame(), 50).map((s) => s.bytes);
    parser.parse(frames[0]!);
    const slots = [...parser.layers];
    const views = parser.layers.map((s) => s.view);
    for (const f of frames) parser.parse(f);
    expect(parser.layers).toEqual(slots);
    parser.parse(frames[0]!);
    for (let i = 0; i < parser.count; i++) expect(parser.layers[i]!.view).toBe(views[i]);
  });
});

describe('builder', () => {
  const mac1 = parseMac('02:00:00:00:00:01');
  const mac2 = parseMac('02:00:00:00:00:02');
  const a = parseIpv4('10.0.0.1');
  const b = parseIpv4('10.0.0.2');

  it('the fluent form builds what the array form builds', () => {
    const fluent = ether({ dst: mac2, src: mac1 }).vlan({ vid: 5, pcp: 3 }).ipv4({ src: a, dst: b }).udp({ srcPort: 1, dstPort: 2 }).payload(Uint8Array.of(1, 2, 3)).build();
    const array = build(
      [
        { layer: 'ethernet', dst: mac2, src: mac1 },
        { layer: 'vlan', vid: 5, pcp: 3 },
        { layer: 'ipv4', src: a, dst: b },
        { layer: 'udp', srcPort: 1, dstPort: 2 },
      ],
      Uint8Array.of(1, 2, 3),
    );
    expect(fluent).toEqual(array);
    expect(fluent.length).toBe(60); // 14 + 4 + 20 + 8 + 3 = 49 bytes, padded to the 60-byte minimum
  });

  it('computes ethertypes, protocol, lengths and checksums; explicit values win', () => {
    const good = decodePacket(ether({ dst: mac2, src: mac1 }).ipv4({ src: a, dst: b }).udp({ srcPort: 7, dstPort: 9 }).payload(new Uint8Array(10)).build());
    expect(good.map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'payload']);
    const bad = decodePacket(
      ether({ dst: mac2, src: mac1 }).ipv4({ src: a, dst: b, checksum: 0x1234 }).udp({ srcPort: 7, dstPort: 9, checksum: 0x4321 }).payload(new Uint8Array(10)).build(),
      { mode: 'lax' },
    );
    expect(bad[1]).toMatchObject({ layer: 'ipv4', checksum: 0x1234, checksumValid: false });
    expect(bad[2]).toMatchObject({ layer: 'udp', checksum: 0x4321, checksumValid: false });
    expect(() => decodePacket(ether({ dst: mac2, src: mac1 }).ipv4({ src: a, dst: b, checksum: 1 }).udp({ srcPort: 7, dstPort: 9 }).build())).toThrow(/checksum/);
  });

  it('buildInto writes into a reused buffer and returns the length', () => {
    const out = new Uint8Array(2000).fill(0xee);
    const layers: LayerInput[] = [
      { layer: 'ethernet', dst: mac2, src: mac1 },
      { layer: 'ipv4', src: a, dst: b },
      { layer: 'icmp', kind: 'echo-request', id: 1, seq: 2 },
    ];
    const n = buildInto(layers, out, 100, new Uint8Array(20));
    expect(out.subarray(100, 100 + n)).toEqual(build(layers, new Uint8Array(20)));
    expect(out[99]).toBe(0xee);
    expect(() => buildInto(layers, new Uint8Array(30))).toThrow(/buffer-too-small|need/);
  });

  it('builder output of decodePacket objects rebuilds the same frame', () => {
    fc.assert(
      fc.property(frame({ vxlan: false }), ({ bytes }) => {
        const layers = decodePacket(bytes) as LayerInput[];
        expect(build(layers)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

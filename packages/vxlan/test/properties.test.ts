import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError, internetChecksum, readU16, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { ipv4Address, macAddress, uint16, uint8 } from '@wirestack/core/arbitraries';
import {
  VXLAN_OVERHEAD,
  VxlanView,
  decapsulate,
  decodeVxlan,
  encapsulate,
  encodeVxlan,
  innerFlowHash,
  vxlanSourcePort,
} from '../src/index.js';
import { anyVxlanHeader, encapsulatedFrame, innerFrame, vni, vxlanPacket } from '../src/arbitraries.js';
import { parseWithSpec } from './spec.js';

const outerInput = fc.record({
  srcMac: macAddress(),
  dstMac: macAddress(),
  srcIp: ipv4Address(),
  dstIp: ipv4Address(),
  dstPort: fc.constantFrom(4789, 8472, 9527),
});

/** The UDP checksum over the IPv4 pseudo-header, straight from RFC 768, byte by byte. */
function udpChecksumOk(frame: Uint8Array, udp: number, src: number, dst: number): boolean {
  const octets = [src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff, dst >>> 24, (dst >>> 16) & 0xff, (dst >>> 8) & 0xff, dst & 0xff];
  const length = frame.length - udp;
  octets.push(0, 17, length >>> 8, length & 0xff, ...frame.subarray(udp));
  if (octets.length % 2) octets.push(0);
  let sum = 0;
  for (let i = 0; i < octets.length; i += 2) {
    sum += octets[i]! * 256 + octets[i + 1]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum === 0xffff;
}

describe('VXLAN header', () => {
  it('round-trips any header through encode and lax decode; strict accepts exactly flags 0x08 with zero reserved fields', () => {
    fc.assert(
      fc.property(vxlanPacket({ anyHeader: true }), ({ header, payload, bytes }) => {
        expect(encodeVxlan({ ...header, payload })).toEqual(bytes);
        const lax = decodeVxlan(bytes, 0, { mode: 'lax' });
        expect(lax.header).toEqual(header);
        expect(lax.payload).toEqual(payload);
        const valid = header.flags === 0x08 && header.reserved1 === 0 && header.reserved2 === 0;
        expect(lax.issues.length === 0).toBe(valid);
        let strict = 'ok';
        try {
          decodeVxlan(bytes);
        } catch (e) {
          strict = (e as { code: string }).code;
        }
        expect(strict).toBe(valid ? 'ok' : lax.issues[0]!.code);
      }),
      { numRuns: 1000 },
    );
  });

  it('the view agrees with decode, for any bytes at any offset', () => {
    const view = new VxlanView();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 40 }), (before, rest) => {
        const bytes = new Uint8Array([...before, ...rest]);
        const d = decodeVxlan(bytes, before.length, { mode: 'lax' });
        view.reset(bytes, before.length);
        expect({ flags: view.flags, vni: view.vni, reserved1: view.reserved1, reserved2: view.reserved2 }).toEqual(d.header);
        expect(view.hasVni).toBe((d.header.flags & 0x08) !== 0);
        expect(view.payload).toEqual(d.payload);
        expect(view.payloadOffset).toBe(before.length + 8);
      }),
      { numRuns: 1000 },
    );
  });

  it('view setters write what encode writes', () => {
    fc.assert(
      fc.property(anyVxlanHeader(), (h) => {
        const view = new VxlanView(new Uint8Array(8).fill(0xee));
        view.flags = h.flags;
        view.reserved1 = h.reserved1;
        view.vni = h.vni;
        view.reserved2 = h.reserved2;
        expect(view.bytes).toEqual(encodeVxlan(h));
      }),
      { numRuns: 300 },
    );
  });

  it('decode agrees with the binary-parser spec on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 60 }), (bytes) => {
        const spec = parseWithSpec(bytes);
        const d = decodeVxlan(bytes, 0, { mode: 'lax' });
        expect(d.header).toEqual({ flags: spec.flags, vni: spec.vni, reserved1: spec.reserved1, reserved2: spec.reserved2 });
        expect(d.payload).toEqual(spec.payload);
        expect(d.issues.some((i) => i.code === 'bad-value')).toBe(!spec.i);
      }),
      { numRuns: 2000 },
    );
  });

  it('lax mode never throws once 8 bytes are there', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 40 }), (bytes, at) => {
        const offset = Math.min(at, bytes.length);
        if (bytes.length - offset < 8) return;
        const d = decodeVxlan(bytes, offset, { mode: 'lax' });
        for (const issue of d.issues) expect(issue.layer).toBe('vxlan');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encapsulate and decapsulate', () => {
  it('decapsulate(encapsulate(inner)) gives back the inner frame, the VNI and the outer addresses', () => {
    fc.assert(
      fc.property(innerFrame(), vni(), outerInput, fc.boolean(), (inner, v, outer, withChecksum) => {
        const frame = encapsulate(inner, { vni: v, outer, udpChecksum: withChecksum });
        expect(frame.length).toBe(VXLAN_OVERHEAD + inner.length);
        const d = decapsulate(frame, { ports: [outer.dstPort] });
        expect(d.vni).toBe(v);
        expect(d.inner).toEqual(inner);
        expect(d.outer).toEqual({ ...outer, srcPort: vxlanSourcePort(inner), vlanIds: [] });
        // The outer IPv4 header checksum is right; the UDP one is right, or 0 when not asked for.
        expect(internetChecksum(frame, 14, 34)).toBe(0);
        if (withChecksum) expect(udpChecksumOk(frame, 34, outer.srcIp, outer.dstIp)).toBe(true);
        else expect(readU16(frame, 40)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('encapsulate writes, byte for byte, the frames the arbitrary builds by hand (untagged, no IP options)', () => {
    fc.assert(
      fc.property(
        encapsulatedFrame().filter((s) => s.outer.vlanIds.length === 0 && s.layout.ipHeaderLength === 20),
        (s) => {
          const b = s.bytes;
          const frame = encapsulate(
            s.inner,
            {
              vni: s.vni,
              outer: { ...s.outer, tos: b[15]!, id: readU16(b, 18), df: (b[20]! & 0x40) !== 0, ttl: b[22]! },
              udpChecksum: s.udpChecksum,
            },
          );
          expect(frame).toEqual(b);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decapsulate reads what the arbitrary built: tags, IP options, ports and all', () => {
    fc.assert(
      fc.property(encapsulatedFrame(), (s) => {
        const d = decapsulate(s.bytes, s.options);
        expect(d.vni).toBe(s.vni);
        expect(d.inner).toEqual(s.inner);
        expect(d.inner.byteOffset).toBe(s.bytes.byteOffset + s.layout.inner);
        expect(d.outer).toEqual(s.outer);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes into a dirty buffer at an offset, and does not copy an inner frame already in place', () => {
    fc.assert(
      fc.property(innerFrame(), vni(), outerInput, fc.nat({ max: 16 }), fc.nat({ max: 16 }), (inner, v, outer, before, after) => {
        const fresh = encapsulate(inner, { vni: v, outer });
        const out = new Uint8Array(before + fresh.length + after).fill(0xa5);
        const written = encapsulate(inner, { vni: v, outer }, out, before);
        expect(written).toEqual(fresh);
        expect([written.buffer, written.byteOffset]).toEqual([out.buffer, before]);
        expect(out.subarray(0, before).every((x) => x === 0xa5)).toBe(true);
        expect(out.subarray(before + fresh.length).every((x) => x === 0xa5)).toBe(true);
        // In place: the inner frame is built at offset + 50 first.
        const buffer = new Uint8Array(before + fresh.length).fill(0x5a);
        buffer.set(inner, before + VXLAN_OVERHEAD);
        const placed = buffer.subarray(before + VXLAN_OVERHEAD, before + VXLAN_OVERHEAD + inner.length);
        expect(encapsulate(placed, { vni: v, outer }, buffer, before)).toEqual(fresh);
        expect(() => encapsulate(inner, { vni: v, outer }, new Uint8Array(fresh.length - 1))).toThrow(EncodeError);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects values that do not fit, naming the field', () => {
    const field = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        if (e instanceof EncodeError) return `${e.code}:${e.field}`;
        throw e;
      }
      return 'no error';
    };
    const inner = new Uint8Array(60);
    const outer = { srcMac: 1 as MacAddress, dstMac: 2 as MacAddress, srcIp: 3 as Ipv4Address, dstIp: 4 as Ipv4Address };
    expect(field(() => encapsulate(inner, { vni: 0x100_0000, outer }))).toBe('out-of-range:vni');
    expect(field(() => encapsulate(inner, { vni: 1, outer: { ...outer, srcMac: 2 ** 48 as MacAddress } }))).toBe('out-of-range:outer.srcMac');
    expect(field(() => encapsulate(inner, { vni: 1, outer: { ...outer, dstIp: -1 as Ipv4Address } }))).toBe('out-of-range:outer.dstIp');
    expect(field(() => encapsulate(inner, { vni: 1, outer: { ...outer, srcPort: 65536 } }))).toBe('out-of-range:outer.srcPort');
    expect(field(() => encapsulate(inner, { vni: 1, outer: { ...outer, ttl: 256 } }))).toBe('out-of-range:outer.ttl');
    expect(field(() => encapsulate(inner, { vni: 1, outer: { ...outer, id: 1.5 } }))).toBe('out-of-range:outer.id');
    expect(field(() => encapsulate(new Uint8Array(65535 - 36 + 1), { vni: 1, outer }))).toBe('too-long:innerFrame');
    expect(field(() => encapsulate(new Uint8Array(65535 - 36), { vni: 1, outer }))).toBe('no error');
    expect(field(() => encodeVxlan({ vni: 1, flags: 256 }))).toBe('out-of-range:flags');
    expect(field(() => encodeVxlan({ vni: 1, reserved1: 0x100_0000 }))).toBe('out-of-range:reserved1');
  });
});

describe('flow hash source port', () => {
  /** An Ethernet/IPv4 frame with the given 5-tuple and payload bytes. */
  function ipv4Frame(protocol: number, src: number, dst: number, sport: number, dport: number, data: Uint8Array, fragment = 0): Uint8Array {
    const f = new Uint8Array(14 + 20 + 4 + data.length);
    f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45]);
    f[14 + 6] = fragment >>> 8;
    f[14 + 7] = fragment & 0xff;
    f[14 + 9] = protocol;
    f.set([src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff, dst >>> 24, (dst >>> 16) & 0xff, (dst >>> 8) & 0xff, dst & 0xff], 26);
    f.set([sport >>> 8, sport & 0xff, dport >>> 8, dport & 0xff], 34);
    f.set(data, 38);
    return f;
  }
  const tuple = fc.record({
    protocol: fc.constantFrom(1, 6, 17, 132),
    src: ipv4Address(),
    dst: ipv4Address(),
    sport: uint16(),
    dport: uint16(),
    a: fc.uint8Array({ maxLength: 30 }),
    b: fc.uint8Array({ maxLength: 30 }),
  });

  it('is stable per flow, the same in both directions, and within 49152-65535', () => {
    fc.assert(
      fc.property(tuple, ({ protocol, src, dst, sport, dport, a, b }) => {
        const port = vxlanSourcePort(ipv4Frame(protocol, src, dst, sport, dport, a));
        expect(port).toBeGreaterThanOrEqual(49152);
        expect(port).toBeLessThanOrEqual(65535);
        expect(vxlanSourcePort(ipv4Frame(protocol, src, dst, sport, dport, b))).toBe(port); // other data, same flow
        expect(vxlanSourcePort(ipv4Frame(protocol, dst, src, dport, sport, b))).toBe(port); // the reply
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every fragment of a datagram on one port, and spreads flows over the range', () => {
    fc.assert(
      fc.property(tuple, fc.integer({ min: 1, max: 0x3fff }), ({ protocol, src, dst, sport, dport, a }, fragment) => {
        const first = ipv4Frame(protocol, src, dst, sport, dport, a, 0x2000); // MF, offset 0
        const later = ipv4Frame(protocol, src, dst, a[0] ?? 0, a[1] ?? 0, a, fragment); // ports are data here
        expect(vxlanSourcePort(later)).toBe(vxlanSourcePort(first));
      }),
      { numRuns: 500 },
    );
    // 4096 flows differing in the source port land on many ports, and evenly.
    const counts = new Map<number, number>();
    for (let sport = 0; sport < 4096; sport++) {
      const port = vxlanSourcePort(ipv4Frame(17, 0x0a000001, 0x0a000002, 32768 + sport, 53, new Uint8Array(0)));
      counts.set(port >> 10, (counts.get(port >> 10) ?? 0) + 1);
    }
    expect(counts.size).toBe(16); // every 1024-port sixteenth of 49152-65535
    for (const n of counts.values()) expect(n).toBeGreaterThan(256 / 2);
  });

  it('hashes frames of every shape without throwing, and maps into any range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), uint8(), uint8(), (bytes, x, y) => {
        const min = Math.min(x, y) * 256;
        const max = Math.max(x, y) * 256 + 255;
        const port = vxlanSourcePort(bytes, min, max);
        expect(port).toBeGreaterThanOrEqual(min);
        expect(port).toBeLessThanOrEqual(max);
        expect(innerFlowHash(bytes)).toBe(innerFlowHash(bytes.slice()));
      }),
      { numRuns: 2000 },
    );
    expect(() => vxlanSourcePort(new Uint8Array(14), 10, 9)).toThrow(RangeError);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesEqual, formatIpv4, internetChecksum, macFromBytes, parseIpv4, parseMac, readU16 } from '@wirestack/core';
import { readPcap } from '@wirestack-tools/testkit';
import {
  VxlanView,
  decapsulate,
  decodeVxlan,
  encapsulate,
  encodeVxlan,
  formatVxlan,
  tryDecapsulate,
  vxlanSourcePort,
} from '../src/index.js';
import { decodeError } from './helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const CAPTURES = [
  { file: 'kernel-vxlan-4789.pcap', vni: 42, port: 4789 },
  { file: 'kernel-vxlan-9527.pcap', vni: 1, port: 9527 },
] as const;

const VTEP = { a: parseIpv4('192.168.99.1'), b: parseIpv4('192.168.99.2') };
const UNDERLAY_MAC = { a: parseMac('02:00:00:00:00:01'), b: parseMac('02:00:00:00:00:02') };
const OVERLAY_MAC = { a: parseMac('02:00:00:00:0a:01'), b: parseMac('02:00:00:00:0a:02') };
const BROADCAST = parseMac('ff:ff:ff:ff:ff:ff');

/**
 * Each capture (see fixtures/README.md): ARP request a->b (broadcast), ARP
 * reply b->a, then two ICMP echo request/reply pairs, a->b and b->a. What
 * `tshark -V` shows for the inner frames, per frame: direction, inner
 * destination MAC, inner EtherType, inner frame length.
 */
const FRAMES = [
  { from: 'a', innerDst: BROADCAST, etherType: 0x0806, innerLength: 42 },
  { from: 'b', innerDst: OVERLAY_MAC.a, etherType: 0x0806, innerLength: 42 },
  { from: 'a', innerDst: OVERLAY_MAC.b, etherType: 0x0800, innerLength: 98 },
  { from: 'b', innerDst: OVERLAY_MAC.a, etherType: 0x0800, innerLength: 98 },
  { from: 'a', innerDst: OVERLAY_MAC.b, etherType: 0x0800, innerLength: 98 },
  { from: 'b', innerDst: OVERLAY_MAC.a, etherType: 0x0800, innerLength: 98 },
] as const;

describe.each(CAPTURES)('kernel capture $file (VNI $vni, UDP port $port)', ({ file, vni, port }) => {
  const frames = readPcap(join(fixtures, file));

  it('holds the six frames of the capture script', () => {
    expect(frames.length).toBe(FRAMES.length);
  });

  it('decapsulates every frame: VNI, outer addresses, and the inner frame read byte by byte', () => {
    frames.forEach((frame, i) => {
      const expected = FRAMES[i]!;
      const from = expected.from;
      const to = from === 'a' ? 'b' : 'a';
      const d = decapsulate(frame, { ports: [port] });
      expect(d.vni).toBe(vni);
      expect(d.outer).toEqual({
        srcMac: UNDERLAY_MAC[from],
        dstMac: UNDERLAY_MAC[to],
        srcIp: VTEP[from],
        dstIp: VTEP[to],
        srcPort: readU16(frame, 34),
        dstPort: port,
        vlanIds: [],
      });
      // The inner frame is a view into the capture at 14 + 20 + 8 + 8 = 50, running to its end.
      expect(d.inner.buffer).toBe(frame.buffer);
      expect(d.inner.byteOffset).toBe(frame.byteOffset + 50);
      expect(d.inner.length).toBe(expected.innerLength);
      expect(macFromBytes(d.inner, 0)).toBe(expected.innerDst);
      expect(macFromBytes(d.inner, 6)).toBe(OVERLAY_MAC[from]);
      expect(readU16(d.inner, 12)).toBe(expected.etherType);
      expect(tryDecapsulate(frame, { ports: [4789, 8472, port] })).toEqual(d);
    });
  });

  it('decodes the VXLAN header strictly with the codec and the view', () => {
    for (const frame of frames) {
      const d = decodeVxlan(frame, 42);
      expect(d.header).toEqual({ flags: 0x08, vni, reserved1: 0, reserved2: 0 });
      expect(d.issues).toEqual([]);
      expect(d.payload).toEqual(decapsulate(frame, { ports: [port] }).inner);
      const view = new VxlanView(frame, 42);
      expect([view.flags, view.hasVni, view.vni, view.reserved1, view.reserved2, view.payloadOffset]).toEqual([8, true, vni, 0, 0, 50]);
      expect(encodeVxlan(d.header)).toEqual(frame.subarray(42, 50));
    }
  });

  it('re-encapsulates every inner frame byte for byte, given the kernel\'s source port and IPv4 ID', () => {
    for (const frame of frames) {
      const d = decapsulate(frame, { ports: [port] });
      expect(frame[14 + 1]).toBe(0); // TOS
      expect(frame[14 + 8]).toBe(64); // TTL, our default
      expect(readU16(frame, 14 + 6)).toBe(0); // no DF, our default
      const rebuilt = encapsulate(
        d.inner,
        { vni: d.vni, outer: { ...d.outer, id: readU16(frame, 14 + 4) }, udpChecksum: true }, // the kernel sent UDP checksums
      );
      expect(bytesEqual(rebuilt, frame)).toBe(true);
      expect(internetChecksum(rebuilt, 14, 34)).toBe(0);
    }
  });

  it('gives the same source port to frames of one flow, as the kernel\'s flow hash did', () => {
    const kernel = frames.map((f) => readU16(f, 34));
    const ours = frames.map((f) => vxlanSourcePort(decapsulate(f, { ports: [port] }).inner));
    for (let i = 0; i < frames.length; i++) {
      for (let j = 0; j < frames.length; j++) {
        expect(ours[i] === ours[j], `frames ${i} and ${j}`).toBe(kernel[i] === kernel[j]);
      }
    }
    // Both directions of the ARP exchange and of the ping are one flow each.
    expect(new Set(kernel).size).toBe(2);
    for (const p of ours) expect(p).toBeGreaterThanOrEqual(49152);
  });
});

describe('ports', () => {
  it('the 9527 capture is not VXLAN on the default port: tryDecapsulate says undefined, decapsulate says why', () => {
    const frame = readPcap(join(fixtures, 'kernel-vxlan-9527.pcap'))[0]!;
    expect(tryDecapsulate(frame)).toBeUndefined();
    const e = decodeError(() => decapsulate(frame));
    expect([e.code, e.layer, e.offset]).toEqual(['unsupported', 'udp', 36]);
    expect(e.message).toMatch(/9527/);
  });

  it('formats the header as tcpdump -n printed it for the 4789 capture', () => {
    const frame = readPcap(join(fixtures, 'kernel-vxlan-4789.pcap'))[0]!;
    const d = decapsulate(frame);
    const line = `IP ${formatIpv4(d.outer.srcIp)}.${d.outer.srcPort} > ${formatIpv4(d.outer.dstIp)}.${d.outer.dstPort}: ${formatVxlan(decodeVxlan(frame, 42).header)}`;
    expect(line).toBe('IP 192.168.99.1.52983 > 192.168.99.2.4789: VXLAN, flags [I] (0x08), vni 42');
    expect(formatVxlan({ flags: 0x00, vni: 7 })).toBe('VXLAN, flags [invalid] (0x00), vni 7');
  });
});

describe('RFC 7348 header rules', () => {
  it('strict mode rejects a clear I flag as bad-value and reserved bits as reserved, at their offsets', () => {
    const cases = [
      ['00 000000 00002a 00', 'bad-value', 0],
      ['88 000000 00002a 00', 'reserved', 0],
      ['08 000100 00002a 00', 'reserved', 1],
      ['08 000000 00002a 01', 'reserved', 7],
      ['80 000001 00002a 01', 'bad-value', 0],
    ] as const;
    for (const [hexText, code, at] of cases) {
      const bytes = Uint8Array.from(hexText.replace(/ /g, '').match(/../g)!.map((h) => parseInt(h, 16)));
      const buffer = new Uint8Array(5 + bytes.length);
      buffer.set(bytes, 5);
      const e = decodeError(() => decodeVxlan(buffer, 5));
      expect([e.code, e.layer, e.offset]).toEqual([code, 'vxlan', 5 + at]);
      const lax = decodeVxlan(buffer, 5, { mode: 'lax' });
      expect(lax.header.vni).toBe(42);
      expect(lax.issues[0]).toMatchObject({ code, offset: 5 + at });
      expect(encodeVxlan(lax.header)).toEqual(bytes);
    }
  });

  it('needs the 8-byte header in both modes', () => {
    for (const mode of ['strict', 'lax'] as const) {
      const e = decodeError(() => decodeVxlan(new Uint8Array(10), 3, { mode }));
      expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'vxlan', 3, 8, 7]);
    }
  });

  it('encapsulate writes a zero UDP checksum by default, as RFC 7348 recommends', () => {
    const inner = readPcap(join(fixtures, 'kernel-vxlan-4789.pcap'))[2]!.subarray(50);
    const outer = { srcMac: UNDERLAY_MAC.a, dstMac: UNDERLAY_MAC.b, srcIp: VTEP.a, dstIp: VTEP.b };
    const frame = encapsulate(inner, { vni: 42, outer });
    expect(readU16(frame, 40)).toBe(0);
    expect(readU16(frame, 36)).toBe(4789);
    expect(readU16(frame, 34)).toBe(vxlanSourcePort(inner));
    expect(decapsulate(frame).inner).toEqual(inner);
  });
});

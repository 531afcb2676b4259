import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError, bytesEqual, fromHex, parseMac } from '@wirestack/core';
import { readPcap } from '@wirestack-tools/testkit';
import {
  ETHERNET_HEADER_LENGTH,
  EtherType,
  EthernetView,
  crc32,
  decodeEthernet,
  encodeEthernet,
  etherTypeName,
  formatEthernet,
  splitPadding,
} from '../src/index.js';
import {
  ARP_REQUEST_FCS,
  ARP_REQUEST_ON_THE_WIRE,
  KERNEL_ARP_REQUEST,
  KERNEL_ICMP_ECHO_REQUEST,
  STP_BPDU,
  TCPDUMP_ARP_REQUEST,
  TCPDUMP_ICMP_ECHO_REQUEST,
} from './frames.js';

const ascii = (s: string) => new TextEncoder().encode(s);

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('CRC-32', () => {
  it('matches the standard check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('covers a range and continues from a previous value', () => {
    const text = ascii('xx123456789yy');
    expect(crc32(text, 2, 11)).toBe(0xcbf43926);
    expect(crc32(text, 6, 11, crc32(text, 2, 6))).toBe(0xcbf43926);
  });

  it('rejects a range outside the array', () => {
    expect(() => crc32(new Uint8Array(4), 0, 5)).toThrow(RangeError);
    expect(() => crc32(new Uint8Array(4), 3, 2)).toThrow(RangeError);
    expect(() => crc32(new Uint8Array(4), -1)).toThrow(RangeError);
  });
});

describe('real kernel frames (hard-coded)', () => {
  it('decodes the ARP request', () => {
    const d = decodeEthernet(KERNEL_ARP_REQUEST);
    expect(d.header).toEqual({ dst: parseMac('ff:ff:ff:ff:ff:ff'), src: parseMac('46:bd:24:78:7b:1b'), etherType: 0x0806 });
    expect(d.headerLength).toBe(14);
    expect(d.payload.length).toBe(28);
    expect(d.payload.byteOffset).toBe(KERNEL_ARP_REQUEST.byteOffset + 14);
    expect(d.padding.length).toBe(0);
    expect(d.fcs).toBeUndefined();
    expect(d.issues).toEqual([]);
    expect(formatEthernet(d.header, KERNEL_ARP_REQUEST.length)).toBe(TCPDUMP_ARP_REQUEST);
  });

  it('decodes the ICMP echo request', () => {
    const d = decodeEthernet(KERNEL_ICMP_ECHO_REQUEST);
    expect(d.header).toEqual({ dst: parseMac('02:25:05:37:39:35'), src: parseMac('46:bd:24:78:7b:1b'), etherType: EtherType.IPv4 });
    expect(d.payload.length).toBe(84); // the IPv4 total length
    expect(d.payload[0]).toBe(0x45);
    expect(formatEthernet(d.header, KERNEL_ICMP_ECHO_REQUEST.length)).toBe(TCPDUMP_ICMP_ECHO_REQUEST);
  });

  it('re-encodes both byte for byte (unpadded, as the kernel sent them)', () => {
    for (const frame of [KERNEL_ARP_REQUEST, KERNEL_ICMP_ECHO_REQUEST]) {
      const d = decodeEthernet(frame);
      expect(encodeEthernet({ ...d.header, payload: d.payload, pad: false })).toEqual(frame);
    }
  });

  it('pads the ARP request to 60 bytes and appends the FCS tshark accepts', () => {
    const d = decodeEthernet(KERNEL_ARP_REQUEST);
    const wire = encodeEthernet({ ...d.header, payload: d.payload, fcs: true });
    expect(wire).toEqual(ARP_REQUEST_ON_THE_WIRE);
    expect(encodeEthernet({ ...d.header, payload: d.payload })).toEqual(ARP_REQUEST_ON_THE_WIRE.subarray(0, 60));
  });
});

describe('FCS over a real frame', () => {
  it('strips and verifies it', () => {
    const d = decodeEthernet(ARP_REQUEST_ON_THE_WIRE, 0, { fcs: true });
    expect(d.fcs).toBe(ARP_REQUEST_FCS);
    expect(crc32(ARP_REQUEST_ON_THE_WIRE, 0, 60)).toBe(ARP_REQUEST_FCS);
    expect(d.issues).toEqual([]);
    expect(d.payload.length).toBe(46); // 28 bytes of ARP + 18 of padding, up to the FCS
    const split = splitPadding(d, 28);
    expect(split.payload).toEqual(KERNEL_ARP_REQUEST.subarray(14));
    expect(split.padding).toEqual(new Uint8Array(18));
  });

  it('reports a corrupted frame as bad-checksum at the FCS, unless told to ignore it', () => {
    const bad = ARP_REQUEST_ON_THE_WIRE.slice();
    bad[20] = bad[20]! ^ 0x01;
    const e = decodeError(() => decodeEthernet(bad, 0, { fcs: true }));
    expect(e.code).toBe('bad-checksum');
    expect(e.layer).toBe('ethernet');
    expect(e.offset).toBe(60);
    const lax = decodeEthernet(bad, 0, { fcs: true, mode: 'lax' });
    expect(lax.issues.map((i) => [i.code, i.offset])).toEqual([['bad-checksum', 60]]);
    expect(lax.fcs).toBe(ARP_REQUEST_FCS);
    const ignored = decodeEthernet(bad, 0, { fcs: true, checksum: 'ignore' });
    expect(ignored.issues).toEqual([]);
    expect(ignored.payload.length).toBe(46);
  });

  it('without fcs: true, the FCS is just more payload', () => {
    expect(decodeEthernet(ARP_REQUEST_ON_THE_WIRE).payload.length).toBe(50);
  });
});

describe('hand-checked frames', () => {
  it('decodes an 802.3 length frame: payload is exactly length bytes, the rest padding', () => {
    const d = decodeEthernet(STP_BPDU);
    expect(d.header).toEqual({ dst: parseMac('01:80:c2:00:00:00'), src: parseMac('00:1b:21:3c:4d:5e'), length: 38 });
    expect('etherType' in d.header).toBe(false);
    expect(d.payload.length).toBe(38);
    expect(Array.from(d.payload.subarray(0, 3))).toEqual([0x42, 0x42, 0x03]);
    expect(d.padding).toEqual(new Uint8Array(8));
    expect(formatEthernet(d.header, STP_BPDU.length)).toBe('00:1b:21:3c:4d:5e > 01:80:c2:00:00:00, 802.3, length 38');
    expect(encodeEthernet({ ...d.header, payload: d.payload })).toEqual(STP_BPDU);
  });

  it('encodes a minimal Ethernet II frame to these bytes', () => {
    const bytes = encodeEthernet({
      dst: parseMac('02:00:00:00:00:02'),
      src: parseMac('02:00:00:00:00:01'),
      etherType: EtherType.IPv6,
      payload: fromHex('60'),
      pad: false,
    });
    expect(bytes).toEqual(fromHex('020000000002 020000000001 86dd 60'));
  });

  it('reads the Length/Type boundaries as 802.3 says', () => {
    const frame = (value: number) => {
      const f = new Uint8Array(1600);
      f[12] = value >>> 8;
      f[13] = value & 0xff;
      return f;
    };
    expect(decodeEthernet(frame(0)).header).toEqual({ dst: 0, src: 0, length: 0 });
    expect(decodeEthernet(frame(1500)).header).toEqual({ dst: 0, src: 0, length: 1500 });
    expect(decodeEthernet(frame(0x0600)).header).toEqual({ dst: 0, src: 0, etherType: 0x0600 });
    expect(decodeEthernet(frame(0xffff)).header).toEqual({ dst: 0, src: 0, etherType: 0xffff });
    for (const value of [1501, 0x05ff]) {
      const e = decodeError(() => decodeEthernet(frame(value)));
      expect([e.code, e.offset]).toEqual(['bad-value', 12]);
      const lax = decodeEthernet(frame(value), 0, { mode: 'lax' });
      expect(lax.header).toEqual({ dst: 0, src: 0, etherType: value });
      expect(lax.issues.map((i) => [i.code, i.offset])).toEqual([['bad-value', 12]]);
      expect(lax.payload.length).toBe(1600 - 14);
    }
  });

  it('reports an 802.3 length beyond the frame as truncated payload, at offsets into the caller buffer', () => {
    const buffer = new Uint8Array(5 + 14 + 10);
    buffer.set(fromHex('ffffffffffff 020000000001 0014'), 5); // length 20, 10 bytes present
    const e = decodeError(() => decodeEthernet(buffer, 5));
    expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'ethernet', 19, 20, 10]);
    const lax = decodeEthernet(buffer, 5, { mode: 'lax' });
    expect(lax.header).toEqual({ dst: 0xffffffffffff, src: 0x020000000001, length: 20 });
    expect(lax.payload.length).toBe(10);
    expect(lax.padding.length).toBe(0);
    expect(lax.issues.map((i) => [i.code, i.offset])).toEqual([['truncated', 19]]);
  });

  it('reports a short header as truncated in both modes', () => {
    for (const mode of ['strict', 'lax'] as const) {
      const e = decodeError(() => decodeEthernet(new Uint8Array(20), 10, { mode }));
      expect([e.code, e.offset, e.required, e.available]).toEqual(['truncated', 10, 14, 10]);
      const f = decodeError(() => decodeEthernet(new Uint8Array(17), 0, { mode, fcs: true }));
      expect([f.code, f.offset, f.required, f.available]).toEqual(['truncated', 0, 18, 17]);
    }
    expect(ETHERNET_HEADER_LENGTH).toBe(14);
  });
});

describe('EtherType names', () => {
  it('names the well-known types and prints others as hex', () => {
    expect(etherTypeName(EtherType.IPv4)).toBe('IPv4');
    expect(etherTypeName(0x0806)).toBe('ARP');
    expect(etherTypeName(0x8100)).toBe('802.1Q');
    expect(etherTypeName(0x88a8)).toBe('802.1Q-QinQ');
    expect(etherTypeName(0x86dd)).toBe('IPv6');
    expect(etherTypeName(0x88cc)).toBe('LLDP');
    expect(etherTypeName(0x1234)).toBe('0x1234');
    expect(etherTypeName(0x05dd)).toBe('0x05dd');
    expect(formatEthernet({ dst: parseMac('ff:ff:ff:ff:ff:ff'), src: parseMac('02:42:ac:11:00:02'), etherType: 0x1234 })).toBe(
      '02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x1234)',
    );
  });

  it('round-trips an unknown EtherType', () => {
    const bytes = encodeEthernet({ dst: parseMac('02:00:00:00:00:02'), src: parseMac('02:00:00:00:00:01'), etherType: 0x1234 });
    expect(decodeEthernet(bytes).header).toEqual({ dst: 0x020000000002, src: 0x020000000001, etherType: 0x1234 });
  });
});

const fixtures = join(import.meta.dirname, 'fixtures');
const pcaps = readdirSync(fixtures).filter((f) => f.endsWith('.pcap'));

describe('kernel captures in test/fixtures (tools/capture)', () => {
  it.skipIf(pcaps.length === 0)('decode strictly, agree with the view and re-encode byte for byte', () => {
    let frames = 0;
    for (const file of pcaps) {
      for (const frame of readPcap(join(fixtures, file))) {
        frames++;
        const d = decodeEthernet(frame);
        expect(d.issues).toEqual([]);
        // The capture script documents its hosts: 02:00:00:00:00:01 and :02, ARP and IPv4 only.
        expect([0x020000000001, 0x020000000002, 0xffffffffffff]).toContain(d.header.dst);
        expect([0x020000000001, 0x020000000002]).toContain(d.header.src);
        const etherType = 'etherType' in d.header ? d.header.etherType : undefined;
        expect([EtherType.ARP, EtherType.IPv4]).toContain(etherType);
        const view = new EthernetView(frame);
        expect([view.dst, view.src, view.etherType]).toEqual([d.header.dst, d.header.src, etherType]);
        expect(bytesEqual(encodeEthernet({ ...d.header, payload: d.payload, pad: false }), frame)).toBe(true);
      }
    }
    expect(frames).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, fromHex, parseMac } from '@wirestack/core';
import { EtherType, EthernetView, decodeEthernet } from '../src/index.js';
import { KERNEL_ARP_REQUEST, STP_BPDU } from './frames.js';

describe('EthernetView', () => {
  it('reads the fields of a real frame', () => {
    const v = new EthernetView(KERNEL_ARP_REQUEST);
    expect(v.dst).toBe(parseMac('ff:ff:ff:ff:ff:ff'));
    expect(v.src).toBe(parseMac('46:bd:24:78:7b:1b'));
    expect(v.etherType).toBe(EtherType.ARP);
    expect(v.isLength).toBe(false);
    expect(v.headerLength).toBe(14);
    expect(v.payloadOffset).toBe(14);
    expect(v.payloadLength).toBe(28);
  });

  it('reads an 802.3 length frame: the length, and the payload without its padding', () => {
    const v = new EthernetView(STP_BPDU);
    expect(v.isLength).toBe(true);
    expect(v.etherType).toBe(38);
    expect(v.payloadLength).toBe(38);
    // Cut short, the payload is what is there.
    expect(v.reset(STP_BPDU.subarray(0, 30)).payloadLength).toBe(16);
  });

  it('is reusable: reset re-points it at another frame and offset', () => {
    const buffer = new Uint8Array(3 + STP_BPDU.length);
    buffer.set(STP_BPDU, 3);
    const v = new EthernetView();
    expect(v.reset(KERNEL_ARP_REQUEST)).toBe(v);
    expect(v.etherType).toBe(0x0806);
    v.reset(buffer, 3);
    expect([v.bytes, v.offset, v.src, v.payloadOffset]).toEqual([buffer, 3, parseMac('00:1b:21:3c:4d:5e'), 17]);
  });

  it('throws DecodeError truncated when 14 bytes are not there, and stays on its old frame', () => {
    const v = new EthernetView(KERNEL_ARP_REQUEST);
    let error: unknown;
    try {
      v.reset(new Uint8Array(20), 7);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'truncated', layer: 'ethernet', offset: 7, required: 14, available: 13 });
    expect(v.bytes).toBe(KERNEL_ARP_REQUEST);
    expect(() => new EthernetView(new Uint8Array(13))).toThrow(DecodeError);
  });

  it('writes fields in place, and decode sees the change', () => {
    const frame = new Uint8Array(4 + 60);
    const v = new EthernetView(frame, 4);
    v.dst = parseMac('02:42:ac:11:00:02');
    v.src = parseMac('ff:ee:dd:cc:bb:aa');
    v.etherType = EtherType.IPv6;
    expect(frame.subarray(4, 18)).toEqual(fromHex('0242ac110002 ffeeddccbbaa 86dd'));
    expect(decodeEthernet(frame, 4).header).toEqual({ dst: 0x0242ac110002, src: 0xffeeddccbbaa, etherType: 0x86dd });
    v.etherType = 46;
    expect(decodeEthernet(frame, 4).header).toEqual({ dst: 0x0242ac110002, src: 0xffeeddccbbaa, length: 46 });
    expect(frame.subarray(0, 4)).toEqual(new Uint8Array(4));
  });

  it('rejects values that do not fit with EncodeError naming the field', () => {
    const v = new EthernetView(new Uint8Array(14));
    expect(() => (v.etherType = 0x10000)).toThrow(EncodeError);
    expect(() => (v.etherType = 1.5)).toThrow(/etherType/);
    expect(() => (v.dst = 2 ** 48 as never)).toThrow(/dst/);
    expect(() => (v.src = -1 as never)).toThrow(/src/);
    expect(v.bytes).toEqual(new Uint8Array(14));
  });
});

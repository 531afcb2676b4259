import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, fromHex, parseIpv4 } from '@wirestack/core';
import { UdpView, decodeUdp } from '../src/index.js';

const src = parseIpv4('10.0.0.1');
const dst = parseIpv4('10.0.0.2');

describe('UdpView', () => {
  it('reads the fields of a datagram', () => {
    const v = new UdpView(fromHex('9c40 15b3 000f 0000 41424344454647 0000'));
    expect([v.srcPort, v.dstPort, v.length, v.checksum]).toEqual([40000, 5555, 15, 0]);
    expect([v.headerLength, v.payloadOffset, v.payloadLength]).toEqual([8, 8, 7]);
    expect(v.payload).toEqual(fromHex('41424344454647'));
    expect(v.lengthFits).toBe(true);
  });

  it('is reusable: reset re-points it at another datagram and offset', () => {
    const a = fromHex('0001 0002 0008 0000');
    const b = fromHex('ffff ffff 0003 0004 0008 0000');
    const v = new UdpView();
    expect(v.reset(a)).toBe(v);
    expect(v.dstPort).toBe(2);
    v.reset(b, 4);
    expect([v.bytes, v.offset, v.srcPort, v.payloadOffset, v.payloadLength]).toEqual([b, 4, 3, 12, 0]);
  });

  it('throws DecodeError truncated when 8 bytes are not there, and stays on its old datagram', () => {
    const a = fromHex('0001 0002 0008 0000');
    const v = new UdpView(a);
    let error: unknown;
    try {
      v.reset(new Uint8Array(10), 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'truncated', layer: 'udp', offset: 3, required: 8, available: 7 });
    expect(v.bytes).toBe(a);
  });

  it('clamps the payload to the bytes present, and to nothing for a Length under 8', () => {
    const v = new UdpView(fromHex('0001 0002 0020 0000 0102'));
    expect([v.payloadLength, v.lengthFits]).toEqual([2, false]);
    v.length = 3;
    expect([v.payloadLength, v.lengthFits]).toEqual([0, false]);
    v.length = 9;
    expect([v.payloadLength, v.lengthFits, v.payload]).toEqual([1, true, fromHex('01')]);
  });

  it('writes fields in place, fills and verifies the checksum, and decode sees it', () => {
    const buffer = new Uint8Array(4 + 8 + 3);
    const v = new UdpView(buffer, 4);
    v.srcPort = 5000;
    v.dstPort = 53;
    v.length = 11;
    v.payload.set([0x68, 0x69, 0x6a]);
    expect(v.verifyChecksum(src, dst)).toBeNull();
    const value = v.fillChecksum(src, dst);
    expect(v.checksum).toBe(value);
    expect(v.verifyChecksum(src, dst)).toBe(true);
    expect(v.verifyChecksum(src, parseIpv4('10.0.0.3'))).toBe(false);
    const d = decodeUdp(buffer, 4, { pseudoHeader: { src, dst } });
    expect(d.header).toEqual({ srcPort: 5000, dstPort: 53, length: 11, checksum: value });
    expect(d.checksumValid).toBe(true);
    expect(buffer.subarray(0, 4)).toEqual(new Uint8Array(4));
  });

  it('refuses to fill a checksum when Length does not fit, and never verifies such a datagram', () => {
    const v = new UdpView(fromHex('0001 0002 0010 1234 0102'));
    expect(() => v.fillChecksum(src, dst)).toThrow(EncodeError);
    expect(v.verifyChecksum(src, dst)).toBe(false);
    v.length = 4;
    expect(() => v.fillChecksum(src, dst)).toThrow(/length/);
    expect(v.checksum).toBe(0x1234);
  });

  it('rejects values that do not fit with EncodeError naming the field', () => {
    const v = new UdpView(new Uint8Array(8));
    expect(() => (v.srcPort = 0x10000)).toThrow(/srcPort/);
    expect(() => (v.dstPort = -1)).toThrow(/dstPort/);
    expect(() => (v.length = 1.5)).toThrow(/length/);
    expect(() => (v.checksum = 0x10000)).toThrow(EncodeError);
    expect(v.bytes).toEqual(new Uint8Array(8));
  });
});

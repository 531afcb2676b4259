import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { bytesEqual, checksumUpdate16, parseIpv4 } from '@wirestack/core';
import { IcmpView, decodeIcmp, echoRequest, encodeIcmp } from '../src/index.js';
import { icmpBytes } from '../src/arbitraries.js';

describe('IcmpView', () => {
  it('answers an echo request in place: type 0, checksum updated incrementally (RFC 1624) = recomputed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 64 }), (id, seq, data) => {
        const bytes = encodeIcmp(echoRequest({ id, seq, data }));
        const view = new IcmpView(bytes);
        view.checksum = checksumUpdate16(view.checksum, 0x0800, 0x0000);
        view.type = 0;
        expect(view.verifyChecksum()).toBe(true);
        const expected = encodeIcmp({ kind: 'echo-reply', id, seq, data });
        expect(bytesEqual(bytes, expected)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('setters write the fields decodeIcmp reads, and reject values that do not fit', () => {
    const bytes = new Uint8Array(36);
    const view = new IcmpView(bytes);
    view.type = 3;
    view.code = 4;
    view.mtu = 1280;
    view.length = 0;
    view.fillChecksum();
    expect(decodeIcmp(bytes).header).toMatchObject({ kind: 'dest-unreachable', code: 4, mtu: 1280, unused: 0, checksumValid: true });
    view.type = 5;
    view.gateway = parseIpv4('10.0.0.1');
    expect(view.rest).toBe(0x0a00_0001);
    view.type = 12;
    view.pointer = 7;
    view.rest = 0x0708_0000;
    view.id = 0x1234;
    view.seq = 0x5678;
    expect([view.pointer, view.length, view.id, view.seq, view.rest]).toEqual([0x12, 0x34, 0x1234, 0x5678, 0x1234_5678]);
    expect(view.verifyChecksum()).toBe(false);
    for (const [field, value] of [['type', 256], ['code', -1], ['checksum', 0x10000], ['id', 1.5], ['rest', 2 ** 32], ['pointer', 300]] as const) {
      expect(() => {
        (view as unknown as Record<string, number>)[field] = value;
      }).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'out-of-range', field }));
    }
  });

  it('messageLength bounds the checksum: trailing bytes (Ethernet padding) are not summed', () => {
    fc.assert(
      fc.property(icmpBytes(), (c) => {
        const view = new IcmpView(c.bytes, c.offset, c.length);
        expect(view.verifyChecksum()).toBe(true);
        expect(view.headerLength).toBe(8);
        expect(view.payload).toEqual(c.bytes.subarray(c.offset + 8, c.offset + c.length));
      }),
      { numRuns: 300 },
    );
  });

  it('a detached view re-points with reset; reset checks the 8-byte header', () => {
    const view = new IcmpView();
    expect(view.bytes.length).toBe(0);
    const bytes = encodeIcmp(echoRequest({ id: 1, seq: 2 }));
    expect(view.reset(bytes).seq).toBe(2);
    expect(() => view.reset(bytes, 1)).toThrow(expect.objectContaining({ code: 'truncated', offset: 1, required: 8, available: 7 }));
    expect(() => view.reset(bytes, 0, 9)).toThrow(expect.objectContaining({ code: 'truncated', offset: 0, required: 9, available: 8 }));
    expect(() => view.reset(bytes, -1)).toThrow(RangeError);
  });
});

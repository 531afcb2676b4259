import { describe, expect, it } from 'vitest';
import { fromHex, parseIpv4, parseMac, toHex } from '@wirestack/core';
import { ArpView, arpRequest, decodeArp, encodeArp, replyTo } from '../src/index.js';

const request = arpRequest({ senderMac: parseMac('02:00:00:00:00:01'), senderIp: parseIpv4('10.0.0.1'), targetIp: parseIpv4('10.0.0.2') });

describe('ArpView', () => {
  it('answers a request in place: the bytes become what replyTo encodes', () => {
    const frame = new Uint8Array(14 + 28);
    encodeArp(request, frame, 14);
    const view = new ArpView(frame, 14);
    const ours = parseMac('02:00:00:00:00:02');
    const [sha, spa] = [view.sha, view.spa];
    view.op = 2;
    view.tha = sha;
    view.tpa = spa;
    view.sha = ours;
    view.spa = parseIpv4('10.0.0.2');
    expect(toHex(frame.subarray(14))).toBe(toHex(encodeArp(replyTo(request, ours))));
  });

  it('is reusable: reset re-points it, including from one kind to the other', () => {
    const view = new ArpView();
    expect(view.headerLength).toBe(0);
    const generic = fromHex('0006 0800 0302 0001 010203 0405 060708 090a');
    view.reset(encodeArp(request));
    expect(view.kind).toBe('ethernet-ipv4');
    expect(view.tpa).toBe(parseIpv4('10.0.0.2'));
    expect(view.reset(generic, 0)).toBe(view);
    expect(view.kind).toBe('generic');
    expect([view.htype, view.ptype, view.hlen, view.plen, view.op, view.headerLength]).toEqual([6, 0x0800, 3, 2, 1, 18]);
    expect([view.shaBytes, view.spaBytes, view.thaBytes, view.tpaBytes].map(toHex)).toEqual(['010203', '0405', '060708', '090a']);
  });

  it('*Bytes are live subarrays: writes reach the packet', () => {
    const bytes = encodeArp(request);
    const view = new ArpView(bytes);
    view.thaBytes.set([1, 2, 3, 4, 5, 6]);
    expect(decodeArp(bytes).header).toMatchObject({ tha: parseMac('01:02:03:04:05:06') });
  });

  it('numeric addresses are refused on a generic packet instead of reading other fields', () => {
    const view = new ArpView(fromHex('0001 0800 0000 0001')); // hlen = plen = 0
    expect(view.kind).toBe('generic');
    for (const f of ['sha', 'spa', 'tha', 'tpa'] as const) {
      expect(() => view[f]).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'unsupported', layer: 'arp', offset: 0 }));
      expect(() => {
        view[f] = 0 as never;
      }).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'invalid', field: f }));
    }
  });

  it('changing htype or ptype through the view changes its kind', () => {
    const view = new ArpView(encodeArp(request));
    view.htype = 6;
    expect(view.kind).toBe('generic');
    expect(decodeArp(view.bytes).header.kind).toBe('generic');
    view.htype = 1;
    expect(view.kind).toBe('ethernet-ipv4');
    view.ptype = 0x86dd;
    expect(view.kind).toBe('generic');
  });

  it('setters refuse values that do not fit, leaving the bytes alone', () => {
    const bytes = encodeArp(request);
    const before = toHex(bytes);
    const view = new ArpView(bytes);
    const cases: [keyof ArpView & ('op' | 'htype' | 'ptype' | 'sha' | 'tha' | 'spa' | 'tpa'), number][] = [
      ['op', 0x10000],
      ['htype', -1],
      ['ptype', 1.5],
      ['sha', 2 ** 48],
      ['tha', -1],
      ['spa', 2 ** 32],
      ['tpa', Number.NaN],
    ];
    for (const [field, value] of cases) {
      expect(() => {
        (view as unknown as Record<string, number>)[field] = value;
      }).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'out-of-range', field }));
    }
    expect(toHex(bytes)).toBe(before);
  });

  it('reset throws truncated for the fixed part, then for the address fields', () => {
    const bytes = encodeArp(request);
    const view = new ArpView();
    expect(() => view.reset(bytes.subarray(0, 7))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0, required: 8, available: 7 }));
    expect(() => view.reset(bytes.subarray(0, 27))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0, required: 28, available: 27 }));
    expect(() => new ArpView(bytes, 29)).toThrow(expect.objectContaining({ code: 'truncated', offset: 29, required: 8, available: 0 }));
  });

  it('a failed reset leaves the view on its previous packet', () => {
    const bytes = encodeArp(request);
    const view = new ArpView(bytes);
    expect(() => view.reset(bytes.subarray(0, 10))).toThrow();
    expect(view.bytes).toBe(bytes);
    expect(view.tpa).toBe(parseIpv4('10.0.0.2'));
  });

  it('a negative or fractional offset is a programming error (RangeError)', () => {
    expect(() => new ArpView(encodeArp(request), -1)).toThrow(RangeError);
    expect(() => decodeArp(encodeArp(request), 0.5)).toThrow(RangeError);
  });
});

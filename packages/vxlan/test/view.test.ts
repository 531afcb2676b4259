import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, fromHex } from '@wirestack/core';
import { VxlanView, decodeVxlan } from '../src/index.js';

describe('VxlanView', () => {
  it('reads a header and its inner frame', () => {
    const v = new VxlanView(fromHex('08000000 00002a00 ffffffffffff'));
    expect([v.flags, v.hasVni, v.vni, v.reserved1, v.reserved2, v.headerLength, v.payloadOffset]).toEqual([8, true, 42, 0, 0, 8, 8]);
    expect(v.payload).toEqual(fromHex('ffffffffffff'));
  });

  it('is reusable, and throws DecodeError truncated without 8 bytes, staying on its old header', () => {
    const a = fromHex('08000000 00000100');
    const v = new VxlanView(a);
    expect(v.reset(fromHex('00 08000000 00000200'), 1).vni).toBe(2);
    v.reset(a);
    let error: unknown;
    try {
      v.reset(new Uint8Array(9), 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'truncated', layer: 'vxlan', offset: 2, required: 8, available: 7 });
    expect(v.bytes).toBe(a);
  });

  it('writes in place, and decode sees it', () => {
    const buffer = new Uint8Array(3 + 8);
    const v = new VxlanView(buffer, 3);
    v.flags = 0x08;
    v.vni = 0xabcdef;
    expect(buffer).toEqual(fromHex('000000 08000000 abcdef00'));
    expect(decodeVxlan(buffer, 3).header).toEqual({ flags: 8, vni: 0xabcdef, reserved1: 0, reserved2: 0 });
    v.reserved2 = 1;
    expect(decodeVxlan(buffer, 3, { mode: 'lax' }).issues.map((i) => [i.code, i.offset])).toEqual([['reserved', 10]]);
  });

  it('rejects values that do not fit with EncodeError naming the field', () => {
    const v = new VxlanView(new Uint8Array(8));
    expect(() => (v.vni = 0x100_0000)).toThrow(/vni/);
    expect(() => (v.flags = 256)).toThrow(EncodeError);
    expect(() => (v.reserved1 = -1)).toThrow(/reserved1/);
    expect(() => (v.reserved2 = 0.5)).toThrow(/reserved2/);
    expect(v.bytes).toEqual(new Uint8Array(8));
  });
});

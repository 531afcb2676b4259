import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError } from '@wirestack/core';
import { VlanTagView, decodeVlanTag } from '../src/index.js';
import { vlanTag } from '../src/arbitraries.js';

describe('VlanTagView', () => {
  it('reads the fields of a known tag', () => {
    // TCI 0xb0c8: PCP 5, DEI 1, VID 200; then IPv6.
    const v = new VlanTagView(Uint8Array.from([0xff, 0xb0, 0xc8, 0x86, 0xdd]), 1);
    expect([v.pcp, v.dei, v.vid, v.etherType, v.tci, v.reservedVid]).toEqual([5, true, 200, 0x86dd, 0xb0c8, false]);
    expect([v.offset, v.headerLength, v.payloadOffset]).toEqual([1, 4, 5]);
  });

  it('reset re-points the view, and refuses fewer than 4 bytes', () => {
    const v = new VlanTagView();
    expect(v.bytes).toHaveLength(0);
    const frame = Uint8Array.from([0x0f, 0xff, 0x08, 0x00, 0x20, 0x01, 0x08, 0x06]);
    expect(v.reset(frame, 4).vid).toBe(1);
    expect(v.reset(frame).reservedVid).toBe(true);
    expect(() => v.reset(frame, 5)).toThrow(expect.objectContaining({ code: 'truncated', layer: 'vlan', offset: 5, required: 4, available: 3 }));
    expect(() => new VlanTagView(new Uint8Array(3))).toThrow(DecodeError);
    expect(v.offset).toBe(0); // a failed reset leaves the view where it was
  });

  it('setters write in place, each field without disturbing the others', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), vlanTag(), (bytes, tag) => {
        const around = [bytes[0], bytes[5]];
        const v = new VlanTagView(bytes, 1);
        v.vid = tag.vid;
        v.pcp = tag.pcp;
        v.dei = tag.dei;
        v.etherType = tag.etherType;
        expect(decodeVlanTag(bytes, 1).header).toEqual(tag);
        expect([bytes[0], bytes[5]]).toEqual(around);
        // Each setter alone changes only its own field.
        const before = decodeVlanTag(bytes, 1).header;
        v.dei = !tag.dei;
        expect(decodeVlanTag(bytes, 1).header).toEqual({ ...before, dei: !tag.dei });
        v.pcp = 7 - tag.pcp;
        v.vid = 4094 - tag.vid;
        expect(decodeVlanTag(bytes, 1).header).toEqual({ ...before, dei: !tag.dei, pcp: 7 - tag.pcp, vid: 4094 - tag.vid });
      }),
      { numRuns: 1000 },
    );
  });

  it('tci writes raw bits, the reserved VID included', () => {
    const v = new VlanTagView(new Uint8Array(4));
    v.tci = 0xefff;
    expect([v.pcp, v.dei, v.vid, v.reservedVid]).toEqual([7, false, 4095, true]);
    expect(decodeVlanTag(v.bytes).header).toEqual({ pcp: 7, dei: false, vid: 4095, etherType: 0, reservedVid: true });
  });
});

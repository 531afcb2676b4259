import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError, EncodeError } from '@wirestack/core';
import { decodeVlanStack, decodeVlanTag, popVlanTag, popVlanTagInPlace, pushVlanTag, pushVlanTagInPlace } from '../src/index.js';
import { taggedFrame, vlanStackTag } from '../src/arbitraries.js';

/** Any frame with an Ethernet header, tagged or not. */
const anyFrame = fc.oneof(
  fc.uint8Array({ minLength: 14, maxLength: 80 }),
  taggedFrame().map((t) => t.frame),
);

/** `frame` placed in a buffer filled with 0xee, with `head` bytes before and `tail` after it. */
function placed(frame: Uint8Array, head: number, tail: number): Uint8Array {
  const buffer = new Uint8Array(head + frame.length + tail).fill(0xee);
  buffer.set(frame, head);
  return buffer;
}

describe('pushVlanTag / popVlanTag', () => {
  it('push makes the tag outermost, keeps the rest; pop undoes it', () => {
    fc.assert(
      fc.property(anyFrame, vlanStackTag(), (frame, tag) => {
        const before = frame.slice();
        const pushed = pushVlanTag(frame, tag);
        expect(frame).toEqual(before); // the input is not modified
        expect(pushed).toHaveLength(frame.length + 4);
        expect(pushed.subarray(0, 12)).toEqual(frame.subarray(0, 12));
        expect(pushed.subarray(16)).toEqual(frame.subarray(12));
        const { header } = decodeVlanTag(pushed, 14);
        expect({ tpid: (pushed[12]! << 8) | pushed[13]!, pcp: header.pcp, dei: header.dei, vid: header.vid }).toEqual(tag);
        expect(header.etherType).toBe((frame[12]! << 8) | frame[13]!);
        expect(popVlanTag(pushed)).toEqual(frame);
      }),
      { numRuns: 1000 },
    );
  });

  it('pop then push of the popped tag is the identity on tagged frames', () => {
    fc.assert(
      fc.property(taggedFrame(), (t) => {
        const popped = popVlanTag(t.frame);
        expect(decodeVlanStack(popped).tags).toEqual(t.tags.slice(1));
        expect(pushVlanTag(popped, t.tags[0]!)).toEqual(t.frame);
      }),
      { numRuns: 500 },
    );
  });

  it('the TPID defaults to 0x8100', () => {
    const frame = new Uint8Array(20).fill(1);
    expect(pushVlanTag(frame, { vid: 7 }).subarray(12, 16)).toEqual(Uint8Array.from([0x81, 0x00, 0x00, 0x07]));
  });

  it('errors: short frames, untagged frames, cut tags, bad tags', () => {
    expect(() => pushVlanTag(new Uint8Array(13), { vid: 1 })).toThrow(
      expect.objectContaining({ code: 'truncated', offset: 0, required: 14, available: 13 }),
    );
    expect(() => pushVlanTag(new Uint8Array(14), { vid: 4095 })).toThrow(expect.objectContaining({ code: 'reserved', field: 'vid' }));
    expect(() => pushVlanTag(new Uint8Array(14), { vid: 1, tpid: 0x0800 })).toThrow(EncodeError);
    const untagged = Uint8Array.from([...new Uint8Array(12), 0x08, 0x00, 0, 0, 0, 0]);
    expect(() => popVlanTag(untagged)).toThrow(expect.objectContaining({ code: 'not-tagged', layer: 'vlan', offset: 12 }));
    const cut = Uint8Array.from([...new Uint8Array(12), 0x81, 0x00, 0x00, 0x05, 0x08]);
    expect(() => popVlanTag(cut)).toThrow(expect.objectContaining({ code: 'truncated', offset: 14, required: 4, available: 3 }));
    expect(() => popVlanTag(new Uint8Array(13))).toThrow(DecodeError);
  });
});

describe('in place', () => {
  it('with headroom: the MACs move 4 bytes down, nothing after them moves, result = pushVlanTag', () => {
    fc.assert(
      fc.property(anyFrame, vlanStackTag(), fc.integer({ min: 4, max: 12 }), fc.nat(4), (frame, tag, head, tail) => {
        const buffer = placed(frame, head, tail);
        const at = pushVlanTagInPlace(buffer, head, frame.length, tag);
        expect(at).toBe(head - 4);
        expect(buffer.subarray(at, at + frame.length + 4)).toEqual(pushVlanTag(frame, tag));
        expect(buffer.subarray(0, at).every((b) => b === 0xee)).toBe(true);
        expect(buffer.subarray(head + frame.length).every((b) => b === 0xee)).toBe(true);
        // And back.
        const back = popVlanTagInPlace(buffer, at, frame.length + 4);
        expect(back).toBe(head);
        expect(buffer.subarray(back, back + frame.length)).toEqual(frame);
      }),
      { numRuns: 1000 },
    );
  });

  it('without headroom but with tailroom: the payload moves 4 bytes up, the offset stays', () => {
    fc.assert(
      fc.property(anyFrame, vlanStackTag(), fc.nat(3), fc.integer({ min: 4, max: 8 }), (frame, tag, head, tail) => {
        const buffer = placed(frame, head, tail);
        const at = pushVlanTagInPlace(buffer, head, frame.length, tag);
        expect(at).toBe(head);
        expect(buffer.subarray(at, at + frame.length + 4)).toEqual(pushVlanTag(frame, tag));
        expect(buffer.subarray(0, head).every((b) => b === 0xee)).toBe(true);
        expect(buffer.subarray(head + frame.length + 4).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('without room: EncodeError and the buffer untouched', () => {
    fc.assert(
      fc.property(anyFrame, vlanStackTag(), fc.nat(3), fc.nat(3), (frame, tag, head, tail) => {
        const buffer = placed(frame, head, tail);
        const copy = buffer.slice();
        expect(() => pushVlanTagInPlace(buffer, head, frame.length, tag)).toThrow(
          expect.objectContaining({ code: 'buffer-too-small', field: 'buffer' }),
        );
        expect(buffer).toEqual(copy);
      }),
      { numRuns: 300 },
    );
  });

  it('pop in place = popVlanTag, leaving the bytes around the new frame as they were', () => {
    fc.assert(
      fc.property(taggedFrame(), fc.nat(8), fc.nat(8), (t, head, tail) => {
        const buffer = placed(t.frame, head, tail);
        const at = popVlanTagInPlace(buffer, head, t.frame.length);
        expect(at).toBe(head + 4);
        expect(buffer.subarray(at, at + t.frame.length - 4)).toEqual(popVlanTag(t.frame));
        expect(buffer.subarray(0, head).every((b) => b === 0xee)).toBe(true);
        expect(buffer.subarray(head, head + 4)).toEqual(t.frame.subarray(0, 4)); // stale, not cleared
        expect(buffer.subarray(head + t.frame.length).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('errors come with offsets into the buffer, before any write', () => {
    const buffer = placed(Uint8Array.from([...new Uint8Array(12), 0x08, 0x00, 1, 2, 3, 4]), 6, 0);
    const copy = buffer.slice();
    expect(() => popVlanTagInPlace(buffer, 6, 18)).toThrow(expect.objectContaining({ code: 'not-tagged', offset: 18 }));
    expect(() => popVlanTagInPlace(buffer, 6, 19)).toThrow(
      expect.objectContaining({ code: 'truncated', offset: 6, required: 19, available: 18 }),
    );
    expect(() => pushVlanTagInPlace(buffer, 6, 10, { vid: 1 })).toThrow(
      expect.objectContaining({ code: 'truncated', offset: 6, required: 14, available: 10 }),
    );
    expect(() => pushVlanTagInPlace(buffer, -1, 14, { vid: 1 })).toThrow(RangeError);
    expect(buffer).toEqual(copy);
  });
});

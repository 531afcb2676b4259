import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError, EncodeError, isDecodeError } from '@wirestack/core';
import { bytes, uint16 } from '@wirestack/core/arbitraries';
import {
  DEFAULT_MAX_VLAN_TAGS,
  VlanTagView,
  decodeVlanStack,
  decodeVlanTag,
  encodeVlanStack,
  encodeVlanTag,
  vlanStackLength,
} from '../src/index.js';
import { malformedVlanFrame, taggedFrame, vlanStack, vlanTag } from '../src/arbitraries.js';
import { specStack, vlanTagSpec } from './spec.js';

describe('round trip', () => {
  it('decodeVlanTag(encodeVlanTag(tag)) = tag', () => {
    fc.assert(
      fc.property(vlanTag(), (tag) => {
        const wire = encodeVlanTag(tag);
        expect(wire).toHaveLength(4);
        const d = decodeVlanTag(wire);
        expect(d.header).toEqual(tag);
        expect(d.headerLength).toBe(4);
        expect(d.payload).toHaveLength(0);
        expect(d.issues).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('encodeVlanTag(decodeVlanTag(bytes)) = bytes, for every TCI but VID 4095', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (wire) => {
        const { header } = decodeVlanTag(wire);
        if (header.vid === 4095) {
          expect(header.reservedVid).toBe(true);
          expect(() => encodeVlanTag(header)).toThrow(EncodeError);
        } else {
          expect(header).not.toHaveProperty('reservedVid');
          expect(encodeVlanTag(header)).toEqual(wire);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeVlanStack(encodeVlanStack(stack)) = stack, 0..8 tags, into a caller buffer at an offset', () => {
    fc.assert(
      fc.property(vlanStack({ min: 0, max: DEFAULT_MAX_VLAN_TAGS }), fc.nat(16), (stack, at) => {
        const out = new Uint8Array(at + vlanStackLength(stack.tags.length) + 3).fill(0xee);
        const written = encodeVlanStack(stack, out, at);
        expect(written.byteOffset).toBe(at);
        expect(written).toHaveLength(4 * stack.tags.length + 2);
        expect(out[at - 1] ?? 0xee).toBe(0xee); // nothing written before `at`...
        expect(out[at + written.length]).toBe(0xee); // ...or after the stack
        const d = decodeVlanStack(out, at);
        expect(d.tags).toEqual(stack.tags);
        expect(d.etherType).toBe(stack.etherType);
        expect(d.payloadOffset).toBe(at + written.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodeVlanStack reads every taggedFrame as its recipe says', () => {
    fc.assert(
      fc.property(taggedFrame(), (t) => {
        const d = decodeVlanStack(t.frame);
        expect(d).toEqual({ tags: t.tags, etherType: t.etherType, payloadOffset: t.payloadOffset, issues: [] });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('view = decode', () => {
  it('on random bytes at random offsets', () => {
    fc.assert(
      fc.property(bytes(24), fc.nat(24), (data, at) => {
        let view: VlanTagView;
        try {
          view = new VlanTagView(data, at);
        } catch (e) {
          expect(isDecodeError(e)).toBe(true);
          expect(() => decodeVlanTag(data, at)).toThrow(DecodeError);
          return;
        }
        const d = decodeVlanTag(data, at);
        const { header } = d;
        expect(view.pcp).toBe(header.pcp);
        expect(view.dei).toBe(header.dei);
        expect(view.vid).toBe(header.vid);
        expect(view.etherType).toBe(header.etherType);
        expect(view.reservedVid).toBe(header.reservedVid === true);
        expect(view.headerLength).toBe(d.headerLength);
        expect(view.payloadOffset).toBe(at + d.headerLength);
        expect(d.payload.byteOffset - data.byteOffset).toBe(view.payloadOffset);
        expect(view.tci).toBe((header.pcp << 13) | (header.dei ? 0x1000 : 0) | header.vid);
      }),
      { numRuns: 2000 },
    );
  });

  it('a view walked along a stack reads what decodeVlanStack reads', () => {
    fc.assert(
      fc.property(taggedFrame(), (t) => {
        const d = decodeVlanStack(t.frame);
        const view = new VlanTagView();
        let tpid = (t.frame[12]! << 8) | t.frame[13]!;
        let at = 14;
        for (const tag of d.tags) {
          view.reset(t.frame, at);
          expect({ tpid, pcp: view.pcp, dei: view.dei, vid: view.vid }).toEqual(tag);
          tpid = view.etherType;
          at = view.payloadOffset;
        }
        expect(tpid).toBe(d.etherType);
        expect(at).toBe(d.payloadOffset);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decode = binary-parser spec', () => {
  it('decodeVlanTag on random 4..8 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 8 }), (data) => {
        const spec = vlanTagSpec.parse(data) as { pcp: number; dei: number; vid: number; etherType: number };
        const { header } = decodeVlanTag(data);
        expect({ pcp: header.pcp, dei: header.dei, vid: header.vid, etherType: header.etherType }).toEqual({
          ...spec,
          dei: spec.dei === 1,
        });
      }),
      { numRuns: 2000 },
    );
  });

  const specFrames = fc.oneof(
    taggedFrame().map((t) => t.frame),
    // Random bytes after a TPID-heavy ethertype position, so stacks of random depth and truncations occur.
    fc
      .tuple(bytes(12), fc.array(fc.tuple(fc.constantFrom(0x8100, 0x88a8, 0x9100, 0x9200, 0x0800), uint16()), { maxLength: 6 }), bytes(6))
      .map(([head, words, tail]) => Uint8Array.from([...head, ...words.flatMap(([a, b]) => [a >>> 8, a & 0xff, b >>> 8, b & 0xff]), ...tail])),
  );

  it('decodeVlanStack on tagged frames and random TPID soup (no depth limit on either side)', () => {
    fc.assert(
      fc.property(specFrames, (frame) => {
        let spec: ReturnType<typeof specStack> | undefined;
        try {
          spec = specStack(frame);
        } catch {
          spec = undefined; // binary-parser ran off the end: ours must say 'truncated'
        }
        if (spec === undefined) {
          expect(() => decodeVlanStack(frame, 12, { maxTags: Infinity })).toThrow(expect.objectContaining({ code: 'truncated' }));
          return;
        }
        const d = decodeVlanStack(frame, 12, { maxTags: Infinity });
        expect(d.tags.map(({ reservedVid: _r, ...tag }) => tag)).toEqual(spec.tags);
        expect(d.etherType).toBe(spec.etherType);
        expect(d.payloadOffset).toBe(spec.payloadOffset);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encoders refuse what does not fit', () => {
  it('VID 4095 and out-of-range fields', () => {
    const cases: [() => unknown, string, string][] = [
      [() => encodeVlanTag({ vid: 4095, etherType: 0x0800 }), 'reserved', 'vid'],
      [() => encodeVlanTag({ vid: 4096, etherType: 0x0800 }), 'out-of-range', 'vid'],
      [() => encodeVlanTag({ vid: -1, etherType: 0x0800 }), 'out-of-range', 'vid'],
      [() => encodeVlanTag({ vid: 1.5, etherType: 0x0800 }), 'out-of-range', 'vid'],
      [() => encodeVlanTag({ vid: 1, pcp: 8, etherType: 0x0800 }), 'out-of-range', 'pcp'],
      [() => encodeVlanTag({ vid: 1, etherType: 0x10000 }), 'out-of-range', 'etherType'],
      [() => encodeVlanTag({ vid: 1, etherType: 0 }, new Uint8Array(5), 2), 'buffer-too-small', 'out'],
      [() => encodeVlanStack({ tags: [{ vid: 1 }, { vid: 4095 }], etherType: 0x0800 }), 'reserved', 'tags[1].vid'],
      [() => encodeVlanStack({ tags: [{ vid: 1, tpid: 0x0800 }], etherType: 0x0800 }), 'invalid', 'tags[0].tpid'],
      [() => encodeVlanStack({ tags: [{ vid: 1 }], etherType: 0x88a8 }), 'invalid', 'etherType'],
      [() => new VlanTagView(new Uint8Array(4)).vid = 4095, 'reserved', 'vid'],
      [() => new VlanTagView(new Uint8Array(4)).pcp = 9, 'out-of-range', 'pcp'],
      [() => new VlanTagView(new Uint8Array(4)).etherType = -1, 'out-of-range', 'etherType'],
    ];
    for (const [run, code, field] of cases) {
      expect(run).toThrow(EncodeError);
      expect(run).toThrow(expect.objectContaining({ code, field }));
    }
  });

  it('defaults: PCP 0, DEI clear, TPID 0x8100', () => {
    expect(encodeVlanTag({ vid: 0x123, etherType: 0x86dd })).toEqual(Uint8Array.from([0x01, 0x23, 0x86, 0xdd]));
    expect(encodeVlanStack({ tags: [{ vid: 5, dei: true }], etherType: 0x0800 })).toEqual(Uint8Array.from([0x81, 0x00, 0x10, 0x05, 0x08, 0x00]));
  });

  it('a stack that fails to encode leaves the caller buffer untouched', () => {
    fc.assert(
      fc.property(vlanStack({ min: 1, max: 4 }), fc.nat(3), (stack, bad) => {
        const tags = stack.tags.map((t, i) => (i === bad % stack.tags.length ? { ...t, vid: 4095 } : t));
        const out = new Uint8Array(64).fill(0xaa);
        expect(() => encodeVlanStack({ tags, etherType: stack.etherType }, out, 3)).toThrow(EncodeError);
        expect(out.every((b) => b === 0xaa)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('strict and lax', () => {
  it('malformed frames: strict throws the expected DecodeError; lax throws only truncation', () => {
    fc.assert(
      fc.property(malformedVlanFrame(), ({ kind, frame, error }) => {
        if (error === undefined) {
          expect(kind).toBe('reserved-vid');
          const d = decodeVlanStack(frame);
          expect(d.tags.some((t) => t.vid === 4095 && t.reservedVid === true)).toBe(true);
          expect(d.issues).toEqual([]);
          return;
        }
        expect(() => decodeVlanStack(frame)).toThrow(expect.objectContaining({ ...error, layer: 'vlan' }));
        expect(() => decodeVlanStack(frame)).toThrow(DecodeError);
        if (kind === 'truncated') {
          expect(() => decodeVlanStack(frame, 12, { mode: 'lax' })).toThrow(expect.objectContaining(error));
        } else {
          const lax = decodeVlanStack(frame, 12, { mode: 'lax' });
          expect(lax.tags).toHaveLength(DEFAULT_MAX_VLAN_TAGS);
          expect(lax.issues).toEqual([expect.objectContaining({ code: 'too-many-tags', layer: 'vlan', offset: error.offset })]);
          // Stopped at the first tag beyond the limit: its TPID is the ethertype, its TCI the payload.
          expect(lax.etherType).toBe((frame[error.offset]! << 8) | frame[error.offset + 1]!);
          expect(lax.payloadOffset).toBe(error.offset + 2);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('maxTags is honoured in both directions', () => {
    fc.assert(
      fc.property(taggedFrame({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }), (t, maxTags) => {
        if (t.tags.length <= maxTags) {
          expect(decodeVlanStack(t.frame, 12, { maxTags }).tags).toEqual(t.tags);
        } else {
          expect(() => decodeVlanStack(t.frame, 12, { maxTags })).toThrow(
            expect.objectContaining({ code: 'too-many-tags', offset: 12 + 4 * maxTags }),
          );
          expect(decodeVlanStack(t.frame, 12, { maxTags, mode: 'lax' }).tags).toEqual(t.tags.slice(0, maxTags));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lax never throws on anything holding the 2-byte ethertype, except truncation', () => {
    fc.assert(
      fc.property(bytes(80), (data) => {
        try {
          const d = decodeVlanStack(data, 0, { mode: 'lax', maxTags: 3 });
          expect(d.tags.length).toBeLessThanOrEqual(3);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).code).toBe('truncated');
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 16 }), (data) => {
        expect(decodeVlanTag(data, 0, { mode: 'lax' }).issues).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('untagged frames: no tags, their ethertype, payload after it', () => {
    fc.assert(
      fc.property(bytes(12), uint16().filter((t) => ![0x8100, 0x88a8, 0x9100, 0x9200].includes(t)), (macs, type) => {
        const frame = Uint8Array.from([...macs, ...new Uint8Array(12 - macs.length), type >>> 8, type & 0xff, 1, 2]);
        expect(decodeVlanStack(frame)).toEqual({ tags: [], etherType: type, payloadOffset: 14, issues: [] });
      }),
      { numRuns: 200 },
    );
  });
});

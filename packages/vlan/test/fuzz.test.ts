import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError } from '@wirestack/core';
import { VlanTagView, decodeVlanStack, decodeVlanTag, popVlanTag } from '../src/index.js';
import { taggedFrame } from '../src/arbitraries.js';

/** Runs `decode`; anything it throws must be a DecodeError. */
function valueOrDecodeError(decode: () => unknown): void {
  try {
    decode();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

/** Bytes biased towards TPIDs, so that deep stacks and cuts inside them are common. */
const tpidSoup = fc
  .array(fc.oneof(fc.constantFrom(0x81, 0x00, 0x88, 0xa8, 0x91, 0x92), fc.integer({ min: 0, max: 255 })), { maxLength: 96 })
  .map((a) => Uint8Array.from(a));

describe('random bytes give a value or a DecodeError', () => {
  it('decodeVlanStack, decodeVlanTag, the view, popVlanTag', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 96 }), tpidSoup), fc.nat(20), fc.boolean(), (bytes, at, lax) => {
        const options = lax ? ({ mode: 'lax' } as const) : undefined;
        valueOrDecodeError(() => decodeVlanStack(bytes, at, options));
        valueOrDecodeError(() => decodeVlanStack(bytes, 12, options));
        valueOrDecodeError(() => decodeVlanTag(bytes, at, options));
        valueOrDecodeError(() => {
          const v = new VlanTagView(bytes, at);
          return [v.pcp, v.dei, v.vid, v.etherType, v.reservedVid];
        });
        valueOrDecodeError(() => popVlanTag(bytes));
      }),
      { numRuns: 20_000 },
    );
  });

  it('a hostile run of TPIDs stops at the depth limit, both modes', () => {
    const frame = new Uint8Array(9000);
    for (let o = 12; o + 1 < frame.length; o += 4) {
      frame[o] = 0x81;
      frame[o + 1] = 0x00;
    }
    expect(() => decodeVlanStack(frame)).toThrow(expect.objectContaining({ code: 'too-many-tags', offset: 12 + 4 * 8 }));
    expect(decodeVlanStack(frame, 12, { mode: 'lax' }).tags).toHaveLength(8);
  });
});

describe("every proper prefix is 'truncated' at the right offset", () => {
  it('of a tagged frame, cut anywhere before its payload', () => {
    fc.assert(
      fc.property(taggedFrame(), (t) => {
        for (let length = 0; length < t.payloadOffset; length++) {
          const prefix = t.frame.slice(0, length);
          // The ethertype at 12 needs 2 bytes; each tag then needs its TCI and next ethertype (4) at 14 + 4i.
          const offset = length < 14 ? 12 : 14 + 4 * Math.floor((length - 14) / 4);
          const required = length < 14 ? 2 : 4;
          const available = Math.max(length - offset, 0);
          for (const mode of ['strict', 'lax'] as const) {
            let error: unknown;
            try {
              decodeVlanStack(prefix, 12, { mode });
            } catch (e) {
              error = e;
            }
            expect(error, `length ${length}`).toBeInstanceOf(DecodeError);
            expect(error).toMatchObject({ code: 'truncated', layer: 'vlan', offset, required, available });
          }
        }
        // The whole header decodes (the payload is not this layer's business).
        expect(decodeVlanStack(t.frame.slice(0, t.payloadOffset)).tags).toEqual(t.tags);
      }),
      { numRuns: 1000 },
    );
  });

  it('of a single tag layer, at an offset inside a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(8), (tag, at) => {
        const buffer = new Uint8Array(at + 4);
        buffer.set(tag, at);
        for (let length = at; length < at + 4; length++) {
          expect(() => decodeVlanTag(buffer.subarray(0, length), at)).toThrow(
            expect.objectContaining({ code: 'truncated', layer: 'vlan', offset: at, required: 4, available: length - at }),
          );
        }
        expect(decodeVlanTag(buffer, at).headerLength).toBe(4);
      }),
      { numRuns: 1000 },
    );
  });
});

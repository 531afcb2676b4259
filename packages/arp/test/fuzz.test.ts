import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { decodeErrorOf } from '@wirestack-tools/testkit';
import { ArpView, arpHeaderLength, decodeArp, encodeArp, formatArp } from '../src/index.js';
import { arpBytes, malformedArpBytes } from '../src/arbitraries.js';

describe('fuzz', () => {
  it('random bytes at random offsets give a value or a DecodeError, in both modes and through the view', () => {
    const input = fc.uint8Array({ maxLength: 80 }).chain((bytes) => fc.record({ bytes: fc.constant(bytes), offset: fc.nat(bytes.length + 2) }));
    const view = new ArpView();
    fc.assert(
      fc.property(input, ({ bytes, offset }) => {
        for (const mode of ['strict', 'lax'] as const) {
          const error = decodeErrorOf(() => {
            const d = decodeArp(bytes, offset, { mode });
            // what decodes can be printed and encoded again
            formatArp(d.header);
            encodeArp(d.header);
          });
          if (error !== undefined) expect(error).toMatchObject({ code: 'truncated', layer: 'arp', offset });
        }
        decodeErrorOf(() => view.reset(bytes, offset));
      }),
      { numRuns: 20000 },
    );
  });

  it('every proper prefix of a valid packet is truncated at the packet start, with required/available', () => {
    fc.assert(
      fc.property(arpBytes(), (c) => {
        for (let kept = 0; kept < c.headerLength; kept++) {
          const bytes = c.bytes.subarray(0, c.offset + kept);
          const expected = { name: 'DecodeError', code: 'truncated', layer: 'arp', offset: c.offset, required: kept < 8 ? 8 : c.headerLength, available: kept };
          expect(() => decodeArp(bytes, c.offset)).toThrow(expect.objectContaining(expected));
          expect(() => decodeArp(bytes, c.offset, { mode: 'lax' })).toThrow(expect.objectContaining(expected));
          expect(() => new ArpView(bytes, c.offset)).toThrow(expect.objectContaining(expected));
        }
        expect(decodeArp(c.bytes.subarray(0, c.offset + c.headerLength), c.offset).payload.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('malformedArpBytes give exactly the error they announce', () => {
    fc.assert(
      fc.property(malformedArpBytes(), (c) => {
        expect(() => decodeArp(c.bytes, c.offset)).toThrow(expect.objectContaining({ name: 'DecodeError', ...c.expected }));
        // the fixed part alone is enough to know the length
        if (c.expected.required > 8) expect(arpHeaderLength(c.bytes, c.offset)).toBe(c.expected.required);
      }),
      { numRuns: 5000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { decodeErrorOf } from '@wirestack-tools/testkit';
import { IcmpView, decodeIcmp, encodeIcmp, formatIcmp } from '../src/index.js';
import { icmpBytes, malformedIcmp } from '../src/arbitraries.js';

describe('fuzz', () => {
  it('random bytes at random offsets give a value or a DecodeError, in every mode and through the view', () => {
    // Bias the first byte towards the assigned types so every decoder path is hit.
    const input = fc
      .tuple(fc.uint8Array({ maxLength: 8 }), fc.option(fc.integer({ min: 0, max: 19 })), fc.uint8Array({ maxLength: 90 }))
      .chain(([before, type, rest]) => {
        const bytes = Uint8Array.from([...before, ...(type === null ? [] : [type]), ...rest]);
        return fc.record({ bytes: fc.constant(bytes), offset: fc.oneof(fc.constant(before.length), fc.nat(bytes.length + 2)) });
      });
    const view = new IcmpView();
    fc.assert(
      fc.property(input, ({ bytes, offset }) => {
        for (const options of [{}, { mode: 'lax' as const }, { checksum: 'ignore' as const }]) {
          const error = decodeErrorOf(() => {
            const d = decodeIcmp(bytes, offset, options);
            // what decodes can be printed and encoded again, to the same bytes
            formatIcmp(d.header);
            expect(encodeIcmp(d.header)).toEqual(bytes.subarray(offset, offset + encodeIcmp(d.header).length));
          });
          if (error !== undefined) {
            expect(error).toMatchObject({ layer: 'icmp' });
            expect(['truncated', 'bad-checksum']).toContain((error as { code: string }).code);
          }
        }
        const viewError = decodeErrorOf(() => view.reset(bytes, offset).verifyChecksum());
        if (viewError !== undefined) expect(viewError).toMatchObject({ code: 'truncated', offset });
      }),
      { numRuns: 10000 },
    );
  });

  it('every proper prefix of the fixed part is truncated at the message start, with required/available', () => {
    fc.assert(
      fc.property(icmpBytes(), (c) => {
        for (let kept = 0; kept < c.headerLength; kept++) {
          const bytes = c.bytes.subarray(0, c.offset + kept);
          const expected = { name: 'DecodeError', code: 'truncated', layer: 'icmp', offset: c.offset, required: kept < 8 ? 8 : c.headerLength, available: kept };
          expect(() => decodeIcmp(bytes, c.offset)).toThrow(expect.objectContaining(expected));
          expect(() => decodeIcmp(bytes, c.offset, { mode: 'lax' })).toThrow(expect.objectContaining(expected));
          expect(() => decodeIcmp(c.bytes, c.offset, { length: kept })).toThrow(expect.objectContaining(expected));
          if (kept < 8) expect(() => new IcmpView(bytes, c.offset)).toThrow(expect.objectContaining(expected));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('malformedIcmp cases give exactly the error they announce', () => {
    fc.assert(
      fc.property(malformedIcmp(), (c) => {
        const options = c.length === undefined ? {} : { length: c.length };
        expect(() => decodeIcmp(c.bytes, c.offset, options)).toThrow(expect.objectContaining({ name: 'DecodeError', layer: 'icmp', ...c.expected }));
        if (c.expected.code === 'bad-checksum') {
          const lax = decodeIcmp(c.bytes, c.offset, { ...options, mode: 'lax' });
          expect(lax.header.checksumValid).toBe(false);
          expect(lax.issues[0]).toMatchObject({ code: 'bad-checksum', offset: c.expected.offset });
        }
      }),
      { numRuns: 5000 },
    );
  });
});

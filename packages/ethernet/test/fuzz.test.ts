import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, isDecodeError } from '@wirestack/core';
import { type EthernetDecodeOptions, EthernetView, decodeEthernet } from '../src/index.js';
import { ethernetFrame, malformedEthernetFrame } from '../src/arbitraries.js';

function outcome(run: () => unknown): 'ok' | DecodeError {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (isDecodeError(e)) return e;
    throw e; // anything else is a bug, and fails the property
  }
}

const options: fc.Arbitrary<EthernetDecodeOptions> = fc.record(
  { mode: fc.constantFrom('strict' as const, 'lax' as const), checksum: fc.constantFrom('verify' as const, 'ignore' as const), fcs: fc.boolean() },
  { requiredKeys: [] },
);

describe('random bytes', () => {
  it('decode to a value or a DecodeError at an offset inside the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 90 }), options, (bytes, at, opts) => {
        const offset = Math.min(at, bytes.length);
        const r = outcome(() => decodeEthernet(bytes, offset, opts));
        if (r !== 'ok') {
          expect(r.layer).toBe('ethernet');
          expect(r.offset).toBeGreaterThanOrEqual(offset);
          expect(r.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('reset a view or throw DecodeError truncated', () => {
    const view = new EthernetView();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 40 }), (bytes, offset) => {
        const r = outcome(() => view.reset(bytes, offset));
        expect(r === 'ok' ? 'ok' : r.code).toBe(bytes.length - offset >= 14 ? 'ok' : 'truncated');
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('prefixes of valid frames', () => {
  it('shorter than the fixed header (and FCS) are truncated at the frame offset, in both modes', () => {
    fc.assert(
      fc.property(
        fc.boolean().chain((withFcs) => ethernetFrame({ fcs: withFcs }).map((frame) => ({ frame, withFcs }))),
        fc.nat({ max: 6 }),
        ({ frame, withFcs }, offset) => {
        const fixed = withFcs ? 18 : 14;
        const buffer = new Uint8Array(offset + frame.bytes.length);
        buffer.set(frame.bytes, offset);
        for (let length = 0; length < fixed; length++) {
          for (const mode of ['strict', 'lax'] as const) {
            const r = outcome(() => decodeEthernet(buffer.subarray(0, offset + length), offset, { mode, fcs: withFcs }));
            expect(r).toBeInstanceOf(DecodeError);
            const e = r as DecodeError;
            expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'ethernet', offset, fixed, length]);
          }
        }
      },
      ),
      { numRuns: 500 },
    );
  });

  it('of an 802.3 frame, cut inside its data, are truncated at the data with the length required', () => {
    fc.assert(
      fc.property(
        ethernetFrame({ pad: false }).filter((f) => 'length' in f.header && f.header.length > 0),
        fc.nat(),
        fc.nat({ max: 6 }),
        (frame, cut, offset) => {
          const length = (frame.header as { length: number }).length;
          const present = cut % length;
          const buffer = new Uint8Array(offset + 14 + present);
          buffer.set(frame.bytes.subarray(0, 14 + present), offset);
          const e = outcome(() => decodeEthernet(buffer, offset)) as DecodeError;
          expect([e.code, e.offset, e.required, e.available]).toEqual(['truncated', offset + 14, length, present]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('malformed frames', () => {
  it('are rejected with their code and offset in strict mode, and listed as issues in lax mode', () => {
    fc.assert(
      fc.property(malformedEthernetFrame(), ({ bytes, options: opts, code, offset }) => {
        const strict = outcome(() => decodeEthernet(bytes, 0, opts));
        expect(strict).toBeInstanceOf(DecodeError);
        expect([(strict as DecodeError).code, (strict as DecodeError).offset]).toEqual([code, offset]);
        const headerMissing = code === 'truncated' && offset === 0;
        const lax = outcome(() => decodeEthernet(bytes, 0, { ...opts, mode: 'lax' }));
        if (headerMissing) {
          expect(lax).toBeInstanceOf(DecodeError);
        } else {
          const issues = decodeEthernet(bytes, 0, { ...opts, mode: 'lax' }).issues;
          expect(issues[0]).toMatchObject({ code, offset, layer: 'ethernet' });
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

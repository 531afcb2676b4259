import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '@wirestack/core';
import { decapsulate, decodeVxlan, tryDecapsulate, VxlanView, type DecapsulateOptions } from '../src/index.js';
import { encapsulatedFrame, malformedEncapsulatedFrame, vxlanPacket } from '../src/arbitraries.js';
import { outcome } from './helpers.js';

const LAYERS = ['ethernet', 'vlan', 'ipv4', 'udp', 'vxlan'];

const decapsulateOptions: fc.Arbitrary<DecapsulateOptions> = fc.record(
  {
    ports: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 3 }),
    mode: fc.constantFrom('strict' as const, 'lax' as const),
    checksum: fc.constantFrom('verify' as const, 'ignore' as const),
  },
  { requiredKeys: [] },
);

/** decapsulate throws only DecodeError inside the frame, and exactly when tryDecapsulate says undefined. */
function checkBoth(bytes: Uint8Array, options: DecapsulateOptions | undefined): 'ok' | DecodeError {
  const r = outcome(() => decapsulate(bytes, options));
  const t = tryDecapsulate(bytes, options);
  if (r === 'ok') expect(t).toEqual(decapsulate(bytes, options));
  else {
    expect(t).toBeUndefined();
    expect(LAYERS).toContain(r.layer);
    expect(r.offset).toBeGreaterThanOrEqual(0);
    expect(r.offset).toBeLessThanOrEqual(bytes.length);
  }
  return r;
}

describe('random bytes', () => {
  it('decodeVxlan gives a value or a DecodeError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), fc.nat({ max: 32 }), fc.constantFrom('strict' as const, 'lax' as const), (bytes, at, mode) => {
        const offset = Math.min(at, bytes.length);
        const r = outcome(() => decodeVxlan(bytes, offset, { mode }));
        if (r !== 'ok') {
          expect(r.layer).toBe('vxlan');
          expect(r.offset).toBeGreaterThanOrEqual(offset);
        }
        const v = outcome(() => new VxlanView(bytes, offset));
        expect(v === 'ok' ? 'ok' : v.code).toBe(bytes.length - offset >= 8 ? 'ok' : 'truncated');
      }),
      { numRuns: 10_000 },
    );
  });

  it('decapsulate gives a value or a DecodeError naming a layer; tryDecapsulate never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), decapsulateOptions, (bytes, options) => {
        checkBoth(bytes, options);
      }),
      { numRuns: 10_000 },
    );
  });

  it('so do valid frames with random bytes overwritten', () => {
    fc.assert(
      fc.property(encapsulatedFrame(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), decapsulateOptions, (s, edits, options) => {
        const bytes = s.bytes.slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        checkBoth(bytes, { ...options, ports: s.options.ports });
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('prefixes', () => {
  it('of a VXLAN header are truncated at its start', () => {
    fc.assert(
      fc.property(vxlanPacket(), fc.nat({ max: 7 }), ({ bytes }, kept) => {
        const e = outcome(() => decodeVxlan(bytes.subarray(0, kept), 0, { mode: 'lax' })) as DecodeError;
        expect([e.code, e.offset, e.required, e.available]).toEqual(['truncated', 0, 8, kept]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('malformed frames', () => {
  it('are rejected with their code, layer and offset; tryDecapsulate returns undefined', () => {
    fc.assert(
      fc.property(malformedEncapsulatedFrame(), (m) => {
        const r = checkBoth(m.bytes, m.options);
        expect(r).toBeInstanceOf(DecodeError);
        const e = r as DecodeError;
        expect([e.code, e.layer, e.offset]).toEqual([m.code, m.layer, m.offset]);
        if (m.code === 'bad-checksum') expect(tryDecapsulate(m.bytes, { ...m.options, checksum: 'ignore' })).toBeDefined();
        if (m.code === 'reserved') expect(tryDecapsulate(m.bytes, { ...m.options, mode: 'lax' })).toBeDefined();
      }),
      { numRuns: 10_000 },
    );
  });
});

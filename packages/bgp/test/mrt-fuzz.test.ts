import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError, writeU16, writeU32 } from '@wirestack/core';
import { BgpdumpFormatter, MrtStreamDecoder, encodeMrt, readMrt, type MrtDecodeOptions, type MrtRecord } from '../src/mrt/index.js';
import { mrtRecord } from '../src/mrt/arbitraries.js';

/**
 * Hostile input: whatever the bytes, the readers yield records or throw a
 * DecodeError (BgpError is one) whose offset lies inside the input, never
 * another exception, and the formatter prints whatever they yield.
 */
function readAll(bytes: Uint8Array, options: MrtDecodeOptions = {}): { records: MrtRecord[]; error: DecodeError | undefined } {
  const records: MrtRecord[] = [];
  try {
    for (const r of readMrt(bytes, options)) records.push(r);
    return { records, error: undefined };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(bytes.length);
    return { records, error };
  }
}

function streamAll(bytes: Uint8Array, chunk: number): { records: MrtRecord[]; error: DecodeError | undefined } {
  // No length cap, so it meets the same records as the buffer reader (the cap has its own test).
  const decoder = new MrtStreamDecoder({ maxRecordLength: Number.MAX_SAFE_INTEGER });
  const records: MrtRecord[] = [];
  try {
    for (let o = 0; o < bytes.length; o += chunk) records.push(...decoder.push(bytes.subarray(o, o + chunk)));
    decoder.end();
    return { records, error: undefined };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { records, error };
  }
}

function check(bytes: Uint8Array, chunk: number): void {
  const strict = readAll(bytes);
  const lax = readAll(bytes, { mode: 'lax' });
  // Lax mode reads at least as far, and never fails on a record whose header frames it.
  expect(lax.records.length).toBeGreaterThanOrEqual(strict.records.length);
  if (lax.error !== undefined) expect(lax.error.code).toBe('truncated');
  // The stream decoder agrees with the buffer reader, records and error offset.
  const streamed = streamAll(bytes, chunk);
  expect(streamed.records).toEqual(strict.records);
  expect(streamed.error?.offset).toBe(strict.error?.offset);
  expect(streamed.error?.code).toBe(strict.error?.code);
  const formatter = new BgpdumpFormatter({ largeCommunities: true });
  for (const r of lax.records) formatter.lines(r);
}

/** A common header that frames `body` as a record of a type and subtype the reader decodes. */
function framed(type: number, subtype: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  writeU32(out, 0, 1600000000);
  writeU16(out, 4, type);
  writeU16(out, 6, subtype);
  writeU32(out, 8, body.length);
  out.set(body, 12);
  return out;
}

const knownKind = fc.oneof(
  fc.record({ type: fc.constant(13), subtype: fc.integer({ min: 0, max: 13 }) }),
  fc.record({ type: fc.constantFrom(16, 17), subtype: fc.integer({ min: 0, max: 12 }) }),
);

describe('MRT fuzz', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 3, max: 64 }), (bytes, chunk) => check(bytes, chunk)),
      { numRuns: 5000 },
    );
  });

  it('random bodies behind well-formed headers of the decoded types', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ kind: knownKind, body: fc.uint8Array({ maxLength: 120 }) }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 3, max: 64 }), (records, chunk) => {
        const file = encodeMrt(records.map((r) => framed(r.kind.type, r.kind.subtype, r.body)));
        check(file, chunk);
        // Every header frames its record, so lax mode reads them all.
        expect(readAll(file, { mode: 'lax' }).records.length).toBe(records.length);
      }),
      { numRuns: 4000 },
    );
  });

  it('valid files with octets changed', () => {
    fc.assert(
      fc.property(
        fc.array(mrtRecord(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 3, max: 64 }),
        (records, changes, chunk) => {
          const file = encodeMrt(records);
          for (const c of changes) file[c.at % file.length] = c.value;
          check(file, chunk);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every proper prefix of a valid file: the whole records, then truncated at the next one', () => {
    fc.assert(
      fc.property(fc.array(mrtRecord(), { minLength: 1, maxLength: 3 }), fc.nat(), (records, n) => {
        const file = encodeMrt(records);
        const starts: number[] = [];
        let o = 0;
        for (const r of records) {
          starts.push(o);
          o += encodeMrt([r]).length;
        }
        const cut = n % file.length;
        const { records: got, error } = readAll(file.subarray(0, cut));
        const whole = starts.filter((s) => s < cut).length - (starts.includes(cut) ? 0 : 1);
        if (starts.includes(cut)) {
          expect(error).toBeUndefined();
          expect(got).toEqual(records.slice(0, starts.indexOf(cut)));
        } else {
          expect(error?.code).toBe('truncated');
          expect(error?.offset).toBe(starts[whole]);
          expect(got).toEqual(records.slice(0, whole));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Int32Column } from '../src/int32-column.js';

/** Indexes within and across chunks (4,096 entries each), some far apart so chunks are skipped. */
const index = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2_000_000 }));

describe('Int32Column', () => {
  it('reads back what was set, 0 elsewhere, and lists the non-zero entries in index order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(index, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 200 }), fc.array(index, { maxLength: 50 }), (sets, probes) => {
        const column = new Int32Column();
        const model = new Map<number, number>();
        for (const [i, v] of sets) {
          column.set(i, v);
          model.set(i, v);
        }
        for (const [i, v] of model) expect(column.get(i)).toBe(v);
        for (const i of probes) expect(column.get(i)).toBe(model.get(i) ?? 0);
        const listed: [number, number][] = [];
        column.forEachSet((i, v) => listed.push([i, v]));
        expect(listed).toEqual([...model].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]));
        column.clear();
        for (const [i] of model) expect(column.get(i)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('holds only the chunks its indexes fall in', () => {
    const column = new Int32Column();
    column.set(1_000_000, 7);
    column.set(5, 0); // a zero needs no chunk
    expect(column.byteLength).toBe(4096 * 4);
    expect(column.get(1_000_000)).toBe(7);
    expect(column.get(999_999)).toBe(0);
    expect(column.get(5)).toBe(0);
  });
});

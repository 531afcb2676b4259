import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixTable, prefixKey } from '../src/index.js';

/** Keys from a small space so that sets, overwrites and deletes collide and probe runs form. */
const key = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => prefixKey(((a * 0x01010101) >>> 0) & 0xffffff00, l));
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), extra: fc.integer({ min: 0, max: 2 ** 20 }) }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('clear' as const) }),
);

describe('PrefixTable', () => {
  it('behaves as a Map from prefix key to (value, extra) under any sequence of set, delete and clear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new PrefixTable();
        const model = new Map<number, [number, number]>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.key, o.value, o.extra);
            model.set(o.key, [o.value, o.extra]);
          } else if (o.kind === 'delete') {
            expect(table.delete(o.key)).toBe(model.delete(o.key));
          } else {
            table.clear();
            model.clear();
          }
          expect(table.size).toBe(model.size);
        }
        for (const [k, [v, x]] of model) {
          expect(table.get(k)).toBe(v);
          expect(table.extra(k)).toBe(x);
        }
        const seen = new Map<number, number>();
        table.forEach((k, v) => seen.set(k, v));
        expect(seen).toEqual(new Map([...model].map(([k, [v]]) => [k, v])));
        expect(table.keyList().sort((a, b) => a - b)).toEqual([...model.keys()].sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps keys of the full 38-bit range apart (255.255.255.255/32 and its neighbours)', () => {
    const table = new PrefixTable();
    const keys = [prefixKey(0xffffffff, 32), prefixKey(0xffffffff, 31), prefixKey(0, 0), prefixKey(0x80000000, 1)];
    keys.forEach((k, i) => table.set(k, i));
    keys.forEach((k, i) => expect(table.get(k)).toBe(i));
    expect(table.get(prefixKey(0xfffffffe, 32))).toBeUndefined();
  });

  it('grows past a million entries', () => {
    const table = new PrefixTable();
    for (let i = 0; i < 1_100_000; i++) table.set(prefixKey((i << 8) >>> 0, 24), i);
    expect(table.size).toBe(1_100_000);
    for (let i = 0; i < 1_100_000; i += 997) expect(table.get(prefixKey((i << 8) >>> 0, 24))).toBe(i);
    for (let i = 0; i < 1_100_000; i += 2) table.delete(prefixKey((i << 8) >>> 0, 24));
    expect(table.size).toBe(550_000);
    for (let i = 0; i < 1_100_000; i += 1000) expect(table.has(prefixKey((i << 8) >>> 0, 24))).toBe(false);
    for (let i = 1; i < 1_100_000; i += 1000) expect(table.get(prefixKey((i << 8) >>> 0, 24))).toBe(i);
  });
});

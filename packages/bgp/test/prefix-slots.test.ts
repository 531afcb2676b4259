import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixKey } from '../src/index.js';
import { PrefixSlots, SlotTable } from '../src/prefix-slots.js';

/** Keys from a small space so that the tables share keys, overwrite and delete them, and probe runs form. */
const key = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => prefixKey(((a * 0x01010101) >>> 0) & 0xffffff00, l));
const table = fc.integer({ min: 0, max: 2 });
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), table, key, value: fc.integer({ min: 1, max: 2 ** 31 - 1 }), extra: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ kind: fc.constant('delete' as const), table, key }),
  fc.record({ kind: fc.constant('clear' as const), table }),
);

describe('SlotTable over shared PrefixSlots', () => {
  it('three tables behave as three Maps, and the slots hold exactly the keys some table holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const slots = new PrefixSlots();
        const tables = [new SlotTable(slots), new SlotTable(slots), new SlotTable(slots)];
        const models = [new Map<number, [number, number]>(), new Map<number, [number, number]>(), new Map<number, [number, number]>()];
        for (const o of ops) {
          const t = tables[o.table]!;
          const m = models[o.table]!;
          if (o.kind === 'set') {
            t.set(o.key, o.value, o.extra);
            m.set(o.key, [o.value, o.extra]);
          } else if (o.kind === 'delete') {
            expect(t.delete(o.key)).toBe(m.delete(o.key));
          } else {
            t.clear();
            m.clear();
          }
          expect(t.size).toBe(m.size);
          const union = new Set(models.flatMap((model) => [...model.keys()]));
          expect(slots.size).toBe(union.size);
          // freed slots are reused: the numbers stay below the most keys ever held at once
          expect(slots.limit).toBeLessThanOrEqual(ops.length);
        }
        tables.forEach((t, i) => {
          const m = models[i]!;
          for (const [k, [v, x]] of m) {
            expect(t.get(k)).toBe(v);
            expect(t.has(k)).toBe(true);
            expect(t.extra(k)).toBe(x);
          }
          const seen = new Map<number, [number, number]>();
          t.forEach((k, v, x) => seen.set(k, [v, x]));
          expect(seen).toEqual(m);
          expect(t.keyList().sort((a, b) => a - b)).toEqual([...m.keys()].sort((a, b) => a - b));
        });
        // every key of the space, held or not, reads as the model says
        for (let a = 0; a < 64; a++) {
          for (const l of [0, 8, 24, 32]) {
            const k = prefixKey(((a * 0x01010101) >>> 0) & 0xffffff00, l);
            tables.forEach((t, i) => {
              expect(t.get(k)).toBe(models[i]!.get(k)?.[0]);
              expect(t.extra(k)).toBe(models[i]!.get(k)?.[1] ?? 0);
            });
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reuses freed slots: keys stored and removed in turn keep the slot numbers small', () => {
    const slots = new PrefixSlots();
    const a = new SlotTable(slots);
    const b = new SlotTable(slots);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 100_000; i++) {
        const k = prefixKey((((round * 100_000 + i) << 8) >>> 0), 24);
        a.set(k, i + 1);
        b.set(k, 7, 16);
      }
      expect(a.get(prefixKey((((round * 100_000 + 4321) << 8) >>> 0), 24))).toBe(4322);
      a.clear();
      let deleted = 0;
      for (const k of b.keyList()) if (b.delete(k)) deleted++;
      expect(deleted).toBe(100_000);
      expect(slots.size).toBe(0);
    }
    expect(slots.limit).toBe(100_000);
  });

  it('iterates by slot undisturbed while another table adds and removes keys', () => {
    const slots = new PrefixSlots();
    const a = new SlotTable(slots);
    const b = new SlotTable(slots);
    for (let i = 0; i < 1000; i++) a.set(prefixKey(((i << 8) >>> 0), 24), i + 1);
    const seen: number[] = [];
    a.forEach((k, v) => {
      seen.push(v);
      // growth and backward shifts in the shared hash: slots stay put
      for (let j = 0; j < 3; j++) b.set(k + 1 + j, 1);
      b.delete(k + 2);
    });
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('takes only positive int32 values (0 marks a slot the table does not hold)', () => {
    const t = new SlotTable(new PrefixSlots());
    expect(() => t.set(prefixKey(0, 0), 0)).toThrow(RangeError);
    expect(() => t.set(prefixKey(0, 0), -1)).toThrow(RangeError);
    expect(t.size).toBe(0);
  });
});

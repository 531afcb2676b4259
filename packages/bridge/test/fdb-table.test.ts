/** The open-addressing table against a Map, through random inserts, finds and removals. */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { FdbTable } from '../src/fdb-table.js';

type Op = { kind: 'insert' | 'remove' | 'find'; hi: number; lo: number };

describe('FdbTable', () => {
  it('agrees with a Map, keeps every key reachable after backward-shift deletions, grows at half load', () => {
    // Few distinct keys from narrow ranges, so probe chains collide and wrap.
    const op = fc.record({
      kind: fc.constantFrom<'insert' | 'remove' | 'find'>('insert', 'insert', 'remove', 'find'),
      hi: fc.integer({ min: 0, max: 3 }).map((v) => (v << 16) | 0x0200),
      lo: fc.integer({ min: 0, max: 150 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.integer(), (ops: Op[], seed) => {
        const table = new FdbTable(64, seed);
        const model = new Map<string, number>();
        let stamp = 0;
        for (const o of ops) {
          const k = `${o.hi}/${o.lo}`;
          const slot = table.find(o.hi, o.lo);
          expect(slot >= 0).toBe(model.has(k));
          if (slot >= 0) expect(table.portAt(slot)).toBe(model.get(k));
          if (o.kind === 'insert' && slot < 0) {
            const s = table.insert(o.hi, o.lo);
            table.setPort(s, ++stamp);
            model.set(k, stamp);
          } else if (o.kind === 'remove' && slot >= 0) {
            table.removeAt(slot);
            model.delete(k);
          }
          expect(table.size).toBe(model.size);
          expect(table.size * 2).toBeLessThanOrEqual(table.capacity);
        }
        for (const [k, port] of model) {
          const [hi, lo] = k.split('/').map(Number) as [number, number];
          expect(table.portAt(table.find(hi, lo))).toBe(port);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The stamp that spares the frame path a read of `times`: with time moving
 * through many epochs (more than the ring holds), inserts, refreshes,
 * removals and growth, a stamped slot always names its exact last-seen
 * time in the ring, and a slot carrying the current stamp was seen at the
 * current epoch's time.
 */
describe('FdbTable epochs and stamps', () => {
  type StampOp =
    | { kind: 'epoch'; now: number }
    | { kind: 'insert'; lo: number }
    | { kind: 'touch'; lo: number; now: number }
    | { kind: 'remove'; lo: number };

  function checkStamps(table: FdbTable): void {
    const current = table.stamp >>> 13;
    for (let s = 0; s < table.capacity; s++) {
      if (table.isEmpty(s)) continue;
      const stamp = table.stampAt(s);
      if (stamp === 0) continue;
      expect(table.ring[stamp]).toBe(table.seenAt(s));
      if (stamp === current) expect(table.seenAt(s)).toBe(table.epochNow);
    }
  }

  it('a stamp always names the exact last-seen time, across ring wraps and growth', () => {
    const lo = fc.integer({ min: 0, max: 200 });
    // Times from a small set, so epochs repeat a `now` and refreshes see their own time again.
    const time = fc.integer({ min: 0, max: 40 }).map((t) => t * 250);
    const op: fc.Arbitrary<StampOp> = fc.oneof(
      { weight: 4, arbitrary: time.map((now) => ({ kind: 'epoch' as const, now })) },
      { weight: 3, arbitrary: lo.map((l) => ({ kind: 'insert' as const, lo: l })) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('touch' as const), lo, now: time }) },
      { weight: 1, arbitrary: lo.map((l) => ({ kind: 'remove' as const, lo: l })) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 500 }), fc.integer(), (ops, seed) => {
        const table = new FdbTable(64, seed);
        const seen = new Map<number, number>();
        const hi = 0x0200;
        for (const o of ops) {
          const slot = table.find(hi, o.kind === 'epoch' ? -1 : o.lo);
          if (o.kind === 'epoch') {
            if (o.now !== table.epochNow) table.newEpoch(o.now);
          } else if (o.kind === 'insert' && slot < 0) {
            // As Bridge.learnSource: insert (maybe growing the table), then stamp at the epoch's time.
            const s = table.insert(hi, o.lo);
            table.setSeen(s, table.epochNow);
            seen.set(o.lo, table.epochNow);
          } else if (o.kind === 'touch' && slot >= 0) {
            table.setSeen(slot, o.now);
            seen.set(o.lo, o.now);
          } else if (o.kind === 'remove' && slot >= 0) {
            table.removeAt(slot);
            seen.delete(o.lo);
          }
          checkStamps(table);
        }
        for (const [l, t] of seen) expect(table.seenAt(table.find(hi, l))).toBe(t);
      }),
      { numRuns: 100 },
    );
  });
});

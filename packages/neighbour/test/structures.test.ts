import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { EntryStore } from '../src/entry-store.js';
import { TimerHeap } from '../src/timer-heap.js';
import { GcList } from '../src/gc-list.js';

describe('EntryStore (open-addressing index)', () => {
  it('agrees with a Map under random inserts and removals, including clustered keys', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0x0a00_0000, max: 0x0a00_003f }), fc.constantFrom(0, 0xffff_ffff));
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.tuple(fc.boolean(), key), { maxLength: 400 }), (seed, ops) => {
        const store = new EntryStore(seed, 4);
        const map = new Map<number, number>();
        for (const [add, k] of ops) {
          if (add && !map.has(k)) map.set(k, store.insert(k));
          else if (!add && map.has(k)) {
            store.remove(map.get(k)!);
            map.delete(k);
          }
          expect(store.count).toBe(map.size);
        }
        for (const [k, e] of map) {
          expect(store.find(k)).toBe(e);
          expect(store.key[e]).toBe(k);
        }
        for (const [, k] of ops) if (!map.has(k)) expect(store.find(k)).toBe(-1);
        expect([...store.entries()].sort((a, b) => a - b)).toEqual([...map.values()].sort((a, b) => a - b));
        expect(store.slots).toBeGreaterThanOrEqual(2 * store.count);
      }),
      { numRuns: 300 },
    );
  });

  it('reuses entry numbers and keeps the index at most twice the peak size', () => {
    const store = new EntryStore(12345);
    for (let round = 0; round < 50; round++) {
      const made = Array.from({ length: 1000 }, (_, i) => store.insert(round * 1000 + i));
      for (const e of made) store.remove(e);
    }
    expect(store.count).toBe(0);
    expect(store.capacity).toBe(1024);
    expect(store.slots).toBe(2048);
  });
});

describe('TimerHeap', () => {
  it('always yields the earliest deadline (ties by entry) under set/cancel', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'cancel', 'pop'), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }),
        (ops) => {
          const heap = new TimerHeap();
          const model = new Map<number, number>();
          for (const [op, entry, when] of ops) {
            if (op === 'set') {
              heap.set(entry, when);
              model.set(entry, when);
            } else if (op === 'cancel') {
              heap.cancel(entry);
              model.delete(entry);
            } else if (model.size > 0) {
              const [want] = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
              expect(heap.peekDeadline()).toBe(want![1]);
              expect(heap.peekEntry()).toBe(want![0]);
              heap.cancel(want![0]);
              model.delete(want![0]);
            }
            expect(heap.size).toBe(model.size);
            for (const [e, t] of model) expect(heap.deadlineOf(e)).toBe(t);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('GcList', () => {
  it('keeps insertion order through removals', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 })), { maxLength: 200 }), (ops) => {
        const list = new GcList();
        const model: number[] = [];
        for (const [add, e] of ops) {
          if (add) {
            list.push(e);
            if (!model.includes(e)) model.push(e);
          } else {
            list.remove(e);
            const i = model.indexOf(e);
            if (i >= 0) model.splice(i, 1);
          }
        }
        const walked: number[] = [];
        for (let e = list.head; e >= 0; e = list.after(e)) walked.push(e);
        expect(walked).toEqual(model);
        expect(list.size).toBe(model.length);
      }),
      { numRuns: 300 },
    );
  });
});

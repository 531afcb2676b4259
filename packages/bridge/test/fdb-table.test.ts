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

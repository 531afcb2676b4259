import type { Ipv4Address } from '@wirestack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathAttributes } from '../src/arbitraries.js';
import { attributesEqual, hashAttributes } from '../src/attribute-hash.js';
import { encodeMessage } from '../src/codec.js';
import type { PathAttributes } from '../src/messages.js';
import { AttributeStore } from '../src/rib.js';

const OPTIONS = { fourOctetAs: true };
/** The reference for "same set": the same octets on the wire. */
const wire = (a: PathAttributes) => Array.from(encodeMessage({ type: 'update', withdrawn: [], attributes: a, nlri: [] }, OPTIONS)).join(',');
/** A deep copy with the keys of every object in reverse order. */
function reordered<T>(v: T): T {
  if (v instanceof Uint8Array) return v.slice() as T;
  if (Array.isArray(v)) return v.map(reordered) as T;
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)])) as T;
  return v;
}
/** Small attribute sets that often share values, so equal and nearly-equal pairs come up. */
const similar = fc.record(
  {
    origin: fc.constantFrom('igp' as const, 'incomplete' as const),
    asPath: fc.constantFrom([], [{ type: 'sequence' as const, asns: [65001] }], [{ type: 'sequence' as const, asns: [65001, 4200000001] }], [{ type: 'set' as const, asns: [65001] }]),
    nextHop: fc.constantFrom(0xc0000201, 0xc0000202),
    med: fc.constantFrom(0, 10),
    communities: fc.constantFrom([0xffffff01], [0xffffff01, 65001 * 65536 + 1], [65001 * 65536 + 1, 0xffffff01]),
    largeCommunities: fc.constantFrom([{ global: 1, local1: 2, local2: 3 }], [{ global: 1, local1: 2, local2: 4 }]),
  },
  { requiredKeys: ['origin', 'nextHop'] },
).map((r) => r as unknown as PathAttributes);

describe('attribute-set hash and equality', () => {
  it('equal sets (any key order) hash alike', () => {
    fc.assert(
      fc.property(pathAttributes(OPTIONS), (a) => {
        const b = reordered(a);
        expect(attributesEqual(a, b)).toBe(true);
        expect(hashAttributes(b)).toBe(hashAttributes(a));
      }),
      { numRuns: 500 },
    );
  });

  it('equality agrees with the encoding', () => {
    fc.assert(
      fc.property(fc.oneof(similar, pathAttributes(OPTIONS)), fc.oneof(similar, pathAttributes(OPTIONS)), (a, b) => {
        expect(attributesEqual(a, b)).toBe(wire(a) === wire(b));
        if (attributesEqual(a, b)) expect(hashAttributes(a)).toBe(hashAttributes(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps apart sets that differ in one rare attribute, or in AS_PATH segment type', () => {
    const base: PathAttributes = { origin: 'igp', asPath: [{ type: 'sequence', asns: [65001] }], nextHop: 0xc0000201 as Ipv4Address };
    for (const other of [
      { ...base, asPath: [{ type: 'set' as const, asns: [65001] }] },
      { ...base, largeCommunities: [{ global: 1, local1: 2, local2: 3 }] },
      { ...base, atomicAggregate: true },
      { ...base, med: 4294967295 },
    ]) {
      expect(attributesEqual(base, other)).toBe(false);
      expect(hashAttributes(base)).not.toBe(hashAttributes(other));
    }
    expect(attributesEqual(base, { ...base, atomicAggregate: false })).toBe(true);
  });
});

describe('AttributeStore', () => {
  it('behaves as a reference-counted map from set to id under any intern/retain/release sequence', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('intern' as const), set: similar }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('retain' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const store = new AttributeStore();
        // the model: id -> [wire form, references]
        const model = new Map<number, [string, number]>();
        for (const o of ops) {
          const ids = [...model.keys()];
          if (o.kind === 'intern') {
            const id = store.intern(o.set);
            const same = [...model].find(([, [w]]) => w === wire(o.set));
            if (same) expect(id).toBe(same[0]);
            else expect(model.has(id)).toBe(false);
            model.set(id, [wire(o.set), (model.get(id)?.[1] ?? 0) + 1]);
          } else if (ids.length > 0) {
            const id = ids[o.pick % ids.length]!;
            const [w, refs] = model.get(id)!;
            if (o.kind === 'retain') {
              store.retain(id);
              model.set(id, [w, refs + 1]);
            } else {
              store.release(id);
              if (refs === 1) model.delete(id);
              else model.set(id, [w, refs - 1]);
            }
          }
          expect(store.size).toBe(model.size);
        }
        for (const [id, [w]] of model) expect(wire(store.get(id))).toBe(w);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a full table of distinct sets and forgets them again', () => {
    const store = new AttributeStore();
    const ids: number[] = [];
    for (let i = 0; i < 300_000; i++) ids.push(store.intern({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, i] }], nextHop: 0xc0000201 as Ipv4Address }));
    expect(store.size).toBe(300_000);
    expect(new Set(ids).size).toBe(300_000);
    expect(store.intern({ nextHop: 0xc0000201 as Ipv4Address, asPath: [{ asns: [65001, 1234], type: 'sequence' }], origin: 'igp' })).toBe(ids[1234]);
    store.release(ids[1234]!);
    for (const id of ids) store.release(id);
    expect(store.size).toBe(0);
    expect(() => store.get(ids[0]!)).toThrow(/not interned/);
  });
});

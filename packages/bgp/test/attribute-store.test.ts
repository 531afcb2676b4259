import type { Ipv4Address } from '@wirestack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathAttributes } from '../src/arbitraries.js';
import { attributesEqual, hashAttributes } from '../src/attribute-hash.js';
import { encodeMessage } from '../src/codec.js';
import type { PathAttributes } from '../src/messages.js';
import { AttributeStore, type ReceivedOctets } from '../src/attribute-store.js';
import { decodeAttributes, encodeAttributes } from '../src/attributes.js';
import { receivedAttributes } from '../src/received-attributes.js';

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

  /** `a` as it arrives: its octets (inside a bigger buffer, as an UPDATE holds them) and the set they import as. */
  function received(a: PathAttributes, fourOctetAs: boolean, external: boolean, peerAs: number, pad: number): { octets: ReceivedOctets; set: PathAttributes } {
    const encoded = encodeAttributes(a, { fourOctetAs });
    const bytes = new Uint8Array(pad + encoded.length + 5).fill(0xee);
    encoded.write(bytes, pad);
    const errors: never[] = [];
    const decoded = decodeAttributes(bytes, pad, pad + encoded.length, { fourOctetAs }, errors).attributes;
    expect(errors).toEqual([]);
    return { octets: { bytes, start: pad, end: pad + encoded.length, fourOctetAs, external, peerAs }, set: receivedAttributes(decoded, { fourOctetAs, external }) };
  }

  it('keeps a set as received as its octets: get decodes it back, findReceived finds it by them, from the same kind of session only; objects are found by structure, apart from those', () => {
    const arrival = fc.record({ four: fc.boolean(), external: fc.boolean(), peerAs: fc.constantFrom(65001, 4200000001), pad: fc.nat(7) });
    // sets that share values often (equal sets from different octets, or sessions), and anything a 2- or 4-octet session carries
    const intern = arrival.chain((arrival) =>
      fc.record({
        kind: fc.constant('intern' as const),
        attributes: arrival.four ? fc.oneof(similar, pathAttributes({ fourOctetAs: true })) : pathAttributes(),
        arrival: fc.constant(arrival),
        asObject: fc.boolean(),
      }),
    );
    const op = fc.oneof(intern, fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const store = new AttributeStore();
        // id -> [the set, its octets when kept as them, references]
        const model = new Map<number, { set: PathAttributes; octets: ReceivedOctets | undefined; refs: number }>();
        for (const o of ops) {
          if (o.kind === 'release') {
            const ids = [...model.keys()];
            if (ids.length === 0) continue;
            const id = ids[o.pick % ids.length]!;
            const entry = model.get(id)!;
            store.release(id);
            if (--entry.refs === 0) model.delete(id);
            continue;
          }
          const { four, external, peerAs, pad } = o.arrival;
          const { octets, set } = received(o.attributes, four, external, peerAs, pad);
          const known = [...model].find(([, e]) => e.octets !== undefined && sameArrival(e.octets, octets));
          expect(store.findReceived(octets)).toBe(known?.[0] ?? -1);
          const id = o.asObject ? store.intern(set) : store.internReceived(octets);
          // the same kind, and the same octets or the same structure: the same set; anything else a new one
          const same = o.asObject ? [...model].find(([, e]) => e.octets === undefined && attributesEqual(e.set, set)) : known;
          if (same) expect(id).toBe(same[0]);
          else expect(model.has(id)).toBe(false);
          const entry = model.get(id) ?? { set, octets: o.asObject ? undefined : octets, refs: 0 };
          entry.refs++;
          model.set(id, entry);
          expect(store.size).toBe(model.size);
        }
        for (const [id, e] of model) {
          expect(attributesEqual(store.get(id), e.set)).toBe(true);
          expect(store.get(id)).toEqual(e.set);
          if (e.octets !== undefined) expect(store.findReceived(e.octets)).toBe(id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('indexes a set interned right after a lookup of other octets by its own octets, and finds sets by copies of their octets in other buffers', () => {
    const store = new AttributeStore();
    const a = received({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 1] }], nextHop: 0xc0000201 as Ipv4Address }, true, true, 65001, 3);
    const b = received({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 2] }], nextHop: 0xc0000201 as Ipv4Address }, true, true, 65001, 1);
    expect(store.findReceived(a.octets)).toBe(-1);
    const idA = store.internReceived(a.octets);
    // a lookup of a's octets, then b interned: b is indexed by b's octets (a cache of the last lookup's hash must not leak)
    expect(store.findReceived(a.octets)).toBe(idA);
    const idB = store.internReceived(b.octets);
    // the same octets as another object (a copy in another buffer)
    const copy = { ...b.octets, bytes: b.octets.bytes.slice() };
    expect(store.findReceived(copy)).toBe(idB);
    expect(store.findReceived({ ...a.octets, bytes: a.octets.bytes.slice() })).toBe(idA);
  });

  it('keeps records of every size whole in its arena chunks (256 KiB): large sets beside small ones are found and decoded back', () => {
    const store = new AttributeStore();
    // sets of 4 to 40,000 octets of COMMUNITIES, so records end near and past chunk ends
    const sizes = [1, 10_000, 3, 9_999, 7, 5_000, 2, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 1, 4_000];
    const arrivals = sizes.map((n, i) =>
      received({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, i] }], nextHop: 0xc0000201 as Ipv4Address, communities: Array.from({ length: n }, (_, k) => k + i) }, true, true, 65001, i % 5),
    );
    const ids = arrivals.map(({ octets }) => store.internReceived(octets));
    expect(store.arenaBytes).toBeGreaterThan(256 * 1024);
    arrivals.forEach(({ octets, set }, i) => {
      expect(store.findReceived(octets)).toBe(ids[i]);
      expect(store.get(ids[i]!)).toEqual(set);
    });
  });

  it('reclaims the octets of forgotten sets: a table replaced many times over keeps its arena size', () => {
    const store = new AttributeStore();
    const arrive = (i: number) => received({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, i] }], nextHop: 0xc0000201 as Ipv4Address }, true, true, 65001, 0);
    let ids: number[] = [];
    let settled = 0;
    for (let round = 0; round < 6; round++) {
      const next: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        next.push(store.internReceived(arrive(round * 20_000 + i).octets));
      }
      for (const id of ids) store.release(id);
      ids = next;
      if (round === 2) settled = store.arenaBytes;
    }
    expect(store.size).toBe(20_000);
    // two tables live at the peak (the old one is released after the new one arrived): 35 octets a record
    expect(settled).toBeGreaterThan(2 * 20_000 * 35);
    expect(settled).toBeLessThan(3 * 2 * 20_000 * 35);
    expect(store.arenaBytes).toBe(settled);
    for (let i = 0; i < 20_000; i += 97) {
      const { octets, set } = arrive(5 * 20_000 + i);
      expect(store.findReceived(octets)).toBe(ids[i]);
      expect(store.get(ids[i]!)).toEqual(set);
    }
  });
});

/** The same octets from the same kind of session (and peer AS). */
function sameArrival(a: ReceivedOctets, b: ReceivedOctets): boolean {
  if (a.fourOctetAs !== b.fourOctetAs || a.external !== b.external || a.peerAs !== b.peerAs || a.end - a.start !== b.end - b.start) return false;
  for (let i = 0; i < a.end - a.start; i++) if (a.bytes[a.start + i] !== b.bytes[b.start + i]) return false;
  return true;
}

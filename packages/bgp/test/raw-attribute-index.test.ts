import type { Ipv4Address } from '@wirestack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawAttributeIndex } from '../src/raw-attribute-index.js';
import { AttributeStore } from '../src/rib.js';

const set = (n: number) => ({ origin: 'igp' as const, asPath: [{ type: 'sequence' as const, asns: [65001, n] }], nextHop: 0xc0000201 as Ipv4Address });

describe('RawAttributeIndex', () => {
  it('finds exactly the octets it indexed, wherever they lie in the caller buffer', () => {
    // short octet strings over a two-letter alphabet: many share hashes' low bits, prefixes and lengths
    const octets = fc.uint8Array({ minLength: 0, maxLength: 9 }).map((b) => b.map((x) => x & 1));
    fc.assert(
      fc.property(fc.array(fc.tuple(octets, fc.nat(5)), { maxLength: 200 }), (ops) => {
        const store = new AttributeStore();
        const index = new RawAttributeIndex(store);
        const model = new Map<string, number>();
        for (const [bytes, pad] of ops) {
          // the octets inside a bigger buffer, as an UPDATE holds them
          const buffer = new Uint8Array(pad + bytes.length + 3).fill(7);
          buffer.set(bytes, pad);
          const key = bytes.join(',');
          const found = index.find(buffer, pad, pad + bytes.length);
          expect(found).toBe(model.get(key) ?? -1);
          if (found === -1) {
            const id = store.intern(set(model.size));
            index.add(buffer, pad, pad + bytes.length, id);
            model.set(key, id);
          }
        }
        expect(index.size).toBe(model.size);
        for (const [key, id] of model) expect(store.get(id)).toEqual(set([...model.keys()].indexOf(key)));
        index.clear();
        expect(index.size).toBe(0);
        for (const id of model.values()) store.release(id);
        expect(store.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a full table of attribute octets (arena and index growth)', () => {
    const store = new AttributeStore();
    const index = new RawAttributeIndex(store);
    const bytes = (i: number) => Uint8Array.of(0x40, 1, 1, 0, 0x50, 2, 0, 6, 2, 1, i >>> 24, i >>> 16, i >>> 8, i);
    for (let i = 0; i < 300_000; i++) {
      const b = bytes(i);
      index.add(b, 0, b.length, store.intern(set(i)));
    }
    expect(index.size).toBe(300_000);
    expect(index.byteLength).toBeGreaterThan(300_000 * 14);
    for (let i = 0; i < 300_000; i++) {
      const b = bytes(i);
      expect(store.get(index.find(b, 0, b.length))).toEqual(set(i));
    }
    const other = bytes(300_000);
    expect(index.find(other, 0, other.length)).toBe(-1);
    index.clear();
    expect(index.find(bytes(0), 0, 14)).toBe(-1);
  });

  it('holds no reference: an entry whose set was forgotten (its id perhaps reused) is not found, until indexed again', () => {
    const store = new AttributeStore();
    const index = new RawAttributeIndex(store);
    const octets = Uint8Array.of(0x40, 1, 1, 0);
    const first = store.intern(set(1));
    index.add(octets, 0, 4, first);
    expect(index.find(octets, 0, 4)).toBe(first);
    store.release(first);
    expect(store.size).toBe(0);
    expect(index.find(octets, 0, 4)).toBe(-1);
    const other = store.intern(set(2)); // takes the freed id
    expect(other).toBe(first);
    expect(index.find(octets, 0, 4)).toBe(-1);
    const again = store.intern(set(3));
    index.add(octets, 0, 4, again);
    expect(index.size).toBe(1);
    expect(store.get(index.find(octets, 0, 4))).toEqual(set(3));
  });
});

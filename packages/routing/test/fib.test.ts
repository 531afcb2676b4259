import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { Fib, PrefixMap, RouteError } from '../src/index.js';
import { lpmEntries, probeAddresses } from '../src/arbitraries.js';
import { latest, linearLookup, maskOf, type OracleEntry } from './oracle.js';

// One FIB reused across runs (each is 48 MB): cleared before every property run.
const fib = new Fib();

function checkAgainstOracle(entries: readonly OracleEntry[], extra: readonly number[] = []): void {
  const probes = [...probeAddresses(entries), ...extra];
  for (const dst of probes) {
    const want = linearLookup(entries, dst);
    expect(fib.lookup(dst), `lookup ${dst >>> 0}`).toBe(want.value);
    expect(fib.matchLength(dst)).toBe(want.length);
  }
  const bulkIn = Uint32Array.from(probes);
  const bulkOut = new Uint32Array(bulkIn.length);
  fib.lookupBulk(bulkIn, bulkOut);
  const want = probes.map((d) => linearLookup(entries, d).value);
  expect([...bulkOut]).toEqual(want);
  // In place, into a 16-bit array, and for a count that is not a multiple of the 8-wide step.
  fib.lookupBulk(bulkIn, bulkIn);
  expect([...bulkIn]).toEqual(want);
  const narrow = new Uint16Array(probes.length);
  fib.lookupBulk(Uint32Array.from(probes), narrow, probes.length - 1);
  expect([...narrow.subarray(0, probes.length - 1)]).toEqual(want.slice(0, -1));
}

describe('Fib (DIR-24-8)', () => {
  it('matches a linear longest-match oracle after inserts (nested, overlapping, /0, /32)', () => {
    fc.assert(
      fc.property(lpmEntries(), fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 20 }), (entries, randoms) => {
        fib.clear();
        for (const e of entries) fib.insert(e.address, e.length, e.value);
        const live = latest(entries);
        expect(fib.size).toBe(live.length);
        checkAgainstOracle(live, randoms);
      }),
      // Each /0../7 insert paints 2^17..2^24 entries: keep the run count modest.
      { numRuns: 100 },
    );
  });

  it('matches the oracle through a random sequence of inserts and deletes (deletes uncover shorter prefixes)', () => {
    fc.assert(
      fc.property(
        lpmEntries({ maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 80 }),
        (pool, ops) => {
          fc.pre(pool.length > 0);
          fib.clear();
          const live = new Map<string, OracleEntry>();
          for (const [pick, isDelete] of ops) {
            const e = pool[pick % pool.length]!;
            const key = `${e.address}/${e.length}`;
            if (isDelete) {
              expect(fib.delete(e.address, e.length)).toBe(live.delete(key));
            } else {
              fib.insert(e.address, e.length, e.value);
              live.set(key, e);
            }
          }
          checkAgainstOracle([...live.values()]);
          // Deleting everything leaves an empty table and frees every tbl8 group.
          for (const e of live.values()) expect(fib.delete(e.address, e.length)).toBe(true);
          expect(fib.size).toBe(0);
          expect(fib.groupsInUse).toBe(0);
          for (const e of pool) expect(fib.lookup(e.address)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a delete finds the cover even when the sibling block holds prefixes of its length or longer', () => {
    // cover C (/c) > deleted P (/p) and, at the first address of P's sibling, a prefix S of length >= p:
    // the sibling cannot vouch for the cover, so the prefix hash has to find it.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        fc.boolean(),
        (base, c, p, sExtra, withCover) => {
          fc.pre(c < p);
          const pAddress = (base & maskOf(p)) >>> 0;
          const sibling = (pAddress ^ (1 << (32 - p))) >>> 0;
          const sLength = Math.min(32, p + (sExtra % 4));
          const entries: OracleEntry[] = [
            ...(withCover ? [{ address: (base & maskOf(c)) >>> 0, length: c, value: 11 }] : []),
            { address: pAddress, length: p, value: 22 },
            { address: (sibling & maskOf(sLength)) >>> 0, length: sLength, value: 33 },
          ];
          fib.clear();
          for (const e of entries) fib.insert(e.address, e.length, e.value);
          expect(fib.delete(pAddress, p)).toBe(true);
          checkAgainstOracle(entries.filter((e) => e.value !== 22));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('load() builds the same table as inserts, the last duplicate winning', () => {
    fc.assert(
      fc.property(lpmEntries(), (entries) => {
        fib.load(
          entries.map((e) => e.address),
          entries.map((e) => e.length),
          entries.map((e) => e.value),
        );
        checkAgainstOracle(latest(entries));
      }),
      { numRuns: 200 },
    );
  });

  it('handles the edges: /0 covers all, /32 beats everything, a delete restores the cover', () => {
    fib.clear();
    fib.insert(0, 0, 1);
    expect(fib.lookup(0x01020304)).toBe(1);
    expect(fib.lookup(0xffffffff)).toBe(1);
    fib.insert(0x0a000000, 8, 2);
    fib.insert(0x0a000100, 24, 3);
    fib.insert(0x0a000180, 25, 4);
    fib.insert(0x0a000181, 32, 5);
    expect(fib.lookup(0x0a000181)).toBe(5);
    expect(fib.lookup(0x0a000182)).toBe(4);
    expect(fib.lookup(0x0a000101)).toBe(3);
    expect(fib.lookup(0x0a000201)).toBe(2);
    expect(fib.groupsInUse).toBe(1);
    // A shorter prefix inserted later does not hide longer ones.
    fib.insert(0x0a000000, 16, 6);
    expect(fib.lookup(0x0a000181)).toBe(5);
    expect(fib.lookup(0x0a000201)).toBe(6);
    expect(fib.delete(0x0a000180, 25)).toBe(true);
    expect(fib.lookup(0x0a000182)).toBe(3);
    expect(fib.delete(0x0a000181, 32)).toBe(true);
    expect(fib.groupsInUse).toBe(0);
    expect(fib.lookup(0x0a000181)).toBe(3);
    expect(fib.delete(0x0a000100, 24)).toBe(true);
    expect(fib.lookup(0x0a000181)).toBe(6);
    expect(fib.matchLength(0x0a000181)).toBe(16);
    // Replacing a value rewrites only that prefix's entries.
    fib.insert(0x0a000000, 16, 7);
    expect(fib.lookup(0x0a000181)).toBe(7);
    expect(fib.lookup(0x0a010000)).toBe(2);
    expect(fib.delete(0x0a000000, 16)).toBe(true);
    expect(fib.delete(0x0a000000, 16)).toBe(false);
    expect(fib.lookup(0x0a000181)).toBe(2);
    expect(fib.delete(0, 0)).toBe(true);
    expect(fib.lookup(0x01020304)).toBe(0);
    expect(fib.matchLength(0x01020304)).toBe(-1);
  });

  it('refuses values and lengths it cannot hold with RouteError', () => {
    expect(() => fib.insert(0, 33, 1)).toThrow(RouteError);
    expect(() => fib.insert(0, 8, 0)).toThrow(RouteError);
    expect(() => fib.insert(0, 8, Fib.MAX_VALUE + 1)).toThrow(/not in 1\.\.32767/);
    try {
      fib.insert(0, -1, 1);
    } catch (e) {
      expect((e as RouteError).code).toBe('invalid');
    }
  });

  it('ignores host bits of an inserted prefix', () => {
    fib.clear();
    fib.insert(0x0a0000ff, 24, 9);
    expect(fib.get(0x0a000000, 24)).toBe(9);
    expect(fib.lookup(0x0a000001)).toBe(9);
    expect(maskOf(24)).toBe(0xffffff00);
  });
});

describe('PrefixMap', () => {
  it('behaves like a Map under random sets and deletes (backward-shift deletion keeps probes intact)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 1, max: 1000 }), fc.boolean()), { maxLength: 300 }),
        (ops) => {
          const m = new PrefixMap();
          const ref = new Map<string, number>();
          for (const [a, l, v, del] of ops) {
            const address = (a * 0x01010101) >>> 0; // few distinct addresses: collisions between lengths
            if (del) expect(m.delete(address, l)).toBe(ref.get(`${address}/${l}`) ?? 0);
            else expect(m.set(address, l, v)).toBe(ref.get(`${address}/${l}`) ?? 0);
            if (del) ref.delete(`${address}/${l}`);
            else ref.set(`${address}/${l}`, v);
          }
          expect(m.size).toBe(ref.size);
          for (const [k, v] of ref) {
            const [a, l] = k.split('/').map(Number) as [number, number];
            expect(m.get(a, l)).toBe(v);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

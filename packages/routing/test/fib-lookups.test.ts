import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { Fib } from '../src/index.js';
import { lpmEntries, probeAddresses } from '../src/arbitraries.js';
import { latest, linearLookup } from './oracle.js';

// One FIB reused across runs (each is 48 MB): cleared before every property run.
const fib = new Fib();

describe('Fib.lookupBulk over a window (start, count)', () => {
  it('answers addresses[start .. start + count) into the same positions of out and leaves the rest alone', () => {
    fc.assert(
      fc.property(lpmEntries({ maxLength: 40 }), fc.nat(), fc.nat(), (entries, s, c) => {
        fib.clear();
        for (const e of entries) fib.insert(e.address, e.length, e.value);
        const live = latest(entries);
        const probes = probeAddresses(live);
        fc.pre(probes.length > 0);
        const start = s % probes.length;
        const count = c % (probes.length - start + 1);
        const addresses = Uint32Array.from(probes);
        const out = new Uint32Array(probes.length).fill(0xdead_beef);
        fib.lookupBulk(addresses, out, count, start);
        for (let i = 0; i < probes.length; i++) {
          const want = i >= start && i < start + count ? linearLookup(live, probes[i]!).value : 0xdead_beef;
          expect(out[i], `position ${i} (start ${start}, count ${count})`).toBe(want);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('defaults count to the rest of the array after start', () => {
    fib.clear();
    fib.insert(0x0a00_0000, 8, 7);
    const addresses = Uint32Array.of(0x0a01_0203, 0x0b00_0000, 0x0a00_0001);
    const out = new Uint16Array(3);
    fib.lookupBulk(addresses, out, undefined, 1);
    expect([...out]).toEqual([0, 0, 7]);
  });

  it('throws RangeError for a window outside either array', () => {
    const addresses = new Uint32Array(16);
    expect(() => fib.lookupBulk(addresses, new Uint32Array(16), 8, 9)).toThrow(RangeError);
    expect(() => fib.lookupBulk(addresses, new Uint32Array(8), 9, 0)).toThrow(RangeError);
    expect(() => fib.lookupBulk(addresses, new Uint32Array(16), 1, -1)).toThrow(RangeError);
    expect(() => fib.lookupBulk(addresses, new Uint32Array(16), -1, 4)).toThrow(RangeError);
    expect(() => fib.lookupBulk(addresses, new Uint32Array(16), 2, 1.5)).toThrow(RangeError);
  });
});

describe('Fib.lookupFunction', () => {
  it('answers as the oracle, for lookups made before and after later updates', () => {
    fc.assert(
      fc.property(lpmEntries({ maxLength: 40 }), lpmEntries({ maxLength: 20 }), (first, second) => {
        fib.clear();
        const lookup = fib.lookupFunction();
        for (const e of first) fib.insert(e.address, e.length, e.value);
        let live = latest(first);
        for (const dst of probeAddresses(live)) expect(lookup(dst), `lookup ${dst >>> 0}`).toBe(linearLookup(live, dst).value);
        for (const e of second) fib.insert(e.address, e.length, e.value);
        live = latest([...first, ...second]);
        for (const dst of probeAddresses(live)) expect(lookup(dst), `lookup ${dst >>> 0}`).toBe(linearLookup(live, dst).value);
      }),
      { numRuns: 60 },
    );
  });

  it('stays valid when the tbl8 groups are reallocated (more /25s than the first allocation holds)', () => {
    const fresh = new Fib(); // tbl8 starts empty, so the inserts below must grow it
    const lookup = fresh.lookupFunction();
    // One /25 in each of 200 distinct /24s: 200 tbl8 groups, past the first allocation of 64.
    for (let k = 0; k < 200; k++) fresh.insert((0x0a00_0000 | (k << 8) | 0x80) >>> 0, 25, 1 + (k % 100));
    expect(fresh.groupsInUse).toBe(200);
    for (let k = 0; k < 200; k++) {
      expect(lookup((0x0a00_0000 | (k << 8) | 0x81) >>> 0)).toBe(1 + (k % 100));
      expect(lookup((0x0a00_0000 | (k << 8) | 0x01) >>> 0)).toBe(0);
    }
  });
});

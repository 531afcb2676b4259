import { RouteError } from './errors.js';
import { PrefixMap } from './prefix-map.js';

/**
 * A compiled IPv4 longest-prefix-match table: DIR-24-8 (Gupta, Lin and
 * McKeown 1998, the structure of DPDK's rte_lpm and rte_fib) in typed
 * arrays, updated incrementally.
 *
 * - `tbl24`: one 16-bit entry per /24 (2^24 entries, 32 MB). An entry is
 *   a value 1..32767, 0 for "no route", or 0x8000 | g: the /24 holds
 *   prefixes longer than /24 and group g of `tbl8` (256 entries, one per
 *   address) answers instead.
 * - A lookup is one load, or two for addresses under a tbl8 group.
 *
 * 16-bit entries rather than 32: the table is half the size, so twice as
 * much of it stays in cache and the TLB, and bulk lookups over a random
 * trace ran ~1.5x faster than with 32-bit entries (see the README). The
 * price is the range: values 1..32767 and at most 32768 tbl8 groups (the
 * same limits as rte_fib with 2-byte next hops). Values are next-hop
 * indices, so 32767 distinct next hops; a RIB that needs more falls back
 * to its own (slower) lookup.
 *
 * Incremental update needs to know, per entry, which prefix wrote it: the
 * `depth` arrays hold that prefix's length + 1 (0 = none). An insert
 * overwrites entries in its range whose depth is not longer than its own;
 * a delete rewrites the entries that carry its depth with the next shorter
 * covering prefix, found in `rules` (a prefix -> value hash). A tbl8 group
 * returns to the free list when its last prefix longer than /24 goes.
 */
export class Fib {
  private readonly tbl24 = new Uint16Array(1 << 24);
  private readonly depth24 = new Uint8Array(1 << 24);
  private tbl8 = new Uint16Array(0);
  private depth8 = new Uint8Array(0);
  /** Prefixes longer than /24 per tbl8 group; the group is freed at 0. */
  private longCount = new Uint16Array(0);
  private groupCapacity = 0;
  private freeGroups: number[] = [];
  private groupsUsed = 0;
  private readonly rules = new PrefixMap();

  /** Largest value a FIB entry holds. */
  static readonly MAX_VALUE = 0x7fff;
  /** Largest number of tbl8 groups (/24s holding prefixes longer than /24). */
  static readonly MAX_GROUPS = 0x8000;

  /** Number of prefixes. */
  get size(): number {
    return this.rules.size;
  }

  /** tbl8 groups in use. */
  get groupsInUse(): number {
    return this.groupsUsed - this.freeGroups.length;
  }

  /** Bytes held by the structure's arrays (tables, depths and the prefix hash). */
  get byteLength(): number {
    return (
      this.tbl24.byteLength +
      this.depth24.byteLength +
      this.tbl8.byteLength +
      this.depth8.byteLength +
      this.longCount.byteLength +
      this.rules.byteLength
    );
  }

  /**
   * The value of the longest prefix matching `address` (a uint32), or 0.
   * Call it as a method (`fib.lookup(a)`): V8 then keeps the table's base
   * in a register across a loop of lookups.
   */
  lookup(address: number): number {
    const e = this.tbl24[address >>> 8]!;
    return e < 0x8000 ? e : this.tbl8[((e & 0x7fff) << 8) | (address & 0xff)]!;
  }

  /**
   * A lookup function bound to this FIB: the same answers as `lookup`, and
   * valid for the FIB's whole life (updates included). For hot loops of
   * single lookups: V8 inlines the call, sees the closure's `tbl24` as a
   * constant, and so embeds the table's base and length in the code
   * instead of loading them per call (the bounds check becomes a compare
   * with 2^24); in a loop over the trace it ran ~1.07-1.16x the method.
   */
  lookupFunction(): (address: number) => number {
    const tbl24 = this.tbl24;
    // tbl8 is replaced when it grows: read it through the FIB, on the rare path only.
    return (address) => {
      const e = tbl24[address >>> 8]!;
      return e < 0x8000 ? e : this.tbl8[((e & 0x7fff) << 8) | (address & 0xff)]!;
    };
  }

  /**
   * Looks up `addresses[start .. start + count)` into the same positions of
   * `out` (values or 0; `count` defaults to the rest of `addresses`); `out`
   * may be the `addresses` array itself. `start`
   * lets a caller walk a large array in batches without making subarray
   * views (an allocation per call, ~20% of the time at 64 per call).
   * Eight addresses per step: their eight tbl24 loads are independent, so
   * the CPU overlaps their cache misses, which is where the time goes on a
   * full table (~1.3-1.8x over one at a time; 4 and 16 per step measured
   * the same as 8 within noise).
   */
  lookupBulk(
    addresses: Uint32Array,
    out: Uint32Array | Uint16Array | Int32Array,
    count?: number,
    start: number = 0,
  ): void {
    if (count === undefined) count = addresses.length - start;
    const end = start + count;
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && end <= addresses.length && end <= out.length)) {
      throw new RangeError('lookupBulk: start/count outside an array');
    }
    this.bulk(addresses, out, start, end);
  }

  /** The loop of `lookupBulk`, a closure for the reason given at `bulkLookup`. */
  private readonly bulk = bulkLookup(this.tbl24, () => this.tbl8);

  /** Length of the longest prefix matching `address`, or -1 when none does. */
  matchLength(address: number): number {
    const i = address >>> 8;
    const e = this.tbl24[i]!;
    return (e < 0x8000 ? this.depth24[i]! : this.depth8[((e & 0x7fff) << 8) | (address & 0xff)]!) - 1;
  }

  /** The value stored for exactly this prefix, or 0. */
  get(address: number, length: number): number {
    checkLength(length);
    return this.rules.get(maskAddress(address, length), length);
  }

  has(address: number, length: number): boolean {
    return this.get(address, length) !== 0;
  }

  /**
   * Adds the prefix or changes its value. Host bits of `address` are
   * ignored. Throws RouteError 'invalid' for a bad length or value and
   * 'table-full' when no tbl8 group is left (the FIB is then unchanged).
   */
  insert(address: number, length: number, value: number): void {
    checkLength(length);
    if (!Number.isInteger(value) || value < 1 || value > Fib.MAX_VALUE) {
      throw new RouteError('invalid', `FIB value ${value} is not in 1..${Fib.MAX_VALUE}`);
    }
    const a = maskAddress(address, length);
    if (length > 24 && this.tbl24[a >>> 8]! < 0x8000 && this.freeGroups.length === 0 && this.groupsUsed >= Fib.MAX_GROUPS) {
      throw new RouteError('table-full', `all ${Fib.MAX_GROUPS} tbl8 groups are in use`);
    }
    const old = this.rules.set(a, length, value);
    if (old === value) return;
    if (old !== 0) this.rewrite(a, length, length + 1, value, length + 1);
    else if (length <= 24) this.paintShort(a, length, value);
    else this.paintLong(a, length, value);
  }

  /** Removes the prefix; false when it was not there. */
  delete(address: number, length: number): boolean {
    checkLength(length);
    const a = maskAddress(address, length);
    if (this.rules.delete(a, length) === 0) return false;
    // The entries the prefix wrote now belong to the next shorter prefix covering it.
    let coverTag = 0;
    let coverValue = 0;
    if (length > 0) {
      // The first address of the sibling block (the other half of the parent) usually tells:
      // a prefix shorter than `length` matching there covers the whole parent, so ours too,
      // and it is the longest such; no match there means no cover at all. Only when the
      // sibling holds a prefix of our length or longer do we search the prefix hash.
      const sibling = (a ^ (1 << (32 - length))) >>> 0;
      const i = sibling >>> 8;
      const e = this.tbl24[i]!;
      const j = ((e & 0x7fff) << 8) | (sibling & 0xff);
      const tag = e < 0x8000 ? this.depth24[i]! : this.depth8[j]!;
      if (tag <= length) {
        coverTag = tag;
        coverValue = e < 0x8000 ? e : this.tbl8[j]!;
      } else {
        coverTag = this.rules.longestCovering(a, length - 1) + 1;
        coverValue = coverTag === 0 ? 0 : this.rules.lastValue;
      }
    }
    this.rewrite(a, length, length + 1, coverValue, coverTag);
    if (length > 24) {
      const i = a >>> 8;
      const g = this.tbl24[i]! & 0x7fff;
      if (--this.longCount[g]! === 0) {
        // Only prefixes of /24 or shorter are left in the group: all 256
        // entries are equal, so the /24 entry can hold it again.
        this.tbl24[i] = this.tbl8[g << 8]!;
        this.depth24[i] = this.depth8[g << 8]!;
        this.freeGroups.push(g);
      }
    }
    return true;
  }

  /** Removes every prefix. */
  clear(): void {
    this.tbl24.fill(0);
    this.depth24.fill(0);
    this.rules.clear();
    this.freeGroups = [];
    this.groupsUsed = 0;
  }

  /**
   * Replaces the contents with `count` prefixes from columns (a later
   * duplicate prefix wins). Faster than inserting one by one: prefixes are
   * painted shortest first, so each /24 entry is written without checks.
   * On error (RouteError 'invalid' or 'table-full') the FIB is left empty.
   */
  load(addresses: ArrayLike<number>, lengths: ArrayLike<number>, values: ArrayLike<number>, count: number = addresses.length): void {
    for (let i = 0; i < count; i++) {
      checkLength(lengths[i]!);
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 1 || v > Fib.MAX_VALUE) {
        throw new RouteError('invalid', `FIB value ${v} is not in 1..${Fib.MAX_VALUE}`);
      }
    }
    this.clear();
    const rules = this.rules;
    rules.reserve(count);
    for (let i = 0; i < count; i++) {
      const len = lengths[i]!;
      rules.set(maskAddress(addresses[i]!, len), len, values[i]!);
    }
    // The distinct prefixes, counting-sorted by length, painted shortest first.
    const n = rules.size;
    const starts = new Uint32Array(34);
    for (let l = 0; l <= 32; l++) starts[l + 1] = starts[l]! + rules.perLength[l]!;
    const sortedAddress = new Uint32Array(n);
    const sortedLength = new Uint8Array(n);
    const sortedValue = new Uint16Array(n);
    rules.forEach((a, len, v) => {
      const k = starts[len]!++;
      sortedAddress[k] = a;
      sortedLength[k] = len;
      sortedValue[k] = v;
    });
    const tbl24 = this.tbl24;
    const depth24 = this.depth24;
    try {
      for (let k = 0; k < n; k++) {
        const a = sortedAddress[k]!;
        const len = sortedLength[k]!;
        if (len <= 24) {
          const start = a >>> 8;
          const end = start + (1 << (24 - len));
          tbl24.fill(sortedValue[k]!, start, end);
          depth24.fill(len + 1, start, end);
        } else {
          this.paintLong(a, len, sortedValue[k]!);
        }
      }
    } catch (e) {
      this.clear();
      throw e;
    }
  }

  /** Calls `fn` for every prefix (in no particular order). */
  forEach(fn: (address: number, length: number, value: number) => void): void {
    this.rules.forEach(fn);
  }

  // -- painting ---------------------------------------------------------

  /** A new prefix of length <= 24: overwrite entries whose prefix is not longer. */
  private paintShort(a: number, length: number, value: number): void {
    const tag = length + 1;
    const start = a >>> 8;
    const end = start + (1 << (24 - length));
    const tbl24 = this.tbl24;
    const depth24 = this.depth24;
    for (let i = start; i < end; i++) {
      const e = tbl24[i]!;
      if (e >= 0x8000) {
        const base = (e & 0x7fff) << 8;
        for (let j = base; j < base + 256; j++) {
          if (this.depth8[j]! <= tag) {
            this.tbl8[j] = value;
            this.depth8[j] = tag;
          }
        }
      } else if (depth24[i]! <= tag) {
        tbl24[i] = value;
        depth24[i] = tag;
      }
    }
  }

  /** A new prefix longer than /24: into the /24's tbl8 group, made on first use. */
  private paintLong(a: number, length: number, value: number): void {
    const i = a >>> 8;
    let e = this.tbl24[i]!;
    if (e < 0x8000) {
      const g = this.allocateGroup();
      const base = g << 8;
      this.tbl8.fill(e, base, base + 256);
      this.depth8.fill(this.depth24[i]!, base, base + 256);
      this.longCount[g] = 0;
      e = 0x8000 | g;
      this.tbl24[i] = e;
    }
    const g = e & 0x7fff;
    this.longCount[g]!++;
    const tag = length + 1;
    const start = (g << 8) | (a & 0xff);
    const end = start + (1 << (32 - length));
    for (let j = start; j < end; j++) {
      if (this.depth8[j]! <= tag) {
        this.tbl8[j] = value;
        this.depth8[j] = tag;
      }
    }
  }

  /** Entries of the prefix's range that carry depth `tag` get (value, newTag). */
  private rewrite(a: number, length: number, tag: number, value: number, newTag: number): void {
    if (length <= 24) {
      const start = a >>> 8;
      const end = start + (1 << (24 - length));
      for (let i = start; i < end; i++) {
        const e = this.tbl24[i]!;
        if (e >= 0x8000) {
          const base = (e & 0x7fff) << 8;
          for (let j = base; j < base + 256; j++) {
            if (this.depth8[j] === tag) {
              this.tbl8[j] = value;
              this.depth8[j] = newTag;
            }
          }
        } else if (this.depth24[i] === tag) {
          this.tbl24[i] = value;
          this.depth24[i] = newTag;
        }
      }
    } else {
      const g = this.tbl24[a >>> 8]! & 0x7fff;
      const start = (g << 8) | (a & 0xff);
      const end = start + (1 << (32 - length));
      for (let j = start; j < end; j++) {
        if (this.depth8[j] === tag) {
          this.tbl8[j] = value;
          this.depth8[j] = newTag;
        }
      }
    }
  }

  private allocateGroup(): number {
    const reused = this.freeGroups.pop();
    if (reused !== undefined) return reused;
    if (this.groupsUsed >= Fib.MAX_GROUPS) {
      throw new RouteError('table-full', `all ${Fib.MAX_GROUPS} tbl8 groups are in use`);
    }
    if (this.groupsUsed === this.groupCapacity) {
      const capacity = Math.min(Fib.MAX_GROUPS, Math.max(64, this.groupCapacity * 2));
      const tbl8 = new Uint16Array(capacity << 8);
      tbl8.set(this.tbl8);
      const depth8 = new Uint8Array(capacity << 8);
      depth8.set(this.depth8);
      const longCount = new Uint16Array(capacity);
      longCount.set(this.longCount);
      this.tbl8 = tbl8;
      this.depth8 = depth8;
      this.longCount = longCount;
      this.groupCapacity = capacity;
    }
    return this.groupsUsed++;
  }
}

/**
 * The bulk loop over `tbl24` as a constant. The closure is too large for V8
 * to inline into `lookupBulk`; it is optimised on its own, and while it is
 * the only closure made from this code (one `Fib` in the process) V8
 * specialises it to its context: `tbl24` is a constant, and the table's
 * base and length are embedded in the code instead of loaded (each bounds
 * check becomes a compare with 2^24); ~1.07x over reading `this.tbl24` at
 * 64 per call. Once a second `Fib` exists (a RIB compiles one per table)
 * that specialisation stops and `tbl24` is loaded from the context: still
 * correct, only without that gain.
 * tbl8, replaced when it grows, is fetched from the FIB on the rare path.
 *
 * Other shapes of this loop measured no faster in paired A/Bs over the
 * benchmark's trace (Node 20, 2026-11): 4, 12 and 16 per step; wrapping
 * index arithmetic (`(i + k) | 0`, no overflow checks); a second index for
 * the stores (fewer spills); storing each entry at once and fixing up tbl8
 * entries after the step; the addresses copied into `out` and looked up in
 * place; rte_lpm's three phases over constant scratch arrays; and even no
 * tbl8 check at all. Each measured 0.7-1.05x this one (the A/Bs' noise is
 * about +-5%).
 */
function bulkLookup(tbl24: Uint16Array, tbl8Of: () => Uint16Array) {
  return (addresses: Uint32Array, out: Uint32Array | Uint16Array | Int32Array, start: number, end: number): void => {
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const e0 = tbl24[addresses[i]! >>> 8]!;
      const e1 = tbl24[addresses[i + 1]! >>> 8]!;
      const e2 = tbl24[addresses[i + 2]! >>> 8]!;
      const e3 = tbl24[addresses[i + 3]! >>> 8]!;
      const e4 = tbl24[addresses[i + 4]! >>> 8]!;
      const e5 = tbl24[addresses[i + 5]! >>> 8]!;
      const e6 = tbl24[addresses[i + 6]! >>> 8]!;
      const e7 = tbl24[addresses[i + 7]! >>> 8]!;
      if ((e0 | e1 | e2 | e3 | e4 | e5 | e6 | e7) < 0x8000) {
        out[i] = e0;
        out[i + 1] = e1;
        out[i + 2] = e2;
        out[i + 3] = e3;
        out[i + 4] = e4;
        out[i + 5] = e5;
        out[i + 6] = e6;
        out[i + 7] = e7;
      } else {
        const tbl8 = tbl8Of();
        for (let j = i; j < i + 8; j++) {
          const a = addresses[j]!;
          const e = tbl24[a >>> 8]!;
          out[j] = e < 0x8000 ? e : tbl8[((e & 0x7fff) << 8) | (a & 0xff)]!;
        }
      }
    }
    for (; i < end; i++) {
      const a = addresses[i]!;
      const e = tbl24[a >>> 8]!;
      out[i] = e < 0x8000 ? e : tbl8Of()[((e & 0x7fff) << 8) | (a & 0xff)]!;
    }
  };
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > 32) {
    throw new RouteError('invalid', `prefix length ${length} is not in 0..32`);
  }
}

/** The prefix's network address (host bits cleared), as a uint32. */
export function maskAddress(address: number, length: number): number {
  return length === 0 ? 0 : (address & (0xffff_ffff << (32 - length))) >>> 0;
}

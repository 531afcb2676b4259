/**
 * A hash table from prefix keys (`prefixKey`: address * 64 + length) to
 * two int32 columns, in typed arrays: open addressing with linear probing
 * and backward-shift deletion (no tombstones). A full table of a million
 * routes costs 12 octets per slot (16 when the second column is used) and
 * no object per route, where a `Map<number, number>` boxes every key above
 * 2^31 and costs several times that.
 *
 * The capacity grows by half (not doubling, so a table is never less than
 * half full after growing: a million routes take 1.36 million slots rather
 * than 2.1 million) and need not be a power of two: the hash is mapped onto
 * the slots by multiplication, not by a mask.
 */

const EMPTY = -1;
const MIN_CAPACITY = 16;
/** Grow past this fill: linear probing stays short below about 0.8. */
const MAX_LOAD = 0.75;

function hash(key: number): number {
  // the key has up to 38 bits: mix its low and high words
  let h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The home slot of `key` among `capacity` slots: the hash scaled onto [0, capacity). */
export function home(key: number, capacity: number): number {
  return Math.floor(((hash(key) >>> 0) * capacity) / 4294967296);
}

export class PrefixTable {
  private keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
  private values = new Int32Array(MIN_CAPACITY);
  /** The second column, allocated when a non-zero extra is first stored (most tables never do). */
  private extras: Int32Array | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Octets held by the table's arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength + (this.extras?.byteLength ?? 0);
  }

  /** The slot holding `key`, or -1 - the empty slot where it would go. */
  private slotOf(key: number): number {
    const keys = this.keys;
    const capacity = keys.length;
    for (let i = home(key, capacity); ; ) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1 - i;
      if (++i === capacity) i = 0;
    }
  }

  has(key: number): boolean {
    return this.slotOf(key) >= 0;
  }

  /** The value stored for `key`, or undefined. */
  get(key: number): number | undefined {
    const i = this.slotOf(key);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** The second column for `key` (0 when absent). */
  extra(key: number): number {
    const i = this.slotOf(key);
    return i >= 0 && this.extras !== undefined ? this.extras[i]! : 0;
  }

  set(key: number, value: number, extra = 0): void {
    let i = this.slotOf(key);
    if (i < 0) {
      if (this.count + 1 > this.keys.length * MAX_LOAD) {
        this.grow();
        i = this.slotOf(key);
      }
      i = -1 - i;
      this.keys[i] = key;
      this.count++;
    }
    this.values[i] = value;
    if (this.extras !== undefined) this.extras[i] = extra;
    else if (extra !== 0) {
      this.extras = new Int32Array(this.keys.length);
      this.extras[i] = extra;
    }
  }

  delete(key: number): boolean {
    let i = this.slotOf(key);
    if (i < 0) return false;
    const { keys, values, extras } = this;
    const capacity = keys.length;
    // backward shift: move later entries of the probe run into the hole when their home allows it
    for (let j = i + 1 === capacity ? 0 : i + 1; keys[j] !== EMPTY; j = j + 1 === capacity ? 0 : j + 1) {
      const h = home(keys[j]!, capacity);
      // distances travelled (cyclically) from the home slot to j and from the hole to j
      const fromHome = j >= h ? j - h : j + capacity - h;
      const fromHole = j >= i ? j - i : j + capacity - i;
      if (fromHome >= fromHole) {
        keys[i] = keys[j]!;
        values[i] = values[j]!;
        if (extras !== undefined) extras[i] = extras[j]!;
        i = j;
      }
    }
    keys[i] = EMPTY;
    this.count--;
    return true;
  }

  clear(): void {
    this.keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.values = new Int32Array(MIN_CAPACITY);
    this.extras = undefined;
    this.count = 0;
  }

  /** Calls `fn(key, value, extra)` for every entry; the table must not change meanwhile. */
  forEach(fn: (key: number, value: number, extra: number) => void): void {
    const { keys, values, extras } = this;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) fn(keys[i]!, values[i]!, extras === undefined ? 0 : extras[i]!);
  }

  /** Every key, as a snapshot. */
  keyList(): number[] {
    const out: number[] = [];
    this.forEach((key) => out.push(key));
    return out;
  }

  /** Grows the arrays by half and moves every entry to its slot there (all keys are distinct: no comparisons). */
  private grow(): void {
    const { keys, values, extras } = this;
    const capacity = Math.ceil(keys.length * 1.5);
    const newKeys = new Float64Array(capacity).fill(EMPTY);
    const newValues = new Int32Array(capacity);
    const newExtras = extras === undefined ? undefined : new Int32Array(capacity);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === EMPTY) continue;
      let j = home(key, capacity);
      while (newKeys[j] !== EMPTY) if (++j === capacity) j = 0;
      newKeys[j] = key;
      newValues[j] = values[i]!;
      if (newExtras !== undefined) newExtras[j] = extras![i]!;
    }
    this.keys = newKeys;
    this.values = newValues;
    this.extras = newExtras;
  }
}

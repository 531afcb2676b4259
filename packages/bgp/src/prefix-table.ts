/**
 * A hash table from prefix keys (`prefixKey`: address * 64 + length) to
 * two int32 columns, in typed arrays: open addressing with linear probing
 * and backward-shift deletion (no tombstones). A full table of a million
 * routes costs about 16 octets per slot and no object per route, where a
 * `Map<number, number>` boxes every key above 2^31 and costs several
 * times that.
 */

const EMPTY = -1;
const MIN_CAPACITY = 16;

function hash(key: number): number {
  // the key has up to 38 bits: mix its low and high words
  let h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class PrefixTable {
  private keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
  private values = new Int32Array(MIN_CAPACITY);
  private extras = new Int32Array(MIN_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Octets held by the table's arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength + this.extras.byteLength;
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1 - i;
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
    return i >= 0 ? this.extras[i]! : 0;
  }

  set(key: number, value: number, extra = 0): void {
    let i = this.slotOf(key);
    if (i < 0) {
      if ((this.count + 1) * 4 > this.keys.length * 3) {
        this.grow();
        i = this.slotOf(key);
      }
      i = -1 - i;
      this.keys[i] = key;
      this.count++;
    }
    this.values[i] = value;
    this.extras[i] = extra;
  }

  delete(key: number): boolean {
    let i = this.slotOf(key);
    if (i < 0) return false;
    const mask = this.keys.length - 1;
    // backward shift: move later entries of the probe run into the hole when their home allows it
    for (let j = (i + 1) & mask; this.keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = hash(this.keys[j]!) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        this.keys[i] = this.keys[j]!;
        this.values[i] = this.values[j]!;
        this.extras[i] = this.extras[j]!;
        i = j;
      }
    }
    this.keys[i] = EMPTY;
    this.count--;
    return true;
  }

  clear(): void {
    this.keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.values = new Int32Array(MIN_CAPACITY);
    this.extras = new Int32Array(MIN_CAPACITY);
    this.count = 0;
  }

  /** Calls `fn(key, value, extra)` for every entry; the table must not change meanwhile. */
  forEach(fn: (key: number, value: number, extra: number) => void): void {
    const { keys, values, extras } = this;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) fn(keys[i]!, values[i]!, extras[i]!);
  }

  /** Every key, as a snapshot. */
  keyList(): number[] {
    const out: number[] = [];
    this.forEach((key) => out.push(key));
    return out;
  }

  private grow(): void {
    const { keys, values, extras } = this;
    const capacity = keys.length * 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.extras = new Int32Array(capacity);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i]!, values[i]!, extras[i]!);
  }
}

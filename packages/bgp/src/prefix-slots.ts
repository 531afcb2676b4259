import { Int32Column } from './int32-column.js';
import { home } from './prefix-table.js';

/**
 * Dense slot numbers for prefix keys, shared by the tables of one engine
 * (each peer's Adj-RIB-In, our own routes, the Loc-RIB: `SlotTable`). A
 * key gets a slot when a first table stores it and gives it back when the
 * last one removes it (a count per slot); slots are reused, so the
 * numbers stay below the number of prefixes held.
 *
 * Why: a route arriving is looked up in its Adj-RIB-In and in the Loc-RIB.
 * Two hash tables cost two random memory accesses per column (keys, ids,
 * extras: five cache misses per route over tens of megabytes), and their
 * growth rehashes every entry into fresh pages. With one hash from key to
 * slot, the tables are plain columns indexed by slot: one random access
 * per route, and a table of routes arriving together fills its columns in
 * order. A one-entry memo makes the repeated lookups of one route (each
 * table asks for its slot) cost a comparison.
 *
 * The hash: open addressing with linear probing and backward-shift
 * deletion; it grows by half past 3/4 full, like PrefixTable, whose
 * home-slot mapping it uses. An entry is two int32 words side by side,
 * the prefix's address and (slot + 1) * 64 + its length, so a probe reads
 * one cache line and a full table's hash is 8 octets per entry (keys as
 * doubles beside their slots took twice that). A zero second word is an
 * empty entry: new arrays need no filling. Hence at most 2^26 - 1 slots
 * (67 million prefixes, some thirty times a full table).
 */
const MIN_CAPACITY = 16;
const MAX_LOAD = 0.75;
const MAX_SLOTS = 2 ** 26 - 1;

export class PrefixSlots {
  /** Entry i: entries[2i] the address (as int32), entries[2i + 1] (slot + 1) * 64 + length, 0 when empty. */
  private entries = new Int32Array(2 * MIN_CAPACITY);
  private capacity = MIN_CAPACITY;
  private count = 0;
  /** By slot: its key's address (as int32), and the number of tables holding it * 64 + the key's length (holders 0: free). */
  private readonly addresses = new Int32Column();
  private readonly info = new Int32Column();
  /** Slots handed out so far; those below it not in use are in `free`. */
  private used = 0;
  private readonly free: number[] = [];
  /**
   * The last key looked up (-1: none), its slot (-1: absent) and its
   * entry (where it is, or the empty entry where it would go): the tables
   * ask for one route's slot several times in a row, and a new key is
   * inserted where the lookup that missed it stopped. Any other change
   * to the entries forgets it.
   */
  private memoKey = -1;
  private memoSlot = -1;
  private memoEntry = 0;

  /** Keys that have a slot. */
  get size(): number {
    return this.count;
  }

  /** Every slot in use is below this. */
  get limit(): number {
    return this.used;
  }

  /** Octets held by the arrays. */
  get byteLength(): number {
    return this.entries.byteLength + this.addresses.byteLength + this.info.byteLength;
  }

  /** The slot of `key`, or -1 when no table holds it. */
  slotOf(key: number): number {
    if (key !== this.memoKey) this.look(key);
    return this.memoSlot;
  }

  /** The key in `slot` (a slot in use). */
  keyOf(slot: number): number {
    return (this.addresses.get(slot) >>> 0) * 64 + (this.info.get(slot) & 63);
  }

  /** The slot of `key` for one more table holding it (a new slot for a new key). */
  acquire(key: number): number {
    let slot = this.slotOf(key);
    if (slot < 0) {
      if (this.count + 1 > this.capacity * MAX_LOAD) {
        this.grow();
        this.look(key);
      }
      slot = this.free.pop() ?? this.newSlot();
      const i = this.memoEntry;
      const address = Math.floor(key / 64);
      const length = key - address * 64;
      this.entries[2 * i] = address | 0;
      this.entries[2 * i + 1] = ((slot + 1) << 6) | length;
      this.addresses.set(slot, address | 0);
      // one table holds it (64) with its length
      this.info.set(slot, 64 + length);
      this.count++;
      this.memoSlot = slot;
      return slot;
    }
    this.info.set(slot, this.info.get(slot) + 64);
    return slot;
  }

  /** One table fewer holds the key in `slot`; the slot is freed with the last. */
  release(slot: number): void {
    const info = this.info.get(slot) - 64;
    this.info.set(slot, info);
    if (info >= 64) return;
    const key = this.keyOf(slot);
    if (key !== this.memoKey) this.look(key);
    this.remove(this.memoEntry);
    this.memoKey = -1;
    this.free.push(slot);
  }

  /** Finds `key`'s entry (or the empty one where it would go) and remembers it. */
  private look(key: number): void {
    const entries = this.entries;
    const capacity = this.capacity;
    const address = Math.floor(key / 64);
    const a = address | 0;
    const length = key - address * 64;
    this.memoKey = key;
    for (let i = home(key, capacity); ; ) {
      const w = entries[2 * i + 1]!;
      if (entries[2 * i] === a && (w & 63) === length && w !== 0) {
        this.memoSlot = (w >>> 6) - 1;
        this.memoEntry = i;
        return;
      }
      if (w === 0) {
        this.memoSlot = -1;
        this.memoEntry = i;
        return;
      }
      if (++i === capacity) i = 0;
    }
  }

  private newSlot(): number {
    if (this.used === MAX_SLOTS) throw new RangeError(`more than ${MAX_SLOTS} prefixes`);
    return this.used++;
  }

  /** Backward-shift deletion of entry i: later entries of its probe run move into the hole when their home allows it. */
  private remove(i: number): void {
    const { entries, capacity } = this;
    for (let j = i + 1 === capacity ? 0 : i + 1; entries[2 * j + 1] !== 0; j = j + 1 === capacity ? 0 : j + 1) {
      const h = home(keyOfEntry(entries, j), capacity);
      const fromHome = j >= h ? j - h : j + capacity - h;
      const fromHole = j >= i ? j - i : j + capacity - i;
      if (fromHome >= fromHole) {
        entries[2 * i] = entries[2 * j]!;
        entries[2 * i + 1] = entries[2 * j + 1]!;
        i = j;
      }
    }
    entries[2 * i + 1] = 0;
    this.count--;
  }

  /**
   * By half again, every entry moved to its home in the new array. Homes
   * are the hash scaled onto the capacity, so entries keep their order and
   * the move writes the new array front to back.
   */
  private grow(): void {
    const old = this.entries;
    const capacity = Math.ceil(this.capacity * 1.5);
    const entries = new Int32Array(2 * capacity);
    for (let i = 0; i < this.capacity; i++) {
      if (old[2 * i + 1] === 0) continue;
      let j = home(keyOfEntry(old, i), capacity);
      while (entries[2 * j + 1] !== 0) if (++j === capacity) j = 0;
      entries[2 * j] = old[2 * i]!;
      entries[2 * j + 1] = old[2 * i + 1]!;
    }
    this.entries = entries;
    this.capacity = capacity;
    this.memoKey = -1;
  }
}

/** The prefix key of a used entry. */
function keyOfEntry(entries: Int32Array, i: number): number {
  return (entries[2 * i]! >>> 0) * 64 + (entries[2 * i + 1]! & 63);
}

/**
 * A map from prefix key to a positive int32 (an attribute-set id) with an
 * int32 beside it, the PrefixTable interface over shared `PrefixSlots`:
 * columns indexed by slot (Int32Column), 0 where this table holds
 * nothing. Iteration goes by slot, and other tables changing meanwhile do
 * not disturb it (slots do not move); this one must not change.
 */
export class SlotTable {
  private values = new Int32Column();
  /** The second column, 0 where never set (most tables only ever store 0 there). */
  private extras = new Int32Column();
  private count = 0;

  constructor(readonly slots: PrefixSlots) {}

  get size(): number {
    return this.count;
  }

  /** Octets held by this table's columns (the shared slots apart). */
  get byteLength(): number {
    return this.values.byteLength + this.extras.byteLength;
  }

  has(key: number): boolean {
    return this.get(key) !== undefined;
  }

  get(key: number): number | undefined {
    const slot = this.slots.slotOf(key);
    const v = slot < 0 ? 0 : this.values.get(slot);
    return v === 0 ? undefined : v;
  }

  /** The second column for `key` (0 when absent). */
  extra(key: number): number {
    const slot = this.slots.slotOf(key);
    return slot < 0 ? 0 : this.extras.get(slot);
  }

  /** Stores `value` (a positive int32) and `extra` for `key`. */
  set(key: number, value: number, extra = 0): void {
    if (!(value > 0 && value <= 0x7fffffff)) throw new RangeError(`SlotTable value ${value} is not a positive int32`);
    let slot = this.slots.slotOf(key);
    if (slot < 0 || this.values.get(slot) === 0) {
      slot = this.slots.acquire(key);
      this.count++;
    }
    this.values.set(slot, value);
    this.extras.set(slot, extra);
  }

  delete(key: number): boolean {
    const slot = this.slots.slotOf(key);
    if (slot < 0 || this.values.get(slot) === 0) return false;
    this.values.set(slot, 0);
    this.extras.set(slot, 0);
    this.count--;
    this.slots.release(slot);
    return true;
  }

  clear(): void {
    this.values.forEachSet((slot) => this.slots.release(slot));
    this.values.clear();
    this.extras.clear();
    this.count = 0;
  }

  /** Calls `fn(key, value, extra)` for every entry, in slot order; this table must not change meanwhile. */
  forEach(fn: (key: number, value: number, extra: number) => void): void {
    const { slots, extras } = this;
    this.values.forEachSet((slot, value) => fn(slots.keyOf(slot), value, extras.get(slot)));
  }

  /** Every key, as a snapshot. */
  keyList(): number[] {
    const out: number[] = [];
    this.forEach((key) => out.push(key));
    return out;
  }
}

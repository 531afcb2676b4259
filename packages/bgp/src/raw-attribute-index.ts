import type { AttributeStore } from './rib.js';

/**
 * One session's path attributes by their octets on the wire. A peer sends
 * the same attribute set in several UPDATEs (BIRD sends about a third of
 * a full table's sets more than once), and the same octets from the same
 * session always import as the same interned set: looking the octets up
 * here skips decoding them, the import checks and the structural interning,
 * whose comparison with a stored set touches half a dozen objects spread
 * over the heap.
 *
 * Each entry is one record in a growing arena: the octets' length (2),
 * the set's id (4) and generation (4), then the octets; an open-addressing
 * index of arena offsets (with each one's hash beside it) finds it. So an
 * entry costs its octets plus about 25, and no object.
 *
 * An entry holds no reference to its set: the id and generation
 * (AttributeStore.names) tell whether it still names the set it was
 * recorded with, so a set is still forgotten with its last route, and an
 * entry whose set is gone is simply not found. The owner bounds the index
 * (see `size`), clears it when the session ends, and indexes only octets
 * that decoded without error.
 */
export class RawAttributeIndex {
  private arena: Uint8Array = new Uint8Array(1 << 12);
  private view: DataView = new DataView(this.arena.buffer);
  private used = 0;
  /**
   * Open addressing, linear probing, at most 3/4 full: each slot is two
   * words, the record's arena offset + 1 (0: empty) and the hash of its
   * octets, side by side, so a probe compares hashes in one cache line and
   * reaches into the arena (a cache miss) only on a match.
   */
  private slots: Int32Array = new Int32Array(2 * 256);
  private count = 0;

  constructor(private readonly store: AttributeStore) {}

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** Octets held by the arena and the index. */
  get byteLength(): number {
    return this.arena.byteLength + this.slots.byteLength;
  }

  /** The id of the set indexed for bytes[start, end) if that set is still interned, else -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const at = this.recordOf(bytes, start, end, hashOctets(bytes, start, end));
    if (at < 0) return -1;
    const id = this.view.getInt32(at + 2);
    return this.store.names(id, this.view.getInt32(at + 6)) ? id : -1;
  }

  /**
   * Indexes bytes[start, end) (at most 65,535 octets) as set `id`, or
   * points the record the octets already have (whose set was forgotten) at it.
   */
  add(bytes: Uint8Array, start: number, end: number, id: number): void {
    const hash = hashOctets(bytes, start, end);
    let at = this.recordOf(bytes, start, end, hash);
    if (at < 0) {
      const length = end - start;
      if (this.used + HEADER + length > this.arena.length) this.growArena(this.used + HEADER + length);
      at = this.used;
      this.view.setUint16(at, length);
      this.arena.set(bytes.subarray(start, end), at + HEADER);
      this.used += HEADER + length;
      this.count++;
      if (this.count * 8 > this.slots.length * 3) this.rebuildIndex(this.slots.length * 2);
      place(at, hash, this.slots);
    }
    this.view.setInt32(at + 2, id);
    this.view.setInt32(at + 6, this.store.generation(id));
  }

  /** Forgets every entry. */
  clear(): void {
    this.arena = new Uint8Array(1 << 12);
    this.view = new DataView(this.arena.buffer);
    this.used = 0;
    this.slots = new Int32Array(2 * 256);
    this.count = 0;
  }

  /** The arena offset of the record holding bytes[start, end), or -1. */
  private recordOf(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const { slots, arena } = this;
    const mask = slots.length / 2 - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[2 * i]!;
      if (slot === 0) return -1;
      if (slots[2 * i + 1] !== hash) continue;
      const at = slot - 1;
      if (((arena[at]! << 8) | arena[at + 1]!) !== length) continue;
      let same = true;
      for (let k = 0, o = at + HEADER; k < length; k++) {
        if (arena[o + k] !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return at;
    }
  }

  /** A new slot array of `length` words holding every record. */
  private rebuildIndex(length: number): void {
    const slots = new Int32Array(length);
    for (let i = 0; i < this.slots.length; i += 2) if (this.slots[i] !== 0) place(this.slots[i]! - 1, this.slots[i + 1]!, slots);
    this.slots = slots;
  }

  /** By half again (a full table's arena is some megabytes: doubling would waste up to half of it). */
  private growArena(needed: number): void {
    let length = this.arena.length;
    while (length < needed) length = Math.ceil(length * 1.5);
    const arena = new Uint8Array(length);
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
    this.view = new DataView(arena.buffer);
  }
}

/** Puts the record at arena offset `at`, whose octets hash to `hash`, in the first free slot of its probe run. */
function place(at: number, hash: number, slots: Int32Array): void {
  const mask = slots.length / 2 - 1;
  let i = hash & mask;
  while (slots[2 * i] !== 0) i = (i + 1) & mask;
  slots[2 * i] = at + 1;
  slots[2 * i + 1] = hash;
}

/** A record's header: length (uint16), set id (int32), set generation (int32). */
const HEADER = 10;

/** MurmurHash3's 32-bit mix over the octets, four at a time. */
function hashOctets(bytes: Uint8Array, start: number, end: number): number {
  let h = end - start;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= bytes[i]! << shift;
  k = Math.imul(k, 0xcc9e2d51);
  h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

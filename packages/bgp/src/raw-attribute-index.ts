import type { AttributeStore } from './rib.js';

/**
 * One session's path attributes by their octets on the wire. A peer sends
 * the same attribute set in several UPDATEs (BIRD sends about a third of
 * a full table's sets more than once), and the same octets from the same
 * session always import as the same interned set: looking the octets up
 * here skips decoding them, the import checks and the structural interning,
 * whose comparison with a stored set touches half a dozen objects spread
 * over the heap. The octets live in one growing arena and the bookkeeping
 * in typed arrays, so an entry costs its octets plus about 24.
 *
 * An entry holds a reference to its set (so the id cannot be reused for
 * another set while indexed); `clear` drops them all. The owner bounds
 * the index (see `size`), clears it when the session ends or its import
 * rules change, and indexes only octets that decoded without error.
 */
export class RawAttributeIndex {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private starts: Int32Array = new Int32Array(256);
  private lengths: Int32Array = new Int32Array(256);
  private hashes: Int32Array = new Int32Array(256);
  private ids: Int32Array = new Int32Array(256);
  /** Open addressing over entries: entry + 1, 0 for empty; at most half full. */
  private index: Int32Array = new Int32Array(512);
  private count = 0;

  constructor(private readonly store: AttributeStore) {}

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** Octets held by the arena and the arrays. */
  get byteLength(): number {
    return this.arena.byteLength + 4 * (this.starts.length * 4 + this.index.length);
  }

  /** The set id indexed for bytes[start, end), or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashOctets(bytes, start, end);
    const mask = this.index.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.index[i]!;
      if (slot === 0) return -1;
      const e = slot - 1;
      if (this.hashes[e] === hash && this.sameOctets(e, bytes, start, end)) return this.ids[e]!;
    }
  }

  /** Indexes bytes[start, end) as set `id` (taking a reference to it); the octets must not be indexed yet. */
  add(bytes: Uint8Array, start: number, end: number, id: number): void {
    this.store.retain(id);
    const length = end - start;
    if (this.used + length > this.arena.length) this.arena = grownBytes(this.arena, this.used + length);
    this.arena.set(bytes.subarray(start, end), this.used);
    const e = this.count++;
    if (e === this.starts.length) {
      this.starts = grown(this.starts);
      this.lengths = grown(this.lengths);
      this.hashes = grown(this.hashes);
      this.ids = grown(this.ids);
    }
    this.starts[e] = this.used;
    this.lengths[e] = length;
    this.hashes[e] = hashOctets(bytes, start, end);
    this.ids[e] = id;
    this.used += length;
    if (this.count * 2 > this.index.length) this.rebuildIndex(this.index.length * 2);
    else this.place(e, this.index);
  }

  /** Forgets every entry, releasing its reference. */
  clear(): void {
    for (let e = 0; e < this.count; e++) this.store.release(this.ids[e]!);
    this.arena = new Uint8Array(1 << 16);
    this.used = 0;
    this.starts = new Int32Array(256);
    this.lengths = new Int32Array(256);
    this.hashes = new Int32Array(256);
    this.ids = new Int32Array(256);
    this.index = new Int32Array(512);
    this.count = 0;
  }

  private sameOctets(e: number, bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[e] !== length) return false;
    const arena = this.arena;
    const at = this.starts[e]! - start;
    for (let i = start; i < end; i++) if (arena[at + i] !== bytes[i]) return false;
    return true;
  }

  private place(e: number, index: Int32Array): void {
    const mask = index.length - 1;
    let i = this.hashes[e]! & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = e + 1;
  }

  private rebuildIndex(capacity: number): void {
    const index = new Int32Array(capacity);
    for (let e = 0; e < this.count; e++) this.place(e, index);
    this.index = index;
  }
}

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

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function grownBytes(a: Uint8Array, needed: number): Uint8Array {
  let length = a.length * 2;
  while (length < needed) length *= 2;
  const b = new Uint8Array(length);
  b.set(a);
  return b;
}

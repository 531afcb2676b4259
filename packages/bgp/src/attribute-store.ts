import { readU16, readU32, writeU16, writeU32 } from '@wirestack/core';
import { attributesEqual, finish, hashAttributes, mix } from './attribute-hash.js';
import { decodeAttributes } from './attributes.js';
import type { PathAttributes } from './messages.js';
import { receivedAttributes, type ReceivedFrom } from './received-attributes.js';

/**
 * Where a set arrived: its attribute octets in an UPDATE that decoded
 * without error (and carried NLRI, no MP attribute), the session, and the
 * peer's AS (an eBGP route's first AS must be the peer's: the same octets
 * from a peer in another AS do not import as the same set).
 */
export interface ReceivedOctets extends ReceivedFrom {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly peerAs: number;
}

/**
 * Interned attribute sets, reference-counted. Two kinds, each found its
 * own way:
 *
 * - Sets as received (`internReceived`) are kept as the octets they
 *   arrived in, in an arena, and found by those octets (`findReceived`);
 *   `get` decodes them again (`receivedAttributes`), through a small
 *   cache of recent sets. A full table holds some 300,000 sets: as
 *   objects they were about 85 MB of heap that every garbage collection
 *   copied or marked (a fifth of the CPU time of receiving a table), as
 *   octets about 60 octets each. A peer sends the same set in several
 *   UPDATEs (BIRD, sending a full table to a reader that keeps up, sends
 *   941,341 UPDATEs for 282,790 sets: two thirds repeat earlier octets),
 *   and the same octets from the same kind of session always import as
 *   the same set, so the engine looks up what arrives by its octets before
 *   it decodes anything.
 * - Other sets (ours, those a policy changed) are objects (`intern`),
 *   found by a structural hash (`hashAttributes`) and compared with
 *   `attributesEqual`: no encoding and no key string per set.
 *
 * The two kinds are not matched against each other: a set as received is
 * not also hashed by structure, which would cost receiving a table a
 * structural hash and one more random memory access per new set for a
 * match that hardly happens (the same meaning in other octets). A match
 * missed costs memory, never correctness.
 *
 * The bookkeeping is in typed arrays indexed by set id (hash, reference
 * count, arena offset) plus open-addressing indexes.
 */
export class AttributeStore {
  /**
   * The sets by id: the object, or null for a set kept as octets; ids of
   * forgotten sets are reused (`free`), so the arrays stay dense. Id 0 is
   * never used.
   */
  private readonly sets: (PathAttributes | null | undefined)[] = [undefined];
  private hashes: Int32Array = new Int32Array(64);
  private refs: Int32Array = new Int32Array(64);
  /**
   * Open addressing, linear probing, at most 3/4 full: each slot is two
   * words, the set's id + 1 (0: empty) and its hash, side by side, so a
   * probe compares hashes in the cache line it reads anyway, not in the
   * scattered `hashes[id]`.
   */
  private index: Int32Array = new Int32Array(2 * 128);
  private readonly free: number[] = [];
  private count = 0;

  /** Per id, for a set kept as octets: the arena offset of its record and the hash of the octets. */
  private offsets: Int32Array = new Int32Array(64);
  private octetHashes: Int32Array = new Int32Array(64);
  /** The sets kept as octets by the hash of their octets, as `index` holds them by structure, each slot their record's offset + 1 (not the id: a lookup reads the record without reading `offsets`). */
  private octetIndex: Int32Array = new Int32Array(2 * 128);
  private octetCount = 0;
  /**
   * Records: the octets' length (uint16), the ReceivedFrom bits (1:
   * fourOctetAs, 2: external), the peer's AS (uint32), the set's id
   * (uint32), the octets. In chunks of ARENA_CHUNK octets, none straddling
   * two, so an offset is chunk * ARENA_CHUNK + position: the first chunk
   * starts small and grows, the later ones are allocated whole, so a
   * growing arena is never copied (copying into arrays half as large again
   * wrote and paged in three times a full table's arena).
   */
  private chunks: Uint8Array[] = [new Uint8Array(1 << 12)];
  /** Octets used in the last chunk. */
  private fill = 0;
  /** Octets of the records appended since the last compaction, forgotten ones included. */
  private used = 0;
  /** Octets of forgotten records, reclaimed by the next compaction. */
  private dead = 0;
  /** Direct-mapped by id: recently decoded sets, so a run of routes with one set decodes it once. */
  private readonly cacheIds = new Int32Array(DECODED_CACHE).fill(-1);
  private readonly cacheSets: (PathAttributes | undefined)[] = new Array<PathAttributes | undefined>(DECODED_CACHE);

  /** The id of `attributes`' set among the sets kept as objects (existing or new), with one more reference. */
  intern(attributes: PathAttributes): number {
    const hash = hashAttributes(attributes);
    const index = this.index;
    const mask = index.length / 2 - 1;
    let i = hash & mask;
    for (let slot = index[2 * i]!; slot !== 0; slot = index[2 * i]!) {
      const id = slot - 1;
      if (index[2 * i + 1] === hash && attributesEqual(this.sets[id]!, attributes)) {
        this.refs[id]!++;
        return id;
      }
      i = (i + 1) & mask;
    }
    const id = this.newId(attributes);
    this.hashes[id] = hash;
    if ((this.count - this.octetCount) * 8 > this.index.length * 3) this.index = this.rebuiltIndex(this.index.length * 2);
    else {
      index[2 * i] = id + 1;
      index[2 * i + 1] = hash;
    }
    return id;
  }

  /**
   * The id of the set kept as exactly these octets from this kind of
   * session (existing or new), with one more reference. The octets must
   * have decoded without error. A set kept as octets is found only by
   * them: a set with the same meaning in other octets, or as an object,
   * is another set (the engine looks up what arrives by its octets first,
   * and a policy that returns the attributes it was given keeps their set).
   */
  internReceived(octets: ReceivedOctets): number {
    const hash = hashReceived(octets);
    const known = this.lookReceived(octets, hash);
    if (known >= 0) {
      this.refs[known]!++;
      return known;
    }
    // before the id is taken: recording may compact the arena, which walks the sets
    const offset = this.record(octets);
    const id = this.newId(null);
    this.offsets[id] = offset;
    writeU32(this.chunks[offset >>> ARENA_BITS]!, (offset & ARENA_MASK) + RECORD_ID, id);
    this.octetHashes[id] = hash;
    this.octetCount++;
    if (this.octetCount * 8 > this.octetIndex.length * 3) this.octetIndex = this.rebuiltOctetIndex(this.octetIndex.length * 2);
    else place(this.octetIndex, offset + 1, hash);
    return id;
  }

  /** A free id for a new set with one reference: the object, or null for one kept as octets. */
  private newId(set: PathAttributes | null): number {
    const id = this.free.pop() ?? this.sets.length;
    if (id === this.sets.length) {
      this.sets.push(undefined);
      if (id === this.hashes.length) {
        this.hashes = grown(this.hashes);
        this.refs = grown(this.refs);
        this.offsets = grown(this.offsets);
        this.octetHashes = grown(this.octetHashes);
      }
    }
    this.sets[id] = set;
    this.refs[id] = 1;
    this.count++;
    return id;
  }

  /** The set kept as exactly these octets from this kind of session, or -1 (then `internReceived` it, once they decoded). */
  findReceived(octets: ReceivedOctets): number {
    return this.lookReceived(octets, hashReceived(octets));
  }

  /** findReceived for octets whose hash is known. */
  private lookReceived(octets: ReceivedOctets, hash: number): number {
    const { octetIndex, chunks } = this;
    const mask = octetIndex.length / 2 - 1;
    const { bytes, start } = octets;
    const length = octets.end - start;
    const bits = receivedBits(octets);
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = octetIndex[2 * i]!;
      if (slot === 0) return -1;
      if (octetIndex[2 * i + 1] !== hash) continue;
      // the slot holds the record's offset (+ 1): one memory access fewer than through the id
      const chunk = chunks[(slot - 1) >>> ARENA_BITS]!;
      const at = (slot - 1) & ARENA_MASK;
      if (readU16(chunk, at) !== length || chunk[at + 2] !== bits || readU32(chunk, at + 3) !== octets.peerAs >>> 0) continue;
      let same = true;
      for (let k = 0, o = at + RECORD_HEADER; k < length; k++) {
        if (chunk[o + k] !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return readU32(chunk, at + RECORD_ID);
    }
  }

  /** One more reference to an interned set. */
  retain(id: number): void {
    // an interned set has references, a forgotten one none: the count says it (sets[id] would be a second memory access)
    if (!(this.refs[id]! > 0)) throw new Error(`attribute set ${id} is not interned`);
    this.refs[id]!++;
  }

  /** Drops one reference; the set is forgotten with its last one. */
  release(id: number): void {
    // the count first: most releases leave references, and then `sets` (a second memory access) is not read
    const refs = this.refs[id]!;
    if (!(refs > 0)) return;
    this.refs[id] = refs - 1;
    if (refs > 1) return;
    const set = this.sets[id];
    if (set === null) {
      const offset = this.offsets[id]!;
      this.dead += RECORD_HEADER + readU16(this.chunks[offset >>> ARENA_BITS]!, offset & ARENA_MASK);
      const slot = id & (DECODED_CACHE - 1);
      if (this.cacheIds[slot] === id) this.cacheIds[slot] = -1;
      unindex(this.octetIndex, this.offsets[id]! + 1, this.octetHashes[id]!);
      this.octetCount--;
    } else unindex(this.index, id + 1, this.hashes[id]!);
    this.sets[id] = undefined;
    this.free.push(id);
    this.count--;
  }

  get(id: number): PathAttributes {
    const set = this.sets[id];
    if (set === undefined) throw new Error(`attribute set ${id} is not interned`);
    return set ?? this.decoded(id);
  }

  /** Distinct attribute sets held. */
  get size(): number {
    return this.count;
  }

  /** Of `size`, the sets kept as received octets. */
  get receivedSize(): number {
    return this.octetCount;
  }

  /** Octets of the arena that holds the sets kept as octets. */
  get arenaBytes(): number {
    let n = 0;
    for (const chunk of this.chunks) n += chunk.length;
    return n;
  }

  /** The set kept as octets under `id`, decoded (or from the cache). */
  private decoded(id: number): PathAttributes {
    const slot = id & (DECODED_CACHE - 1);
    if (this.cacheIds[slot] === id) return this.cacheSets[slot]!;
    const offset = this.offsets[id]!;
    const chunk = this.chunks[offset >>> ARENA_BITS]!;
    const at = offset & ARENA_MASK;
    const bits = chunk[at + 2]!;
    const fourOctetAs = (bits & 1) !== 0;
    // the octets decoded without error when they arrived, and decode the same way now
    const start = at + RECORD_HEADER;
    const { attributes } = decodeAttributes(chunk, start, start + readU16(chunk, at), { fourOctetAs }, []);
    const set = receivedAttributes(attributes, { fourOctetAs, external: (bits & 2) !== 0 });
    this.cacheIds[slot] = id;
    this.cacheSets[slot] = set;
    return set;
  }

  /** Appends a record of `octets` to the arena; returns its offset. */
  private record(octets: ReceivedOctets): number {
    const length = octets.end - octets.start;
    const size = RECORD_HEADER + length;
    let chunk = this.chunks[this.chunks.length - 1]!;
    if (this.fill + size > chunk.length) chunk = this.room(size);
    const at = this.fill;
    writeU16(chunk, at, length);
    chunk[at + 2] = receivedBits(octets);
    writeU32(chunk, at + 3, octets.peerAs >>> 0);
    // a loop rather than set(subarray): a view object per set interned added up to tens of megabytes of garbage
    const { bytes, start } = octets;
    for (let k = 0, o = at + RECORD_HEADER; k < length; k++) chunk[o + k] = bytes[start + k]!;
    this.fill += size;
    this.used += size;
    return (this.chunks.length - 1) * ARENA_CHUNK + at;
  }

  /**
   * The chunk to append `size` octets to, when the last one lacks room:
   * the first chunk grown by half (until whole), else, when forgotten
   * records are a third of the arena, the live ones compacted into new
   * chunks, else a new chunk.
   */
  private room(size: number): Uint8Array {
    const first = this.chunks[0]!;
    if (this.chunks.length === 1 && first.length < ARENA_CHUNK && this.fill + size <= ARENA_CHUNK) {
      let length = first.length;
      while (length < this.fill + size) length = Math.ceil(length * 1.5);
      const grown = new Uint8Array(Math.min(length, ARENA_CHUNK));
      grown.set(first.subarray(0, this.fill));
      return (this.chunks[0] = grown);
    }
    if (this.dead > 0 && this.dead * 3 >= this.used) {
      this.compact();
      const last = this.chunks[this.chunks.length - 1]!;
      if (this.fill + size <= last.length) return last;
    }
    const chunk = new Uint8Array(ARENA_CHUNK);
    this.chunks.push(chunk);
    this.fill = 0;
    return chunk;
  }

  /** Copies the live records into new chunks, front to back, and indexes them at their new offsets. */
  private compact(): void {
    const chunks = [new Uint8Array(ARENA_CHUNK)];
    let fill = 0;
    for (let id = 1; id < this.sets.length; id++) {
      if (this.sets[id] !== null) continue;
      const offset = this.offsets[id]!;
      const from = this.chunks[offset >>> ARENA_BITS]!;
      const at = offset & ARENA_MASK;
      const size = RECORD_HEADER + readU16(from, at);
      if (fill + size > ARENA_CHUNK) {
        chunks.push(new Uint8Array(ARENA_CHUNK));
        fill = 0;
      }
      chunks[chunks.length - 1]!.set(from.subarray(at, at + size), fill);
      this.offsets[id] = (chunks.length - 1) * ARENA_CHUNK + fill;
      fill += size;
    }
    this.chunks = chunks;
    this.fill = fill;
    this.used -= this.dead;
    this.dead = 0;
    // the octet index holds offsets: the records moved
    this.octetIndex = this.rebuiltOctetIndex(this.octetIndex.length);
  }

  /** A new structural index of `length` words: every set kept as an object, its id + 1 by its hash. */
  private rebuiltIndex(length: number): Int32Array {
    const index = new Int32Array(length);
    for (let id = 1; id < this.sets.length; id++) if (this.sets[id]) place(index, id + 1, this.hashes[id]!);
    return index;
  }

  /** A new octet index of `length` words: every set kept as octets, its record's offset + 1 by the octets' hash. */
  private rebuiltOctetIndex(length: number): Int32Array {
    const index = new Int32Array(length);
    for (let id = 1; id < this.sets.length; id++) if (this.sets[id] === null) place(index, this.offsets[id]! + 1, this.octetHashes[id]!);
    return index;
  }
}

/** A record's header in the arena: length (uint16), ReceivedFrom bits (uint8), peer AS (uint32), the set's id (uint32). */
const RECORD_HEADER = 11;
const RECORD_ID = 7;
/** Arena chunks: 256 KiB, more than the largest record (11 + 65,535 octets). */
const ARENA_BITS = 18;
const ARENA_CHUNK = 1 << ARENA_BITS;
const ARENA_MASK = ARENA_CHUNK - 1;
/** Entries of the decoded-set cache (a power of two). */
const DECODED_CACHE = 1024;

const receivedBits = (from: ReceivedFrom): number => (from.fourOctetAs ? 1 : 0) | (from.external ? 2 : 0);

/** Puts `value` (non-zero: an id + 1 or an offset + 1) in the first free slot of its probe run in `index` (slots of two words: value, hash). */
function place(index: Int32Array, value: number, hash: number): void {
  const mask = index.length / 2 - 1;
  let i = hash & mask;
  while (index[2 * i] !== 0) i = (i + 1) & mask;
  index[2 * i] = value;
  index[2 * i + 1] = hash;
}

/** Removes `value` from an index, shifting later members of its probe run back (no tombstones). */
function unindex(index: Int32Array, value: number, hash: number): void {
  const mask = index.length / 2 - 1;
  let i = hash & mask;
  while (index[2 * i] !== value) i = (i + 1) & mask;
  for (let j = (i + 1) & mask; index[2 * j] !== 0; j = (j + 1) & mask) {
    const home = index[2 * j + 1]! & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      index[2 * i] = index[2 * j]!;
      index[2 * i + 1] = index[2 * j + 1]!;
      i = j;
    }
  }
  index[2 * i] = 0;
}

/** By half again: a full table's columns are megabytes, doubling would leave up to half of them unused. */
function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(Math.ceil(a.length * 1.5));
  b.set(a);
  return b;
}

/** The octets through attribute-hash's MurmurHash3 rounds, four at a time, seeded with the session bits and the peer's AS. */
function hashReceived(octets: ReceivedOctets): number {
  const { bytes, end } = octets;
  let h = (end - octets.start) ^ Math.imul(octets.peerAs, 0x9e3779b1) ^ (receivedBits(octets) << 24);
  let i = octets.start;
  for (; i + 4 <= end; i += 4) h = mix(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= bytes[i]! << shift;
  return finish(mix(h, tail));
}

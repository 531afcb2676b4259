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
 * Interned attribute sets, reference-counted, found by a structural hash
 * (`hashAttributes`) and compared with `attributesEqual`: no encoding and
 * no key string per set. The bookkeeping is in typed arrays indexed by set
 * id (hash, reference count) plus open-addressing indexes.
 *
 * A set interned with the octets it arrived in (`ReceivedOctets`) is kept
 * as those octets, in an arena, and `get` decodes them again
 * (`receivedAttributes`), through a small cache of recent sets. A full
 * table holds some 300,000 sets: as objects they were about 85 MB of heap
 * that every garbage collection copied or marked (a fifth of the CPU time
 * of receiving a table), as octets about 60 octets each. Receiving a
 * table with an accepting import policy decodes none again. Other sets
 * (ours, those a policy changed) stay objects.
 *
 * The octets are indexed too (`findReceived`): a peer sends the same set
 * in several UPDATEs (BIRD sends about a third of a full table's sets more
 * than once), and the same octets from the same kind of session always
 * import as the same set, so looking them up skips decoding them, the
 * import checks and the structural interning.
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
  /** The sets kept as octets by the hash of their octets, as `index` holds them by structure. */
  private octetIndex: Int32Array = new Int32Array(2 * 128);
  private octetCount = 0;
  /** Records: the octets' length (uint16), the ReceivedFrom bits (1: fourOctetAs, 2: external), the peer's AS (uint32), the octets. */
  private arena: Uint8Array = new Uint8Array(1 << 12);
  private view: DataView = new DataView(this.arena.buffer);
  private used = 0;
  /** Octets of forgotten records, reclaimed when the arena is next replaced. */
  private dead = 0;
  /** Direct-mapped by id: recently decoded sets, so a run of routes with one set decodes it once. */
  private readonly cacheIds = new Int32Array(DECODED_CACHE).fill(-1);
  private readonly cacheSets: (PathAttributes | undefined)[] = new Array<PathAttributes | undefined>(DECODED_CACHE);

  /** The id of `attributes`' set (existing or new), with one more reference; `octets`: keep a new set as these. */
  intern(attributes: PathAttributes, octets?: ReceivedOctets): number {
    const hash = hashAttributes(attributes);
    const index = this.index;
    const mask = index.length / 2 - 1;
    let i = hash & mask;
    for (let slot = index[2 * i]!; slot !== 0; slot = index[2 * i]!) {
      const id = slot - 1;
      if (index[2 * i + 1] === hash && attributesEqual(this.get(id), attributes)) {
        this.refs[id]!++;
        return id;
      }
      i = (i + 1) & mask;
    }
    // before the id is taken: recording may compact the arena, which walks the sets
    const offset = octets === undefined ? -1 : this.record(octets);
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
    this.sets[id] = octets === undefined ? attributes : null;
    this.hashes[id] = hash;
    this.refs[id] = 1;
    this.count++;
    if (this.count * 8 > this.index.length * 3) this.index = this.rebuilt(this.index.length * 2, this.hashes, (id) => this.sets[id] !== undefined);
    else {
      index[2 * i] = id + 1;
      index[2 * i + 1] = hash;
    }
    if (octets !== undefined) {
      this.offsets[id] = offset;
      this.octetHashes[id] = hashReceived(octets);
      this.octetCount++;
      if (this.octetCount * 8 > this.octetIndex.length * 3) this.octetIndex = this.rebuilt(this.octetIndex.length * 2, this.octetHashes, (id) => this.sets[id] === null);
      else place(this.octetIndex, id, this.octetHashes[id]!);
    }
    return id;
  }

  /** The set kept as exactly these octets from this kind of session, or -1 (then `intern` it). */
  findReceived(octets: ReceivedOctets): number {
    const { octetIndex, arena } = this;
    const hash = hashReceived(octets);
    const mask = octetIndex.length / 2 - 1;
    const { bytes, start } = octets;
    const length = octets.end - start;
    const bits = receivedBits(octets);
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = octetIndex[2 * i]!;
      if (slot === 0) return -1;
      if (octetIndex[2 * i + 1] !== hash) continue;
      const at = this.offsets[slot - 1]!;
      if (this.view.getUint16(at) !== length || arena[at + 2] !== bits || this.view.getUint32(at + 3) !== octets.peerAs >>> 0) continue;
      let same = true;
      for (let k = 0, o = at + RECORD_HEADER; k < length; k++) {
        if (arena[o + k] !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return slot - 1;
    }
  }

  /** One more reference to an interned set. */
  retain(id: number): void {
    if (this.sets[id] === undefined) throw new Error(`attribute set ${id} is not interned`);
    this.refs[id]!++;
  }

  /** Drops one reference; the set is forgotten with its last one. */
  release(id: number): void {
    const set = this.sets[id];
    if (set === undefined || --this.refs[id]! > 0) return;
    if (set === null) {
      this.dead += RECORD_HEADER + this.view.getUint16(this.offsets[id]!);
      const slot = id & (DECODED_CACHE - 1);
      if (this.cacheIds[slot] === id) this.cacheIds[slot] = -1;
      unindex(this.octetIndex, id, this.octetHashes[id]!);
      this.octetCount--;
    }
    unindex(this.index, id, this.hashes[id]!);
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

  /** Octets of the arena that holds the sets kept as octets. */
  get arenaBytes(): number {
    return this.arena.byteLength;
  }

  /** The set kept as octets under `id`, decoded (or from the cache). */
  private decoded(id: number): PathAttributes {
    const slot = id & (DECODED_CACHE - 1);
    if (this.cacheIds[slot] === id) return this.cacheSets[slot]!;
    const at = this.offsets[id]!;
    const bits = this.arena[at + 2]!;
    const fourOctetAs = (bits & 1) !== 0;
    // the octets decoded without error when they arrived, and decode the same way now
    const start = at + RECORD_HEADER;
    const { attributes } = decodeAttributes(this.arena, start, start + this.view.getUint16(at), { fourOctetAs }, []);
    const set = receivedAttributes(attributes, { fourOctetAs, external: (bits & 2) !== 0 });
    this.cacheIds[slot] = id;
    this.cacheSets[slot] = set;
    return set;
  }

  /** Appends a record of `octets` to the arena; returns its offset. */
  private record(octets: ReceivedOctets): number {
    const length = octets.end - octets.start;
    const size = RECORD_HEADER + length;
    if (this.used + size > this.arena.length) this.replaceArena(size);
    const at = this.used;
    this.view.setUint16(at, length);
    this.arena[at + 2] = receivedBits(octets);
    this.view.setUint32(at + 3, octets.peerAs >>> 0);
    this.arena.set(octets.bytes.subarray(octets.start, octets.end), at + RECORD_HEADER);
    this.used += size;
    return at;
  }

  /**
   * Room for `size` more octets: a new arena holding the live records
   * (moved to its front when some were forgotten), as large as the old one
   * when forgotten records were half of it, else by half again larger (a
   * full table's arena is megabytes: doubling would waste up to half).
   */
  private replaceArena(size: number): void {
    const live = this.used - this.dead;
    let length = this.arena.length;
    if (this.dead * 2 < this.used) length = Math.ceil(length * 1.5);
    while (length < live + size) length = Math.ceil(length * 1.5);
    const arena = new Uint8Array(length);
    if (this.dead === 0) arena.set(this.arena.subarray(0, this.used));
    else {
      let used = 0;
      for (let id = 1; id < this.sets.length; id++) {
        if (this.sets[id] !== null) continue;
        const at = this.offsets[id]!;
        const recordSize = RECORD_HEADER + this.view.getUint16(at);
        arena.set(this.arena.subarray(at, at + recordSize), used);
        this.offsets[id] = used;
        used += recordSize;
      }
    }
    this.arena = arena;
    this.view = new DataView(arena.buffer);
    this.used = live;
    this.dead = 0;
  }

  /** A new index of `length` words holding the ids that `member` accepts. */
  private rebuilt(length: number, hashes: Int32Array, member: (id: number) => boolean): Int32Array {
    const index = new Int32Array(length);
    for (let id = 1; id < this.sets.length; id++) if (member(id)) place(index, id, hashes[id]!);
    return index;
  }
}

/** A record's header in the arena: length (uint16), ReceivedFrom bits (uint8), peer AS (uint32). */
const RECORD_HEADER = 7;
/** Entries of the decoded-set cache (a power of two). */
const DECODED_CACHE = 1024;

const receivedBits = (from: ReceivedFrom): number => (from.fourOctetAs ? 1 : 0) | (from.external ? 2 : 0);

/** Puts `id` in the first free slot of its probe run in `index` (slots of two words: id + 1, hash). */
function place(index: Int32Array, id: number, hash: number): void {
  const mask = index.length / 2 - 1;
  let i = hash & mask;
  while (index[2 * i] !== 0) i = (i + 1) & mask;
  index[2 * i] = id + 1;
  index[2 * i + 1] = hash;
}

/** Removes `id` from an index, shifting later members of its probe run back (no tombstones). */
function unindex(index: Int32Array, id: number, hash: number): void {
  const mask = index.length / 2 - 1;
  let i = hash & mask;
  while (index[2 * i] !== id + 1) i = (i + 1) & mask;
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

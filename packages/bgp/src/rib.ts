import type { Ipv4Address } from '@wirestack/core';
import { attributesEqual, hashAttributes } from './attribute-hash.js';
import type { PathAttributes } from './messages.js';
import { PrefixTable } from './prefix-table.js';

/**
 * Compact route storage: attribute sets are interned (one shared object
 * per distinct set, reference-counted), and a RIB maps a prefix key (a
 * number) to an attribute-set id (a number) in a typed-array hash table
 * (PrefixTable), so a route costs a slot of a few octets, not an object.
 */

/** A prefix as one number: address * 64 + length (exact below 2^38). */
export function prefixKey(address: number, length: number): number {
  return address * 64 + length;
}

export function prefixOfKey(key: number): { address: Ipv4Address; length: number } {
  return { address: Math.floor(key / 64) as Ipv4Address, length: key % 64 };
}

/**
 * Interned attribute sets, found by a structural hash (`hashAttributes`)
 * and compared with `attributesEqual`: no encoding and no key string per
 * set. The bookkeeping is in typed arrays indexed by set id (hash,
 * reference count) plus an open-addressing index from hash to id, so a
 * set costs its attribute object and about 20 octets, where an entry
 * object in a Map cost about 90 (a full table holds some 300,000 sets).
 */
export class AttributeStore {
  /** The sets by id; ids of forgotten sets are reused (`free`), so the arrays stay dense. Id 0 is never used. */
  private readonly sets: (PathAttributes | undefined)[] = [undefined];
  private hashes: Int32Array = new Int32Array(64);
  private refs: Int32Array = new Int32Array(64);
  /**
   * Bumped when an id is given to a set and again when the set is
   * forgotten (odd: in use), so a holder of (id, generation) can tell with
   * one read that the id still names the set it recorded.
   */
  private generations: Int32Array = new Int32Array(64);
  /** Open addressing, linear probing: id + 1 per slot, 0 for an empty slot; at most 3/4 full. */
  private index: Int32Array = new Int32Array(128);
  /** The hash of each index slot's set: probes compare these, beside each other, not the scattered `hashes[id]`. */
  private tags: Int32Array = new Int32Array(128);
  private readonly free: number[] = [];
  private count = 0;

  /** The id of `attributes`' set (existing or new), with one more reference. */
  intern(attributes: PathAttributes): number {
    const hash = hashAttributes(attributes);
    const mask = this.index.length - 1;
    let i = hash & mask;
    for (let slot = this.index[i]!; slot !== 0; slot = this.index[i]!) {
      const id = slot - 1;
      if (this.tags[i] === hash && attributesEqual(this.sets[id]!, attributes)) {
        this.refs[id]!++;
        return id;
      }
      i = (i + 1) & mask;
    }
    const id = this.free.pop() ?? this.sets.length;
    if (id === this.sets.length) {
      this.sets.push(attributes);
      if (id === this.hashes.length) {
        this.hashes = grown(this.hashes);
        this.refs = grown(this.refs);
        this.generations = grown(this.generations);
      }
    } else this.sets[id] = attributes;
    this.hashes[id] = hash;
    this.refs[id] = 1;
    this.generations[id]!++;
    this.count++;
    if (this.count * 4 > this.index.length * 3) this.rebuildIndex(this.index.length * 2);
    else {
      this.index[i] = id + 1;
      this.tags[i] = hash;
    }
    return id;
  }

  /** One more reference to an interned set. */
  retain(id: number): void {
    if (this.sets[id] === undefined) throw new Error(`attribute set ${id} is not interned`);
    this.refs[id]!++;
  }

  /** Drops one reference; the set is forgotten with its last one. */
  release(id: number): void {
    if (this.sets[id] === undefined || --this.refs[id]! > 0) return;
    this.sets[id] = undefined;
    this.generations[id]!++;
    this.free.push(id);
    this.count--;
    this.unindex(id);
  }

  get(id: number): PathAttributes {
    const set = this.sets[id];
    if (set === undefined) throw new Error(`attribute set ${id} is not interned`);
    return set;
  }

  /** Distinct attribute sets held. */
  get size(): number {
    return this.count;
  }

  /** The generation of the set `id` names now (see `names`). */
  generation(id: number): number {
    return this.generations[id]!;
  }

  /** True when `id` still names the set it named at `generation` (not forgotten, not reused). */
  names(id: number, generation: number): boolean {
    return this.generations[id] === generation;
  }

  /** Removes `id` from the index, shifting later members of its probe run back (no tombstones). */
  private unindex(id: number): void {
    const { index, tags } = this;
    const mask = index.length - 1;
    let i = this.hashes[id]! & mask;
    while (index[i] !== id + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = tags[j]! & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        index[i] = index[j]!;
        tags[i] = tags[j]!;
        i = j;
      }
    }
    index[i] = 0;
  }

  private rebuildIndex(capacity: number): void {
    const index = new Int32Array(capacity);
    const tags = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 1; id < this.sets.length; id++) {
      if (this.sets[id] === undefined) continue;
      let i = this.hashes[id]! & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = id + 1;
      tags[i] = this.hashes[id]!;
    }
    this.index = index;
    this.tags = tags;
  }
}

/** By half again: a full table's columns are megabytes, doubling would leave up to half of them unused. */
function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(Math.ceil(a.length * 1.5));
  b.set(a);
  return b;
}

/** prefix key -> attribute set id, releasing replaced and removed sets in `store`. */
export class RouteTable {
  private readonly table = new PrefixTable();

  constructor(private readonly store: AttributeStore) {}

  /** Stores the route; returns true when it changed. */
  set(key: number, attributes: PathAttributes): boolean {
    const id = this.store.intern(attributes);
    const changed = this.setId(key, id);
    this.store.release(id);
    return changed;
  }

  /** Stores an already interned set (taking its own reference); returns true when it changed. */
  setId(key: number, id: number): boolean {
    const old = this.table.get(key);
    if (old === id) return false;
    this.store.retain(id);
    if (old !== undefined) this.store.release(old);
    this.table.set(key, id);
    return true;
  }

  delete(key: number): boolean {
    const old = this.table.get(key);
    if (old === undefined) return false;
    this.store.release(old);
    this.table.delete(key);
    return true;
  }

  get(key: number): PathAttributes | undefined {
    const id = this.table.get(key);
    return id === undefined ? undefined : this.store.get(id);
  }

  idOf(key: number): number | undefined {
    return this.table.get(key);
  }

  /** Removes every route; returns their keys. */
  clear(): number[] {
    const keys = this.table.keyList();
    this.table.forEach((_key, id) => this.store.release(id));
    this.table.clear();
    return keys;
  }

  /** Calls `fn(key, id)` for every route; the table must not change meanwhile. */
  forEach(fn: (key: number, id: number) => void): void {
    this.table.forEach(fn);
  }

  get size(): number {
    return this.table.size;
  }
}

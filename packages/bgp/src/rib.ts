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

interface Entry {
  readonly id: number;
  readonly hash: number;
  readonly attributes: PathAttributes;
  refs: number;
}

/**
 * Interned attribute sets, found by a structural hash (`hashAttributes`)
 * and compared with `attributesEqual`: no encoding and no key string per
 * set.
 */
export class AttributeStore {
  private readonly byHash = new Map<number, Entry | Entry[]>();
  /** Entries by id; ids of forgotten sets are reused (`free`), so the array stays dense. */
  private readonly byId: (Entry | undefined)[] = [undefined];
  private readonly free: number[] = [];
  private count = 0;

  /** The id of `attributes`' set (existing or new), with one more reference. */
  intern(attributes: PathAttributes): number {
    const hash = hashAttributes(attributes);
    const found = this.byHash.get(hash);
    let entry: Entry | undefined;
    if (found !== undefined) {
      if (Array.isArray(found)) entry = found.find((e) => attributesEqual(e.attributes, attributes));
      else if (attributesEqual(found.attributes, attributes)) entry = found;
    }
    if (!entry) {
      entry = { id: this.free.pop() ?? this.byId.length, hash, attributes, refs: 0 };
      if (found === undefined) this.byHash.set(hash, entry);
      else if (Array.isArray(found)) found.push(entry);
      else this.byHash.set(hash, [found, entry]);
      this.byId[entry.id] = entry;
      this.count++;
    }
    entry.refs++;
    return entry.id;
  }

  /** One more reference to an interned set. */
  retain(id: number): void {
    const entry = this.byId[id];
    if (!entry) throw new Error(`attribute set ${id} is not interned`);
    entry.refs++;
  }

  /** Drops one reference; the set is forgotten with its last one. */
  release(id: number): void {
    const entry = this.byId[id];
    if (!entry) return;
    if (--entry.refs > 0) return;
    this.byId[id] = undefined;
    this.free.push(id);
    this.count--;
    const found = this.byHash.get(entry.hash);
    if (Array.isArray(found)) {
      const rest = found.filter((e) => e !== entry);
      this.byHash.set(entry.hash, rest.length === 1 ? rest[0]! : rest);
    } else this.byHash.delete(entry.hash);
  }

  get(id: number): PathAttributes {
    const entry = this.byId[id];
    if (!entry) throw new Error(`attribute set ${id} is not interned`);
    return entry.attributes;
  }

  /** Distinct attribute sets held. */
  get size(): number {
    return this.count;
  }
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

import type { Ipv4Address } from '@wirestack/core';
import { encodeAttributes } from './attributes.js';
import type { PathAttributes } from './messages.js';

/**
 * Compact route storage: attribute sets are interned (one shared object
 * per distinct set, reference-counted), and a RIB maps a prefix key (a
 * number) to an attribute-set id (a number), so a route costs one Map entry
 * of two numbers, not an object.
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
  readonly key: string;
  readonly attributes: PathAttributes;
  refs: number;
}

/** Interned attribute sets, keyed by their canonical encoding. */
export class AttributeStore {
  private readonly byKey = new Map<string, Entry>();
  private readonly byId = new Map<number, Entry>();
  private nextId = 1;

  /** The id of `attributes`' set (existing or new), with one more reference. */
  intern(attributes: PathAttributes): number {
    const key = canonicalKey(attributes);
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { id: this.nextId++, key, attributes, refs: 0 };
      this.byKey.set(key, entry);
      this.byId.set(entry.id, entry);
    }
    entry.refs++;
    return entry.id;
  }

  /** One more reference to an interned set. */
  retain(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) throw new Error(`attribute set ${id} is not interned`);
    entry.refs++;
  }

  /** Drops one reference; the set is forgotten with its last one. */
  release(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    if (--entry.refs <= 0) {
      this.byId.delete(id);
      this.byKey.delete(entry.key);
    }
  }

  get(id: number): PathAttributes {
    const entry = this.byId.get(id);
    if (!entry) throw new Error(`attribute set ${id} is not interned`);
    return entry.attributes;
  }

  /** Distinct attribute sets held. */
  get size(): number {
    return this.byId.size;
  }
}

function canonicalKey(attributes: PathAttributes): string {
  const { length, write } = encodeAttributes(attributes, { fourOctetAs: true });
  const bytes = new Uint8Array(length);
  write(bytes, 0);
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

/** prefix key -> attribute set id, releasing replaced and removed sets in `store`. */
export class RouteTable {
  readonly routes = new Map<number, number>();

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
    this.store.retain(id);
    const old = this.routes.get(key);
    if (old === id) {
      this.store.release(id);
      return false;
    }
    if (old !== undefined) this.store.release(old);
    this.routes.set(key, id);
    return true;
  }

  delete(key: number): boolean {
    const old = this.routes.get(key);
    if (old === undefined) return false;
    this.store.release(old);
    this.routes.delete(key);
    return true;
  }

  get(key: number): PathAttributes | undefined {
    const id = this.routes.get(key);
    return id === undefined ? undefined : this.store.get(id);
  }

  idOf(key: number): number | undefined {
    return this.routes.get(key);
  }

  clear(): number[] {
    const keys = [...this.routes.keys()];
    for (const id of this.routes.values()) this.store.release(id);
    this.routes.clear();
    return keys;
  }

  get size(): number {
    return this.routes.size;
  }
}

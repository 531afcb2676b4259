import type { AttributeStore } from './attribute-store.js';
import type { PathAttributes } from './messages.js';
import { PrefixSlots, SlotTable } from './prefix-slots.js';

/**
 * Compact route storage: attribute sets are interned (AttributeStore: one
 * copy of each distinct set, reference-counted), and a RIB maps a prefix key (a
 * number) to an attribute-set id (a number) in a column indexed by the
 * prefix's slot (SlotTable over PrefixSlots, shared by an engine's
 * tables), so a route costs a few octets, not an object.
 */

/** prefix key -> attribute set id, releasing replaced and removed sets in `store`. */
export class RouteTable {
  private readonly table: SlotTable;

  /** `slots`: shared with the engine's other tables (one hash lookup finds a prefix in all of them). */
  constructor(
    private readonly store: AttributeStore,
    slots: PrefixSlots = new PrefixSlots(),
  ) {
    this.table = new SlotTable(slots);
  }

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

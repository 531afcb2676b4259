import type { AttributeStore } from './attribute-store.js';
import { PrefixSlots, SlotTable } from './prefix-slots.js';

/**
 * A peer's Adj-RIB-Out, kept as which route was advertised rather than
 * as the attributes sent: prefix key -> the Loc-RIB attribute set and
 * the source (peer index) of the best route that went out. What the peer
 * got is a function of these and the peer's export policy, so the engine
 * derives it again when needed instead of keeping an exported copy of
 * every attribute set per peer: a full table to a new peer costs two
 * int32 columns (8 octets per prefix, on the engine's shared
 * `PrefixSlots`) and no attribute set, where exported copies cost about
 * 110 octets more per route. When the export policy changes, the routes
 * are sent again (as BIRD's "reload out" does). On the shared slots, the
 * engine's Loc-RIB lookup of a prefix finds it here too (PrefixSlots'
 * memo): passing a table on costs one hash lookup per prefix, not two.
 *
 * It holds a reference on each set (AttributeStore), so a set id it
 * names is never reused for another set while it is here.
 */
export class AdjRibOut {
  private readonly table: SlotTable;

  constructor(
    private readonly store: AttributeStore,
    slots: PrefixSlots = new PrefixSlots(),
  ) {
    this.table = new SlotTable(slots);
  }

  /** Prefixes advertised. */
  get size(): number {
    return this.table.size;
  }

  /** The peer has a route for `key` from us. */
  has(key: number): boolean {
    return this.table.has(key);
  }

  /** The peer got exactly this route for `key`: Loc-RIB set `set` from `source`. */
  holds(key: number, set: number, source: number): boolean {
    return this.table.get(key) === set && this.table.extra(key) === source;
  }

  /** Records that `key` was advertised from Loc-RIB set `set` of `source`. */
  set(key: number, set: number, source: number): void {
    const old = this.table.get(key);
    if (old !== set) {
      this.store.retain(set);
      if (old !== undefined) this.store.release(old);
    }
    this.table.set(key, set, source);
  }

  /** Records a withdrawal; false when the peer had no route for `key`. */
  delete(key: number): boolean {
    const old = this.table.get(key);
    if (old === undefined) return false;
    this.store.release(old);
    this.table.delete(key);
    return true;
  }

  clear(): void {
    this.table.forEach((_key, set) => this.store.release(set));
    this.table.clear();
  }
}

/**
 * The table's gc_list: collectable entries (everything but PERMANENT) in the
 * order they joined, oldest first. Forced GC walks it from the head, as
 * neigh_forced_gc does. A doubly linked list over entry numbers in typed
 * arrays; -1 ends it.
 */
export class GcList {
  /** Successor of each listed entry (-1 ends the list); read directly by the forced GC's walk. */
  next = new Int32Array(16);
  private prev = new Int32Array(16);
  private linked = new Uint8Array(16);
  head = -1;
  private tail = -1;
  /** Entries on the list (the kernel's gc_entries). */
  size = 0;

  has(entry: number): boolean {
    return entry < this.linked.length && this.linked[entry] === 1;
  }

  /** Appends `entry` (no-op when already listed). */
  push(entry: number): void {
    if (this.has(entry)) return;
    this.ensure(entry);
    this.linked[entry] = 1;
    this.prev[entry] = this.tail;
    this.next[entry] = -1;
    if (this.tail >= 0) this.next[this.tail] = entry;
    else this.head = entry;
    this.tail = entry;
    this.size++;
  }

  /** Unlinks `entry` (no-op when not listed). */
  remove(entry: number): void {
    if (!this.has(entry)) return;
    const p = this.prev[entry]!;
    const n = this.next[entry]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.linked[entry] = 0;
    this.size--;
  }

  /** The entry after `entry`, or -1. */
  after(entry: number): number {
    return this.next[entry]!;
  }

  private ensure(entry: number): void {
    if (entry < this.linked.length) return;
    let n = this.linked.length;
    while (n <= entry) n *= 2;
    const next = new Int32Array(n);
    next.set(this.next);
    this.next = next;
    const prev = new Int32Array(n);
    prev.set(this.prev);
    this.prev = prev;
    const linked = new Uint8Array(n);
    linked.set(this.linked);
    this.linked = linked;
  }
}

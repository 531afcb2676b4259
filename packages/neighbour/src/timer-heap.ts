/**
 * One timer per entry, in a binary min-heap ordered by deadline (ties by
 * entry number, so the order of work is deterministic). `position` maps an
 * entry to its heap slot, so re-arming or cancelling is O(log n) without a
 * search: the kernel's mod_timer/del_timer on a struct neighbour.
 */
export class TimerHeap {
  private heap = new Int32Array(16);
  private position = new Int32Array(16).fill(-1);
  private deadline = new Float64Array(16);
  size = 0;

  /** Earliest deadline, or undefined when no timer is armed. */
  peekDeadline(): number | undefined {
    return this.size === 0 ? undefined : this.deadline[this.heap[0]!];
  }

  /** The entry whose timer is earliest (only when size > 0). */
  peekEntry(): number {
    return this.heap[0]!;
  }

  has(entry: number): boolean {
    return entry < this.position.length && this.position[entry]! >= 0;
  }

  deadlineOf(entry: number): number | undefined {
    return this.has(entry) ? this.deadline[entry] : undefined;
  }

  /** Arms (or re-arms) the timer of `entry` for `when`. */
  set(entry: number, when: number): void {
    this.ensure(entry);
    const at = this.position[entry]!;
    this.deadline[entry] = when;
    if (at < 0) {
      if (this.size === this.heap.length) {
        const h = new Int32Array(this.heap.length * 2);
        h.set(this.heap);
        this.heap = h;
      }
      this.heap[this.size] = entry;
      this.position[entry] = this.size;
      this.up(this.size++);
    } else {
      this.down(this.up(at));
    }
  }

  /** Disarms the timer of `entry`, if armed. */
  cancel(entry: number): void {
    if (!this.has(entry)) return;
    const at = this.position[entry]!;
    this.position[entry] = -1;
    const last = this.heap[--this.size]!;
    if (at === this.size) return;
    this.heap[at] = last;
    this.position[last] = at;
    this.down(this.up(at));
  }

  private less(a: number, b: number): boolean {
    const da = this.deadline[a]!;
    const db = this.deadline[b]!;
    return da < db || (da === db && a < b);
  }

  private up(i: number): number {
    const heap = this.heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(entry, p)) break;
      heap[i] = p;
      this.position[p] = i;
      i = parent;
    }
    heap[i] = entry;
    this.position[entry] = i;
    return i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.less(heap[child + 1]!, heap[child]!)) child++;
      const c = heap[child]!;
      if (!this.less(c, entry)) break;
      heap[i] = c;
      this.position[c] = i;
      i = child;
    }
    heap[i] = entry;
    this.position[entry] = i;
  }

  private ensure(entry: number): void {
    if (entry < this.position.length) return;
    let n = this.position.length;
    while (n <= entry) n *= 2;
    const position = new Int32Array(n).fill(-1);
    position.set(this.position);
    this.position = position;
    const deadline = new Float64Array(n);
    deadline.set(this.deadline);
    this.deadline = deadline;
  }
}

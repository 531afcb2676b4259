import { Nud } from './states.js';

/**
 * Storage for neighbour entries, laid out for the lookup fast path.
 *
 * Entries live in parallel typed arrays ("columns") indexed by a small
 * integer that stays fixed for the entry's life, so timers and the GC list
 * can refer to it. An open-addressing hash index (linear probing, keys
 * inline) maps an IPv4 address, a uint32, to that integer, with no
 * allocation and no object per entry.
 *
 * A random lookup in a large table is bound by cache misses, so each index
 * slot also carries what the fast path needs: the MAC and the time until
 * which it may be used without the state machine (confirmed +
 * reachable_time for REACHABLE, +Infinity for PERMANENT and NOARP,
 * -Infinity otherwise). A lookup reads one 32-byte slot, usually one cache
 * line. The columns stay the truth: every write to state, MAC or
 * confirmation goes through a setter that refreshes the slot.
 *
 * The hash is Fibonacci hashing of the address XOR a per-table random seed,
 * as Linux seeds arp_hashfn with hash_rnd, so a sender cannot choose
 * addresses that all collide without knowing the seed. The index keeps a
 * load factor of at most ½ and deletes by backward shifting, so there are
 * no tombstones to accumulate under churn (an ARP flood creates and
 * destroys entries without end).
 */
export class EntryStore {
  /** Column capacity; grows by doubling, never shrinks (bounded by the peak entry count). */
  capacity: number;
  /** Live entries. */
  count = 0;
  /** Times the index doubled (hash_grows). */
  grows = 0;

  key: Uint32Array;
  /** NUD state; write it with setState. */
  state: Uint8Array;
  /** 1 while the index refers to the entry. */
  live: Uint8Array;
  /** The link-layer address as a uint48 number (exact in a double); write with setMac. */
  private mac: Float64Array;
  /** Last reachability confirmation (ms); write with setConfirmed. */
  private confirmed: Float64Array;
  updated: Float64Array;
  used: Float64Array;
  probes: Int32Array;

  /** Free entry numbers, a stack. */
  private free: Int32Array;
  private freeTop = 0;
  /** Entry numbers below this have been handed out at least once. */
  private highWater = 0;

  /** Index slots, stride 4: [key, entry + 1 (0 = empty slot), MAC, usable-until]. */
  private index: Float64Array;
  private slotMask: number;
  private slotShift: number;
  private readonly seed: number;
  private reachableTime = 0;

  constructor(seed: number, initialCapacity = 16) {
    this.seed = seed | 0;
    this.capacity = initialCapacity;
    this.key = new Uint32Array(initialCapacity);
    this.state = new Uint8Array(initialCapacity);
    this.live = new Uint8Array(initialCapacity);
    this.mac = new Float64Array(initialCapacity);
    this.confirmed = new Float64Array(initialCapacity);
    this.updated = new Float64Array(initialCapacity);
    this.used = new Float64Array(initialCapacity);
    this.probes = new Int32Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
    const slots = initialCapacity * 2;
    this.index = new Float64Array(4 * slots);
    this.slotMask = slots - 1;
    this.slotShift = 32 - Math.log2(slots);
  }

  /**
   * The fast path: the MAC of `ip` if its entry may be used at `now`
   * without the state machine, -2 if the entry exists but may not, -1 if
   * there is none. Allocates nothing.
   */
  usableMac(ip: number, now: number): number {
    const index = this.index;
    const mask = this.slotMask;
    let s = Math.imul(ip ^ this.seed, 0x9e37_79b1) >>> this.slotShift;
    for (;;) {
      const b = s << 2;
      if (index[b + 1] === 0) return -1;
      if (index[b] === ip) return now < index[b + 3]! ? index[b + 2]! : -2;
      s = (s + 1) & mask;
    }
  }

  /** The entry for `ip`, or -1. Allocates nothing. */
  find(ip: number): number {
    const index = this.index;
    const mask = this.slotMask;
    let s = Math.imul(ip ^ this.seed, 0x9e37_79b1) >>> this.slotShift;
    for (;;) {
      const b = s << 2;
      const ref = index[b + 1]!;
      if (ref === 0) return -1;
      if (index[b] === ip) return ref - 1;
      s = (s + 1) & mask;
    }
  }

  macOf(e: number): number {
    return this.mac[e]!;
  }

  confirmedOf(e: number): number {
    return this.confirmed[e]!;
  }

  setState(e: number, state: number): void {
    this.state[e] = state;
    this.refresh(e);
  }

  setMac(e: number, mac: number): void {
    this.mac[e] = mac;
    this.refresh(e);
  }

  setConfirmed(e: number, when: number): void {
    this.confirmed[e] = when;
    this.refresh(e);
  }

  /** The table's current reachable_time, which the REACHABLE slots' usable-until depends on. */
  setReachableTime(ms: number): void {
    this.reachableTime = ms;
    for (let e = 0; e < this.highWater; e++) if (this.live[e] === 1 && this.state[e] === Nud.REACHABLE) this.refresh(e);
  }

  /** Adds `ip` (which must be absent) and returns its new entry number (state NONE, MAC 0); the caller sets the rest. */
  insert(ip: number): number {
    if ((this.count + 1) * 2 > this.slots) this.growIndex();
    let e: number;
    if (this.freeTop > 0) e = this.free[--this.freeTop]!;
    else {
      if (this.highWater === this.capacity) this.growColumns();
      e = this.highWater++;
    }
    this.key[e] = ip;
    this.live[e] = 1;
    this.state[e] = Nud.NONE;
    this.mac[e] = 0;
    this.count++;
    this.place(e);
    return e;
  }

  /** Removes entry `e` from the index and frees its number. */
  remove(e: number): void {
    const index = this.index;
    const mask = this.slotMask;
    let i = this.slotOf(e);
    // Backward-shift deletion: pull later members of the probe run into the
    // hole when their home slot does not lie cyclically in (hole, them].
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (index[4 * j + 1] === 0) break;
      const k = this.home(index[4 * j]!);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        index.copyWithin(4 * i, 4 * j, 4 * j + 4);
        i = j;
      }
    }
    index[4 * i + 1] = 0;
    this.live[e] = 0;
    this.state[e] = Nud.NONE;
    this.free[this.freeTop++] = e;
    this.count--;
  }

  /** Entry numbers in use, for scans (GC, listings). */
  *entries(): Generator<number> {
    for (let e = 0; e < this.highWater; e++) if (this.live[e] === 1) yield e;
  }

  /** Slots in the index (for tests of boundedness). */
  get slots(): number {
    return this.index.length >> 2;
  }

  private home(ip: number): number {
    return Math.imul(ip ^ this.seed, 0x9e37_79b1) >>> this.slotShift;
  }

  private slotOf(e: number): number {
    const mask = this.slotMask;
    let s = this.home(this.key[e]!);
    while (this.index[4 * s + 1] !== e + 1) s = (s + 1) & mask;
    return s;
  }

  /** Rewrites the fast-path copy of entry `e` in its slot. */
  private refresh(e: number): void {
    const b = 4 * this.slotOf(e);
    const state = this.state[e]!;
    this.index[b + 2] = this.mac[e]!;
    this.index[b + 3] =
      state === Nud.REACHABLE ? this.confirmed[e]! + this.reachableTime : (state & (Nud.PERMANENT | Nud.NOARP)) !== 0 ? Infinity : -Infinity;
  }

  private place(e: number): void {
    const index = this.index;
    const mask = this.slotMask;
    let s = this.home(this.key[e]!);
    while (index[4 * s + 1] !== 0) s = (s + 1) & mask;
    index[4 * s] = this.key[e]!;
    index[4 * s + 1] = e + 1;
    this.refresh(e);
  }

  private growIndex(): void {
    const slots = this.slots * 2;
    this.index = new Float64Array(4 * slots);
    this.slotMask = slots - 1;
    this.slotShift = 32 - Math.log2(slots);
    for (let e = 0; e < this.highWater; e++) if (this.live[e] === 1) this.place(e);
    this.grows++;
  }

  private growColumns(): void {
    const n = this.capacity * 2;
    this.key = grow(this.key, new Uint32Array(n));
    this.state = grow(this.state, new Uint8Array(n));
    this.live = grow(this.live, new Uint8Array(n));
    this.mac = grow(this.mac, new Float64Array(n));
    this.confirmed = grow(this.confirmed, new Float64Array(n));
    this.updated = grow(this.updated, new Float64Array(n));
    this.used = grow(this.used, new Float64Array(n));
    this.probes = grow(this.probes, new Int32Array(n));
    this.free = grow(this.free, new Int32Array(n));
    this.capacity = n;
  }
}

function grow<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

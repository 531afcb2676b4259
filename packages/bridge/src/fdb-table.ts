/**
 * The forwarding database as an open-addressing hash table over typed
 * arrays, so a lookup on the frame path allocates nothing and touches one
 * or two cache lines.
 *
 * Key: (MAC, VID) as two int32 words. `hi` = VID << 16 | the MAC's first
 * two octets (28 bits, never negative), `lo` = the MAC's last four octets.
 * A 60-bit key does not fit a double exactly, hence two words.
 *
 * Slot layout, 32 bytes: int32 [hi, lo, port, flags], then the last-seen
 * time (ms, as the caller gave it) as a float64; `hi` = -1 marks an empty
 * slot. One buffer seen through an Int32Array and a Float64Array, so a
 * lookup, its expiry check and a refresh touch a single cache line (a
 * parallel Float64Array of times measured 1.4x slower once the table
 * outgrew L2).
 *
 * Linear probing with backward-shift deletion: no tombstones, so probe
 * chains stay short under the churn of learning and ageing. The load factor
 * is kept at or under 1/2. The hash mixes in a seed: on a hostile network
 * pass a random one (BridgeOptions.hashSeed) so that an attacker cannot pick
 * source MACs that all land in one chain.
 */

export const EMPTY = -1;
/** int32 words per slot (a slot's words start at slot << SLOT_SHIFT). */
export const STRIDE = 8;
export const SLOT_SHIFT = 3;
export const PORT = 2;
export const FLAGS = 3;
/** float64 index of a slot's time: byte 16 of the slot, (slot << TIME_SHIFT) + TIME. */
const TIME_STRIDE = 4;
export const TIME_SHIFT = 2;
export const TIME = 2;
const MIN_CAPACITY = 64;

/** The bridge's own (or a user's `permanent`) address: frames to it are delivered locally. Never aged. */
export const FLAG_LOCAL = 1;
/** Added by the user (`static` or `permanent`): never aged, not counted against learning limits. */
export const FLAG_STATIC = 2;
/** Never moves to another port when its source MAC shows up there. */
export const FLAG_STICKY = 4;

/** The key's high word for a MAC split as (first two octets, last four) and a VID. */
export function keyHi(macHi16: number, vid: number): number {
  return (vid << 16) | macHi16;
}

const TWO_32 = 0x1_0000_0000;

export function macHi16(mac: number): number {
  return Math.floor(mac / TWO_32);
}

export function macLo32(mac: number): number {
  return mac | 0;
}

export function macOf(hi: number, lo: number): number {
  return (hi & 0xffff) * TWO_32 + (lo >>> 0);
}

/** The hash behind `home`, for the one caller (Bridge.receive) that probes the arrays itself. */
export function fdbHash(hi: number, lo: number, seed: number): number {
  const h = Math.imul(Math.imul(lo ^ seed, 0x9e3779b1) ^ hi, 0x85ebca6b);
  return h ^ (h >>> 16);
}

export class FdbTable {
  rows: Int32Array;
  times: Float64Array;
  mask: number;
  size = 0;
  readonly seed: number;

  constructor(initialCapacity = MIN_CAPACITY, seed = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity) capacity *= 2;
    this.rows = new Int32Array(capacity * STRIDE);
    this.times = new Float64Array(this.rows.buffer);
    this.clear();
    this.mask = capacity - 1;
    this.seed = seed | 0;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.rows.byteLength;
  }

  private clear(): void {
    for (let at = 0; at < this.rows.length; at += STRIDE) this.rows[at] = EMPTY;
  }

  /**
   * Home slot of a key: the low word times the golden-ratio constant, the
   * high word mixed in, then one xor-shift-multiply round (a short
   * murmur3-style finaliser: cheap, and every key bit reaches the low bits
   * the mask keeps).
   */
  home(hi: number, lo: number): number {
    return fdbHash(hi, lo, this.seed) & this.mask;
  }

  /** The slot holding the key, or -1. */
  find(hi: number, lo: number): number {
    const rows = this.rows;
    const mask = this.mask;
    let slot = this.home(hi, lo);
    for (;;) {
      const at = slot * STRIDE;
      const h = rows[at]!;
      if (h === hi && rows[at + 1] === lo) return slot;
      if (h === EMPTY) return -1;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Inserts a key known to be absent and returns its slot (port 0, flags 0,
   * seen 0 until the caller sets them). May grow the table, which moves
   * every entry: slots found before an insert are stale after it.
   */
  insert(hi: number, lo: number): number {
    if ((this.size + 1) * 2 > this.capacity) this.grow();
    const rows = this.rows;
    let slot = this.home(hi, lo);
    while (rows[slot * STRIDE] !== EMPTY) slot = (slot + 1) & this.mask;
    const at = slot * STRIDE;
    rows[at] = hi;
    rows[at + 1] = lo;
    rows[at + PORT] = 0;
    rows[at + FLAGS] = 0;
    this.times[slot * TIME_STRIDE + TIME] = 0;
    this.size++;
    return slot;
  }

  /**
   * Empties a slot, then shifts later members of its probe chain back so
   * that every key stays reachable from its home slot without tombstones.
   */
  removeAt(slot: number): void {
    const rows = this.rows;
    const times = this.times;
    const mask = this.mask;
    let hole = slot;
    let next = (slot + 1) & mask;
    for (;;) {
      const at = next * STRIDE;
      const hi = rows[at]!;
      if (hi === EMPTY) break;
      const home = this.home(hi, rows[at + 1]!);
      // The entry at `next` may fill the hole unless its home lies
      // cyclically in (hole, next]: then it would move before its home.
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!between) {
        const to = hole * STRIDE;
        rows[to] = hi;
        rows[to + 1] = rows[at + 1]!;
        rows[to + PORT] = rows[at + PORT]!;
        rows[to + FLAGS] = rows[at + FLAGS]!;
        times[hole * TIME_STRIDE + TIME] = times[next * TIME_STRIDE + TIME]!;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    rows[hole * STRIDE] = EMPTY;
    this.size--;
  }

  hiAt(slot: number): number {
    return this.rows[slot * STRIDE]!;
  }

  loAt(slot: number): number {
    return this.rows[slot * STRIDE + 1]!;
  }

  portAt(slot: number): number {
    return this.rows[slot * STRIDE + PORT]!;
  }

  setPort(slot: number, port: number): void {
    this.rows[slot * STRIDE + PORT] = port;
  }

  flagsAt(slot: number): number {
    return this.rows[slot * STRIDE + FLAGS]!;
  }

  setFlags(slot: number, flags: number): void {
    this.rows[slot * STRIDE + FLAGS] = flags;
  }

  seenAt(slot: number): number {
    return this.times[slot * TIME_STRIDE + TIME]!;
  }

  setSeen(slot: number, now: number): void {
    this.times[slot * TIME_STRIDE + TIME] = now;
  }

  isEmpty(slot: number): boolean {
    return this.rows[slot * STRIDE] === EMPTY;
  }

  private grow(): void {
    const oldRows = this.rows;
    const oldTimes = this.times;
    const oldCapacity = this.capacity;
    const capacity = oldCapacity * 2;
    this.rows = new Int32Array(capacity * STRIDE);
    this.times = new Float64Array(this.rows.buffer);
    this.clear();
    this.mask = capacity - 1;
    const rows = this.rows;
    for (let s = 0; s < oldCapacity; s++) {
      const from = s * STRIDE;
      const hi = oldRows[from]!;
      if (hi === EMPTY) continue;
      const lo = oldRows[from + 1]!;
      let slot = this.home(hi, lo);
      while (rows[slot * STRIDE] !== EMPTY) slot = (slot + 1) & this.mask;
      const to = slot * STRIDE;
      rows[to] = hi;
      rows[to + 1] = lo;
      rows[to + PORT] = oldRows[from + PORT]!;
      rows[to + FLAGS] = oldRows[from + FLAGS]!;
      this.times[slot * TIME_STRIDE + TIME] = oldTimes[s * TIME_STRIDE + TIME]!;
    }
  }
}

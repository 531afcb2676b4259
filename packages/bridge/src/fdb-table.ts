/**
 * The forwarding database as an open-addressing hash table over typed
 * arrays, so a lookup on the frame path allocates nothing and, in the
 * common case, touches one cache line of the table.
 *
 * Key: (MAC, VID) as two int32 words. `hi` = VID << 16 | the MAC's first
 * two octets (28 bits, never negative), `lo` = the MAC's last four octets.
 * A 60-bit key does not fit a double exactly, hence two words.
 *
 * Slot layout, 12 bytes in `rows`: int32 [hi, lo, meta]; `hi` = -1 marks
 * an empty slot. `meta` packs what the frame path needs besides the key:
 * the port (bits 0-9), the flags (bits 10-12) and a stamp (bits 13-31, see
 * below). The exact last-seen time (ms, as the caller gave it) lives in a
 * parallel Float64Array, `times`, which the frame path does not touch in
 * the common case. With 100,000 entries the slots take 3 MB where the
 * earlier 32-byte ones (key, port, flags and a float64 time together) took
 * 8.4 MB: fewer pages and lines for lookups that miss the cache anyway.
 * On the benchmark's random frames (tools/bench/src/bridge.bench.mjs)
 * this layout with the stamps measured about 1.1x the old one; the rest of
 * the gain is Bridge.receive's fast path, which the stamps make short.
 *
 * The stamp names the time an entry was last seen without reading `times`.
 * Every distinct `now` the bridge is given starts an epoch (`newEpoch`),
 * recorded in a ring, `ring[stamp] = now`; an entry refreshed in the
 * current epoch carries the current stamp. So on the frame path:
 * - the source's meta equal to (its port | the current stamp) means a
 *   dynamic entry on this port already refreshed at this very `now`:
 *   nothing to read or write, one comparison. Linux likewise writes
 *   `fdb->updated` only when jiffies changed;
 * - a destination's last-seen time is `ring[stamp]`, recent epochs' few
 *   hot cache lines, rather than `times[slot]`, a miss of its own (for
 *   stamps more than 1,024 epochs old, Bridge.receive reads `times`: with
 *   a clock that ticks every frame the ring is no longer hot, and `times`
 *   can be read while the slot's own miss is outstanding).
 * Invariant: stamp != 0 implies ring[stamp] === times[slot]. The ring has
 * RING entries and is overwritten as epochs go by, so every RING/2 epochs
 * `retireStamps` zeroes the stamps older than RING/2 epochs (their time is
 * still in `times`, which is always exact): no live stamp ever names a
 * ring entry that has been overwritten. That scan costs capacity / (RING/2)
 * slot visits per epoch: 2 with RING = capacity (at most 262,144, so more
 * beyond that). Time that changes with every frame (the MAC flood
 * benchmark's) pays it on every frame: with a ring of capacity / 4 that
 * benchmark measured 10.4 M frames/s against 11.1; time in milliseconds at millions of frames per second
 * starts an epoch every few thousand frames. The ring's pages are written
 * (and become resident) only as epochs go by.
 *
 * Linear probing with backward-shift deletion: no tombstones, so probe
 * chains stay short under the churn of learning and ageing. The load factor
 * is kept at or under 1/2: a successful lookup averages 1.3 probes there,
 * where at 0.76 (100,000 entries in 131,072 slots, half the bytes) it
 * averaged 2.7 and a micro-benchmark of the frame path's two lookups ran
 * about a third slower. The hash mixes in a seed: on a
 * hostile network pass a random one (BridgeOptions.hashSeed) so that an
 * attacker cannot pick source MACs that all land in one chain.
 */

const EMPTY = -1;
/** int32 words per slot: [hi, lo, meta]. */
const STRIDE = 3;
const META = 2;
const PORT_MASK = 0x3ff;
const FLAGS_SHIFT = 10;
/** meta bits 13-31: the stamp; `meta & KEEP_MASK` drops it. */
const STAMP_SHIFT = 13;
const KEEP_MASK = (1 << STAMP_SHIFT) - 1;
const MIN_CAPACITY = 64;
const MIN_RING = 64;
const MAX_RING = 1 << 18;

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

/**
 * Home slot hash of a key: the low word times the golden-ratio constant,
 * the high word mixed in, then one xor-shift-multiply round (a short
 * murmur3-style finaliser: cheap, and every key bit reaches the low bits
 * the mask keeps). Bridge.receive's fast path has it written out: keep the
 * two the same (test/fast-path.test.ts fails when its lookups stop finding
 * entries).
 */
function fdbHash(hi: number, lo: number, seed: number): number {
  const h = Math.imul(Math.imul(lo ^ seed, 0x9e3779b1) ^ hi, 0x85ebca6b);
  return h ^ (h >>> 16);
}

function ringSize(capacity: number): number {
  return Math.min(MAX_RING, Math.max(MIN_RING, capacity));
}

export class FdbTable {
  rows: Int32Array;
  /** Exact last-seen time of every slot's entry. */
  times: Float64Array;
  /** Time of each recent epoch, indexed by stamp (1..RING; index 0 unused). */
  ring: Float64Array;
  mask: number;
  size = 0;
  readonly seed: number;
  /** The current epoch's stamp, shifted into place: `meta` of an entry refreshed at `epochNow` has these bits. Never 0. */
  stamp = 0;
  /** The `now` of the current epoch (NaN before the first). */
  epochNow = NaN;
  private epoch = 0;
  /** RING - 1: (current stamp - a stamp) & ringMask is how many epochs ago that stamp was current. */
  ringMask = 0;

  constructor(initialCapacity = MIN_CAPACITY, seed = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity) capacity *= 2;
    this.rows = new Int32Array(capacity * STRIDE);
    this.times = new Float64Array(capacity);
    this.ring = new Float64Array(0);
    this.clear();
    this.mask = capacity - 1;
    this.seed = seed | 0;
    this.resetEpochs();
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.rows.byteLength + this.times.byteLength + this.ring.byteLength;
  }

  private clear(): void {
    for (let at = 0; at < this.rows.length; at += STRIDE) this.rows[at] = EMPTY;
  }

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
    rows[at + META] = 0;
    this.times[slot] = 0;
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
        rows[to + META] = rows[at + META]!;
        times[hole] = times[next]!;
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
    return this.rows[slot * STRIDE + META]! & PORT_MASK;
  }

  setPort(slot: number, port: number): void {
    const at = slot * STRIDE + META;
    this.rows[at] = (this.rows[at]! & ~PORT_MASK) | port;
  }

  flagsAt(slot: number): number {
    return (this.rows[slot * STRIDE + META]! >>> FLAGS_SHIFT) & 7;
  }

  setFlags(slot: number, flags: number): void {
    const at = slot * STRIDE + META;
    this.rows[at] = (this.rows[at]! & ~(7 << FLAGS_SHIFT)) | (flags << FLAGS_SHIFT);
  }

  seenAt(slot: number): number {
    return this.times[slot]!;
  }

  /** Sets the last-seen time; the slot carries the current stamp when `now` is the current epoch's. */
  setSeen(slot: number, now: number): void {
    const at = slot * STRIDE + META;
    this.times[slot] = now;
    this.rows[at] = (this.rows[at]! & KEEP_MASK) | (now === this.epochNow ? this.stamp : 0);
  }

  isEmpty(slot: number): boolean {
    return this.rows[slot * STRIDE] === EMPTY;
  }

  /** The stamp bits of a slot (0: none, read `times`). */
  stampAt(slot: number): number {
    return this.rows[slot * STRIDE + META]! >>> STAMP_SHIFT;
  }

  /** Time `now` differs from the current epoch's: start a new epoch. */
  newEpoch(now: number): void {
    const e = ++this.epoch;
    // Every RING/2 epochs, before ring entry e overwrites epoch e - RING.
    if ((e & (this.ringMask >>> 1)) === 0) this.retireStamps(e);
    const s = (e & this.ringMask) + 1;
    this.ring[s] = now;
    this.epochNow = now;
    this.stamp = s << STAMP_SHIFT;
  }

  /** Zeroes the stamps at least RING/2 epochs old: their entries' times are read from `times` from now on. */
  private retireStamps(e: number): void {
    const rows = this.rows;
    const ringMask = this.ringMask;
    const half = (ringMask + 1) >>> 1;
    for (let at = 0; at < rows.length; at += STRIDE) {
      const m = rows[at + META]!;
      const s = m >>> STAMP_SHIFT;
      // Empty slots too: insert() clears the meta word anyway.
      if (s !== 0 && ((e - (s - 1)) & ringMask) >= half) rows[at + META] = m & KEEP_MASK;
    }
  }

  /** A ring sized for the capacity, epochs from 0 again; callers have zeroed every stamp. */
  private resetEpochs(): void {
    const size = ringSize(this.capacity);
    if (this.ring.length !== size + 1) this.ring = new Float64Array(size + 1);
    this.ringMask = size - 1;
    // Epoch 0 keeps the current `now`, so a grow in the middle of a frame
    // leaves the frame path with a valid, non-zero current stamp.
    this.epoch = 0;
    this.ring[1] = this.epochNow;
    this.stamp = 1 << STAMP_SHIFT;
  }

  private grow(): void {
    const oldRows = this.rows;
    const oldTimes = this.times;
    const oldCapacity = this.capacity;
    const capacity = oldCapacity * 2;
    this.rows = new Int32Array(capacity * STRIDE);
    this.times = new Float64Array(capacity);
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
      // Entries refreshed in the current epoch keep a stamp (epoch 0 of the
      // new ring is the current time); the others read `times`.
      const m = oldRows[from + META]!;
      rows[to + META] = (m & KEEP_MASK) | ((m & ~KEEP_MASK) === this.stamp ? 1 << STAMP_SHIFT : 0);
      this.times[slot] = oldTimes[s]!;
    }
    this.resetEpochs();
  }
}

/**
 * A map from an IPv4 prefix (address, length) to a small value, in typed
 * arrays: open addressing with linear probing and backward-shift deletion
 * (no tombstones), at most half full: 9 bytes per slot, 18-36 bytes per
 * prefix and no object per entry (a million prefixes: 18 MB).
 *
 * The FIB uses it to answer "which prefix covers this one, one length
 * shorter, two shorter, ..." when a delete uncovers a shorter prefix.
 */
export class PrefixMap {
  private bits = 4;
  private mask = 15;
  private lengths = new Uint8Array(16); // prefix length + 1; 0 = empty slot
  private addresses = new Uint32Array(16);
  private values = new Uint32Array(16);
  private count = 0;
  /** Prefixes per length 0..32, so searches skip lengths nobody uses. */
  readonly perLength = new Uint32Array(33);

  get size(): number {
    return this.count;
  }

  /** Bytes held by the arrays. */
  get byteLength(): number {
    return this.lengths.byteLength + this.addresses.byteLength + this.values.byteLength + this.perLength.byteLength;
  }

  private slotOf(address: number, length: number): number {
    let h = Math.imul(address ^ Math.imul(length + 1, 0x9e3779b9), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** The value stored for the prefix, or 0 when absent (values are never 0). */
  get(address: number, length: number): number {
    const tag = length + 1;
    const lengths = this.lengths;
    const addresses = this.addresses;
    for (let i = this.slotOf(address, length); ; i = (i + 1) & this.mask) {
      const l = lengths[i]!;
      if (l === 0) return 0;
      if (l === tag && addresses[i] === address) return this.values[i]!;
    }
  }

  /** Sets the value (non-zero); returns the previous value or 0 when the prefix is new. */
  set(address: number, length: number, value: number): number {
    if ((this.count + 1) * 2 > this.lengths.length) this.grow();
    const tag = length + 1;
    for (let i = this.slotOf(address, length); ; i = (i + 1) & this.mask) {
      const l = this.lengths[i]!;
      if (l === 0) {
        this.lengths[i] = tag;
        this.addresses[i] = address;
        this.values[i] = value;
        this.count++;
        this.perLength[length]!++;
        return 0;
      }
      if (l === tag && this.addresses[i] === address) {
        const old = this.values[i]!;
        this.values[i] = value;
        return old;
      }
    }
  }

  /** Removes the prefix; returns its value or 0 when it was absent. */
  delete(address: number, length: number): number {
    const tag = length + 1;
    const mask = this.mask;
    let i = this.slotOf(address, length);
    for (; ; i = (i + 1) & mask) {
      const l = this.lengths[i]!;
      if (l === 0) return 0;
      if (l === tag && this.addresses[i] === address) break;
    }
    const old = this.values[i]!;
    this.count--;
    this.perLength[length]!--;
    // Backward shift: pull later members of the probe run into the hole so
    // that lookups never stop early at an empty slot.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const l = this.lengths[j]!;
      if (l === 0) break;
      const home = this.slotOf(this.addresses[j]!, l - 1);
      const movable = i <= j ? home <= i || home > j : home <= i && home > j;
      if (movable) {
        this.lengths[i] = l;
        this.addresses[i] = this.addresses[j]!;
        this.values[i] = this.values[j]!;
        i = j;
      }
    }
    this.lengths[i] = 0;
    return old;
  }

  /**
   * The longest stored prefix that covers `address` and is at most
   * `maxLength` long, as `length` (or -1); its value is `lastValue`.
   */
  longestCovering(address: number, maxLength: number): number {
    const perLength = this.perLength;
    for (let len = maxLength; len >= 0; len--) {
      if (perLength[len] === 0) continue;
      const a = len === 0 ? 0 : (address & (0xffff_ffff << (32 - len))) >>> 0;
      const v = this.get(a, len);
      if (v !== 0) {
        this.lastValue = v;
        return len;
      }
    }
    this.lastValue = 0;
    return -1;
  }

  /** The value of the prefix `longestCovering` found last. */
  lastValue = 0;

  /** Calls `fn` for every prefix, in no particular order. */
  forEach(fn: (address: number, length: number, value: number) => void): void {
    for (let i = 0; i < this.lengths.length; i++) {
      const l = this.lengths[i]!;
      if (l !== 0) fn(this.addresses[i]!, l - 1, this.values[i]!);
    }
  }

  clear(): void {
    this.bits = 4;
    this.mask = 15;
    this.lengths = new Uint8Array(16);
    this.addresses = new Uint32Array(16);
    this.values = new Uint32Array(16);
    this.count = 0;
    this.perLength.fill(0);
  }

  /** Makes room for `n` prefixes at once (a bulk load), so no rehash happens midway. */
  reserve(n: number): void {
    while (n * 2 > this.lengths.length) this.grow();
  }

  private grow(): void {
    const oldLengths = this.lengths;
    const oldAddresses = this.addresses;
    const oldValues = this.values;
    this.bits++;
    const size = 1 << this.bits;
    this.mask = size - 1;
    this.lengths = new Uint8Array(size);
    this.addresses = new Uint32Array(size);
    this.values = new Uint32Array(size);
    for (let j = 0; j < oldLengths.length; j++) {
      const l = oldLengths[j]!;
      if (l === 0) continue;
      let i = this.slotOf(oldAddresses[j]!, l - 1);
      while (this.lengths[i] !== 0) i = (i + 1) & this.mask;
      this.lengths[i] = l;
      this.addresses[i] = oldAddresses[j]!;
      this.values[i] = oldValues[j]!;
    }
  }
}

/**
 * The prefixes whose best route changed since the engine last handed the
 * changes to its peers, each with the index of the peer its new best
 * route came from (0: our own, -1: none), so that a peer's own routes are
 * passed over without looking them up again (a full table from one peer
 * is a million of them, and none goes back to it). Repeats are harmless
 * (the Adj-RIB-Out sees no change the second time).
 *
 * Two typed columns and a count, reused from batch to batch (the engine
 * keeps the last batch it handed out as its next one): growing a fresh
 * array of keys for every chunk read allocated tens of megabytes per
 * table received.
 */
export class ChangedKeys {
  keys: Float64Array = new Float64Array(256);
  sources: Int32Array = new Int32Array(256);
  count = 0;

  add(key: number, source: number): void {
    if (this.count === this.keys.length) {
      const keys = new Float64Array(this.count * 2);
      keys.set(this.keys);
      this.keys = keys;
      const sources = new Int32Array(this.count * 2);
      sources.set(this.sources);
      this.sources = sources;
    }
    this.keys[this.count] = key;
    this.sources[this.count++] = source;
  }
}

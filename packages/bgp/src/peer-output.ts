import { PrefixTable } from './prefix-table.js';

/**
 * Octets of UPDATEs the engine packs for one peer per step (a slice ends
 * at the first message past it). Large enough that a slice costs little
 * overhead (one write of several hundred messages), small enough that
 * packing it takes a few milliseconds, so timers and other peers are
 * served between slices, that a peer which stops reading holds at most
 * about this much beyond its socket buffers, and that a slice's
 * temporaries die young: a full table out (`fullTableOut` in
 * tools/bench) took 1.5-2.0 s CPU and +65 MB peak RSS with 64 KiB
 * slices, 1.9-2.6 s and +170-260 MB with 256-512 KiB ones, whose
 * temporaries outlive young-generation collections.
 */
export const OUTPUT_SLICE = 64 * 1024;

/**
 * What an Established peer still has to be sent, kept as prefix keys
 * rather than messages, so that a peer which reads slowly costs the
 * speaker a few octets per changed prefix and not the UPDATEs themselves:
 * the engine packs UPDATEs from these, one bounded slice at a time, only
 * while the peer's connection takes them.
 */

/**
 * A first-in first-out queue of prefix keys in which a key is at most
 * once: pushing a key that is already waiting does nothing. It names
 * prefixes whose route may have changed, not the change: whatever the
 * prefix looks like when its turn comes is what is sent, so a prefix that
 * changed three times goes out once, with its latest state (coalescing,
 * as every BGP daemon does it).
 */
export class PrefixQueue {
  private keys: number[] = [];
  private head = 0;
  private readonly waiting = new PrefixTable();

  get size(): number {
    return this.keys.length - this.head;
  }

  /** Queues `key` unless it is already waiting; returns true when it was added. */
  push(key: number): boolean {
    if (this.waiting.has(key)) return false;
    this.waiting.set(key, 0);
    this.keys.push(key);
    return true;
  }

  /** The oldest key, removed from the queue; undefined when empty. */
  shift(): number | undefined {
    if (this.head === this.keys.length) return undefined;
    const key = this.keys[this.head++]!;
    this.waiting.delete(key);
    if (this.head === this.keys.length) this.reset();
    else if (this.head >= 4096 && this.head * 2 >= this.keys.length) {
      // drop the consumed front now and then, so a long-lived queue does not keep it
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  clear(): void {
    this.reset();
    this.waiting.clear();
  }

  private reset(): void {
    this.keys = [];
    this.head = 0;
  }
}

/**
 * The keys of a Loc-RIB (prefix key -> attribute-set id) ordered by
 * attribute set, so that a table sent in slices finds the prefixes of one
 * set together and packs them into shared UPDATEs, as if the whole table
 * were grouped at once. One pass over the table, then a counting sort
 * in typed arrays (no comparison sort): a million routes take a few tens
 * of milliseconds.
 */
export function keysBySet(table: Pick<PrefixTable, 'size' | 'forEach'>): Float64Array {
  const n = table.size;
  const keys = new Float64Array(n);
  const ids = new Int32Array(n);
  let at = 0;
  let maxId = 0;
  table.forEach((key, id) => {
    keys[at] = key;
    ids[at++] = id;
    if (id > maxId) maxId = id;
  });
  // next[id]: where the next key of set `id` goes
  const next = new Int32Array(maxId + 2);
  for (let i = 0; i < n; i++) next[ids[i]! + 1]!++;
  for (let i = 1; i < next.length; i++) next[i]! += next[i - 1]!;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[next[ids[i]!]!++] = keys[i]!;
  return sorted;
}

/**
 * One peer's outbound state: the changes waiting for it, the initial
 * table still to go (a snapshot of the Loc-RIB's keys and a cursor), and
 * the MinRouteAdvertisementInterval rounds (RFC 4271 §9.2.1.1).
 *
 * MRAI as FRR and Cisco implement it, per peer: changes that arrive while
 * the interval runs wait, and when it ends they all go out as one round
 * (the keys waiting when the round starts; later ones wait for the next
 * round), after which the interval starts again. Withdrawals do not wait
 * (`withdrawals`, used only when the interval is set).
 */
export class PeerOutput {
  /** Prefixes whose route to this peer may have changed. */
  readonly changes = new PrefixQueue();
  /** With MRAI: prefixes to withdraw, which do not wait for the interval. */
  readonly withdrawals = new PrefixQueue();
  /** A pass over the Loc-RIB (the initial table, a ROUTE-REFRESH, a new export policy): its keys, sent from `tableAt` on. */
  table: Float64Array | undefined;
  tableAt = 0;
  /** End-of-RIB follows the pass (RFC 4724 §2). */
  endOfRib = false;
  /** Send the pass's routes even where the Adj-RIB-Out already has them (ROUTE-REFRESH). */
  resend = false;
  /** Keys of `changes` left in the current MRAI round. */
  round = 0;
  /** MRAI: no new round starts before this time (ms). */
  advertiseAfter = 0;

  /** `interval` in milliseconds; 0 disables MRAI. */
  constructor(readonly interval: number) {}

  /**
   * Starts a pass over `keys` (the Loc-RIB's, ordered by `keysBySet`). A
   * pass under way starts over with the new keys and keeps its End-of-RIB
   * and resend.
   */
  startTable(keys: Float64Array, pass: { readonly endOfRib: boolean; readonly resend: boolean }): void {
    const running = this.table !== undefined;
    this.endOfRib = pass.endOfRib || (running && this.endOfRib);
    this.resend = pass.resend || (running && this.resend);
    this.table = keys;
    this.tableAt = 0;
  }

  /** The pass is done (its last key packed); returns whether End-of-RIB is due. */
  endTable(): boolean {
    const endOfRib = this.endOfRib;
    this.table = undefined;
    this.tableAt = 0;
    this.endOfRib = false;
    this.resend = false;
    return endOfRib;
  }

  /** True when changes wait for the interval to end. */
  held(now: number): boolean {
    return this.interval > 0 && this.round === 0 && now < this.advertiseAfter;
  }

  /**
   * Starts a round of the waiting changes when none is running and the
   * interval allows; the interval runs from now, scaled by `jitter` (RFC
   * 4271 §10: 0.75..1). Returns true when changes may be sent.
   */
  openRound(now: number, jitter: () => number): boolean {
    if (this.interval === 0) return true;
    if (this.round > 0) return true;
    if (now < this.advertiseAfter || this.changes.size === 0) return false;
    this.round = this.changes.size;
    this.advertiseAfter = now + this.interval * (0.75 + 0.25 * jitter());
    return true;
  }

  /** The next changed key, counting down the round; undefined when none may go now. */
  nextChange(): number | undefined {
    if (this.interval > 0) {
      if (this.round === 0) return undefined;
      this.round--;
    }
    return this.changes.shift();
  }

  /** When the changes waiting for the interval may go (undefined when none wait for it). */
  waitingUntil(): number | undefined {
    return this.interval > 0 && this.round === 0 && this.changes.size > 0 ? this.advertiseAfter : undefined;
  }

  /** Something can be packed now (not counting changes held by MRAI). */
  ready(now: number): boolean {
    return this.withdrawals.size > 0 || this.table !== undefined || (this.changes.size > 0 && !this.held(now));
  }

  /** Forgets everything (the session went down). */
  clear(): void {
    this.changes.clear();
    this.withdrawals.clear();
    this.endTable();
    this.round = 0;
    this.advertiseAfter = 0;
  }
}

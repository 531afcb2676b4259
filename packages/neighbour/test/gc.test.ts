import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { MAC_BROADCAST, type Ipv4Address } from '@wirestack/core';
import { arpFlood } from '../src/arbitraries.js';
import { OUR_IP, PEER_MAC, makeTable, packet, requestFrom } from './helpers.js';

const ip = (n: number): Ipv4Address => ((0x0a01_0000 + n) >>> 0) as Ipv4Address;

/** global.gc when node runs with --expose-gc, else the same function obtained at run time. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

describe('garbage collection thresholds', () => {
  it('refuses a new entry at gc_thresh3 when nothing can be evicted, and counts it', () => {
    const t = makeTable({ gcThresh1: 2, gcThresh2: 3, gcThresh3: 4 });
    for (let i = 0; i < 4; i++) t.receiveArp(requestFrom(ip(i), PEER_MAC), 0, MAC_BROADCAST);
    expect(t.size).toBe(4);
    // All four were updated within 5 s: no reply, no entry.
    expect(t.receiveArp(requestFrom(ip(4), PEER_MAC), 100, MAC_BROADCAST)).toEqual([]);
    expect(t.resolve(ip(5), packet(), 100)).toEqual({ status: 'dropped', reason: 'table-full', actions: [] });
    expect(t.stats()).toMatchObject({ entries: 4, tableFulls: 2, forcedGcRuns: 2 });
    expect(() => t.set(ip(6), PEER_MAC, 'STALE', 100)).toThrow(RangeError);
    // PERMANENT entries are exempt from the limit and from collection.
    t.set(ip(7), PEER_MAC, 'PERMANENT', 100);
    expect(t.size).toBe(5);
  });

  it('forced GC evicts the oldest collectable entries down to gc_thresh2, sparing entries with timers', () => {
    const t = makeTable({ gcThresh1: 2, gcThresh2: 3, gcThresh3: 6 });
    t.resolve(ip(0), packet(), 0); // INCOMPLETE: holds a timer
    for (let i = 1; i < 6; i++) t.receiveArp(requestFrom(ip(i), PEER_MAC), i, MAC_BROADCAST); // STALE
    t.tick(2_500);
    t.resolve(ip(0), packet(), 2_500); // still INCOMPLETE (fails at 3 s)
    expect(t.size).toBe(6);
    t.receiveArp(requestFrom(ip(9), PEER_MAC), 2_999, MAC_BROADCAST);
    // Full, all updated < 5 s ago: refused.
    expect(t.get(ip(9))).toBeUndefined();
    t.receiveArp(requestFrom(ip(9), PEER_MAC), 5_003, MAC_BROADCAST);
    // At 5.003 s, ip(1) and ip(2) (updated at 1 and 2 ms) and the FAILED ip(0) are collectable;
    // the walk goes oldest first and stops once 6 - 3 = 3 are gone.
    expect(t.get(ip(0))).toBeUndefined();
    expect(t.get(ip(1))).toBeUndefined();
    expect(t.get(ip(2))).toBeUndefined();
    expect(t.get(ip(3))?.state).toBe('STALE');
    expect(t.get(ip(9))?.state).toBe('STALE');
    expect(t.size).toBe(4);
  });

  it('above gc_thresh2 the forced GC runs at most every 5 s', () => {
    const t = makeTable({ gcThresh1: 0, gcThresh2: 2, gcThresh3: 100 });
    for (let i = 0; i < 10; i++) t.receiveArp(requestFrom(ip(i), PEER_MAC), 0, MAC_BROADCAST);
    expect(t.stats().forcedGcRuns).toBe(0);
    t.receiveArp(requestFrom(ip(10), PEER_MAC), 5_001, MAC_BROADCAST);
    expect(t.stats().forcedGcRuns).toBe(1);
    expect(t.size).toBe(3); // shrunk to gc_thresh2, then the new entry
    t.receiveArp(requestFrom(ip(11), PEER_MAC), 6_000, MAC_BROADCAST);
    expect(t.stats().forcedGcRuns).toBe(1);
  });
});

describe('ARP flood', () => {
  // 100 senders per ms: the table fills far faster than entries age past the
  // forced GC's 5 s, so most senders are refused. 1 per ms: entries age out,
  // the forced GC evicts the oldest for each new sender (a full walk each
  // time, hence fewer senders), and the periodic GC runs too.
  it.each([
    { count: 1_000_000, perMs: 100, minRefused: 900_000, periodic: 0 },
    { count: 300_000, perMs: 1, minRefused: 1, periodic: Math.floor(299_999 / 30_000) },
  ])('$count distinct senders at $perMs per ms keep the table at or under gc_thresh3 with bounded memory', ({ count, perMs, minRefused, periodic }) => {
    const t = makeTable();
    const { gcThresh3 } = t.parameters;
    const gc = collector();
    const heap = (): number => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    let replies = 0;
    let maxSize = 0;
    let i = 0;
    let baseline = 0;
    for (const request of arpFlood(OUR_IP, count)) {
      const actions = t.receiveArp(request, Math.floor(i / perMs), MAC_BROADCAST);
      replies += actions.length;
      if (t.size > maxSize) maxSize = t.size;
      if (++i === count / 10) baseline = heap();
    }
    const after = heap();
    const s = t.stats();
    expect(maxSize).toBe(gcThresh3);
    expect(s.tableFulls).toBeGreaterThanOrEqual(minRefused);
    expect(s.forcedGcRuns).toBeGreaterThanOrEqual(s.tableFulls); // every refusal follows a forced GC that freed nothing
    expect(s.periodicGcRuns).toBe(periodic);
    expect(s.allocs - s.destroys).toBe(t.size);
    expect(s.allocs + s.tableFulls).toBe(count);
    // Only senders that got an entry are answered (the kernel does the same when full).
    expect(replies).toBe(s.allocs);
    expect(s.rcvProbesMcast).toBe(count);
    // Structure: the index is at most twice the peak entry count, rounded up to a power of two.
    expect(t.indexSlots).toBeLessThanOrEqual(4 * gcThresh3);
    if (gc) expect(after - baseline).toBeLessThan(8 * 1024 * 1024);
  });
});

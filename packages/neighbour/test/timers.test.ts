import { describe, expect, it } from 'vitest';
import { MAC_BROADCAST, parseIpv4 } from '@wirestack/core';
import { PEER_IP, PEER_MAC, learnReachable, makeTable, packet, replyFrom, requestFrom, sentArp, stateOf } from './helpers.js';

/**
 * Every timer at its edge: one millisecond before the deadline nothing has
 * happened, at the deadline it has. Each test builds the same history twice
 * and only the final tick differs.
 */
describe('timer boundaries', () => {
  it('INCOMPLETE retransmits at exactly retrans_time', () => {
    const before = makeTable();
    before.resolve(PEER_IP, packet(), 100);
    expect(before.nextDeadline()).toBe(1_100);
    expect(before.tick(1_099)).toEqual([]);
    expect(sentArp(before.tick(1_100))).toEqual([[1, PEER_IP, MAC_BROADCAST]]);
    expect(before.nextDeadline()).toBe(2_100);
  });

  it('REACHABLE ends at exactly confirmed + reachable_time (fast path and timer agree)', () => {
    const t = makeTable();
    learnReachable(t, 700);
    expect(t.nextDeadline()).toBe(30_000); // the periodic GC comes first
    t.tick(30_000);
    expect(t.nextDeadline()).toBe(30_700);
    expect(t.lookup(PEER_IP, 30_699)).toBe(PEER_MAC);
    expect(t.lookup(PEER_IP, 30_700)).toBe(-1);
    t.tick(30_699);
    expect(stateOf(t, PEER_IP)).toBe('REACHABLE');
    t.tick(30_700);
    expect(stateOf(t, PEER_IP)).toBe('STALE');
  });

  it('DELAY probes at exactly delay_first_probe_time', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.resolve(PEER_IP, packet(), 31_000); // STALE -> DELAY
    expect(t.tick(35_999)).toEqual([]);
    expect(stateOf(t, PEER_IP)).toBe('DELAY');
    expect(sentArp(t.tick(36_000))).toEqual([[1, PEER_IP, PEER_MAC]]);
    expect(stateOf(t, PEER_IP)).toBe('PROBE');
  });

  it('PROBE fails at exactly ucast_probes * retrans_time after it began', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.resolve(PEER_IP, packet(), 31_000);
    t.tick(38_999);
    expect(stateOf(t, PEER_IP)).toBe('PROBE');
    expect(t.get(PEER_IP)?.probes).toBe(3);
    t.tick(39_000);
    expect(stateOf(t, PEER_IP)).toBe('FAILED');
  });

  it('a confirmation at the instant DELAY began counts; one a millisecond earlier does not', () => {
    for (const [confirmAt, expected] of [[31_000, 'REACHABLE'], [30_999, 'PROBE']] as const) {
      const t = makeTable();
      learnReachable(t, 0);
      t.tick(30_000); // STALE
      t.confirm(PEER_IP, confirmAt);
      t.resolve(PEER_IP, packet(), 31_000); // DELAY until 36 s
      t.tick(36_000);
      expect(stateOf(t, PEER_IP)).toBe(expected);
    }
  });

  it('an expiring REACHABLE entry goes to DELAY when used within delay_first_probe_time, inclusive', () => {
    for (const [delay, expected] of [[4_000, 'DELAY'], [3_999, 'STALE']] as const) {
      const t = makeTable({ baseReachableTime: 4_000, delayFirstProbeTime: delay });
      learnReachable(t, 0); // used 0, confirmed 0, reachable_time 4 s
      t.tick(4_000);
      expect(stateOf(t, PEER_IP)).toBe(expected);
    }
  });

  it('locktime: a new address is taken only strictly after updated + locktime', () => {
    for (const [at, taken] of [[1_000, false], [1_001, true]] as const) {
      const t = makeTable();
      learnReachable(t, 0);
      t.receiveArp(replyFrom(PEER_IP, 0x0200_0000_0042 as never), at);
      expect(t.get(PEER_IP)?.mac === PEER_MAC).toBe(!taken);
    }
  });

  it('periodic GC removes an unused entry at exactly gc_stale_time, not before', () => {
    const t = makeTable({ gcThresh1: 0, gcInterval: 10_000 });
    t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 0, MAC_BROADCAST); // STALE, used 0
    const late = parseIpv4('10.0.0.3');
    t.receiveArp(requestFrom(late, PEER_MAC), 1, MAC_BROADCAST); // used 1
    t.tick(59_999);
    expect(t.size).toBe(2);
    expect(t.stats().periodicGcRuns).toBe(5);
    t.tick(60_000);
    expect(t.get(PEER_IP)).toBeUndefined();
    expect(stateOf(t, late)).toBe('STALE');
    t.tick(70_000);
    expect(t.size).toBe(0);
  });

  it('periodic GC does nothing below gc_thresh1 and never touches entries with timers or PERMANENT ones', () => {
    const quiet = makeTable({ gcInterval: 10_000 });
    quiet.receiveArp(requestFrom(PEER_IP, PEER_MAC), 0, MAC_BROADCAST);
    quiet.tick(1_000_000);
    expect(stateOf(quiet, PEER_IP)).toBe('STALE'); // 1 entry < gc_thresh1 (128): kept forever, as in Linux

    const busy = makeTable({ gcThresh1: 0, gcInterval: 10_000 });
    busy.set(parseIpv4('10.0.0.9'), PEER_MAC, 'PERMANENT', 0);
    busy.resolve(PEER_IP, packet(), 0); // INCOMPLETE, then FAILED at 3 s
    busy.tick(9_999);
    expect(stateOf(busy, PEER_IP)).toBe('FAILED');
    busy.tick(10_000); // FAILED entries go at the next run whatever their age
    expect(busy.get(PEER_IP)).toBeUndefined();
    busy.tick(1_000_000);
    expect(stateOf(busy, parseIpv4('10.0.0.9'))).toBe('PERMANENT');
  });

  it('the forced GC spares entries updated within the last 5 s (inclusive)', () => {
    for (const [age, evicted] of [[5_000, false], [5_001, true]] as const) {
      // gc_thresh2 = 1, gc_thresh3 = 2: new entries trigger the forced GC (at 2 always, at 1 if the last ran 5 s ago).
      const t = makeTable({ gcThresh2: 1, gcThresh3: 2 });
      t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 0, MAC_BROADCAST);
      t.receiveArp(requestFrom(parseIpv4('10.0.0.3'), PEER_MAC), age, MAC_BROADCAST);
      t.receiveArp(requestFrom(parseIpv4('10.0.0.4'), PEER_MAC), age, MAC_BROADCAST);
      expect(t.get(PEER_IP) === undefined).toBe(evicted);
      expect(t.get(parseIpv4('10.0.0.4')) !== undefined).toBe(evicted);
      expect(t.stats()).toMatchObject({ forcedGcRuns: 1, tableFulls: evicted ? 0 : 1 });
      expect(t.size).toBe(2);
    }
  });

  it('nextDeadline is the earliest of the entry timers and the periodic GC, and tick is idempotent', () => {
    const t = makeTable({}, 1_000);
    expect(t.nextDeadline()).toBe(31_000);
    t.resolve(PEER_IP, packet(), 1_000);
    expect(t.nextDeadline()).toBe(2_000);
    t.tick(2_000);
    expect(t.tick(2_000)).toEqual([]);
    expect(t.nextDeadline()).toBe(3_000);
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 2_500);
    expect(t.nextDeadline()).toBe(31_000);
    t.tick(31_000);
    expect(t.nextDeadline()).toBe(32_500);
  });

  it('timers run at their own deadlines however late tick is called', () => {
    const late = makeTable();
    learnReachable(late, 0);
    late.resolve(PEER_IP, packet(), 40_000); // STALE since 30 s -> DELAY at 40 s
    const actions = late.tick(1_000_000);
    // Probes at 45, 46, 47 s, FAILED at 48 s: all in one call.
    expect(sentArp(actions)).toEqual([
      [1, PEER_IP, PEER_MAC],
      [1, PEER_IP, PEER_MAC],
      [1, PEER_IP, PEER_MAC],
    ]);
    expect(late.get(PEER_IP)).toMatchObject({ state: 'FAILED', updated: 48_000 });
  });
});

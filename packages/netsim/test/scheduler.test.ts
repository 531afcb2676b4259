import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../src/index.js';

describe('VirtualScheduler', () => {
  it('runs events in time order, FIFO at equal times, and advances the clock', () => {
    const s = new VirtualScheduler();
    const seen: string[] = [];
    s.at(10, () => seen.push(`b@${s.now()}`));
    s.at(5, () => seen.push(`a@${s.now()}`));
    s.at(10, () => seen.push(`c@${s.now()}`));
    s.at(7, () => s.at(s.now() + 1, () => seen.push(`nested@${s.now()}`)));
    expect(s.run()).toBe(5);
    expect(seen).toEqual(['a@5', 'nested@8', 'b@10', 'c@10']);
    expect(s.now()).toBe(10);
  });

  it('cancels events and ignores background events when deciding to stop', () => {
    const s = new VirtualScheduler();
    const seen: number[] = [];
    const h = s.at(3, () => seen.push(3));
    s.at(1, () => seen.push(1));
    s.at(100, () => seen.push(100), { background: true });
    h.cancel();
    s.run();
    expect(seen).toEqual([1]);
    expect(s.pending).toBe(1);
    s.runFor(200);
    expect(seen).toEqual([1, 100]);
    expect(s.now()).toBe(201);
  });

  it('runUntil stops as soon as the predicate holds, or at the timeout', () => {
    const s = new VirtualScheduler();
    let n = 0;
    const tick = (): void => {
      n++;
      s.at(s.now() + 10, tick);
    };
    s.at(0, tick);
    expect(s.runUntil(() => n === 5)).toBe(true);
    expect(s.now()).toBe(40);
    expect(s.runUntil(() => n === 1000, 100)).toBe(false);
    expect(n).toBe(15);
  });

  it('throws instead of hanging on a runaway simulation', () => {
    const s = new VirtualScheduler(1000);
    const loop = (): void => {
      s.at(s.now(), loop);
    };
    s.at(0, loop);
    expect(() => s.run()).toThrow(/more than 1000 events/);
  });
});

/**
 * The one place netsim touches real timers: a Scheduler whose `now()` is
 * the wall clock and whose events are setTimeout (or setImmediate) callbacks. Use it when a
 * simulated device talks to the outside world (a real UDP underlay, a Linux
 * kernel peer). Background events get unref'd timers, so housekeeping does
 * not keep the process alive.
 */
import type { ScheduleOptions, Scheduler, TimerHandle } from './scheduler.js';

export class RealTimeScheduler implements Scheduler {
  private readonly start = performance.now();

  now(): number {
    return performance.now() - this.start;
  }

  at(time: number, fn: () => void, options?: ScheduleOptions): TimerHandle {
    const delay = time - this.now();
    // setTimeout waits at least 1 ms: work due now (a frame crossing a
    // zero-latency link) goes through setImmediate, after pending I/O.
    if (delay <= 0 && typeof setImmediate === 'function') {
      const immediate = setImmediate(fn);
      if (options?.background === true) immediate.unref();
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(fn, Math.max(0, delay));
    if (options?.background === true) (timer as { unref?: () => void }).unref?.();
    return { cancel: () => clearTimeout(timer) };
  }
}

/**
 * Time for a simulated network. Devices never read a clock or call
 * setTimeout themselves: they ask a Scheduler for `now()` and to run work
 * `at` a time. The VirtualScheduler below jumps from event to event, so a
 * simulation is deterministic and runs as fast as the CPU allows; the
 * RealTimeScheduler (real-time.ts) binds the same calls to real timers for
 * interop with the outside world.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface ScheduleOptions {
  /**
   * Housekeeping (neighbour and bridge ageing, GC): a background event runs
   * when its time comes but does not keep `run()` going by itself, as an
   * unref'd Node timer does not keep a process alive.
   */
  readonly background?: boolean;
}

export interface Scheduler {
  /** Milliseconds since the scheduler started. */
  now(): number;
  /** Runs `fn` at `time` (ms; a time in the past means as soon as possible, after events already due). */
  at(time: number, fn: () => void, options?: ScheduleOptions): TimerHandle;
}

interface Event {
  readonly fn: () => void;
  readonly background: boolean;
  cancelled: boolean;
}

/** The events due at one time, in insertion order; `head` is the next to run. */
interface Bucket {
  readonly events: Event[];
  head: number;
}

/** Stops runaway simulations (e.g. a forwarding loop) with an error instead of a hang. */
const DEFAULT_MAX_EVENTS = 50_000_000;

/**
 * Discrete-event scheduler. Events run in (time, insertion) order. They are
 * kept in one FIFO bucket per distinct time, and a binary heap orders the
 * times: a bridge flooding a frame to 1,000 ports, or 1,000 hosts starting
 * at once, adds one heap entry, not 1,000.
 */
export class VirtualScheduler implements Scheduler {
  private times: number[] = [];
  private readonly buckets = new Map<number, Bucket>();
  private clock = 0;
  private foreground = 0;
  private live = 0;
  /** Events run so far. */
  executed = 0;

  constructor(private readonly maxEvents = DEFAULT_MAX_EVENTS) {}

  now(): number {
    return this.clock;
  }

  at(time: number, fn: () => void, options?: ScheduleOptions): TimerHandle {
    const background = options?.background === true;
    const event: Event = { fn, background, cancelled: false };
    const when = time > this.clock ? time : this.clock;
    let bucket = this.buckets.get(when);
    if (bucket === undefined) {
      bucket = { events: [], head: 0 };
      this.buckets.set(when, bucket);
      this.pushTime(when);
    }
    bucket.events.push(event);
    this.live++;
    if (!background) this.foreground++;
    return {
      cancel: () => {
        if (event.cancelled) return;
        event.cancelled = true;
        this.live--;
        if (!event.background) this.foreground--;
      },
    };
  }

  /** Events waiting, background ones included, cancelled ones not. */
  get pending(): number {
    return this.live;
  }

  /** Runs events until only background events are left. Returns the number run. */
  run(): number {
    return this.loop(() => this.foreground > 0, Infinity);
  }

  /** Runs every event due in the next `ms` milliseconds, then sets the clock to now + ms. */
  runFor(ms: number): number {
    const end = this.clock + ms;
    const n = this.loop(() => true, end);
    this.clock = end;
    return n;
  }

  /**
   * Runs events until `predicate()` holds (checked before each event), no
   * foreground event is left, or `timeout` ms of virtual time have passed.
   * Returns whether the predicate holds.
   */
  runUntil(predicate: () => boolean, timeout = Infinity): boolean {
    const end = this.clock + timeout;
    this.loop(() => !predicate() && this.foreground > 0, end);
    return predicate();
  }

  private loop(proceed: () => boolean, end: number): number {
    let n = 0;
    while (this.times.length > 0) {
      const time = this.times[0]!;
      if (time > end) break;
      const bucket = this.buckets.get(time)!;
      const events = bucket.events;
      // Events added at `time` while it runs join this bucket and run in turn.
      while (bucket.head < events.length) {
        if (!proceed()) return n;
        const e = events[bucket.head++]!;
        if (e.cancelled) continue;
        e.cancelled = true; // a cancel() from inside fn is a no-op
        this.live--;
        if (!e.background) this.foreground--;
        this.clock = time;
        e.fn();
        n++;
        if (++this.executed > this.maxEvents) {
          throw new Error(`netsim: more than ${this.maxEvents} events; a forwarding loop?`);
        }
      }
      this.buckets.delete(time);
      this.popTime();
    }
    return n;
  }

  private pushTime(t: number): void {
    const h = this.times;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= t) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = t;
  }

  private popTime(): void {
    const h = this.times;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

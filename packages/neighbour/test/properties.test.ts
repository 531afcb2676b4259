import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { NeighbourTable } from '../src/index.js';
import { applyNeighbourEvent, defaultPool, neighbourEvents, type TestPacket } from '../src/arbitraries.js';
import { HALF } from './helpers.js';

const pool = defaultPool();

function table(parameters = {}): NeighbourTable<TestPacket> {
  return new NeighbourTable<TestPacket>({ mac: pool.ourMac, addresses: [{ address: pool.ourIp, length: 24 }], random: HALF, parameters });
}

describe('properties over random event sequences', () => {
  it('the outcome does not depend on how often the driver ticks', () => {
    fc.assert(
      fc.property(neighbourEvents(pool), fc.array(fc.integer({ min: 1, max: 3_000 }), { minLength: 1, maxLength: 5 }), (events, extra) => {
        const lazy = table();
        const eager = table();
        let now = 0;
        const lazyActions: unknown[] = [];
        const eagerActions: unknown[] = [];
        for (const [i, event] of events.entries()) {
          // The eager driver also ticks at every deadline and at extra points in between.
          if (event.kind === 'advance') {
            const to = now + event.ms;
            for (let d = eager.nextDeadline(); d !== undefined && d <= to; d = eager.nextDeadline()) eagerActions.push(...eager.tick(d));
            for (const x of extra) if (now + x <= to) eagerActions.push(...eager.tick(now + x));
          }
          const a = applyNeighbourEvent(lazy, event, now, i);
          const b = applyNeighbourEvent(eager, event, now, i);
          lazyActions.push(...a.actions);
          eagerActions.push(...b.actions);
          expect(b.resolution?.status).toBe(a.resolution?.status);
          now = a.now;
        }
        expect(eager.entries()).toEqual(lazy.entries());
        expect(eagerActions).toEqual(lazyActions);
      }),
      { numRuns: 300 },
    );
  });

  it('invariants hold after every event, also with tiny tables', () => {
    fc.assert(
      fc.property(neighbourEvents(pool, { maxLength: 80 }), fc.boolean(), (events, tiny) => {
        const t = table(tiny ? { gcThresh1: 0, gcThresh2: 1, gcThresh3: 2, unresQlenBytes: 2_000 } : {});
        let now = 0;
        for (const [i, event] of events.entries()) {
          const r = applyNeighbourEvent(t, event, now, i);
          now = r.now;
          const s = t.stats();
          expect(t.size).toBeLessThanOrEqual(tiny ? 2 : 1024);
          expect(s.allocs - s.destroys).toBe(t.size);
          expect(s.hits).toBeLessThanOrEqual(s.lookups);
          const deadline = t.nextDeadline();
          expect(deadline).toBeGreaterThan(now);
          for (const e of t.entries()) {
            // Packets wait only on INCOMPLETE entries, within unres_qlen_bytes unless one packet alone exceeds it.
            if (e.queuedPackets > 0) expect(e.state).toBe('INCOMPLETE');
            if (e.queuedPackets > 1) expect(e.queuedBytes).toBeLessThanOrEqual(t.parameters.unresQlenBytes);
            // Exactly the timer states have a timer, and it is in the future.
            const timed = ['INCOMPLETE', 'REACHABLE', 'DELAY', 'PROBE'].includes(e.state);
            expect(e.timer !== undefined).toBe(timed);
            if (e.timer !== undefined) expect(e.timer).toBeGreaterThan(now);
            expect(e.mac !== undefined).toBe(!['INCOMPLETE', 'FAILED'].includes(e.state));
          }
          for (const a of r.actions) {
            if (a.type === 'send-arp') expect(a.packet.sha).toBe(pool.ourMac);
            if (a.type === 'transmit') expect(pool.macs).toContain(a.mac);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Random event sequences from the package's arbitraries: nothing throws, the FDB respects its limits. */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge } from '../src/index.js';
import { bridgeEvents, macPool } from '../src/arbitraries.js';

describe('random events', () => {
  it('decisions are well formed and limits hold', () => {
    fc.assert(
      fc.property(
        macPool(8).chain((hosts) => fc.tuple(fc.constant(hosts), bridgeEvents({ hosts, ports: 4, vids: [1, 5, 9], maxAdvance: 200_000 }))),
        fc.boolean(),
        ([, events], filtering) => {
          const br = new Bridge({ vlanFiltering: filtering, maxLearned: 5, ageingTime: 300_000 });
          for (let p = 1; p <= 4; p++) {
            br.addPort({ name: `p${p}`, maxLearned: 3 });
            br.vlanAdd(p, 5 + (p % 2) * 4);
          }
          const view = new EthernetView();
          let now = 0;
          for (const e of events) {
            if (e.kind === 'advance') {
              now += e.ms;
              br.advance(now);
              continue;
            }
            const d = br.receive(e.port, view.reset(e.frame.bytes), now);
            const out = d.egressPorts();
            expect(out).not.toContain(e.port); // no hairpin configured
            if (d.action === 'forward') expect(out).toHaveLength(1);
            if (d.action === 'drop') expect(d.reason).toBeDefined();
            const stats = br.fdbStats();
            expect(stats.learned).toBeLessThanOrEqual(5);
            for (let p = 1; p <= 4; p++) expect(br.port(p).learnedEntries).toBeLessThanOrEqual(3);
          }
          const c = br.counters();
          expect(c.received).toBe(events.filter((e) => e.kind === 'frame').length);
          expect(c.dropped + c.forwarded + c.flooded + c.delivered + c.trapped).toBe(c.received);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import type { Ipv4Address } from '@wirestack/core';
import { Rib, RouteError, defaultTableFor, type Route, type RouteInput, type RouteEvent } from '../src/index.js';
import { clusteredPrefixes, probeAddresses, routeInput } from '../src/arbitraries.js';
import { covers } from './oracle.js';

/**
 * The RIB against a tiny model: per (table, prefix) the list of routes in
 * metric order, and a lookup that is a linear scan through the default
 * rules (local, main, default; throw passes on).
 */
interface ModelRoute {
  table: number;
  address: number;
  length: number;
  metric: number;
  type: string;
  nexthops: { gateway?: number; ifindex?: number }[];
}

const RULES = [255, 254, 253];

class Model {
  readonly routes: ModelRoute[] = [];

  find(table: number, address: number, length: number): ModelRoute[] {
    return this.routes
      .filter((r) => r.table === table && r.address === address && r.length === length)
      .sort((a, b) => a.metric - b.metric);
  }

  lookup(dst: number, tables: readonly number[] = RULES): ModelRoute | undefined {
    for (const table of tables) {
      let best: ModelRoute | undefined;
      for (const r of this.routes) {
        if (r.table !== table || !covers(r.address, r.length, dst)) continue;
        if (best === undefined || r.length > best.length || (r.length === best.length && r.metric < best.metric)) best = r;
      }
      if (best === undefined || (best.type === 'throw' && tables.length > 1)) continue;
      return best;
    }
    return undefined;
  }

  selected(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.routes) {
      const k = `${r.table}|${r.address}/${r.length}`;
      const m = out.get(k);
      if (m === undefined || r.metric < m) out.set(k, r.metric);
    }
    return out;
  }
}

function toModel(r: RouteInput): ModelRoute {
  const type = r.type ?? 'unicast';
  return {
    table: r.table ?? defaultTableFor(type),
    address: r.destination.address,
    length: r.destination.length,
    metric: r.metric ?? 0,
    type,
    nexthops: (r.nexthops ?? []).map((n) => ({ ...(n.gateway === undefined ? {} : { gateway: n.gateway }), ...(n.ifindex === undefined ? {} : { ifindex: n.ifindex }) })),
  };
}

function summary(r: Route | ModelRoute | undefined): string {
  if (r === undefined) return 'none';
  const [address, length] = 'destination' in r ? [r.destination.address, r.destination.length] : [r.address, r.length];
  return `${r.type} ${address}/${length} table ${r.table} metric ${r.metric}`;
}

interface Op {
  op: 'add' | 'replace' | 'append' | 'delete';
  route: RouteInput;
  withMetric?: boolean;
}

const routes = (prefixes: { address: Ipv4Address; length: number }[], tables: number[]) =>
  routeInput({
    tables,
    types: ['unicast', 'unicast', 'unicast', 'unicast', 'blackhole', 'unreachable', 'prohibit', 'throw'],
    prefixes: fc.constantFrom(...prefixes),
  });

const scenario = (tables = [255, 254, 253, 100], maxOps = 40) => clusteredPrefixes({ minLength: 1, maxLength: 12 }).chain((prefixes) =>
  fc.tuple(
    fc.constant(prefixes),
    fc.array(
      fc.oneof(
        fc.record({ op: fc.constantFrom('add' as const, 'add' as const, 'replace' as const, 'append' as const), route: routes(prefixes, tables) }),
        fc.record({ op: fc.constant('delete' as const), route: routes(prefixes, tables), withMetric: fc.boolean() }),
      ),
      { maxLength: maxOps },
    ),
    fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 10 }),
  ),
);

function makeRib(fibMinRoutes: number): Rib {
  const rib = new Rib({ fibMinRoutes });
  rib.interfaces.add('eth0');
  rib.interfaces.add('eth1');
  return rib;
}

function run(rib: Rib, ops: Op[]): Model {
  const model = new Model();
  for (const step of ops) {
    const m = toModel(step.route);
    const same = model.find(m.table, m.address, m.length);
    const exact = same.find((r) => r.metric === m.metric);
    if (step.op === 'add') {
      if (exact) {
        expect(() => rib.add(step.route)).toThrow(RouteError);
        continue;
      }
      rib.add(step.route);
      model.routes.push(m);
    } else if (step.op === 'replace') {
      rib.replace(step.route);
      if (exact) model.routes.splice(model.routes.indexOf(exact), 1);
      model.routes.push(m);
    } else if (step.op === 'append') {
      const collides = exact !== undefined &&
        (exact.type !== m.type || m.type !== 'unicast' ||
          m.nexthops.some((n) => exact.nexthops.some((o) => o.gateway === n.gateway && o.ifindex === n.ifindex)));
      if (collides) {
        expect(() => rib.append(step.route)).toThrow(RouteError);
        continue;
      }
      rib.append(step.route);
      if (exact) exact.nexthops.push(...m.nexthops);
      else model.routes.push(m);
    } else {
      const match = { destination: step.route.destination, table: m.table, ...(step.withMetric ? { metric: m.metric } : {}) };
      const victim = step.withMetric ? exact : same[0];
      if (victim === undefined) {
        try {
          rib.delete(match);
          expect.unreachable('delete should have failed');
        } catch (e) {
          expect((e as RouteError).code).toBe('not-found');
          expect((e as RouteError).errno).toBe('ESRCH');
        }
        continue;
      }
      const removed = rib.delete(match);
      expect(summary(removed)).toBe(summary(victim));
      model.routes.splice(model.routes.indexOf(victim), 1);
    }
  }
  return model;
}

describe('Rib against a model', () => {
  for (const fibMinRoutes of [0, 4096]) {
    it(`add/replace/append/delete and lookups agree with the model (${fibMinRoutes === 0 ? 'compiled FIB' : 'prefix index'})`, () => {
      fc.assert(
        // With a FIB, mostly main: its FIB's own values are checked too.
        fc.property((fibMinRoutes === 0 ? scenario([254, 254, 254, 255], 120) : scenario()), ([prefixes, ops, randoms]) => {
          const rib = makeRib(fibMinRoutes);
          // Compile the FIBs first so they are maintained incrementally through every op.
          if (fibMinRoutes === 0) for (const t of RULES) rib.fib(t);
          const model = run(rib, ops);
          expect(rib.size).toBe(model.routes.length);
          for (const dst of [...probeAddresses(prefixes), ...randoms]) {
            const got = rib.lookup(dst as Ipv4Address);
            expect(summary(got?.route), `lookup ${dst}`).toBe(summary(model.lookup(dst)));
            if (fibMinRoutes === 0) {
              // The FIB's own answer: the next-hop entry of main's selected route.
              const index = rib.fib(254)!.lookup(dst);
              const want = model.lookup(dst, [254]);
              expect(index === 0 ? 'none' : rib.nexthops.get(index).type).toBe(want?.type ?? 'none');
              if (want !== undefined) {
                expect(rib.nexthops.get(index).nexthops.map((n) => [n.gateway, n.ifindex])).toEqual(want.nexthops.map((n) => [n.gateway, n.ifindex]));
              }
            }
          }
          const listed = rib.list().map(summary).sort();
          expect(listed).toEqual(model.routes.map(summary).sort());
        }),
        // A compiled FIB is 48 MB and paints /0../7 prefixes entry by entry: fewer runs.
        { numRuns: fibMinRoutes === 0 ? 40 : 200 },
      );
    });
  }

  it('reports every change of the selected route to subscribers', () => {
    fc.assert(
      fc.property(scenario(), ([, ops]) => {
        const rib = makeRib(4096);
        const selected = new Map<string, number>();
        const present = new Map<string, number>();
        const key = (r: Route) => `${r.table}|${r.destination.address}/${r.destination.length}`;
        rib.subscribe((e: RouteEvent) => {
          if (e.kind === 'selected') {
            const k = `${e.table}|${e.destination.address}/${e.destination.length}`;
            if (e.route === undefined) selected.delete(k);
            else selected.set(k, e.route.metric);
          } else {
            const k = `${key(e.route)}|${e.route.metric}`;
            present.set(k, (present.get(k) ?? 0) + (e.kind === 'added' ? 1 : -1));
          }
        });
        const model = run(rib, ops);
        expect(selected).toEqual(model.selected());
        const live = [...present].filter(([, n]) => n !== 0);
        expect(live.every(([, n]) => n === 1)).toBe(true);
        expect(live.map(([k]) => k).sort()).toEqual(model.routes.map((r) => `${r.table}|${r.address}/${r.length}|${r.metric}`).sort());
      }),
      { numRuns: 150 },
    );
  });
});

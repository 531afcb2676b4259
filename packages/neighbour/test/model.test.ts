import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { NeighbourTable } from '../src/index.js';
import { defaultPool, neighbourEvent, type NeighbourEvent, type TestPacket } from '../src/arbitraries.js';
import { HALF } from './helpers.js';
import { NeighbourModel, groupActions } from './model.js';

const pool = defaultPool();

interface Real {
  table: NeighbourTable<TestPacket>;
  now: number;
  nextId: number;
}

/** One event as an fc command: run it on the table and on the model, then compare everything observable. */
class EventCommand implements fc.Command<NeighbourModel, Real> {
  constructor(readonly event: NeighbourEvent) {}

  check(): boolean {
    return true;
  }

  run(model: NeighbourModel, real: Real): void {
    const e = this.event;
    const packet = e.kind === 'resolve' ? { id: real.nextId++, byteLength: e.bytes } : undefined;
    let actions;
    let outcome: string | undefined;
    switch (e.kind) {
      case 'advance':
        real.now += e.ms;
        actions = real.table.tick(real.now);
        break;
      case 'resolve': {
        const r = real.table.resolve(e.ip, packet!, real.now);
        actions = r.actions;
        outcome = r.status === 'resolved' ? `resolved ${r.mac}` : r.status;
        break;
      }
      case 'confirm':
        actions = real.table.confirm(e.ip, real.now);
        break;
      case 'delete':
        actions = real.table.delete(e.ip, real.now);
        break;
      case 'arp':
        actions = real.table.receiveArp(e.packet, real.now, e.linkDst);
        break;
    }
    const expected = model.apply(e, packet);
    expect(model.now).toBe(real.now);
    expect(outcome).toBe(expected.outcome);
    expect(groupActions(actions)).toEqual(groupActions(expected.actions));
    for (const ip of pool.neighbours) {
      const want = model.expected(ip);
      const got = real.table.get(ip);
      if (want === undefined) expect(got).toBeUndefined();
      else expect(got).toMatchObject(want);
      for (const ahead of [0, 1, 4_999, 29_999, 30_000]) {
        expect(real.table.lookup(ip, real.now + ahead)).toBe(model.fastPath(ip, real.now + ahead));
      }
    }
    expect(real.table.size).toBe(model.entries.size);
    const deadline = real.table.nextDeadline();
    expect(deadline).toBeGreaterThan(real.now);
  }

  toString(): string {
    const e = this.event;
    if (e.kind === 'arp') return `arp(${e.label} from ${e.packet.spa} sha ${e.packet.sha})`;
    if (e.kind === 'advance') return `advance(${e.ms})`;
    if (e.kind === 'resolve') return `resolve(${e.ip}, ${e.bytes}B)`;
    return `${e.kind}(${e.ip})`;
  }
}

describe('NUD state machine against a model', () => {
  it('agrees with the model on every state, timer, action and fast-path answer', () => {
    fc.assert(
      fc.property(fc.commands([neighbourEvent(pool).map((e) => new EventCommand(e))], { maxCommands: 80 }), (cmds) => {
        const setup = () => ({
          model: new NeighbourModel(pool.ourMac, pool.ourIp),
          real: {
            table: new NeighbourTable<TestPacket>({ mac: pool.ourMac, addresses: [{ address: pool.ourIp, length: 24 }], random: HALF }),
            now: 0,
            nextId: 1,
          },
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 600 },
    );
  });
});

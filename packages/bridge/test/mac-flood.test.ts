/**
 * A MAC-flooding attack: millions of frames from random source MACs. The
 * FDB stops at its limit, counts what it refused, and its memory stays
 * what it was at the limit. The 10,000,000-frame run lives in the
 * benchmark (tools/bench/src/bridge.bench.mjs); 1,000,000 here keeps the
 * suite quick on a 2-core CI machine.
 */
import { describe, expect, it } from 'vitest';
import { writeU16, writeU32 } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge } from '../src/index.js';
import { bridgeFrameBytes } from '../src/arbitraries.js';
import { mac } from './helpers.js';

const FRAMES = 1_000_000;

describe('MAC flood', () => {
  it(`${FRAMES.toLocaleString('en')} random sources: the FDB stays at its limit (default 65,536)`, () => {
    const br = new Bridge();
    const attacker = br.addPort({ name: 'attacker' });
    br.addPort({ name: 'victim' });
    const frame = bridgeFrameBytes(mac('02:00:00:00:00:0b'), mac('02:00:00:00:00:0a'));
    const view = new EthernetView(frame);
    // Distinct sources: an odd multiplier is a bijection on 32 bits, the
    // first two octets are fixed to a unicast, locally administered prefix.
    writeU16(frame, 6, 0x0200);
    let atLimit: ReturnType<Bridge['fdbStats']> | undefined;
    for (let i = 0; i < FRAMES; i++) {
      writeU32(frame, 8, Math.imul(i + 1, 0x9e3779b1) >>> 0);
      const d = br.receive(attacker, view, i / 1000); // a one-second burst: nothing ages meanwhile
      if (d.action !== 'flood') throw new Error(`frame ${i}: ${d.action}`);
      if (i === 65_536) atLimit = br.fdbStats();
    }
    const stats = br.fdbStats();
    expect(stats.learned).toBe(65_536);
    expect(stats).toEqual(atLimit);
    // 2 ^ 17 slots: 12 bytes each, their 8-byte times and as many 8-byte ring entries (3.7 MB).
    expect(stats.bytes).toBeLessThanOrEqual(131_072 * 28 + 8);
    expect(br.portCounters(attacker)).toMatchObject({ received: FRAMES, learned: 65_536, learnLimit: FRAMES - 65_536 });
    expect(br.counters().bridgeLearnLimit).toBe(FRAMES - 65_536);
  });
});

/**
 * Model-based test of learning, ageing, moving, limits and flooding: random
 * command sequences run against the bridge and against a small model of
 * the kernel's rules (br_fdb_update, br_handle_frame_finish, br_flood,
 * should_deliver, br_allowed_ingress) written here from those rules, and
 * every decision and the FDB must agree after every command.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { MAC_BROADCAST, type MacAddress, isMulticastMac } from '@wirestack/core';
import { Bridge, type PortState } from '../src/index.js';
import { mac, send, type Outcome } from './helpers.js';

const AGEING = 1000;
const BRIDGE_MAC = mac('02:00:00:00:00:01');
const HOSTS = ['02:00:00:00:0a:01', '02:00:00:00:0a:02', '02:00:00:00:0a:03', '02:00:00:00:0a:04', '02:00:00:00:0a:05'].map(mac);
const GROUP = mac('01:00:5e:00:00:fb');
const PORTS = [1, 2, 3, 4];
const HAIRPIN_PORT = 4;

interface Config {
  filtering: boolean;
  maxLearned: number;
  portMax: number;
}

/** VLAN membership under filtering: port → vid → untagged. Port 4 has no PVID. */
const MEMBERS: Record<number, { pvid: number; vids: number[] }> = {
  1: { pvid: 1, vids: [1, 2] },
  2: { pvid: 1, vids: [1] },
  3: { pvid: 2, vids: [1, 2] },
  4: { pvid: 0, vids: [1, 2] },
};

interface ModelEntry {
  port: number;
  seen: number;
  isStatic: boolean;
  sticky: boolean;
}

class Model {
  now = 0;
  readonly entries = new Map<string, ModelEntry>();
  readonly states = new Map<number, PortState>(PORTS.map((p) => [p, 'forwarding']));
  constructor(readonly config: Config) {}

  key(m: MacAddress, vid: number): string {
    return `${m}/${vid}`;
  }

  live(e: ModelEntry): boolean {
    return e.isStatic || this.now - e.seen < AGEING;
  }

  member(port: number, vid: number): boolean {
    return !this.config.filtering || MEMBERS[port]!.vids.includes(vid);
  }

  /** The bridge's own address has local entries in VID 0 and in the bridge's own VLAN 1. */
  isLocal(m: MacAddress, vid: number): boolean {
    return m === BRIDGE_MAC && (vid === 0 || vid === 1);
  }

  dynamicOn(port?: number): number {
    let n = 0;
    for (const e of this.entries.values()) if (!e.isStatic && (port === undefined || e.port === port)) n++;
    return n;
  }

  atLimit(port: number): boolean {
    const { maxLearned, portMax } = this.config;
    return (maxLearned > 0 && this.dynamicOn() >= maxLearned) || (portMax > 0 && this.dynamicOn(port) >= portMax);
  }

  collect(): void {
    for (const [k, e] of this.entries) if (!this.live(e)) this.entries.delete(k);
  }

  learn(port: number, src: MacAddress, vid: number): void {
    if (this.isLocal(src, vid)) return;
    const k = this.key(src, vid);
    const e = this.entries.get(k);
    if (e) {
      if (e.isStatic) {
        if (e.port !== port && !e.sticky) e.port = port;
        return;
      }
      if (e.port !== port) {
        if (this.config.portMax > 0 && this.dynamicOn(port) >= this.config.portMax) {
          this.entries.delete(k);
          return;
        }
        e.port = port;
      }
      e.seen = this.now;
      return;
    }
    if (this.atLimit(port)) {
      this.collect();
      if (this.atLimit(port)) return;
    }
    this.entries.set(k, { port, seen: this.now, isStatic: false, sticky: false });
  }

  floodTo(port: number, vid: number): number[] {
    return PORTS.filter((q) => (q !== port || q === HAIRPIN_PORT) && this.states.get(q) === 'forwarding' && this.member(q, vid));
  }

  frame(port: number, dst: MacAddress, src: MacAddress, tag: number | undefined): Outcome {
    const drop = (reason: string): Outcome => ({ action: 'drop', reason, ports: [], vid: 0, local: false });
    const state = this.states.get(port)!;
    if (state !== 'forwarding' && state !== 'learning') return drop('port-state');
    let vid = 0;
    if (this.config.filtering) {
      vid = tag ?? 0;
      if (vid === 0) vid = MEMBERS[port]!.pvid;
      if (vid === 0 || !MEMBERS[port]!.vids.includes(vid)) return drop('vlan-ingress');
    }
    this.learn(port, src, vid);
    if (state === 'learning') return drop('port-state');
    const selfInVlan = !this.config.filtering || vid === 1;
    if (isMulticastMac(dst)) return { action: 'flood', reason: undefined, ports: this.floodTo(port, vid), vid, local: selfInVlan };
    if (this.isLocal(dst, vid)) return { action: 'local', reason: undefined, ports: [], vid, local: true };
    const e = this.entries.get(this.key(dst, vid));
    if (e && this.live(e)) {
      const out = { ...drop('egress'), vid };
      if (e.port === port && port !== HAIRPIN_PORT) return { ...out, reason: 'same-port' };
      if (this.states.get(e.port) !== 'forwarding' || !this.member(e.port, vid)) return out;
      return { action: 'forward', reason: undefined, ports: [e.port], vid, local: false };
    }
    return { action: 'flood', reason: undefined, ports: this.floodTo(port, vid), vid, local: false };
  }
}

interface Real {
  br: Bridge;
}

function makeBridge(config: Config): Bridge {
  const br = new Bridge({
    mac: BRIDGE_MAC,
    vlanFiltering: config.filtering,
    ageingTime: AGEING,
    maxLearned: config.maxLearned,
    gcInterval: 0,
  });
  for (const p of PORTS) {
    const index = br.addPort({ name: `veth${p - 1}`, maxLearned: config.portMax, hairpin: p === HAIRPIN_PORT });
    expect(index).toBe(p);
    // Every port starts with VLAN 1 as PVID, untagged; reshape to MEMBERS.
    br.vlanDel(p, 1);
    for (const vid of MEMBERS[p]!.vids) br.vlanAdd(p, vid, { pvid: MEMBERS[p]!.pvid === vid, untagged: MEMBERS[p]!.pvid === vid });
  }
  return br;
}

function checkFdb(m: Model, r: Real): void {
  const expected = [...m.entries.entries()]
    .filter(([, e]) => m.live(e))
    .map(([k, e]) => {
      const [macText, vid] = k.split('/');
      return { mac: Number(macText), vlan: Number(vid), port: e.port, state: e.isStatic ? 'static' : 'dynamic', sticky: e.sticky };
    })
    .sort((a, b) => a.port - b.port || a.mac - b.mac || a.vlan - b.vlan);
  const actual = r.br
    .fdbEntries()
    .filter((e) => e.state !== 'permanent')
    .map(({ mac: m2, vlan, port, state, sticky }) => ({ mac: m2, vlan, port, state, sticky }));
  expect(actual).toEqual(expected);
  expect(r.br.fdbStats().learned).toBe(m.dynamicOn());
}

class FrameCommand implements fc.Command<Model, Real> {
  constructor(
    readonly port: number,
    readonly dst: MacAddress,
    readonly src: MacAddress,
    readonly tag: number | undefined,
    /** Time passing before the frame without a call to advance: entries expire lazily. */
    readonly dt: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const expected = m.frame(this.port, this.dst, this.src, this.tag);
    const actual = send(r.br, this.port, this.dst, this.src, m.now, this.tag);
    if (expected.action === 'drop') expected.vid = actual.vid; // the VID of a dropped frame is not part of the contract
    expect(actual).toEqual(expected);
    checkFdb(m, r);
  }
  toString(): string {
    return `frame(+${this.dt}ms, port ${this.port}, ${this.src.toString(16)} > ${this.dst.toString(16)}, tag ${this.tag})`;
  }
}

class AdvanceCommand implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    m.now += this.ms;
    r.br.advance(m.now);
    m.collect();
    checkFdb(m, r);
    const deadline = r.br.nextDeadline();
    const dynamic = [...m.entries.values()].filter((e) => !e.isStatic);
    // Never late: no learned entry expires before the deadline; and once
    // advanced, nothing is due any more.
    if (dynamic.length > 0) expect(deadline).toBeLessThanOrEqual(Math.min(...dynamic.map((e) => e.seen + AGEING)));
    if (deadline !== undefined) expect(deadline).toBeGreaterThan(m.now);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class StateCommand implements fc.Command<Model, Real> {
  constructor(
    readonly port: number,
    readonly state: PortState,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.br.setPort(this.port, { state: this.state });
    m.states.set(this.port, this.state);
    if (this.state === 'disabled') {
      for (const [k, e] of m.entries) if (!e.isStatic && e.port === this.port) m.entries.delete(k);
    }
    checkFdb(m, r);
  }
  toString(): string {
    return `state(${this.port}, ${this.state})`;
  }
}

class StaticCommand implements fc.Command<Model, Real> {
  constructor(
    readonly host: MacAddress,
    readonly port: number,
    readonly vidPick: number,
    readonly sticky: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const vids = MEMBERS[this.port]!.vids;
    const vid = m.config.filtering ? vids[this.vidPick % vids.length]! : 0;
    r.br.fdbAdd({ mac: this.host, port: this.port, vlan: vid, state: 'static', sticky: this.sticky }, 'replace');
    m.entries.set(m.key(this.host, vid), { port: this.port, seen: m.now, isStatic: true, sticky: this.sticky });
    checkFdb(m, r);
  }
  toString(): string {
    return `static(${this.host.toString(16)}, port ${this.port}, pick ${this.vidPick}, sticky ${this.sticky})`;
  }
}

const port = fc.constantFrom(...PORTS);
const host = fc.constantFrom(...HOSTS);
const commands = [
  fc
    .record({
      port,
      dst: fc.oneof({ weight: 8, arbitrary: host }, fc.constantFrom(MAC_BROADCAST, GROUP, BRIDGE_MAC)),
      src: fc.oneof({ weight: 10, arbitrary: host }, fc.constant(BRIDGE_MAC)),
      tag: fc.constantFrom(undefined, 0, 1, 2, 3),
      dt: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 1200 })),
    })
    .map((f) => new FrameCommand(f.port, f.dst, f.src, f.tag, f.dt)),
  fc.integer({ min: 0, max: 1500 }).map((ms) => new AdvanceCommand(ms)),
  fc
    .tuple(port, fc.constantFrom<PortState>('forwarding', 'forwarding', 'learning', 'blocking', 'disabled'))
    .map(([p, s]) => new StateCommand(p, s)),
  fc.tuple(host, port, fc.nat(3), fc.boolean()).map(([h, p, v, s]) => new StaticCommand(h, p, v, s)),
];

describe('bridge against a model of the kernel rules', () => {
  it('learning, ageing, moves, limits, flooding, port states and static entries agree', () => {
    fc.assert(
      fc.property(
        fc.record({
          filtering: fc.boolean(),
          maxLearned: fc.constantFrom(0, 3, 6),
          portMax: fc.constantFrom(0, 2),
        }),
        fc.commands(commands, { size: '+1' }),
        (config, cmds) => {
          fc.modelRun(() => ({ model: new Model(config), real: { br: makeBridge(config) } }), cmds);
        },
      ),
      { numRuns: 400 },
    );
  });
});

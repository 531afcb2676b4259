/**
 * A small reference model of the NUD state machine for the model-based
 * test: one plain object per neighbour, timers as a deadline field, the
 * rules of net/core/neighbour.c written out as directly as possible, with
 * default parameters and reachable_time fixed at base_reachable_time. It
 * models what the event arbitraries can produce for a handful of
 * neighbours (far below the GC thresholds, so no GC), nothing else.
 */
import { MAC_BROADCAST, type Ipv4Address, type MacAddress } from '@wirestack/core';
import type { NeighbourEvent, TestPacket } from '../src/arbitraries.js';
import type { NeighbourAction, NeighbourEntry } from '../src/index.js';

type State = 'NONE' | 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED';

const VALID: readonly State[] = ['REACHABLE', 'STALE', 'DELAY', 'PROBE'];

interface Entry {
  state: State;
  mac: number;
  confirmed: number;
  updated: number;
  used: number;
  probes: number;
  timer: number | undefined;
  queue: TestPacket[];
}

const REACHABLE_TIME = 30_000;
const DELAY = 5_000;
const RETRANS = 1_000;
const UCAST = 3;
const MCAST = 3;
const LOCKTIME = 1_000;
const QUEUE_BYTES = 65_536;

/** One action as text, keyed by the neighbour it concerns, so per-neighbour order can be compared. */
export function describeAction(a: NeighbourAction<TestPacket>): [number, string] {
  switch (a.type) {
    case 'send-arp':
      return [a.packet.tpa, `arp op ${a.packet.op} ${a.packet.spa}->${a.packet.tpa} sha ${a.packet.sha} tha ${a.packet.tha} dst ${a.dst}`];
    case 'transmit':
      return [a.ip, `transmit #${a.packet.id} to ${a.mac}`];
    case 'drop':
      return [a.ip, `drop #${a.packet.id} ${a.reason}`];
    case 'conflict':
      return [a.ip, `conflict ${a.mac}`];
    case 'app-probe':
      return [a.ip, 'app-probe'];
  }
}

export function groupActions(actions: readonly NeighbourAction<TestPacket>[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const a of actions) {
    const [key, text] = describeAction(a);
    const list = groups.get(key) ?? [];
    list.push(text);
    groups.set(key, list);
  }
  return groups;
}

export class NeighbourModel {
  now = 0;
  readonly entries = new Map<number, Entry>();
  private out: NeighbourAction<TestPacket>[] = [];

  constructor(
    readonly ourMac: number,
    readonly ourIp: number,
  ) {}

  /** Applies one event; returns the actions and, for 'resolve', the outcome. */
  apply(event: NeighbourEvent, packet: TestPacket | undefined): { actions: NeighbourAction<TestPacket>[]; outcome?: string } {
    this.out = [];
    if (event.kind === 'advance') {
      this.advance(this.now + event.ms);
      return { actions: this.out };
    }
    this.advance(this.now);
    let outcome: string | undefined;
    switch (event.kind) {
      case 'resolve':
        outcome = this.resolve(event.ip, packet!);
        break;
      case 'confirm': {
        const e = this.entries.get(event.ip);
        if (e) e.confirmed = this.now;
        break;
      }
      case 'delete': {
        const e = this.entries.get(event.ip);
        if (e) {
          const reason = e.state === 'INCOMPLETE' || e.state === 'PROBE' ? 'resolution-failed' : 'entry-removed';
          for (const p of e.queue) this.out.push({ type: 'drop', ip: event.ip, packet: p, reason });
          this.entries.delete(event.ip);
        }
        break;
      }
      case 'arp':
        this.arp(event);
        break;
    }
    return outcome === undefined ? { actions: this.out } : { actions: this.out, outcome };
  }

  /** What `lookup(ip, at)` must return for `at` >= now, before any tick: the fast path reads no timers. */
  fastPath(ip: number, at = this.now): number {
    const e = this.entries.get(ip);
    return e && e.state === 'REACHABLE' && at < e.confirmed + REACHABLE_TIME ? e.mac : -1;
  }

  /** The fields of a table snapshot the model predicts. */
  expected(ip: number): Partial<NeighbourEntry> | undefined {
    const e = this.entries.get(ip);
    if (!e) return undefined;
    return {
      state: e.state as NeighbourEntry['state'],
      mac: VALID.includes(e.state) ? (e.mac as NeighbourEntry['mac']) : undefined,
      queuedPackets: e.queue.length,
      timer: e.timer,
      probes: e.probes,
      updated: e.updated,
      confirmed: e.confirmed,
    };
  }

  private advance(to: number): void {
    for (;;) {
      let next: [number, Entry] | undefined;
      for (const [ip, e] of this.entries) {
        if (e.timer !== undefined && e.timer <= to && (next === undefined || e.timer < next[1].timer!)) next = [ip, e];
      }
      if (!next) break;
      const [ip, e] = next;
      this.now = e.timer!;
      e.timer = undefined;
      this.fire(ip, e);
    }
    this.now = Math.max(this.now, to);
  }

  private arm(e: Entry, when: number): void {
    if (e.used < e.confirmed) e.used = e.confirmed;
    e.timer = when;
  }

  private fire(ip: number, e: Entry): void {
    const now = this.now;
    if (e.state === 'REACHABLE') {
      if (now < e.confirmed + REACHABLE_TIME) this.arm(e, e.confirmed + REACHABLE_TIME);
      else if (now <= e.used + DELAY) {
        e.state = 'DELAY';
        e.updated = now;
        this.arm(e, now + DELAY);
      } else {
        e.state = 'STALE';
        e.updated = now;
      }
      return;
    }
    if (e.state === 'DELAY') {
      e.updated = now;
      if (now <= e.confirmed + DELAY) {
        e.state = 'REACHABLE';
        const until = e.confirmed + REACHABLE_TIME;
        this.arm(e, until <= now ? now + 10 : until);
        return;
      }
      e.state = 'PROBE';
      e.probes = 0;
    }
    // INCOMPLETE and PROBE retransmit until they have sent their probes.
    const max = e.state === 'PROBE' ? UCAST : UCAST + MCAST;
    if (e.probes >= max) {
      e.state = 'FAILED';
      e.updated = now;
      for (const p of e.queue) this.out.push({ type: 'drop', ip: ip as Ipv4Address, packet: p, reason: 'resolution-failed' });
      e.queue = [];
      return;
    }
    this.arm(e, now + RETRANS);
    this.probe(ip, e);
  }

  private probe(ip: number, e: Entry): void {
    const dst = e.probes < UCAST ? e.mac : MAC_BROADCAST;
    this.out.push({
      type: 'send-arp',
      packet: { kind: 'ethernet-ipv4', htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op: 1, sha: this.ourMac, spa: this.ourIp, tha: 0, tpa: ip } as never,
      dst: dst as never,
    });
    e.probes++;
  }

  private resolve(ip: number, packet: TestPacket): string {
    let e = this.entries.get(ip);
    if (!e) {
      e = { state: 'NONE', mac: 0, confirmed: this.now - 60_000, updated: this.now, used: this.now, probes: 0, timer: undefined, queue: [] };
      this.entries.set(ip, e);
    }
    if (e.state === 'REACHABLE') return `resolved ${e.mac}`;
    const r = this.send(ip, e, packet);
    return r === 'send' ? `resolved ${e.mac}` : r;
  }

  /** neigh_event_send. */
  private send(ip: number, e: Entry, packet: TestPacket): 'send' | 'queued' {
    e.used = this.now;
    if (e.state === 'REACHABLE' || e.state === 'DELAY' || e.state === 'PROBE') return 'send';
    if (e.state === 'STALE') {
      e.state = 'DELAY';
      e.updated = this.now;
      this.arm(e, this.now + DELAY);
      return 'send';
    }
    let start = false;
    if (e.state === 'NONE' || e.state === 'FAILED') {
      e.state = 'INCOMPLETE';
      e.probes = UCAST;
      e.updated = this.now;
      this.arm(e, this.now + RETRANS);
      start = true;
    }
    let bytes = e.queue.reduce((n, p) => n + p.byteLength, 0);
    while (e.queue.length > 0 && bytes + packet.byteLength > QUEUE_BYTES) {
      const old = e.queue.shift()!;
      bytes -= old.byteLength;
      this.out.push({ type: 'drop', ip: ip as Ipv4Address, packet: old, reason: 'queue-full' });
    }
    e.queue.push(packet);
    if (start) this.probe(ip, e);
    return 'queued';
  }

  /** neigh_update without the admin flag, for ARP. */
  private update(ip: number, e: Entry, mac: number, wanted: 'REACHABLE' | 'STALE', override: boolean): void {
    const old = e.state;
    const oldValid = VALID.includes(old);
    const same = oldValid && e.mac === mac;
    let next: State = wanted;
    if (wanted === 'REACHABLE') e.confirmed = this.now;
    if (oldValid) {
      if (!same && !override) return;
      if (same && wanted === 'STALE') next = old;
    }
    if (next !== old || !same) e.updated = this.now;
    if (next !== old) {
      e.timer = undefined;
      e.state = next;
      if (next === 'REACHABLE') this.arm(e, this.now + REACHABLE_TIME);
    }
    if (!same) {
      e.mac = mac;
      if (next !== 'REACHABLE') e.confirmed = this.now - 60_000;
    }
    if (next !== old && !oldValid) {
      const queue = e.queue;
      e.queue = [];
      for (const p of queue) {
        this.send(ip, e, p);
        this.out.push({ type: 'transmit', ip: ip as Ipv4Address, mac: mac as MacAddress, packet: p });
      }
    }
  }

  private arp(event: Extract<NeighbourEvent, { kind: 'arp' }>): void {
    const { packet, label } = event;
    const ip = packet.spa;
    const existing = this.entries.get(ip);
    const overrideByTime = (e: Entry): boolean => this.now > e.updated + LOCKTIME;
    const reply = () =>
      this.out.push({
        type: 'send-arp',
        packet: { ...packet, op: 2, sha: this.ourMac, spa: packet.tpa, tha: packet.sha, tpa: packet.spa } as never,
        dst: packet.sha,
      });
    switch (label) {
      case 'reply':
        if (existing) this.update(ip, existing, packet.sha, 'REACHABLE', overrideByTime(existing));
        return;
      case 'broadcast-reply':
      case 'request-for-other':
        if (existing) this.update(ip, existing, packet.sha, 'STALE', overrideByTime(existing));
        return;
      case 'gratuitous-request':
      case 'gratuitous-reply':
        if (existing) this.update(ip, existing, packet.sha, 'STALE', true);
        return;
      case 'request-for-us':
      case 'unicast-request-for-us': {
        let e = existing;
        if (!e) {
          e = { state: 'NONE', mac: 0, confirmed: this.now - 60_000, updated: this.now, used: this.now, probes: 0, timer: undefined, queue: [] };
          this.entries.set(ip, e);
        }
        this.update(ip, e, packet.sha, 'STALE', true);
        reply();
        return;
      }
      case 'probe-for-us':
        reply();
        return;
      case 'probe-for-other':
        return;
    }
  }
}

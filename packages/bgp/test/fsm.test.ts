import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { parseIpv4 } from '@wirestack/core';
import {
  buildOpen,
  collisionWinner,
  expiredFsmTimer,
  eventForError,
  eventForMessage,
  initialFsmState,
  nextFsmDeadline,
  shutdownCommunication,
  stepFsm,
  type BgpState,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
} from '../src/index.js';

const CONFIG: FsmConfig = {
  localAs: 4200000001,
  bgpId: parseIpv4('192.0.2.1'),
  peerAs: 65001,
  holdTime: 90,
  random: () => 1, // no jitter unless a test says otherwise
};
const PEER_OPEN = buildOpen({ asn: 65001, holdTime: 30, bgpId: parseIpv4('192.0.2.2') });
const NO_DATA = new Uint8Array(0);

function run(config: FsmConfig, events: readonly FsmEvent[], now = 0, from = initialFsmState(config)): { state: FsmState; actions: FsmAction[] } {
  let state = from;
  const actions: FsmAction[] = [];
  for (const e of events) {
    const step = stepFsm(config, state, e, now);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

const PATH: Record<BgpState, readonly FsmEvent[]> = {
  Idle: [],
  Connect: [{ type: 'ManualStart' }],
  Active: [{ type: 'ManualStart_with_PassiveTcpEstablishment' }],
  OpenSent: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }],
  OpenConfirm: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: PEER_OPEN }],
  Established: [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: PEER_OPEN }, { type: 'KeepAliveMsg' }],
};

/** The FSM in `state`, reached the normal way, with a non-zero ConnectRetryCounter so resets show. */
function inState(state: BgpState): FsmState {
  const s = run(CONFIG, PATH[state]).state;
  expect(s.state).toBe(state);
  return { ...s, connectRetryCounter: 3 };
}

/** Actions in a compact form: 'connect', 'disconnect', 'send keepalive', 'send notification 6/2', 'state Idle'. */
function summary(actions: readonly FsmAction[]): string[] {
  return actions.map((a) => {
    if (a.type === 'send') return a.message.type === 'notification' ? `send notification ${a.message.code}/${a.message.subcode}` : `send ${a.message.type}`;
    if (a.type === 'state') return `state ${a.to}`;
    return a.type;
  });
}

const n = (code: number, subcode: number) => ({ code, subcode, data: NO_DATA });

type Row = [from: BgpState, event: FsmEvent, to: BgpState, actions: string[], counter: 'same' | 'reset' | '+1'];

/** RFC 4271 §8.2.2, state by state (events 12 and 20, DelayOpen, are not implemented). */
const ROWS: Row[] = [
  ['Idle', { type: 'ManualStart' }, 'Connect', ['connect', 'state Connect'], 'reset'],
  ['Idle', { type: 'AutomaticStart' }, 'Connect', ['connect', 'state Connect'], 'reset'],
  ['Idle', { type: 'ManualStart_with_PassiveTcpEstablishment' }, 'Active', ['state Active'], 'reset'],
  ['Idle', { type: 'AutomaticStart_with_PassiveTcpEstablishment' }, 'Active', ['state Active'], 'reset'],
  ['Idle', { type: 'AutomaticStart_with_DampPeerOscillations' }, 'Connect', ['connect', 'state Connect'], 'reset'],
  ['Idle', { type: 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment' }, 'Active', ['state Active'], 'reset'],
  ['Idle', { type: 'IdleHoldTimer_Expires' }, 'Connect', ['connect', 'state Connect'], 'reset'],
  ['Idle', { type: 'ManualStop' }, 'Idle', [], 'reset'],
  ['Idle', { type: 'KeepAliveMsg' }, 'Idle', [], 'same'],
  ['Idle', { type: 'TcpConnectionFails' }, 'Idle', [], 'same'],

  ['Connect', { type: 'ManualStart' }, 'Connect', [], 'same'],
  ['Connect', { type: 'ManualStop' }, 'Idle', ['disconnect', 'state Idle'], 'reset'],
  ['Connect', { type: 'ConnectRetryTimer_Expires' }, 'Connect', ['disconnect', 'connect'], 'same'],
  ['Connect', { type: 'Tcp_CR_Acked' }, 'OpenSent', ['send open', 'state OpenSent'], 'same'],
  ['Connect', { type: 'TcpConnectionConfirmed' }, 'OpenSent', ['send open', 'state OpenSent'], 'same'],
  ['Connect', { type: 'TcpConnectionFails' }, 'Idle', ['disconnect', 'state Idle'], 'same'],
  ['Connect', { type: 'BGPHeaderErr', notification: n(1, 1) }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Connect', { type: 'BGPOpenMsgErr', notification: n(2, 2) }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Connect', { type: 'NotifMsgVerErr', notification: n(2, 1) }, 'Idle', ['disconnect', 'state Idle'], 'same'],
  ['Connect', { type: 'KeepAliveMsg' }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Connect', { type: 'HoldTimer_Expires' }, 'Idle', ['disconnect', 'state Idle'], '+1'],

  ['Active', { type: 'ManualStop' }, 'Idle', ['disconnect', 'state Idle'], 'reset'],
  ['Active', { type: 'ConnectRetryTimer_Expires' }, 'Connect', ['connect', 'state Connect'], 'same'],
  ['Active', { type: 'Tcp_CR_Acked' }, 'OpenSent', ['send open', 'state OpenSent'], 'same'],
  ['Active', { type: 'TcpConnectionConfirmed' }, 'OpenSent', ['send open', 'state OpenSent'], 'same'],
  ['Active', { type: 'TcpConnectionFails' }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Active', { type: 'NotifMsgVerErr', notification: n(2, 1) }, 'Idle', ['disconnect', 'state Idle'], 'same'],
  ['Active', { type: 'UpdateMsg' }, 'Idle', ['disconnect', 'state Idle'], '+1'],

  ['OpenSent', { type: 'ManualStop' }, 'Idle', ['send notification 6/2', 'disconnect', 'state Idle'], 'reset'],
  ['OpenSent', { type: 'AutomaticStop', subcode: 1 }, 'Idle', ['send notification 6/1', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'HoldTimer_Expires' }, 'Idle', ['send notification 4/0', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'TcpConnectionConfirmed' }, 'OpenSent', [], 'same'],
  ['OpenSent', { type: 'TcpConnectionFails' }, 'Active', ['disconnect', 'state Active'], 'same'],
  ['OpenSent', { type: 'BGPOpen', open: PEER_OPEN }, 'OpenConfirm', ['send keepalive', 'state OpenConfirm'], 'same'],
  ['OpenSent', { type: 'BGPOpen', open: buildOpen({ asn: 65002, holdTime: 90, bgpId: parseIpv4('192.0.2.2') }) }, 'Idle', ['send notification 2/2', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'BGPHeaderErr', notification: n(1, 2) }, 'Idle', ['send notification 1/2', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'BGPOpenMsgErr', notification: n(2, 6) }, 'Idle', ['send notification 2/6', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'OpenCollisionDump' }, 'Idle', ['send notification 6/7', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'NotifMsgVerErr', notification: n(2, 1) }, 'Idle', ['disconnect', 'state Idle'], 'same'],
  ['OpenSent', { type: 'NotifMsg', notification: n(6, 2) }, 'Idle', ['send notification 5/1', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'KeepAliveMsg' }, 'Idle', ['send notification 5/1', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'UpdateMsg' }, 'Idle', ['send notification 5/1', 'disconnect', 'state Idle'], '+1'],
  ['OpenSent', { type: 'ConnectRetryTimer_Expires' }, 'Idle', ['send notification 5/1', 'disconnect', 'state Idle'], '+1'],

  ['OpenConfirm', { type: 'ManualStop' }, 'Idle', ['send notification 6/2', 'disconnect', 'state Idle'], 'reset'],
  ['OpenConfirm', { type: 'AutomaticStop', subcode: 1 }, 'Idle', ['send notification 6/1', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'HoldTimer_Expires' }, 'Idle', ['send notification 4/0', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'KeepaliveTimer_Expires' }, 'OpenConfirm', ['send keepalive'], 'same'],
  ['OpenConfirm', { type: 'TcpConnection_Valid' }, 'OpenConfirm', [], 'same'],
  ['OpenConfirm', { type: 'TcpConnectionFails' }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'NotifMsg', notification: n(6, 2) }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'NotifMsgVerErr', notification: n(2, 1) }, 'Idle', ['disconnect', 'state Idle'], 'same'],
  ['OpenConfirm', { type: 'BGPHeaderErr', notification: n(1, 3) }, 'Idle', ['send notification 1/3', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'BGPOpenMsgErr', notification: n(2, 4) }, 'Idle', ['send notification 2/4', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'OpenCollisionDump' }, 'Idle', ['send notification 6/7', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'KeepAliveMsg' }, 'Established', ['state Established'], 'same'],
  ['OpenConfirm', { type: 'UpdateMsg' }, 'Idle', ['send notification 5/2', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'UpdateMsgErr', notification: n(3, 1) }, 'Idle', ['send notification 5/2', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'BGPOpen', open: PEER_OPEN }, 'Idle', ['send notification 5/2', 'disconnect', 'state Idle'], '+1'],
  ['OpenConfirm', { type: 'ConnectRetryTimer_Expires' }, 'Idle', ['send notification 5/2', 'disconnect', 'state Idle'], '+1'],

  ['Established', { type: 'ManualStop' }, 'Idle', ['send notification 6/2', 'disconnect', 'state Idle'], 'reset'],
  ['Established', { type: 'ManualStop', subcode: 4 }, 'Idle', ['send notification 6/4', 'disconnect', 'state Idle'], 'reset'],
  ['Established', { type: 'AutomaticStop', subcode: 1 }, 'Idle', ['send notification 6/1', 'disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'HoldTimer_Expires' }, 'Idle', ['send notification 4/0', 'disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'KeepaliveTimer_Expires' }, 'Established', ['send keepalive'], 'same'],
  ['Established', { type: 'TcpConnectionConfirmed' }, 'Established', [], 'same'],
  ['Established', { type: 'KeepAliveMsg' }, 'Established', [], 'same'],
  ['Established', { type: 'UpdateMsg' }, 'Established', [], 'same'],
  ['Established', { type: 'UpdateMsgErr', notification: n(3, 11) }, 'Idle', ['send notification 3/11', 'disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'NotifMsg', notification: n(6, 2) }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'NotifMsgVerErr', notification: n(2, 1) }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'TcpConnectionFails' }, 'Idle', ['disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'OpenCollisionDump' }, 'Idle', ['send notification 6/7', 'disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'BGPOpen', open: PEER_OPEN }, 'Idle', ['send notification 5/3', 'disconnect', 'state Idle'], '+1'],
  ['Established', { type: 'ConnectRetryTimer_Expires' }, 'Idle', ['send notification 5/3', 'disconnect', 'state Idle'], '+1'],
];

describe('FSM transition table (RFC 4271 §8.2.2)', () => {
  for (const [from, event, to, actions, counter] of ROWS) {
    it(`${from} + ${event.type}${'notification' in event ? ` ${event.notification.code}/${event.notification.subcode}` : ''} -> ${to}`, () => {
      const before = inState(from);
      const step = stepFsm(CONFIG, before, event, 1000);
      expect(step.state.state).toBe(to);
      expect(summary(step.actions)).toEqual(actions);
      const expected = counter === 'same' ? before.connectRetryCounter : counter === 'reset' ? 0 : before.connectRetryCounter + 1;
      expect(step.state.connectRetryCounter).toBe(expected);
      // Idle keeps no session timers: only a scheduled automatic restart
      if (to === 'Idle') expect(Object.keys(step.state.timers).filter((t) => t !== 'idleHold')).toEqual([]);
      if (to !== 'Established' && to !== 'OpenConfirm') expect(step.state.session).toBeUndefined();
    });
  }
});

/** Drives the FSM with a manual clock: fires every timer due by `until`, and calls `at` for scheduled inputs. */
function clock(config: FsmConfig, state: FsmState, from: number, until: number, inputs: Map<number, FsmEvent> = new Map()) {
  const log: { at: number; action: FsmAction }[] = [];
  let now = from;
  const times = [...inputs.keys()].sort((a, b) => a - b);
  for (;;) {
    const deadline = nextFsmDeadline(state);
    const input = times.find((t) => t >= now);
    const nextAt = Math.min(deadline ?? Infinity, input ?? Infinity);
    if (nextAt > until) break;
    now = nextAt;
    let event: FsmEvent | undefined;
    if (input === now) {
      event = inputs.get(now)!;
      times.splice(times.indexOf(now), 1);
    } else event = expiredFsmTimer(state, now);
    if (!event) break;
    const step = stepFsm(config, state, event, now);
    state = step.state;
    for (const action of step.actions) log.push({ at: now, action });
  }
  return { state, log };
}

function established(config: FsmConfig, peerOpen = PEER_OPEN): FsmState {
  const s = run(config, [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen }, { type: 'KeepAliveMsg' }], 0).state;
  expect(s.state).toBe('Established');
  return s;
}

describe('timers with a manual clock', () => {
  it('negotiates the smaller hold time and a keepalive of a third of it', () => {
    const s = established(CONFIG);
    expect(s.session).toMatchObject({ holdTime: 30, keepaliveTime: 10 });
    expect(s.timers).toEqual({ hold: 30_000, keepalive: 10_000 });
    expect(s.session?.receive).toEqual({ fourOctetAs: true, extendedMessage: false, addPath: false });
  });

  it('hold time 0 runs neither hold nor keepalive timer', () => {
    const s = established(CONFIG, buildOpen({ asn: 65001, holdTime: 0, bgpId: parseIpv4('192.0.2.2') }));
    expect(s.timers).toEqual({});
    expect(nextFsmDeadline(s)).toBeUndefined();
  });

  it('the hold timer fires when the peer goes silent: 4/0, then Idle with an automatic restart', () => {
    const s = established(CONFIG);
    // the peer sends KEEPALIVEs every 10 s up to 100 s, then nothing
    const inputs = new Map<number, FsmEvent>();
    for (let t = 10_000; t <= 100_000; t += 10_000) inputs.set(t, { type: 'KeepAliveMsg' });
    const { state, log } = clock(CONFIG, s, 0, 200_000, inputs);
    const notification = log.find((l) => l.action.type === 'send' && l.action.message.type === 'notification')!;
    expect(notification.at).toBe(130_000);
    expect(summary([notification.action])).toEqual(['send notification 4/0']);
    expect(log.find((l) => l.action.type === 'state' && l.action.to === 'Idle')?.at).toBe(130_000);
    // the automatic restart after IdleHoldTime (5 s) and then ConnectRetry (120 s) cadence in Connect
    const states = log.filter((l) => l.action.type === 'state').map((l) => [l.at, (l.action as { to: string }).to]);
    expect(states).toEqual([
      [130_000, 'Idle'],
      [135_000, 'Connect'],
    ]);
    expect(state.state).toBe('Connect');
  });

  it('keepalives go out every hold/3 with jitter in [0.75, 1] (RFC 4271 §10)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 50 }), (randoms) => {
        let i = 0;
        const config: FsmConfig = { ...CONFIG, random: () => randoms[i++ % randoms.length]! };
        const s = established(config);
        const inputs = new Map<number, FsmEvent>();
        for (let t = 5_000; t <= 600_000; t += 5_000) inputs.set(t, { type: 'KeepAliveMsg' }); // the peer keeps the session up
        const { state, log } = clock(config, s, 0, 600_000, inputs);
        expect(state.state).toBe('Established');
        const sent = log.filter((l) => l.action.type === 'send' && l.action.message.type === 'keepalive').map((l) => l.at);
        const gaps = sent.map((t, k) => t - (k === 0 ? 0 : sent[k - 1]!));
        for (const g of gaps) {
          expect(g).toBeGreaterThanOrEqual(7_500);
          expect(g).toBeLessThanOrEqual(10_000);
        }
        expect(sent.length).toBeGreaterThanOrEqual(59);
      }),
      { numRuns: 50 },
    );
  });

  it('ConnectRetry: 120 s between attempts in Connect, jittered', () => {
    const config: FsmConfig = { ...CONFIG, random: () => 0 };
    const s = run(config, [{ type: 'ManualStart' }], 0).state;
    expect(s.timers.connectRetry).toBe(90_000);
    const { log } = clock(config, s, 0, 400_000);
    expect(log.filter((l) => l.action.type === 'connect').map((l) => l.at)).toEqual([90_000, 180_000, 270_000, 360_000]);
  });

  it('a passive peer stays in Active when ConnectRetry fires, and never connects', () => {
    const config: FsmConfig = { ...CONFIG, passive: true };
    const s = run(config, [{ type: 'ManualStart' }], 0).state;
    expect(s.state).toBe('Active');
    const { state, log } = clock(config, s, 0, 1_000_000);
    expect(state.state).toBe('Active');
    expect(log.some((l) => l.action.type === 'connect')).toBe(false);
  });

  it('OpenSent waits 4 minutes for the OPEN', () => {
    const s = run(CONFIG, PATH.OpenSent, 0).state;
    expect(s.timers).toEqual({ hold: 240_000 });
    expect(expiredFsmTimer(s, 239_999)).toBeUndefined();
    expect(expiredFsmTimer(s, 240_000)).toEqual({ type: 'HoldTimer_Expires' });
  });
});

describe('idle-hold back-off for flapping peers', () => {
  it('doubles per failure up to the maximum, and a stable session resets it', () => {
    let s = initialFsmState(CONFIG);
    const holds: number[] = [];
    let now = 0;
    for (let k = 0; k < 7; k++) {
      s = run(CONFIG, [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: PEER_OPEN }, { type: 'KeepAliveMsg' }, { type: 'NotifMsg', notification: n(6, 4) }], now, s).state;
      holds.push((s.timers.idleHold! - now) / 1000);
      now += 1000;
    }
    expect(holds).toEqual([5, 10, 20, 40, 80, 120, 120]);
    // a session that stays Established for a minute resets the back-off
    s = run(CONFIG, [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: PEER_OPEN }, { type: 'KeepAliveMsg' }], now, s).state;
    s = stepFsm(CONFIG, s, { type: 'TcpConnectionFails' }, now + 61_000).state;
    expect(s.timers.idleHold! - (now + 61_000)).toBe(5_000);
  });

  it('ManualStop cancels the automatic restart', () => {
    let s = run(CONFIG, [...PATH.Established, { type: 'HoldTimer_Expires' }]).state;
    expect(s.timers.idleHold).toBeDefined();
    s = stepFsm(CONFIG, s, { type: 'ManualStop' }, 0).state;
    expect(s.timers).toEqual({});
  });

  it('autoRestart false leaves a failed session in Idle', () => {
    const config = { ...CONFIG, autoRestart: false };
    const s = run(config, [...PATH.Established, { type: 'HoldTimer_Expires' }]).state;
    expect(s.timers).toEqual({});
  });
});

describe('Cease on request', () => {
  it('Administrative Shutdown carries the RFC 9003 communication', () => {
    const s = inState('Established');
    const step = stepFsm(CONFIG, s, { type: 'ManualStop', communication: 'maintenance until 06:00' }, 0);
    const sent = step.actions.find((a) => a.type === 'send');
    if (sent?.type !== 'send' || sent.message.type !== 'notification') throw new Error('no NOTIFICATION');
    expect(shutdownCommunication(sent.message)).toBe('maintenance until 06:00');
  });
});

describe('collision detection (RFC 4271 §6.8)', () => {
  it('the connection initiated by the higher BGP Identifier survives', () => {
    expect(collisionWinner(parseIpv4('192.0.2.2'), parseIpv4('192.0.2.1'))).toBe('locally-initiated');
    expect(collisionWinner(parseIpv4('192.0.2.1'), parseIpv4('192.0.2.2'))).toBe('remotely-initiated');
    // unsigned comparison: 200.0.0.1 > 10.0.0.1
    expect(collisionWinner(parseIpv4('200.0.0.1'), parseIpv4('10.0.0.1'))).toBe('locally-initiated');
  });

  it('two connections to one peer: the loser sends Cease 6/7, the winner reaches Established', () => {
    // ours (outgoing) reached OpenConfirm; the peer's (incoming) now delivers its OPEN
    const outgoing = run(CONFIG, PATH.OpenConfirm).state;
    const incoming = run(CONFIG, [{ type: 'ManualStart_with_PassiveTcpEstablishment' }, { type: 'TcpConnectionConfirmed' }]).state;
    expect(incoming.state).toBe('OpenSent');
    const peerId = PEER_OPEN.bgpId; // 192.0.2.2 > our 192.0.2.1: the peer's connection wins
    const winner = collisionWinner(CONFIG.bgpId, peerId);
    expect(winner).toBe('remotely-initiated');
    const dumped = stepFsm(CONFIG, outgoing, { type: 'OpenCollisionDump' }, 0);
    expect(summary(dumped.actions)).toEqual(['send notification 6/7', 'disconnect', 'state Idle']);
    const kept = run(CONFIG, [{ type: 'BGPOpen', open: PEER_OPEN }, { type: 'KeepAliveMsg' }], 0, incoming);
    expect(kept.state.state).toBe('Established');
  });
});

describe('events from the wire', () => {
  it('maps messages and decoding errors to RFC events', () => {
    expect(eventForMessage({ type: 'keepalive' })).toEqual({ type: 'KeepAliveMsg' });
    expect(eventForMessage({ type: 'notification', code: 2, subcode: 1, data: NO_DATA })?.type).toBe('NotifMsgVerErr');
    expect(eventForMessage({ type: 'notification', code: 6, subcode: 2, data: NO_DATA })?.type).toBe('NotifMsg');
    expect(eventForMessage({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 })).toBeUndefined();
    expect(eventForError(n(1, 1)).type).toBe('BGPHeaderErr');
    expect(eventForError(n(2, 2)).type).toBe('BGPOpenMsgErr');
    expect(eventForError(n(3, 10)).type).toBe('UpdateMsgErr');
  });
});

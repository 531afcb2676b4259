import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import { BgpEngine, initialFsmState, stepFsm, type FsmConfig, type PeerConfig } from '../src/index.js';
import { ScriptedPeers } from './scripted-peers.js';

/**
 * What happens after the max-prefix Cease (6/1): a restart after
 * `maxPrefixRestart` seconds, or, without it, no restart until the peer is
 * reset by hand. A manual clock throughout.
 */

const ip = parseIpv4;
const A = '10.0.0.2';
const prefix = (i: number) => ({ address: (((198 << 24) | (51 << 16) | (i << 8)) >>> 0) as Ipv4Address, length: 24 });
const route = { origin: 'igp', asPath: [{ type: 'sequence', asns: [65002] }], nextHop: ip('192.0.2.2') } as const;

function speaker(peer: Partial<PeerConfig>): ScriptedPeers {
  const s = new ScriptedPeers({
    asn: 65000,
    routerId: ip('10.0.0.1'),
    peers: [{ address: ip(A), asn: 65002, passive: true, import: 'accept', export: 'accept', maxPrefixes: 3, idleHoldTime: 5, ...peer }],
  });
  s.establish(A, 65002, '192.0.2.2');
  return s;
}

/** A sends one prefix too many. */
function overflow(s: ScriptedPeers): void {
  s.announce(A, [0, 1, 2, 3].map(prefix), route);
  expect(s.engine.peerState(ip(A))).toBe('Idle');
  expect(s.peer(A).received.at(-1)).toMatchObject({ type: 'notification', code: 6, subcode: 1 });
}

/** Can A connect right now? */
function accepts(s: ScriptedPeers): boolean {
  const id = s.engine.newConnectionId();
  const ok = s.engine.accepted(id, ip(A), s.now);
  if (ok) s.engine.closed(id, s.now);
  s.pump();
  return ok;
}

describe('max-prefix without maxPrefixRestart', () => {
  it('the session stays down, however long, until resetPeer; the log says so', () => {
    const s = speaker({});
    overflow(s);
    expect(s.logs(A)).toContainEqual(expect.stringContaining('the session stays down until it is reset (resetPeer)'));
    expect(s.engine.nextDeadline()).toBeUndefined();
    s.advance(24 * 3600_000);
    expect(s.engine.peerState(ip(A))).toBe('Idle');
    expect(accepts(s)).toBe(false);
    s.engine.resetPeer(ip(A), s.now);
    s.pump();
    expect(s.engine.peerState(ip(A))).toBe('Active');
    s.establish(A, 65002, '192.0.2.2');
    expect(s.engine.peerState(ip(A))).toBe('Established');
  });
});

describe('max-prefix with maxPrefixRestart', () => {
  it('restarts after the interval, every time, without the idle-hold back-off', () => {
    const s = speaker({ maxPrefixRestart: 60 });
    for (let round = 0; round < 3; round++) {
      const at = s.now;
      overflow(s);
      expect(s.logs(A).at(-1)).toContain('restarting in 60 s');
      expect(s.engine.nextDeadline()).toBe(at + 60_000);
      s.advance(at + 59_999);
      expect(s.engine.peerState(ip(A))).toBe('Idle');
      expect(accepts(s)).toBe(false);
      s.advance(at + 60_000);
      expect(s.engine.peerState(ip(A))).toBe('Active'); // passive: waiting for A again
      s.establish(A, 65002, '192.0.2.2');
    }
    expect(s.engine.bestRoute(parseIpv4Prefix('198.51.100.0/24'))).toBeUndefined();
  });

  it('other failures keep the damped idle hold', () => {
    const s = speaker({ maxPrefixRestart: 60 });
    const at = s.now;
    s.send(A, { type: 'notification', code: 6, subcode: 4, data: new Uint8Array(0) });
    expect(s.engine.nextDeadline()).toBe(at + 5_000);
  });

  it('must be 1..65535 seconds', () => {
    const make = (maxPrefixRestart: number) => () =>
      new BgpEngine({ asn: 65000, routerId: ip('10.0.0.1'), peers: [{ address: ip(A), asn: 65002, maxPrefixRestart }], random: () => 1 });
    expect(make(0)).toThrow(/10\.0\.0\.2: maxPrefixRestart must be 1\.\.65535 seconds, not 0/);
    expect(make(70000)).toThrow(RangeError);
    expect(make(Number.NaN)).toThrow(RangeError);
    expect(make(1)).not.toThrow();
  });
});

describe('the FSM: AutomaticStop with restartAfter', () => {
  const config: FsmConfig = { localAs: 65000, bgpId: ip('10.0.0.1'), peerAs: 65002, idleHoldTime: 5, random: () => 1 };

  function established() {
    let s = initialFsmState(config);
    s = stepFsm(config, s, { type: 'ManualStart' }, 0).state;
    s = stepFsm(config, s, { type: 'Tcp_CR_Acked' }, 0).state;
    const open = stepFsm(config, s, { type: 'BGPOpen', open: { type: 'open', version: 4, myAs: 65002, holdTime: 90, bgpId: ip('10.0.0.2'), capabilities: [] } }, 0);
    s = stepFsm(config, open.state, { type: 'KeepAliveMsg' }, 0).state;
    expect(s.state).toBe('Established');
    return s;
  }

  it('a number of seconds sets the IdleHoldTimer to it and leaves the back-off as it was', () => {
    const s = established();
    const step = stepFsm(config, s, { type: 'AutomaticStop', subcode: 1, restartAfter: 60 }, 1000);
    expect(step.state).toMatchObject({ state: 'Idle', timers: { idleHold: 61_000 }, idleHoldTime: s.idleHoldTime });
    expect(step.actions.map((a) => a.type)).toEqual(['send', 'disconnect', 'state']);
    expect(stepFsm(config, step.state, { type: 'IdleHoldTimer_Expires' }, 61_000).state.state).toBe('Connect');
  });

  it("'never' leaves no timer: only a ManualStart brings it back", () => {
    const step = stepFsm(config, established(), { type: 'AutomaticStop', subcode: 1, restartAfter: 'never' }, 1000);
    expect(step.state).toMatchObject({ state: 'Idle', timers: {} });
    expect(stepFsm(config, step.state, { type: 'ManualStart' }, 2000).state.state).toBe('Connect');
  });

  it('without restartAfter the damped IdleHoldTime applies and doubles, as before', () => {
    const step = stepFsm(config, established(), { type: 'AutomaticStop', subcode: 1 }, 1000);
    expect(step.state).toMatchObject({ state: 'Idle', timers: { idleHold: 6000 }, idleHoldTime: 10 });
  });

  it('also in Connect and Active', () => {
    let s = initialFsmState(config);
    s = stepFsm(config, s, { type: 'ManualStart' }, 0).state;
    expect(s.state).toBe('Connect');
    expect(stepFsm(config, s, { type: 'AutomaticStop', restartAfter: 30 }, 0).state).toMatchObject({ state: 'Idle', timers: { idleHold: 30_000 } });
  });
});

import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix } from '@wirestack/core';
import type { PathAttributes, PeerConfig, Policy } from '../src/index.js';
import { ScriptedPeers } from './scripted-peers.js';

/**
 * Policies changed at run time (`setPolicy`): re-applied from the routes
 * kept before import policy (`keepPrePolicy`, "soft reconfiguration
 * inbound"), or asked for again with ROUTE-REFRESH, and a new export policy
 * re-sent to the peer.
 */

const ip = parseIpv4;
const AS = 65000;
const A = '10.0.0.2'; // eBGP, the peer whose policies change
const B = '10.0.0.3'; // eBGP, sees what we export
const P1 = parseIpv4Prefix('198.51.100.0/24');
const P2 = parseIpv4Prefix('203.0.113.0/24');
const LOOP = parseIpv4Prefix('192.0.2.128/25');

const route = (asns: number[] = [65002]): PathAttributes => ({ origin: 'igp', asPath: [{ type: 'sequence', asns }], nextHop: ip('192.0.2.2') });

function speaker(a: Partial<PeerConfig>, options: { capabilities?: 'none' } = {}): ScriptedPeers {
  const s = new ScriptedPeers({
    asn: AS,
    routerId: ip('10.0.0.1'),
    peers: [
      { address: ip(A), asn: 65002, passive: true, export: 'accept', ...a },
      { address: ip(B), asn: 65003, passive: true, import: 'accept', export: 'accept' },
    ],
  });
  s.establish(A, 65002, '192.0.2.2', options.capabilities === 'none' ? [] : undefined);
  s.establish(B, 65003, '192.0.2.3');
  return s;
}

/** Announces P1 (with community 1), P2, and a route with our AS in its path from A. */
function feed(s: ScriptedPeers): void {
  s.announce(A, [P1], { ...route(), communities: [1] });
  s.announce(A, [P2], route());
  s.announce(A, [LOOP], route([65002, AS]));
}

const onlyCommunityOne: Policy = ({ attributes }) => (attributes.communities?.includes(1) ? { ...attributes, localPref: 200 } : 'reject');

describe('keepPrePolicy: the Adj-RIB-In before import policy', () => {
  it('keeps every route as received (after the loop checks), whatever the import policy rejects', () => {
    const s = speaker({ import: 'reject', keepPrePolicy: true });
    feed(s);
    expect(s.engine.locRibSize).toBe(0);
    const pre = s.engine.routes({ peer: ip(A), prePolicy: true });
    expect(pre.map((r) => r.prefix).sort((x, y) => x.address - y.address)).toEqual([P1, P2]);
    expect(pre.find((r) => r.prefix.address === P1.address)).toMatchObject({ attributes: { ...route(), communities: [1] }, source: { address: ip(A) } });
    expect(s.engine.counters(ip(A))).toEqual({ received: 3, accepted: 0, advertised: 0, prePolicy: 2 });
    s.withdraw(A, [P2]);
    expect(s.engine.routes({ peer: ip(A), prePolicy: true })).toHaveLength(1);
    expect(s.engine.routes({ peer: ip(A), prefix: P1, prePolicy: true })).toHaveLength(1);
  });

  it('a new import policy is applied to the kept routes without asking the peer, and what changed goes out', () => {
    const s = speaker({ import: 'reject', keepPrePolicy: true });
    feed(s);
    const sentToA = s.peer(A).received.length;
    s.engine.setPolicy(ip(A), { import: 'accept' }, s.now);
    s.pump();
    expect(s.engine.locRibSize).toBe(2);
    expect([...s.routesAt(B).keys()].sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    s.engine.setPolicy(ip(A), { import: onlyCommunityOne }, s.now);
    s.pump();
    expect(s.engine.bestRoute(P1)?.attributes.localPref).toBe(200);
    expect(s.engine.bestRoute(P2)).toBeUndefined();
    expect([...s.routesAt(B).keys()]).toEqual(['198.51.100.0/24']);
    // nothing was asked of A: no ROUTE-REFRESH
    expect(s.peer(A).received.slice(sentToA).filter((m) => m.type === 'route-refresh')).toEqual([]);
    expect(s.engine.counters(ip(A))).toMatchObject({ accepted: 1, prePolicy: 2 });
  });

  it('back to no policy on an eBGP peer is RFC 8212 again: nothing accepted, and the log says why', () => {
    const s = speaker({ import: 'accept', keepPrePolicy: true });
    feed(s);
    expect(s.engine.locRibSize).toBe(2);
    s.engine.setPolicy(ip(A), { import: undefined }, s.now);
    s.pump();
    expect(s.engine.locRibSize).toBe(0);
    expect(s.logs(A)).toContainEqual(expect.stringContaining('RFC 8212'));
    expect(s.routesAt(B).size).toBe(0);
  });

  it('a session going down empties it', () => {
    const s = speaker({ import: 'reject', keepPrePolicy: true });
    feed(s);
    s.send(A, { type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) });
    expect(s.engine.counters(ip(A))).toMatchObject({ prePolicy: 0 });
  });

  it('a re-applied policy that accepts more than maxPrefixes stops the session', () => {
    const s = speaker({ import: 'reject', keepPrePolicy: true, maxPrefixes: 1 });
    feed(s);
    s.engine.setPolicy(ip(A), { import: 'accept' }, s.now);
    s.pump();
    expect(s.engine.peerState(ip(A))).toBe('Idle');
    expect(s.peer(B).routes.size).toBe(0);
  });

  it('is refused by name for a peer that does not keep it, and needs a peer', () => {
    const s = speaker({ import: 'accept' });
    expect(() => s.engine.routes({ peer: ip(A), prePolicy: true })).toThrow(/10\.0\.0\.2 does not keep its routes before import policy \(keepPrePolicy\)/);
    expect(() => s.engine.routes({ prePolicy: true })).toThrow(/needs a peer/);
    expect(s.engine.counters(ip(A))).not.toHaveProperty('prePolicy');
  });
});

describe('setPolicy without keepPrePolicy', () => {
  it('asks the peer for its routes again with ROUTE-REFRESH, and applies the new policy to what comes back', () => {
    const s = speaker({ import: 'reject' });
    feed(s);
    const before = s.peer(A).received.length;
    s.engine.setPolicy(ip(A), { import: 'accept' }, s.now);
    s.pump();
    expect(s.peer(A).received.slice(before)).toEqual([{ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 }]);
    expect(s.engine.locRibSize).toBe(0);
    feed(s); // the peer answers with its table
    expect(s.engine.locRibSize).toBe(2);
  });

  it('logs that it cannot when the peer has no route-refresh capability', () => {
    const s = speaker({ import: 'reject' }, { capabilities: 'none' });
    feed(s);
    const before = s.peer(A).received.length;
    s.engine.setPolicy(ip(A), { import: 'accept' }, s.now);
    s.pump();
    expect(s.peer(A).received.slice(before)).toEqual([]);
    expect(s.logs(A)).toContainEqual(expect.stringContaining('no route-refresh capability'));
    s.announce(A, [P2], route());
    expect(s.engine.bestRoute(P2)).toBeDefined();
  });

  it('a new export policy re-sends what changed to that peer only', () => {
    const s = speaker({ import: 'accept' });
    feed(s);
    expect(s.routesAt(B).size).toBe(2);
    const sentToA = s.peer(A).received.length;
    s.engine.setPolicy(ip(B), { export: ({ prefix, attributes }) => (prefix.address === P1.address ? { ...attributes, med: 9 } : 'reject') }, s.now);
    s.pump();
    expect([...s.routesAt(B).keys()]).toEqual(['198.51.100.0/24']);
    expect(s.routesAt(B).get('198.51.100.0/24')?.med).toBe(9);
    s.engine.setPolicy(ip(B), { export: 'reject' }, s.now);
    s.pump();
    expect(s.routesAt(B).size).toBe(0);
    expect(s.peer(A).received.slice(sentToA)).toEqual([]);
    // the import policy was left alone
    expect(s.engine.locRibSize).toBe(2);
  });

  it('on a peer that is not Established only the configuration changes', () => {
    const s = speaker({ import: 'reject' });
    s.send(A, { type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) });
    s.engine.setPolicy(ip(A), { import: 'accept' }, s.now);
    s.pump();
    expect(s.logs(A).filter((m) => m.includes('import policy changed'))).toEqual([]);
  });

  it('names an unknown peer', () => {
    const s = speaker({ import: 'reject' });
    expect(() => s.engine.setPolicy(ip('10.0.0.99'), { import: 'accept' }, 0)).toThrow(/no peer 10\.0\.0\.99/);
  });
});

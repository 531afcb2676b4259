import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import { BgpEngine, type PathAttributes, type PeerConfig } from '../src/index.js';
import { reflectedAttributes, reflectionLoop, reflects } from '../src/route-reflection.js';
import { ScriptedPeers } from './scripted-peers.js';

/**
 * Route reflection (RFC 4456) in the engine: a reflector with two clients,
 * two non-clients and an eBGP peer, all played by the test as bytes.
 */

const ip = parseIpv4;
const AS = 65000;
const EXTERNAL_AS = 65100;
const ROUTER_ID = '10.0.0.1';

const C1 = '10.0.0.11';
const C2 = '10.0.0.12';
const N1 = '10.0.0.21';
const N2 = '10.0.0.22';
const E1 = '10.0.0.31';
const EVERYONE = [C1, C2, N1, N2, E1];
/** The BGP Identifier each peer sends in its OPEN. */
const BGP_ID: Record<string, string> = { [C1]: '192.0.2.11', [C2]: '192.0.2.12', [N1]: '192.0.2.21', [N2]: '192.0.2.22', [E1]: '192.0.2.31' };
const ASN: Record<string, number> = { [C1]: AS, [C2]: AS, [N1]: AS, [N2]: AS, [E1]: EXTERNAL_AS };

function peer(address: string, extra: Partial<PeerConfig> = {}): PeerConfig {
  return { address: ip(address), asn: ASN[address]!, passive: true, import: 'accept', export: 'accept', ...extra };
}

function reflector(options: { clusterId?: string; clients?: boolean; n1?: Partial<PeerConfig> } = {}): ScriptedPeers {
  const clients = options.clients ?? true;
  const s = new ScriptedPeers({
    asn: AS,
    routerId: ip(ROUTER_ID),
    nextHop: ip('192.0.2.1'),
    ...(options.clusterId === undefined ? {} : { clusterId: ip(options.clusterId) }),
    peers: [
      peer(C1, { routeReflectorClient: clients }),
      peer(C2, { routeReflectorClient: clients }),
      peer(N1, options.n1),
      peer(N2),
      peer(E1),
    ],
  });
  for (const address of EVERYONE) s.establish(address, ASN[address]!, BGP_ID[address]!);
  return s;
}

const P = parseIpv4Prefix('198.51.100.0/24');
const PREFIX_TEXT = '198.51.100.0/24';

/** An iBGP route as a peer inside the AS sends it. */
const internal = (nextHop: string, extra: PathAttributes = {}): PathAttributes => ({ origin: 'igp', asPath: [], nextHop: ip(nextHop), localPref: 250, med: 5, ...extra });
const external: PathAttributes = { origin: 'igp', asPath: [{ type: 'sequence', asns: [EXTERNAL_AS] }], nextHop: ip('192.0.2.131') };

/** Which peers hold the route to P after it came from `source`. */
function recipients(s: ScriptedPeers): string[] {
  return EVERYONE.filter((a) => s.routesAt(a).has(PREFIX_TEXT));
}

describe('route reflection: who gets what (RFC 4456 §6)', () => {
  it('a client route goes to every other client, every non-client and eBGP, not back to its client', () => {
    const s = reflector();
    s.announce(C1, [P], internal('192.0.2.111'));
    expect(recipients(s)).toEqual([C2, N1, N2, E1]);
  });

  it('a non-client route goes to the clients and eBGP only', () => {
    const s = reflector();
    s.announce(N1, [P], internal('192.0.2.121'));
    expect(recipients(s)).toEqual([C1, C2, E1]);
  });

  it('an eBGP route and our own go to everyone (but their source)', () => {
    const s = reflector();
    s.announce(E1, [P], external);
    expect(recipients(s)).toEqual([C1, C2, N1, N2]);
    const q = parseIpv4Prefix('203.0.113.0/24');
    s.engine.announce(q);
    s.pump();
    expect(EVERYONE.filter((a) => s.routesAt(a).has('203.0.113.0/24'))).toEqual(EVERYONE);
  });

  it('without clients a speaker keeps plain iBGP split horizon', () => {
    const s = reflector({ clients: false });
    s.announce(C1, [P], internal('192.0.2.111'));
    expect(recipients(s)).toEqual([E1]);
    s.withdraw(C1, [P]);
    s.announce(N1, [P], internal('192.0.2.121'));
    expect(recipients(s)).toEqual([E1]);
    // an eBGP route still goes to every iBGP peer, without RFC 4456 attributes
    s.withdraw(N1, [P]);
    s.announce(E1, [P], external);
    expect(recipients(s)).toEqual([C1, C2, N1, N2]);
    for (const a of [C1, C2, N1, N2]) expect(Object.keys(s.routesAt(a).get(PREFIX_TEXT)!)).not.toContain('clusterList');
  });

  it('withdrawals follow the same paths', () => {
    const s = reflector();
    s.announce(C1, [P], internal('192.0.2.111'));
    s.withdraw(C1, [P]);
    expect(recipients(s)).toEqual([]);
    // a better non-client route replaces a client's: N2 loses the route, the clients keep one
    s.announce(C1, [P], internal('192.0.2.111'));
    s.announce(N1, [P], internal('192.0.2.121', { localPref: 300 }));
    expect(s.engine.bestRoute(P)?.source.address).toBe(ip(N1));
    expect(recipients(s)).toEqual([C1, C2, E1]);
    expect(s.routesAt(C1).get(PREFIX_TEXT)?.nextHop).toBe(ip('192.0.2.121'));
  });

  it('an eBGP peer cannot be a client, and the error says why', () => {
    expect(
      () => new BgpEngine({ asn: AS, routerId: ip(ROUTER_ID), peers: [peer(E1, { routeReflectorClient: true })], random: () => 0 }),
    ).toThrow(/10\.0\.0\.31: routeReflectorClient is for iBGP peers only/);
  });
});

describe('route reflection: attributes (RFC 4456 §8, §10)', () => {
  it('a reflected route gets ORIGINATOR_ID (its source) and our cluster id, and keeps NEXT_HOP, AS_PATH, LOCAL_PREF and MED', () => {
    const s = reflector();
    s.announce(C1, [P], internal('192.0.2.111', { communities: [7] }));
    for (const to of [C2, N1, N2]) {
      expect(s.routesAt(to).get(PREFIX_TEXT)).toEqual({
        origin: 'igp',
        asPath: [],
        nextHop: ip('192.0.2.111'),
        localPref: 250,
        med: 5,
        communities: [7],
        originatorId: ip(BGP_ID[C1]!),
        clusterList: [ip(ROUTER_ID)],
      });
    }
  });

  it('towards eBGP: no ORIGINATOR_ID, CLUSTER_LIST or LOCAL_PREF, our AS prepended and our next hop', () => {
    const s = reflector();
    s.announce(C1, [P], internal('192.0.2.111', { originatorId: ip('192.0.2.99'), clusterList: [ip('10.9.9.9')] }));
    expect(s.routesAt(E1).get(PREFIX_TEXT)).toEqual({ origin: 'igp', asPath: [{ type: 'sequence', asns: [AS] }], nextHop: ip('192.0.2.1') });
  });

  it('an existing ORIGINATOR_ID is kept and our cluster id goes in front of an existing CLUSTER_LIST', () => {
    const s = reflector({ clusterId: '10.255.0.1' });
    s.announce(N1, [P], internal('192.0.2.121', { originatorId: ip('192.0.2.99'), clusterList: [ip('10.9.9.9'), ip('10.8.8.8')] }));
    expect(s.routesAt(C1).get(PREFIX_TEXT)).toMatchObject({ originatorId: ip('192.0.2.99'), clusterList: [ip('10.255.0.1'), ip('10.9.9.9'), ip('10.8.8.8')] });
  });

  it('next-hop-self applies to our own and eBGP routes, not to reflected ones', () => {
    const s = reflector({ n1: { nextHopSelf: true } });
    s.announce(C1, [P], internal('192.0.2.111'));
    expect(s.routesAt(N1).get(PREFIX_TEXT)?.nextHop).toBe(ip('192.0.2.111'));
    const q = parseIpv4Prefix('203.0.113.0/24');
    s.announce(E1, [q], external);
    expect(s.routesAt(N1).get('203.0.113.0/24')?.nextHop).toBe(ip('192.0.2.1'));
    expect(s.routesAt(N2).get('203.0.113.0/24')?.nextHop).toBe(ip('192.0.2.131'));
  });

  it('eBGP and local routes go inside the AS without RFC 4456 attributes', () => {
    const s = reflector();
    s.announce(E1, [P], external);
    expect(s.routesAt(C1).get(PREFIX_TEXT)).toEqual({ ...external, localPref: 100 });
  });

  it('ORIGINATOR_ID and CLUSTER_LIST from an eBGP peer are discarded (RFC 7606 §7.9, §7.10), not taken for a loop', () => {
    const s = reflector();
    s.announce(E1, [P], { ...external, originatorId: ip(ROUTER_ID), clusterList: [ip(ROUTER_ID)] });
    const best = s.engine.bestRoute(P);
    expect(best?.source.address).toBe(ip(E1));
    expect(best?.attributes).not.toHaveProperty('originatorId');
    expect(best?.attributes).not.toHaveProperty('clusterList');
  });
});

describe('route reflection: loop prevention (RFC 4456 §8)', () => {
  it('a route carrying our router id as ORIGINATOR_ID is treated as withdrawn, logged once', () => {
    const s = reflector();
    s.announce(C1, [P], internal('192.0.2.111'));
    expect(s.engine.bestRoute(P)).toBeDefined();
    s.announce(C1, [P], internal('192.0.2.111', { originatorId: ip(ROUTER_ID) }));
    expect(s.engine.bestRoute(P)).toBeUndefined();
    expect(recipients(s)).toEqual([]);
    s.announce(C1, [parseIpv4Prefix('198.51.100.0/25')], internal('192.0.2.111', { originatorId: ip(ROUTER_ID) }));
    expect(s.logs(C1).filter((m) => m.includes('ORIGINATOR_ID'))).toHaveLength(1);
    expect(s.engine.counters(ip(C1))).toMatchObject({ accepted: 0 });
  });

  it('a route whose CLUSTER_LIST holds our cluster id is ignored; our router id there is no loop when the cluster id differs', () => {
    const s = reflector({ clusterId: '10.255.0.1' });
    s.announce(N1, [P], internal('192.0.2.121', { clusterList: [ip('10.9.9.9'), ip('10.255.0.1')] }));
    expect(s.engine.bestRoute(P)).toBeUndefined();
    expect(s.logs(N1)).toContainEqual(expect.stringContaining('CLUSTER_LIST holds our cluster id 10.255.0.1'));
    s.announce(N1, [P], internal('192.0.2.121', { clusterList: [ip(ROUTER_ID)] }));
    expect(s.engine.bestRoute(P)?.source.address).toBe(ip(N1));
  });

  it('the default cluster id is the router id', () => {
    const s = reflector();
    s.announce(C2, [P], internal('192.0.2.112', { clusterList: [ip(ROUTER_ID)] }));
    expect(s.engine.bestRoute(P)).toBeUndefined();
  });
});

describe('route reflection: the decision process (RFC 4456 §9)', () => {
  it('ORIGINATOR_ID stands for the BGP Identifier, then the shorter CLUSTER_LIST wins', () => {
    const s = reflector();
    // N1's identifier (192.0.2.21) is higher than C2's route's originator (192.0.2.5)
    s.announce(N1, [P], internal('192.0.2.121'));
    s.announce(C2, [P], internal('192.0.2.112', { originatorId: ip('192.0.2.5'), clusterList: [ip('10.9.9.9')] }));
    expect(s.engine.bestRoute(P)).toMatchObject({ decidedBy: 'router-id', source: { address: ip(C2) } });
    // same originator on both: one cluster hop beats two
    s.announce(N1, [P], internal('192.0.2.121', { originatorId: ip('192.0.2.5'), clusterList: [ip('10.7.7.7')] }));
    s.announce(C2, [P], internal('192.0.2.112', { originatorId: ip('192.0.2.5'), clusterList: [ip('10.9.9.9'), ip('10.8.8.8')] }));
    expect(s.engine.bestRoute(P)).toMatchObject({ decidedBy: 'cluster-list-length', source: { address: ip(N1) } });
  });
});

describe('route reflection rules as functions', () => {
  it('reflects: client to all, non-client to clients only', () => {
    expect([reflects(true, true), reflects(true, false), reflects(false, true), reflects(false, false)]).toEqual([true, true, true, false]);
  });

  it('reflectedAttributes adds ORIGINATOR_ID only when absent and prepends the cluster id', () => {
    const id = (n: number) => n as Ipv4Address;
    expect(reflectedAttributes({ nextHop: id(1) }, id(2), id(3))).toEqual({ nextHop: id(1), originatorId: id(2), clusterList: [id(3)] });
    expect(reflectedAttributes({ originatorId: id(9), clusterList: [id(8)] }, id(2), id(3))).toEqual({ originatorId: id(9), clusterList: [id(3), id(8)] });
  });

  it('reflectionLoop names the attribute that loops', () => {
    const id = (n: number) => n as Ipv4Address;
    expect(reflectionLoop({ originatorId: id(1) }, id(1), id(2))).toBe('originator-id');
    expect(reflectionLoop({ clusterList: [id(5), id(2)] }, id(1), id(2))).toBe('cluster-list');
    expect(reflectionLoop({ originatorId: id(3), clusterList: [id(1)] }, id(1), id(2))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { BgpSpeaker } from '@wirestack/bgp/node';
import { parseBgpConfig } from '../src/bgp-config.js';
import { configMistake as mistake } from './helpers.js';

/**
 * The configuration keys of route reflection, soft reconfiguration and the
 * max-prefix restart: parsed into speaker options, checked with the path of
 * a mistake, and accepted by the speaker they configure.
 */

const BASE = {
  asn: 65000,
  routerId: '192.0.2.1',
  peers: [
    { address: '127.0.0.10', asn: 65000 },
    { address: '127.0.0.11', asn: 65001, import: 'accept', export: 'accept' },
  ],
};

function config(edit: (c: any) => void): string {
  const c = structuredClone(BASE) as any;
  edit(c);
  return JSON.stringify(c);
}


describe('wirestack bgp config: clusterId, routeReflectorClient, keepPrePolicy, maxPrefixRestart', () => {
  it('become speaker options, and the speaker takes them', async () => {
    const c = parseBgpConfig(
      config((c) => {
        c.clusterId = '10.255.0.1';
        Object.assign(c.peers[0], { routeReflectorClient: true, keepPrePolicy: true });
        Object.assign(c.peers[1], { keepPrePolicy: false, maxPrefixes: 100, maxPrefixRestart: 300 });
      }),
    );
    expect(c.speaker.clusterId).toBe('10.255.0.1');
    expect(c.speaker.peers[0]).toEqual({ address: '127.0.0.10', asn: 65000, routeReflectorClient: true, keepPrePolicy: true });
    expect(c.speaker.peers[1]).toMatchObject({ keepPrePolicy: false, maxPrefixes: 100, maxPrefixRestart: 300 });
    const speaker = new BgpSpeaker({ ...c.speaker, listen: false });
    expect(speaker.counters('127.0.0.10')).toEqual({ received: 0, accepted: 0, advertised: 0, prePolicy: 0 });
    expect(speaker.counters('127.0.0.11')).not.toHaveProperty('prePolicy');
    await speaker.stop();
  });

  it('absent, they stay absent (the engine defaults: cluster id = router id, no reflection, no pre-policy table, no restart)', () => {
    const c = parseBgpConfig(JSON.stringify(BASE));
    expect(c.speaker).not.toHaveProperty('clusterId');
    for (const p of c.speaker.peers) for (const key of ['routeReflectorClient', 'keepPrePolicy', 'maxPrefixRestart']) expect(p).not.toHaveProperty(key);
  });

  it('a route reflector client must be an iBGP peer', () => {
    expect(mistake(config((c) => (c.peers[1].routeReflectorClient = true)))).toBe('peers[1].routeReflectorClient: only for iBGP peers (asn 65000), not AS 65001');
    // false is fine anywhere
    expect(() => parseBgpConfig(config((c) => (c.peers[1].routeReflectorClient = false)))).not.toThrow();
  });

  it('bad values name their path', () => {
    expect(mistake(config((c) => (c.clusterId = '10.0.0')))).toMatch(/^clusterId: /);
    expect(mistake(config((c) => (c.clusterId = 167772161))).startsWith('clusterId: must be a string')).toBe(true);
    expect(mistake(config((c) => (c.peers[0].routeReflectorClient = 'yes')))).toBe('peers[0].routeReflectorClient: must be true or false, not string "yes"');
    expect(mistake(config((c) => (c.peers[0].keepPrePolicy = 1)))).toBe('peers[0].keepPrePolicy: must be true or false, not number 1');
    expect(mistake(config((c) => (c.peers[1].maxPrefixRestart = 0)))).toBe('peers[1].maxPrefixRestart: must be an integer in 1..65535, not number 0');
    expect(mistake(config((c) => (c.peers[1].maxPrefixRestart = 1.5)))).toMatch(/^peers\[1\]\.maxPrefixRestart: must be an integer/);
  });
});

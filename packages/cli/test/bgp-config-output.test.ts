import { describe, expect, it } from 'vitest';
import { parseBgpConfig } from '../src/bgp-config.js';
import { configMistake as mistake } from './helpers.js';

/** The per-peer MRAI key: parsed into the peer's options, with the path of a bad value. */

const BASE = { asn: 65000, routerId: '192.0.2.1', peers: [{ address: '127.0.0.11', asn: 65001, import: 'accept', export: 'accept' }] };

function withMrai(value: unknown): string {
  return JSON.stringify({ ...BASE, peers: [{ ...BASE.peers[0], minRouteAdvertisementInterval: value }] });
}


describe('wirestack bgp config: minRouteAdvertisementInterval', () => {
  it('is a peer option in seconds, absent by default', () => {
    expect(parseBgpConfig(withMrai(30)).speaker.peers[0]!.minRouteAdvertisementInterval).toBe(30);
    expect(parseBgpConfig(withMrai(0)).speaker.peers[0]!.minRouteAdvertisementInterval).toBe(0);
    expect(parseBgpConfig(JSON.stringify(BASE)).speaker.peers[0]!.minRouteAdvertisementInterval).toBeUndefined();
  });

  it('a bad value names its path', () => {
    for (const bad of [-1, 1.5, '30', 70000]) expect(mistake(withMrai(bad))).toMatch(/^peers\[0\]\.minRouteAdvertisementInterval: /);
  });
});

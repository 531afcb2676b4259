import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix } from '@wirestack/core';
import { PROTO_BGP, PROTO_STATIC, Rib } from '@wirestack/routing';
import { BgpSpeaker, type SpeakerEvent } from '../src/node.js';

/** Two wirestack speakers over real sockets on loopback (127.0.0.1 and 127.0.0.2, a high port). */
async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('BgpSpeaker over node:net', () => {
  it('two speakers peer, exchange and withdraw a route, and stop with a Cease', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const a = new BgpSpeaker({
      asn: 4200000001,
      routerId: '192.0.2.1',
      listen: { address: '127.0.0.1', port },
      peers: [{ address: '127.0.0.2', port, asn: 4200000002, holdTime: 9, import: 'accept', export: 'accept' }],
    });
    const b = new BgpSpeaker({
      asn: 4200000002,
      routerId: '192.0.2.2',
      listen: { address: '127.0.0.2', port },
      peers: [{ address: '127.0.0.1', port, asn: 4200000001, holdTime: 9, passive: true, import: 'accept', export: 'accept' }],
    });
    const seen: SpeakerEvent[] = [];
    const reader = (async () => {
      for await (const e of b.events()) {
        seen.push(e);
        if (e.type === 'notification' && e.direction === 'received') break;
      }
    })();
    try {
      await b.start();
      await a.start();
      await until('Established', () => a.peerState('127.0.0.2') === 'Established' && b.peerState('127.0.0.1') === 'Established');
      a.announce('198.51.100.0/24', { communities: [65000 * 65536 + 1] });
      await until('route at B', () => b.bestRoute('198.51.100.0/24') !== undefined);
      expect(b.bestRoute('198.51.100.0/24')?.attributes).toMatchObject({ asPath: [{ type: 'sequence', asns: [4200000001] }], nextHop: 0xc0000201, communities: [65000 * 65536 + 1] });
      expect(b.routes({ peer: '127.0.0.1' })).toHaveLength(1);
      a.withdraw('198.51.100.0/24');
      await until('withdrawn at B', () => b.bestRoute('198.51.100.0/24') === undefined);
      await a.stop('bye');
      await reader;
      expect(seen).toContainEqual(expect.objectContaining({ type: 'notification', direction: 'received', code: 6, subcode: 2 }));
      expect(seen.filter((e) => e.type === 'route')).toHaveLength(2);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('installs best routes into a Rib once their next hop is reachable, and removes them when withdrawn', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const rib = new Rib();
    const a = new BgpSpeaker({
      asn: 4200000001,
      routerId: '192.0.2.1',
      listen: { address: '127.0.0.1', port },
      peers: [{ address: '127.0.0.2', port, asn: 4200000002, holdTime: 9, import: 'accept', export: 'accept' }],
    });
    const b = new BgpSpeaker({
      asn: 4200000002,
      routerId: '192.0.2.2',
      listen: { address: '127.0.0.2', port },
      peers: [{ address: '127.0.0.1', port, asn: 4200000001, holdTime: 9, passive: true, import: 'accept', export: 'accept' }],
      rib,
      install: { metric: 30 },
    });
    const prefix = parseIpv4Prefix('198.51.100.0/24');
    try {
      await b.start();
      await a.start();
      await until('Established', () => a.peerState('127.0.0.2') === 'Established' && b.peerState('127.0.0.1') === 'Established');
      a.announce('198.51.100.0/24');
      await until('route accepted at B', () => b.counters('127.0.0.1')?.accepted === 1);
      // 192.0.2.1 is not reachable through B's table yet
      expect(b.bestRoute('198.51.100.0/24')).toBeUndefined();
      expect(rib.selected(prefix)).toBeUndefined();
      rib.add({ destination: parseIpv4Prefix('192.0.2.0/24'), protocol: PROTO_STATIC, nexthops: [{ gateway: parseIpv4('10.0.0.254') }] });
      await until('route installed', () => rib.selected(prefix) !== undefined);
      expect(rib.selected(prefix)).toMatchObject({ protocol: PROTO_BGP, metric: 30, nexthops: [{ gateway: parseIpv4('192.0.2.1') }] });
      a.withdraw('198.51.100.0/24');
      await until('route removed', () => rib.selected(prefix) === undefined);
      expect(b.bestRoute('198.51.100.0/24')).toBeUndefined();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Ipv4Address } from '@wirestack/core';
import { buildOpen, encodeMessage } from '../src/index.js';
import { BgpSpeaker } from '../src/node.js';

/**
 * The speaker reads the connections it opens into one reused buffer: a
 * stream of UPDATEs cut into chunks of every size, some messages split
 * over several reads, must arrive intact (nothing kept from the buffer
 * after a read is handled).
 */
describe('BgpSpeaker reading a connection it opened', () => {
  it('takes 3,000 UPDATEs written in chunks of 1 to 5,000 octets, every route with its own attributes', async () => {
    const total = 3000;
    const updates = Array.from({ length: total }, (_, i) =>
      encodeMessage(
        {
          type: 'update',
          withdrawn: [],
          // distinct attributes per UPDATE, a third of them repeated octets (the raw attribute index path)
          attributes: { origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 4200000000 + (i % 1000)] }], nextHop: 0xc0000202 as Ipv4Address, communities: [i % 1000] },
          nlri: [{ address: ((0x0a000000 + i * 256) >>> 0) as Ipv4Address, length: 24 }],
        },
        { fourOctetAs: true },
      ),
    );
    const stream = new Uint8Array(updates.reduce((n, u) => n + u.length, 0));
    updates.reduce((at, u) => (stream.set(u, at), at + u.length), 0);

    let random = 12345;
    const next = () => (random = (Math.imul(random, 1103515245) + 12345) >>> 0);
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.write(encodeMessage(buildOpen({ asn: 65001, holdTime: 90, bgpId: 0xc0000202 as Ipv4Address, capabilities: [{ kind: 'four-octet-as', asn: 65001 }] })));
      socket.write(encodeMessage({ type: 'keepalive' }));
      let at = 0;
      const write = () => {
        if (at >= stream.length || socket.destroyed) return;
        const size = 1 + (next() % 5000);
        socket.write(stream.subarray(at, at + size));
        at += size;
        setImmediate(write);
      };
      setTimeout(write, 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const speaker = new BgpSpeaker({
      asn: 65000,
      routerId: '192.0.2.1',
      listen: false,
      localAddress: '127.0.0.1',
      routeEvents: false,
      peers: [{ address: '127.0.0.1', port, asn: 65001, import: 'accept', export: 'reject' }],
    });
    try {
      await speaker.start();
      const end = Date.now() + 20_000;
      while (speaker.locRibSize < total && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(speaker.peerState('127.0.0.1')).toBe('Established');
      expect(speaker.locRibSize).toBe(total);
      for (let i = 0; i < total; i++) {
        const r = speaker.bestRoute({ address: ((0x0a000000 + i * 256) >>> 0) as Ipv4Address, length: 24 });
        expect(r?.attributes).toEqual({ origin: 'igp', asPath: [{ type: 'sequence', asns: [65001, 4200000000 + (i % 1000)] }], nextHop: 0xc0000202, communities: [i % 1000] });
      }
    } finally {
      await speaker.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 30_000);
});

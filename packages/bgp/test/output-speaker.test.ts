import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseIpv4, type Ipv4Address } from '@wirestack/core';
import { BgpFramer, buildOpen, decodeMessage, encodeMessage, isEndOfRib, prefixKey } from '../src/index.js';
import { BgpSpeaker } from '../src/node.js';

/**
 * Write backpressure over real sockets on loopback: the test plays a BGP
 * peer on 127.0.0.2 that completes the handshake and then does not read.
 * The speaker must stop packing UPDATEs once the socket buffers are full,
 * and send the rest of its table when the peer reads again.
 */

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `value()` has not changed for `quietMs`; returns it. */
async function settled(value: () => number, quietMs: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const v = value();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return v;
    if (Date.now() > end) throw new Error('value did not settle');
  }
}

const ROUTES = 100_000;
/**
 * 32 communities per route, each route its own set: about 280 octets of
 * UPDATE per route, 28 MB in all, several times what the socket buffers
 * hold (here the speaker stalls after about 5.5 MB).
 */
function attributes(i: number) {
  return { communities: Array.from({ length: 32 }, (_, k) => (((k + 1) << 24) | i) >>> 0) };
}
function prefix(i: number) {
  return { address: ((0x0a000000 + i * 256) >>> 0) as Ipv4Address, length: 24 };
}

describe('BgpSpeaker write backpressure', () => {
  it('a peer that stops reading stops the packing of UPDATEs; reading again brings the whole table and End-of-RIB', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    let peerSocket: Socket | undefined;
    const server: Server = createServer((socket) => {
      peerSocket = socket;
      // the handshake, written without reading anything: the socket stays paused until a 'data' listener comes
      const open = buildOpen({ asn: 65001, holdTime: 90, bgpId: parseIpv4('127.0.0.2'), capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }] });
      socket.write(encodeMessage(open));
      socket.write(encodeMessage({ type: 'keepalive' }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.2', () => resolve());
    });
    const speaker = new BgpSpeaker({
      asn: 4200000001,
      routerId: '192.0.2.1',
      listen: false,
      localAddress: '127.0.0.1',
      peers: [{ address: '127.0.0.2', port, asn: 65001, holdTime: 90, import: 'accept', export: 'accept' }],
    });
    try {
      for (let i = 0; i < ROUTES; i++) speaker.announce(prefix(i), attributes(i));
      await speaker.start();
      await until('Established', () => speaker.peerState('127.0.0.2') === 'Established');
      const advertised = () => speaker.counters('127.0.0.2')?.advertised ?? 0;

      // the peer reads nothing: packing stops once the socket buffers are full, well short of the table
      await until('the socket to fill', () => advertised() > 0 && !speaker.engine.outputPending);
      const stalled = await settled(advertised, 500);
      expect(stalled).toBeGreaterThan(0);
      expect(stalled).toBeLessThan(ROUTES / 2);
      expect(speaker.engine.outputPending).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(advertised()).toBe(stalled);

      // the peer reads again: 'drain' resumes the table, which ends with End-of-RIB
      const framer = new BgpFramer();
      const received = new Set<number>();
      let endOfRib = false;
      let afterEndOfRib = 0;
      peerSocket!.on('data', (chunk: Uint8Array) => {
        for (const frame of framer.push(chunk)) {
          const { message } = decodeMessage(frame, 0, { fourOctetAs: true });
          if (message.type !== 'update') continue;
          if (endOfRib) afterEndOfRib++;
          if (isEndOfRib(message)) endOfRib = true;
          for (const p of message.nlri) received.add(prefixKey(p.address, p.length));
        }
      });
      await until('End-of-RIB', () => endOfRib);
      expect(received.size).toBe(ROUTES);
      expect(afterEndOfRib).toBe(0);
      expect(advertised()).toBe(ROUTES);
    } finally {
      peerSocket?.destroy();
      await speaker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});

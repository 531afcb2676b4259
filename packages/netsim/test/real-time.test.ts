import { describe, expect, it } from 'vitest';
import { Network, RealTimeScheduler, UdpUnderlay } from '../src/index.js';

describe('RealTimeScheduler', () => {
  it('runs events after their delay, in order', async () => {
    const s = new RealTimeScheduler();
    const seen: string[] = [];
    const t0 = s.now();
    await new Promise<void>((resolve) => {
      s.at(t0 + 30, () => {
        seen.push('b');
        resolve();
      });
      s.at(t0 + 10, () => seen.push('a'));
      s.at(t0 + 20, () => seen.push('cancelled')).cancel();
    });
    expect(seen).toEqual(['a', 'b']);
    expect(s.now() - t0).toBeGreaterThanOrEqual(29);
  });
});

describe('VxlanDevice over real UDP sockets (loopback)', () => {
  it('two simulated sites ping each other through node:dgram VTEPs on 127.0.0.1 and 127.0.0.2', async () => {
    const port = 40000 + (process.pid % 20000);
    const site = async (local: string, remote: string, address: string, firstMac: string) => {
      const underlay = await UdpUnderlay.bind({ address: local, port });
      // Two networks on one L2 segment: their MAC sequences must not overlap.
      const net = new Network({ scheduler: new RealTimeScheduler(), firstMac });
      const br0 = net.bridge('br0');
      net.vxlan('vxlan1', { vni: 7, dstPort: port, remote, underlay }, br0);
      const host = net.host(`h-${address}`);
      net.link(net.addInterface(host, { name: 'eth0', address: `${address}/24` }), br0);
      return { underlay, host, br0 };
    };
    const a = await site('127.0.0.1', '127.0.0.2', '10.9.0.1', '02:00:00:00:0a:01');
    const b = await site('127.0.0.2', '127.0.0.1', '10.9.0.2', '02:00:00:00:0b:01');
    try {
      const r = await a.host.ping('10.9.0.2', { count: 3, interval: 20, wait: 1000 });
      expect(r.received).toBe(3);
      expect(b.br0.fdbShow().some((l) => / dev vxlan1 dst 127\.0\.0\.1 self$/.test(l))).toBe(true);
    } finally {
      await a.underlay.close();
      await b.underlay.close();
    }
  });
});

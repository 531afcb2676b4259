import { describe, expect, it } from 'vitest';
import { Network } from '../src/index.js';

/** a (10.0.1.2) — r1 — r2 — b (10.0.3.2), MTU 1400 between the routers. */
function chain() {
  const net = new Network();
  const a = net.host('a');
  const b = net.host('b');
  const r1 = net.router('r1');
  const r2 = net.router('r2');
  const a0 = net.addInterface(a, { name: 'eth0', address: '10.0.1.2/24' });
  const r1a = net.addInterface(r1, { name: 'eth0', address: '10.0.1.1/24' });
  const r1b = net.addInterface(r1, { name: 'eth1', address: '10.0.2.1/24', mtu: 1400 });
  const r2a = net.addInterface(r2, { name: 'eth0', address: '10.0.2.2/24', mtu: 1400 });
  const r2b = net.addInterface(r2, { name: 'eth1', address: '10.0.3.1/24' });
  const b0 = net.addInterface(b, { name: 'eth0', address: '10.0.3.2/24' });
  net.link(a0, r1a, { latency: 0.1 });
  const middle = net.link(r1b, r2a, { latency: 0.1, mtu: 1400 });
  net.link(r2b, b0, { latency: 0.1 });
  a.addRoute('default via 10.0.1.1');
  b.addRoute('default via 10.0.3.1');
  r1.addRoute('10.0.3.0/24 via 10.0.2.2');
  r2.addRoute('10.0.1.0/24 via 10.0.2.1');
  return { net, a, b, r1, r2, middle };
}

describe('Router', () => {
  it('forwards with TTL decremented at each hop (and a valid checksum, or b would drop it)', async () => {
    const { net, a, r1, r2 } = chain();
    const done = a.ping('10.0.3.2', { count: 2 });
    net.run();
    const r = await done;
    expect(r.received).toBe(2);
    expect(r.replies.map((x) => x.ttl)).toEqual([62, 62]);
    expect(r1.counters.forwarded).toBe(4);
    expect(r2.counters.forwarded).toBe(4);
  });

  it('answers TTL 1 with time exceeded, like traceroute sees it', async () => {
    const { net, a } = chain();
    const lines: string[] = [];
    const first = a.ping('10.0.3.2', { count: 1, ttl: 1, print: (l) => lines.push(l) });
    net.run();
    const r = await first;
    expect(r.received).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(lines).toContain('From 10.0.1.1 icmp_seq=1 Time to live exceeded');
    const second = a.ping('10.0.3.2', { count: 1, ttl: 2 });
    net.run();
    expect((await second).errors[0]!.from).toBe(0x0a000202); // 10.0.2.2, the second router
  });

  it('sends fragmentation needed with the next-hop MTU for a DF datagram, and fragments others', async () => {
    const { net, a, middle } = chain();
    const lines: string[] = [];
    const df = a.ping('10.0.3.2', { count: 1, size: 1450, dontFragment: true, print: (l) => lines.push(l) });
    net.run();
    expect((await df).received).toBe(0);
    expect(lines).toContain('From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)');
    const capture = net.tap(middle);
    const frag = a.ping('10.0.3.2', { count: 1, size: 1450 });
    net.run();
    expect((await frag).received).toBe(1);
    expect(capture.lines().filter((l) => l.includes('10.0.1.2 > 10.0.3.2'))).toHaveLength(2);
  });

  it('answers an unroutable destination with net unreachable', async () => {
    const { net, a } = chain();
    const lines: string[] = [];
    const done = a.ping('10.9.9.9', { count: 1, print: (l) => lines.push(l) });
    net.run();
    await done;
    expect(lines).toContain('From 10.0.1.1 icmp_seq=1 Destination Net Unreachable');
  });
});

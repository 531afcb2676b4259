import { describe, expect, it } from 'vitest';
import { formatMac, parseIpv4 } from '@wirestack/core';
import { Network } from '../src/index.js';

/** Two hosts on one bridge, 10.0.0.1 and 10.0.0.2/24. */
function lan(options: { latency?: number; loss?: number; seed?: number } = {}) {
  const net = new Network({ seed: options.seed ?? 1 });
  const br = net.bridge('br0');
  const a = net.host('a');
  const b = net.host('b');
  const ea = net.addInterface(a, { name: 'eth0', address: '10.0.0.1/24' });
  const eb = net.addInterface(b, { name: 'eth0', address: '10.0.0.2/24' });
  const la = net.link(ea, br, { latency: options.latency ?? 0.1, loss: options.loss ?? 0 });
  net.link(eb, br, { latency: options.latency ?? 0.1, loss: options.loss ?? 0 });
  return { net, br, a, b, ea, eb, la };
}

describe('Host', () => {
  it('resolves with ARP and answers ping; RTTs are the path latency', async () => {
    const { net, a, b, eb, la } = lan({ latency: 0.25 });
    const capture = net.tap(la);
    const lines: string[] = [];
    const done = a.ping('10.0.0.2', { count: 3, print: (l) => lines.push(l) });
    net.run();
    const r = await done;
    expect(r.transmitted).toBe(3);
    expect(r.received).toBe(3);
    expect(r.loss).toBe(0);
    // Each way crosses two links of 0.25 ms; the first one waits for ARP (another round trip).
    expect(r.rtts).toEqual([2, 1, 1]);
    expect(r.replies.map((x) => x.ttl)).toEqual([64, 64, 64]);
    expect(lines[0]).toBe('PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.');
    expect(lines[1]).toBe('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=2.000 ms');
    expect(lines.at(-2)).toBe('3 packets transmitted, 3 received, 0% packet loss, time 2001ms');
    expect(a.neighbours()).toEqual([`10.0.0.2 dev eth0 lladdr ${formatMac(eb.mac)} REACHABLE`]);
    // b learned a from its request (STALE), then confirmed it.
    expect(b.neighbours()[0]).toMatch(/^10\.0\.0\.1 dev eth0 lladdr 02:00:00:00:00:02 /);
    const trace = capture.lines();
    expect(trace[0]).toContain('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
    expect(trace[1]).toContain('ARP, Reply 10.0.0.2 is-at');
    expect(trace[2]).toContain('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64');
    expect(trace[3]).toContain('IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 1, seq 1, length 64');
  });

  it('reports loss on a lossy link (seeded, so the same every run)', async () => {
    const run = async (seed: number) => {
      const { net, a } = lan({ loss: 0.3, seed });
      const done = a.ping('10.0.0.2', { count: 20, interval: 1000 });
      net.run();
      return done;
    };
    const r1 = await run(7);
    const r2 = await run(7);
    expect(r1.received).toBe(r2.received);
    expect(r1.rtts).toEqual(r2.rtts);
    expect(r1.received).toBeGreaterThan(0);
    expect(r1.received).toBeLessThan(20);
    expect(r1.loss).toBeCloseTo((20 - r1.received) / 20);
  });

  it('carries UDP between sockets and answers a closed port with port unreachable', () => {
    const { net, a, b, la } = lan();
    const capture = net.tap(la);
    const server = b.bind(5000);
    const got: string[] = [];
    server.on('message', (data, rinfo) => {
      got.push(`${new TextDecoder().decode(data)} from ${rinfo.address}:${rinfo.port}`);
      server.send(data.slice().reverse(), rinfo.port, rinfo.ip);
    });
    const client = a.bind(4000);
    const replies: string[] = [];
    client.on('message', (data) => replies.push(new TextDecoder().decode(data)));
    client.send(new TextEncoder().encode('hello'), 5000, parseIpv4('10.0.0.2'));
    client.send(new TextEncoder().encode('nobody'), 5001, parseIpv4('10.0.0.2'));
    net.run();
    expect(got).toEqual(['hello from 10.0.0.1:4000']);
    expect(replies).toEqual(['olleh']);
    expect(capture.lines().join('\n')).toContain('IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 5001 unreachable');
    expect(b.counters.icmpErrorsSent).toBe(1);
  });

  it('fragments datagrams above the MTU and reassembles them', async () => {
    const { net, a, la } = lan();
    const capture = net.tap(la);
    const done = a.ping('10.0.0.2', { count: 1, size: 4000 });
    net.run();
    const r = await done;
    expect(r.received).toBe(1);
    expect(r.replies[0]!.bytes).toBe(4008);
    const frags = capture.lines().filter((l) => l.includes('10.0.0.1 > 10.0.0.2'));
    expect(frags.length).toBe(3); // 1480 + 1480 + 1048 bytes of ICMP
    expect(frags[1]).toContain('(frag');
  });

  it('refuses to send a DF datagram above the MTU', async () => {
    const { net, a } = lan();
    const done = a.ping('10.0.0.2', { count: 1, size: 2000, dontFragment: true });
    net.run();
    const r = await done;
    expect(r.received).toBe(0);
    expect(r.loss).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { Network, hostUnderlay } from '../src/index.js';

describe('README example', () => {
  it('runs the 20-line lab', async () => {
    const out: unknown[] = [];
    const log = (...args: unknown[]): void => {
      out.push(...args);
    };
    // ---- the README's code, with console.log as log
    const net = new Network(); // virtual time, seed 1
    const machine = (name: string, ip: string, peer: string, containers: string[]) => {
      const host = net.host(name);
      const eth0 = net.addInterface(host, { name: 'eth0', address: `${ip}/24` });
      const br0 = net.bridge('br0');
      net.vxlan('vxlan1', { vni: 1, dstPort: 9527, remote: peer, underlay: hostUnderlay(host, 9527) }, br0);
      const hosts = containers.map((addr) => {
        const c = net.host(`c${addr}`);
        net.link(net.addInterface(c, { name: 'eth0', address: `10.0.0.${addr}/24` }), br0, { latency: 0.02 });
        return c;
      });
      return { eth0, br0, hosts };
    };
    const a = machine('machine-a', '192.168.1.1', '192.168.1.2', ['101', '102']);
    const b = machine('machine-b', '192.168.1.2', '192.168.1.1', ['103', '104']);
    const underlay = net.tap(net.link(a.eth0, b.eth0, { latency: 0.2 }));
    const done = a.hosts[0]!.ping('10.0.0.103', { count: 3, print: log });
    net.run(); // runs the simulation until nothing but housekeeping is left
    log((await done).rtts, underlay.lines(), a.br0.fdbShow(), a.hosts[0]!.neighbours());
    // ----
    void b;
    expect(out[1]).toMatch(/^64 bytes from 10\.0\.0\.103: icmp_seq=1 ttl=64 time=/);
    const [rtts, lines, fdb, neigh] = out.slice(-4) as [number[], string[], string[], string[]];
    expect(rtts).toHaveLength(3);
    expect(lines.some((l) => l.includes('192.168.1.2.9527: VXLAN'))).toBe(true);
    expect(fdb.some((l) => / dev vxlan1 dst 192\.168\.1\.2 self$/.test(l))).toBe(true);
    expect(neigh[0]).toMatch(/^10\.0\.0\.103 dev eth0 lladdr/);
  });
});

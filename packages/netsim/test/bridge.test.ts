import { describe, expect, it } from 'vitest';
import { Network } from '../src/index.js';

describe('BridgeDevice', () => {
  it('keeps VLANs apart with VLAN filtering, and taps a bridge port and a host interface', async () => {
    const net = new Network();
    const br = net.bridge('br0', { vlanFiltering: true });
    const hosts = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address, i) => {
      const h = net.host(`h${i + 1}`);
      const eth0 = net.addInterface(h, { name: 'eth0', address: `${address}/24` });
      const port = br.addPort(`veth${i + 1}`);
      net.link(eth0, port);
      // h1 and h2 in VLAN 10, h3 in VLAN 20 (bridge vlan add dev vethX vid N pvid untagged; del vid 1).
      const vid = i < 2 ? 10 : 20;
      br.engine.vlanAdd(port.index, vid, { pvid: true, untagged: true });
      br.engine.vlanDel(port.index, 1);
      return { h, eth0, port };
    });
    const portTap = net.tap(hosts[2]!.port);
    const ifaceTap = net.tap(hosts[1]!.eth0);
    const same = hosts[0]!.h.ping('10.0.0.2', { count: 1 });
    const other = hosts[0]!.h.ping('10.0.0.3', { count: 1 });
    net.run();
    expect((await same).received).toBe(1);
    expect((await other).received).toBe(0);
    // VLAN 20's port saw nothing of VLAN 10's broadcasts.
    expect(portTap.frames).toHaveLength(0);
    expect(ifaceTap.lines().join('\n')).toContain('ARP, Request who-has 10.0.0.2 tell 10.0.0.1');
    expect(ifaceTap.lines().join('\n')).toContain('IP 10.0.0.2 > 10.0.0.1: ICMP echo reply');
  });

  it('ages learned entries out on the scheduler', () => {
    const net = new Network();
    const br = net.bridge('br0', { ageingTime: 10_000 });
    const a = net.host('a');
    const b = net.host('b');
    net.link(net.addInterface(a, { name: 'eth0', address: '10.0.0.1/24' }), br, { names: ['va', 'va'] });
    net.link(net.addInterface(b, { name: 'eth0', address: '10.0.0.2/24' }), br, { names: ['vb', 'vb'] });
    void a.ping('10.0.0.2', { count: 1 });
    net.run();
    expect(br.fdbShow().filter((l) => l.includes('dev va ') || l.includes('dev vb '))).toHaveLength(2);
    // b's neighbour entry for a goes DELAY -> PROBE at 5 s: a unicast ARP exchange refreshes both entries.
    net.runFor(20_000);
    expect(br.fdbShow().filter((l) => l.includes('dev va ') || l.includes('dev vb '))).toHaveLength(0);
  });
});

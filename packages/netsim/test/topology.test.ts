import { describe, expect, it } from 'vitest';
import { buildTopology, type TopologySpec, vxlanLab } from '../src/index.js';

/** The walkthrough's VXLAN lab as one object. */
const lab: TopologySpec = {
  hosts: {
    'machine-a': { interfaces: { eth0: { address: '192.168.1.1/24' } } },
    'machine-b': { interfaces: { eth0: { address: '192.168.1.2/24' } } },
    c101: { interfaces: { eth0: { address: '10.0.0.101/24' } } },
    c102: { interfaces: { eth0: { address: '10.0.0.102/24' } } },
    c103: { interfaces: { eth0: { address: '10.0.0.103/24' } } },
    c104: { interfaces: { eth0: { address: '10.0.0.104/24' } } },
  },
  bridges: { brA: {}, brB: {} },
  links: [
    { a: 'machine-a:eth0', b: 'machine-b:eth0', latency: 0.2 },
    { a: 'c101:eth0', b: 'brA:veth101', latency: 0.02 },
    { a: 'c102:eth0', b: 'brA:veth102', latency: 0.02 },
    { a: 'c103:eth0', b: 'brB:veth103', latency: 0.02 },
    { a: 'c104:eth0', b: 'brB:veth104', latency: 0.02 },
  ],
  vxlans: {
    vxA: { device: 'vxlan1', bridge: 'brA', underlay: 'machine-a', vni: 1, dstPort: 9527, remote: '192.168.1.2' },
    vxB: { device: 'vxlan1', bridge: 'brB', underlay: 'machine-b', vni: 1, dstPort: 9527, remote: '192.168.1.1' },
  },
};

describe('buildTopology', () => {
  it('builds the walkthrough lab from one object, equivalent to the code API', async () => {
    const t = buildTopology(lab);
    const done = t.host('c101').ping('10.0.0.103', { count: 3 });
    t.net.run();
    const declared = await done;

    const coded = vxlanLab();
    const done2 = coded.a.containers[0]!.ping('10.0.0.103', { count: 3 });
    coded.net.run();
    const code = await done2;

    expect(declared.received).toBe(3);
    expect(declared.rtts).toEqual(code.rtts);
    const fdb = t.bridge('brA').fdbShow().join('\n');
    expect(fdb).toMatch(/^02:\S+ dev vxlan1 dst 192\.168\.1\.2 self$/m);
    expect(fdb).toContain('dev veth101 master brA');
  });

  it('applies routes and forwarding, and names what is missing', async () => {
    const t = buildTopology({
      hosts: {
        a: { interfaces: { eth0: { address: '10.0.1.2/24' } }, routes: ['default via 10.0.1.1'] },
        r: { forwarding: true, interfaces: { eth0: { address: '10.0.1.1/24' }, eth1: { address: '10.0.2.1/24' } } },
        b: { interfaces: { eth0: { address: '10.0.2.2/24' } }, routes: ['default via 10.0.2.1'] },
      },
      links: [
        { a: 'a:eth0', b: 'r:eth0' },
        { a: 'r:eth1', b: 'b:eth0' },
      ],
    });
    const done = t.host('a').ping('10.0.2.2', { count: 1 });
    t.net.run();
    expect((await done).replies[0]!.ttl).toBe(63);
    expect(() => buildTopology({ links: [{ a: 'x:eth0', b: 'y:eth0' }] })).toThrow(/no host or bridge 'x'/);
    expect(() => buildTopology({ hosts: { a: { interfaces: {} } }, bridges: { br: {} }, links: [{ a: 'a', b: 'br' }] })).toThrow(/needs an interface/);
  });
});

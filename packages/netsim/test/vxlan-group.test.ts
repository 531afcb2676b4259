import { describe, expect, it } from 'vitest';
import { formatMac, macFromBytes, parseIpv4, readU16, type Ipv4Address } from '@wirestack/core';
import { Network, hostUnderlay, type Capture, type Host, type HostInterface, type VxlanDevice } from '../src/index.js';

const GROUP = '239.1.1.1';
/** RFC 1112 §6.4: 01:00:5e + the low 23 bits of 239.1.1.1. */
const GROUP_MAC = '01:00:5e:01:01:01';
const VXLAN_PORT = 4789;

interface Machine {
  readonly host: Host;
  readonly eth0: HostInterface;
  readonly vxlan1: VxlanDevice;
  readonly br0: ReturnType<Network['bridge']>;
  readonly container: Host;
}

/**
 * `ip link add vxlan1 type vxlan id 42 group <group> dev eth0 dstport 4789`
 * on a machine whose eth0 sits on a shared underlay segment (a switch),
 * with one container on br0.
 */
function machine(net: Network, underlay: ReturnType<Network['bridge']>, n: number, group: string): Machine {
  const host = net.host(`machine-${n}`);
  const eth0 = net.addInterface(host, { name: 'eth0', address: `192.168.1.${n}/24` });
  net.link(eth0, underlay, { latency: 0.1 });
  const br0 = net.bridge('br0');
  const vxlan1 = net.vxlan('vxlan1', { vni: 42, group, device: 'eth0', dstPort: VXLAN_PORT, underlay: hostUnderlay(host, VXLAN_PORT) }, br0);
  const container = net.host(`c${n}`);
  net.link(net.addInterface(container, { name: 'eth0', address: `10.0.0.${n}/24` }), br0, { latency: 0.02 });
  return { host, eth0, vxlan1, br0, container };
}

function lab() {
  const net = new Network();
  const underlay = net.bridge('underlay');
  const a = machine(net, underlay, 1, GROUP);
  const b = machine(net, underlay, 2, GROUP);
  const c = machine(net, underlay, 3, GROUP);
  // Same VNI and port, another group: not a member of 239.1.1.1.
  const d = machine(net, underlay, 4, '239.1.1.2');
  const wire = net.tap(a.eth0);
  return { net, a, b, c, d, wire };
}

/** The VXLAN datagrams (UDP to 4789) `iface` sent, with their destination MAC and IP. */
function vxlanSent(capture: Capture, iface: HostInterface): { dstMac: string; dstIp: Ipv4Address }[] {
  return capture.frames
    .map((f) => f.frame)
    .filter((f) => macFromBytes(f, 6) === iface.mac && readU16(f, 12) === 0x0800 && f[23] === 17 && readU16(f, 14 + 20 + 2) === VXLAN_PORT)
    .map((f) => ({ dstMac: formatMac(macFromBytes(f, 0)), dstIp: (((f[30]! << 24) | (f[31]! << 16) | (f[32]! << 8) | f[33]!) >>> 0) as Ipv4Address }));
}

describe('VxlanDevice with a multicast group on the in-memory underlay', () => {
  it('joins the group on eth0', () => {
    const { a, d } = lab();
    expect(a.host.multicastGroups().get('eth0')).toEqual([parseIpv4(GROUP)]);
    expect(d.host.multicastGroups().get('eth0')).toEqual([parseIpv4('239.1.1.2')]);
    expect(a.br0.fdbShow()).toContain(`00:00:00:00:00:00 dev vxlan1 dst ${GROUP} self permanent`);
  });

  it('floods the first ARP request to every member, learns the VTEPs, then goes unicast', async () => {
    const { net, a, b, c, d, wire } = lab();
    const done = a.container.ping('10.0.0.3', { count: 2 });
    net.run();
    const r = await done;
    expect(r.received).toBe(2);
    expect(r.replies[0]!.ttl).toBe(64);

    // The ARP request went to the group (its MAC, no ARP for 239.1.1.1), and B and C got it.
    const sent = vxlanSent(wire, a.eth0);
    expect(sent[0]).toEqual({ dstMac: GROUP_MAC, dstIp: parseIpv4(GROUP) });
    expect(sent.filter((f) => f.dstIp === parseIpv4(GROUP)).length).toBe(1);
    expect(wire.lines().some((l) => l.includes(`who-has ${GROUP}`))).toBe(false);
    expect(b.vxlan1.counters.received).toBe(1);
    expect(c.vxlan1.counters.received).toBeGreaterThanOrEqual(3); // ARP request + 2 echo requests
    // B's container saw the broadcast request and stayed quiet.
    expect(b.container.counters.received).toBe(1);

    // Everything after the flood went to C's unicast VTEP address, and C answered A's VTEP directly.
    for (const f of sent.slice(1)) expect(f).toEqual({ dstMac: formatMac(c.eth0.mac), dstIp: parseIpv4('192.168.1.3') });
    expect(sent.length).toBe(1 + 2); // the flooded request + two echo requests
    const fromC = vxlanSent(wire, c.eth0);
    expect(fromC.length).toBe(3); // ARP reply + two echo replies
    for (const f of fromC) expect(f).toEqual({ dstMac: formatMac(a.eth0.mac), dstIp: parseIpv4('192.168.1.1') });

    const macA = formatMac(a.container.interfaces[0]!.mac);
    const macC = formatMac(c.container.interfaces[0]!.mac);
    expect(a.br0.fdbShow()).toContain(`${macC} dev vxlan1 dst 192.168.1.3 self`);
    expect(c.br0.fdbShow()).toContain(`${macA} dev vxlan1 dst 192.168.1.1 self`);
    expect(b.br0.fdbShow()).toContain(`${macA} dev vxlan1 dst 192.168.1.1 self`);
    expect(b.br0.fdbShow().some((l) => l.startsWith(macC))).toBe(false); // C's replies were unicast to A

    // D, on the same segment, VNI and port but in another group, got nothing at all.
    expect(d.vxlan1.counters.received).toBe(0);
    expect(d.vxlan1.counters.dropped).toBe(0);
    // Its NIC filtered the group's MAC out (it did take the underlay's broadcast ARP requests).
    expect(d.host.counters.delivered).toBe(0);
    expect(d.host.counters.dropped).toBe(0);
    expect(d.br0.fdbShow().some((l) => l.startsWith(macA))).toBe(false);
  });

  it('a VTEP that drops the membership receives nothing more', async () => {
    const net = new Network();
    const underlay = net.bridge('underlay');
    const a = machine(net, underlay, 1, GROUP);
    const host = net.host('listener');
    net.link(net.addInterface(host, { name: 'eth0', address: '192.168.1.9/24' }), underlay);
    const socket = host.bind(VXLAN_PORT);
    const got: string[] = [];
    socket.on('message', (_data, rinfo) => got.push(rinfo.address));
    socket.addMembership(GROUP, '192.168.1.9');
    const first = a.container.ping('10.0.0.77', { count: 1, wait: 10 });
    net.run();
    await first;
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(new Set(got)).toEqual(new Set(['192.168.1.1']));
    socket.dropMembership(GROUP);
    const before = got.length;
    const received = host.counters.received;
    const second = a.container.ping('10.0.0.78', { count: 1, wait: 10 });
    net.run();
    await second;
    expect(got.length).toBe(before);
    expect(host.counters.received).toBe(received); // the NIC filter no longer takes the group's MAC
  });
});

describe('UdpSocket multicast on a simulated host', () => {
  function segment() {
    const net = new Network();
    const sw = net.bridge('sw');
    const hosts = [1, 2, 3].map((n) => {
      const h = net.host(`h${n}`);
      net.link(net.addInterface(h, { name: 'eth0', address: `192.168.7.${n}/24` }), sw);
      return h;
    });
    return { net, hosts: hosts as [Host, Host, Host] };
  }

  it('delivers to member sockets only, with the sender unicast source, and no ICMP error to non-members', () => {
    const { net, hosts } = segment();
    const [h1, h2, h3] = hosts;
    const s2 = h2.bind(5000);
    const s3 = h3.bind(5000); // bound, not a member
    const got2: string[] = [];
    const got3: string[] = [];
    s2.on('message', (d, r) => got2.push(`${r.address}:${r.port} ${new TextDecoder().decode(d)}`));
    s3.on('message', (d) => got3.push(new TextDecoder().decode(d)));
    s2.addMembership('239.9.9.9', '192.168.7.2');
    const s1 = h1.bind(6000);
    s1.setMulticastInterface('192.168.7.1');
    expect(s1.send(new TextEncoder().encode('hi'), 5000, parseIpv4('239.9.9.9'))).toBe(true);
    net.run();
    expect(got2).toEqual(['192.168.7.1:6000 hi']);
    expect(got3).toEqual([]);
    expect(h3.counters.received).toBe(0);
    expect(h2.counters.icmpErrorsSent + h3.counters.icmpErrorsSent).toBe(0);
  });

  it('sends with multicast TTL 1 by default and without a route fails like ENETUNREACH', () => {
    const { net, hosts } = segment();
    const [h1, h2] = hosts;
    const cap = net.tap(h1.interfaces[0]!);
    const s1 = h1.bind(6000);
    expect(s1.send(new Uint8Array(4), 5000, parseIpv4('239.9.9.9'))).toBe(false); // no IP_MULTICAST_IF, no route to 224/4
    h1.addRoute('224.0.0.0/4 dev eth0');
    expect(s1.send(new Uint8Array(4), 5000, parseIpv4('239.9.9.9'))).toBe(true);
    net.run();
    expect(cap.frames.length).toBe(1);
    const f = cap.frames[0]!.frame;
    expect(formatMac(macFromBytes(f, 0))).toBe('01:00:5e:09:09:09');
    expect(f[14 + 8]).toBe(1); // TTL
    expect(() => h2.bind(5000).addMembership('239.9.9.9')).toThrow(/ENODEV/); // no route to the group on h2
    expect(() => h2.bind(5001).addMembership('10.0.0.1', '192.168.7.2')).toThrow(/EINVAL/);
  });

  it('loops a copy back to members on the sending host unless IP_MULTICAST_LOOP is off', () => {
    const { net, hosts } = segment();
    const [h1] = hosts;
    const member = h1.bind(5000);
    let n = 0;
    member.on('message', () => n++);
    member.addMembership('239.9.9.9', '192.168.7.1');
    const sender = h1.bind(6000);
    sender.setMulticastInterface('192.168.7.1');
    sender.send(new Uint8Array(4), 5000, parseIpv4('239.9.9.9'));
    net.run();
    expect(n).toBe(1);
    sender.setMulticastLoopback(false);
    sender.send(new Uint8Array(4), 5000, parseIpv4('239.9.9.9'));
    net.run();
    expect(n).toBe(1);
  });

  it('rejects a group on a VXLAN underlay bound to a unicast address, and remote with group', () => {
    const net = new Network();
    const h = net.host('h');
    net.addInterface(h, { name: 'eth0', address: '192.168.1.1/24' });
    expect(() => net.vxlan('vxlan1', { vni: 1, group: GROUP, device: 'eth0', underlay: hostUnderlay(h, 4789, '192.168.1.1') })).toThrow(/bind it to any address/);
    expect(() => net.vxlan('vxlan2', { vni: 1, group: GROUP, remote: '192.168.1.2', underlay: hostUnderlay(h, 4790) })).toThrow(/mutually exclusive/);
  });
});

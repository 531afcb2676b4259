import { describe, expect, it } from 'vitest';
import { formatMac } from '@wirestack/core';
import { vxlanLab } from '../src/index.js';

describe('VxlanDevice over an in-memory underlay', () => {
  it('joins two bridges into one L2 segment and learns remote MACs behind the VTEPs', async () => {
    const lab = vxlanLab();
    const c101 = lab.a.containers[0]!;
    const c103 = lab.b.containers[0]!;
    const done = c101.ping('10.0.0.103', { count: 2 });
    lab.net.run();
    const r = await done;
    expect(r.received).toBe(2);
    expect(r.replies[0]!.ttl).toBe(64); // one L2 segment: no router on the way
    const mac101 = formatMac(c101.interfaces[0]!.mac);
    const mac103 = formatMac(c103.interfaces[0]!.mac);
    expect(lab.a.br0.fdbShow()).toContain(`${mac103} dev vxlan1 dst 192.168.1.2 self`);
    expect(lab.b.br0.fdbShow()).toContain(`${mac101} dev vxlan1 dst 192.168.1.1 self`);
    expect(lab.a.br0.fdbShow()).toContain('00:00:00:00:00:00 dev vxlan1 dst 192.168.1.2 self permanent');
    // Every underlay datagram between the VTEPs is VXLAN on 9527 with VNI 1.
    const outer = lab.outside.lines().filter((l) => l.includes('9527'));
    expect(outer.length).toBe(6); // ARP request, reply, 2 x (request, reply)
    for (const l of outer) expect(l).toContain('VXLAN, flags [I] (0x08), vni 1');
    // The broadcast ARP request reached the other container on A too, and it stayed quiet.
    expect(lab.a.containers[1]!.counters.received).toBe(1);
  });

  it('drops datagrams with another VNI', async () => {
    const lab = vxlanLab();
    const socket = lab.b.host.bind(40000);
    // A VXLAN header with VNI 2 in front of a broadcast frame.
    const frame = new Uint8Array(8 + 60);
    frame.set([0x08, 0, 0, 0, 0, 0, 2, 0]);
    frame.fill(0xff, 8, 14);
    frame.set([0x02, 0, 0, 0, 0, 0x99, 0x08, 0x06], 14);
    socket.send(frame, 9527, 0xc0a80101 as never);
    lab.net.run();
    expect(lab.a.vxlan1!.counters.dropped).toBe(1);
    expect(lab.a.vxlan1!.counters.received).toBe(0);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Network, vxlanLab } from '../src/index.js';

/** Frames a host or VTEP must survive: random bytes behind a header that gets them past the first checks. */
const hostileFrame = (dstMac: number[]) =>
  fc.tuple(fc.constantFrom(0x0800, 0x0806, 0x86dd, 0x8100), fc.uint8Array({ minLength: 0, maxLength: 120 })).map(([type, body]) => {
    const f = new Uint8Array(14 + body.length);
    f.set(dstMac, 0);
    f.set([0x02, 0, 0, 0, 0x99, 0x99, type >> 8, type & 0xff], 6);
    f.set(body, 14);
    // Often a plausible IPv4 header start, so the deeper layers are reached too.
    if (type === 0x0800 && body.length > 0) f[14] = 0x45;
    return f;
  });

describe('hostile input', () => {
  it('a host never throws on arbitrary frames, and still answers ping afterwards', async () => {
    const net = new Network();
    const a = net.host('a');
    const b = net.host('b');
    const ea = net.addInterface(a, { name: 'eth0', address: '10.0.0.1/24' });
    const eb = net.addInterface(b, { name: 'eth0', address: '10.0.0.2/24', mac: '02:00:00:00:00:22' });
    net.link(ea, eb);
    fc.assert(
      fc.property(fc.array(hostileFrame([0x02, 0, 0, 0, 0, 0x22]), { maxLength: 20 }), (frames) => {
        for (const f of frames) eb.input(f);
        net.run();
      }),
      { numRuns: 300 },
    );
    const done = a.ping('10.0.0.2', { count: 1 });
    net.run();
    expect((await done).received).toBe(1);
  });

  it('a VTEP never throws on arbitrary VXLAN datagrams', () => {
    const lab = vxlanLab();
    const sender = lab.b.host.bind(41000);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (bytes, validHeader) => {
        const datagram = bytes.slice();
        if (validHeader && datagram.length >= 8) datagram.set([0x08, 0, 0, 0, 0, 0, 1, 0]);
        sender.send(datagram, 9527, 0xc0a80101 as never);
        lab.net.run();
      }),
      { numRuns: 500 },
    );
    expect(lab.a.vxlan1!.counters.received + lab.a.vxlan1!.counters.dropped).toBeGreaterThan(0);
  });
});

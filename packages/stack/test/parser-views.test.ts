import { describe, expect, it } from 'vitest';
import { isDecodeError, parseIpv4, parseMac } from '@wirestack/core';
import type { EthernetView } from '@wirestack/ethernet';
import type { Ipv4View } from '@wirestack/ipv4';
import { StackParser, ether } from '../src/index.js';

// StackParser keeps one view per depth and layer kind, and dispatches to its
// per-layer steps through a table: these pin what that must preserve.

const m1 = parseMac('02:00:00:00:00:01');
const m2 = parseMac('02:00:00:00:00:02');
const outerSrc = parseIpv4('10.0.0.1');
const outerDst = parseIpv4('10.0.0.2');
const innerSrc = parseIpv4('192.168.7.1');
const innerDst = parseIpv4('192.168.7.2');

const vxlan = ether({ dst: m2, src: m1 })
  .ipv4({ src: outerSrc, dst: outerDst })
  .udp({ srcPort: 50000, dstPort: 4789 })
  .vxlan({ vni: 7 })
  .ether({ dst: m1, src: m2 })
  .ipv4({ src: innerSrc, dst: innerDst })
  .icmp({ kind: 'echo-request', id: 1, seq: 2 })
  .build();
const plain = ether({ dst: m1, src: m2 }).ipv4({ src: innerDst, dst: outerSrc }).udp({ srcPort: 1, dstPort: 2 }).build();

describe('StackParser views', () => {
  it('nested layers of one kind get their own views, each reading its own header', () => {
    const parser = new StackParser();
    expect(parser.parse(vxlan)).toBe(7);
    expect(parser.layers.slice(0, 7).map((s) => s.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'icmp']);
    const [outerEth, outerIp, , , innerEth, innerIp] = parser.layers.map((s) => s.view);
    expect(innerEth).not.toBe(outerEth);
    expect(innerIp).not.toBe(outerIp);
    expect([(outerEth as EthernetView).src, (innerEth as EthernetView).src]).toEqual([m1, m2]);
    expect([(outerIp as Ipv4View).dst, (innerIp as Ipv4View).dst]).toEqual([outerDst, innerDst]);
    expect([(outerIp as Ipv4View).offset, (innerIp as Ipv4View).offset]).toEqual([14, 14 + 20 + 8 + 8 + 14]);
  });

  it('a shallower frame after a deeper one re-points the views at its depths and leaves the rest alone', () => {
    const parser = new StackParser();
    parser.parse(vxlan);
    const innerIp = parser.layers[5]!.view as Ipv4View;
    expect(parser.parse(plain)).toBe(3);
    expect((parser.layers[1]!.view as Ipv4View).src).toBe(innerDst);
    expect(innerIp.dst).toBe(innerDst); // depth 5 untouched by the 3-layer frame
    expect(parser.parse(vxlan)).toBe(7);
    expect(parser.layers[5]!.view).toBe(innerIp);
  });

  it('parsers with different options used in turn keep their own results (the step table is shared)', () => {
    const strict = new StackParser();
    const lax = new StackParser({ mode: 'lax', verify: 'none' });
    const damaged = vxlan.slice();
    damaged[24] = damaged[24]! ^ 0xff; // outer IPv4 checksum (14 + 10)
    for (let i = 0; i < 200; i++) {
      expect(lax.parse(damaged)).toBe(7);
      expect(lax.failed).toBe(false);
      let thrown: unknown;
      try {
        strict.parse(damaged);
      } catch (error) {
        thrown = error;
      }
      expect(isDecodeError(thrown) && thrown.code).toBe('bad-checksum');
      expect(strict.parse(plain)).toBe(3);
    }
  });
});

import { parseIpv4, parseMac } from '@wirestack/core';
import { errorFor } from '@wirestack/icmp';
import { SCENARIOS, runWalkthrough } from '@wirestack/netsim';
import { PcapWriter, build, ether, type LayerInput } from '@wirestack/stack';
import { decodeStream, parseDecodeArgs } from './decode.js';
import type { Io } from './io.js';

export const DEMO_USAGE = `usage: wirestack demo [SCENARIO...] [--list]
  Without arguments: the container-networking walkthrough built from the
  wirestack engines (two machines, br0 + vxlan1 with VNI 1 on dstport 9527,
  a ping across, traces, ip neigh, bridge fdb, pcap files), then the host-gw
  variant. --list names the scenarios; 'capture' decodes a small built-in
  capture instead (add --json for the JSON form).`;

/** `wirestack demo`: the netsim walkthrough, or the built-in capture decoded. */
export async function demoCommand(args: readonly string[], io: Io): Promise<number> {
  if (args.includes('capture')) {
    const { options } = parseDecodeArgs([...args.filter((a) => a !== 'capture'), '-']);
    return await decodeStream([demoCapture()], options, io);
  }
  if (args.includes('--list')) {
    const lines = [...SCENARIOS.map((s) => `${s.name.padEnd(8)} ${s.description}`), `${'capture'.padEnd(8)} decode a small built-in capture (ARP, VLAN, UDP, ICMP errors, VXLAN)`];
    await io.stdout(`${lines.join('\n')}\n`);
    return 0;
  }
  // Lines are written in order as the simulation prints them.
  let written = Promise.resolve();
  const print = (line: string): void => {
    written = written.then(() => io.stdout(`${line}\n`));
  };
  await runWalkthrough(args.length > 0 ? { print, scenarios: args } : { print });
  await written;
  return 0;
}

/**
 * The frames `wirestack demo` decodes: a small network's traffic made with
 * the builder (ARP, ping through an 802.1Q trunk, a UDP datagram and its
 * port unreachable, a TTL exceeded, and a ping inside VXLAN on 4789), as
 * a pcap file in memory.
 */
export function demoCapture(): Uint8Array {
  const h1 = parseMac('02:42:0a:00:00:01');
  const h2 = parseMac('02:42:0a:00:00:02');
  const a = parseIpv4('10.0.0.1');
  const b = parseIpv4('10.0.0.2');
  const ping = new Uint8Array(56).map((_, i) => i);
  const udp = ether({ dst: h2, src: h1 }).ipv4({ src: a, dst: b, id: 7, df: true }).udp({ srcPort: 40000, dstPort: 33434 }).payload(Uint8Array.from('hello', (c) => c.charCodeAt(0)));
  const udpFrame = udp.build();
  const unreachable = errorFor(udpFrame.subarray(14), 3, 3);
  const frames: LayerInput[][] = [
    [{ layer: 'ethernet', dst: parseMac('ff:ff:ff:ff:ff:ff'), src: h1 }, { layer: 'arp', kind: 'ethernet-ipv4', op: 1, sha: h1, spa: a, tha: parseMac('00:00:00:00:00:00'), tpa: b }],
    [{ layer: 'ethernet', dst: h1, src: h2 }, { layer: 'arp', kind: 'ethernet-ipv4', op: 2, sha: h2, spa: b, tha: h1, tpa: a }],
    [...ether({ dst: h2, src: h1 }).vlan({ vid: 10, pcp: 5 }).ipv4({ src: a, dst: b, id: 1, df: true }).icmp({ kind: 'echo-request', id: 4242, seq: 1, data: ping }).layers],
    [...ether({ dst: h1, src: h2 }).vlan({ vid: 10, pcp: 5 }).ipv4({ src: b, dst: a, id: 2 }).icmp({ kind: 'echo-reply', id: 4242, seq: 1, data: ping }).layers],
    [...udp.layers],
    [...ether({ dst: h1, src: h2 }).ipv4({ src: b, dst: a, id: 3 }).icmp(unreachable).layers],
    [
      ...ether({ dst: h1, src: parseMac('02:42:0a:00:00:fe') })
        .ipv4({ src: parseIpv4('10.0.0.254'), dst: a, id: 4 })
        .icmp(errorFor(build([{ layer: 'ipv4', src: a, dst: parseIpv4('192.0.2.9'), ttl: 1 }, { layer: 'udp', srcPort: 40001, dstPort: 33435 }]), 11, 0))
        .layers,
    ],
    [
      ...ether({ dst: parseMac('02:42:c0:a8:01:02'), src: parseMac('02:42:c0:a8:01:01') })
        .ipv4({ src: parseIpv4('192.168.1.1'), dst: parseIpv4('192.168.1.2'), id: 5, df: true })
        .udp({ srcPort: 51234 })
        .vxlan({ vni: 1 })
        .ether({ dst: h2, src: h1 })
        .ipv4({ src: a, dst: b, id: 6 })
        .icmp({ kind: 'echo-request', id: 4243, seq: 1, data: ping }).layers,
    ],
  ];
  const writer = new PcapWriter();
  const parts = [writer.header(), ...frames.map((layers, i) => writer.record({ data: build(layers), seconds: 1_790_000_000 + i, nanoseconds: i * 1000 }))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

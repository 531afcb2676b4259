/**
 * formatPacket / formatFrame: the tcpdump-style text of `wirestack decode`
 * and of netsim's traces. Checked on known frames, then against tcpdump
 * itself (-e -n and -n) on frames it prints the same way.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseMac } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { decodePacket, defaultRegistry, ether, formatFrame, formatPacket, writePcap } from '../src/index.js';

const m1 = parseMac('02:00:00:00:00:01');
const m2 = parseMac('02:00:00:00:00:02');
const bcast = parseMac('ff:ff:ff:ff:ff:ff');
const a = parseIpv4('10.0.0.1');
const b = parseIpv4('10.0.0.2');
const echo = { kind: 'echo-request', id: 7, seq: 1, data: new Uint8Array(56) } as const;

const tagged = ether({ dst: m2, src: m1 }).vlan({ vid: 10, pcp: 5 }).ipv4({ src: a, dst: b, id: 1 }).icmp(echo).build();
const qinq = ether({ dst: m2, src: m1 }).vlan({ tpid: 0x88a8, vid: 20, pcp: 3 }).vlan({ vid: 10, pcp: 5, dei: true }).ipv4({ src: a, dst: b, id: 2 }).icmp(echo).build();
const legacy = ether({ dst: m2, src: m1 }).vlan({ tpid: 0x9100, vid: 30 }).ipv4({ src: a, dst: b, id: 3 }).udp({ srcPort: 40000, dstPort: 40001 }).payload(new Uint8Array(7)).build();
const arp = ether({ dst: bcast, src: m1 }).arp({ op: 1, sha: m1, spa: a, tha: parseMac('00:00:00:00:00:00'), tpa: b }).build();
const vxlanPing = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b, id: 4 }).udp({ srcPort: 50000, dstPort: 4789 }).vxlan({ vni: 1 })
  .ether({ dst: m1, src: m2 }).ipv4({ src: b, dst: a, id: 5 }).icmp({ kind: 'echo-reply', id: 7, seq: 1 }).build();
const vxlanArp = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b, id: 6 }).udp({ srcPort: 50000, dstPort: 4789 }).vxlan({ vni: 42 })
  .ether({ dst: bcast, src: m2 }).arp({ op: 1, sha: m2, spa: b, tha: parseMac('00:00:00:00:00:00'), tpa: a }).build();
const unknown = ether({ dst: m2, src: m1, etherType: 0x88b5 }).payload(new Uint8Array(10)).build();

describe('formatPacket', () => {
  it('prints the link level as tcpdump -e does, VLAN tags in its words', () => {
    expect(formatPacket(decodePacket(tagged), tagged.length)).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 102: vlan 10, p 5, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64',
    );
    expect(formatFrame(qinq)).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q-QinQ (0x88a8), length 106: vlan 20, p 3, ethertype 802.1Q (0x8100), vlan 10, p 5, DEI, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64',
    );
    expect(formatFrame(arp)).toBe('02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
    expect(formatFrame(unknown)).toBe('02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 60, payload 46 bytes');
  });

  it('without the link level prints tcpdump -n lines, and the link header when nothing above it is known', () => {
    expect(formatFrame(tagged, { link: false })).toBe('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64');
    expect(formatFrame(legacy, { link: false })).toBe('IP 10.0.0.1.40000 > 10.0.0.2.40001: UDP, length 7');
    expect(formatFrame(arp, { link: false })).toBe('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
    expect(formatFrame(unknown, { link: false })).toBe(formatFrame(unknown));
    const tagThenUnknown = ether({ dst: m2, src: m1 }).vlan({ vid: 7, etherType: 0x88b5 }).payload(new Uint8Array(4)).build();
    expect(formatFrame(tagThenUnknown, { link: false })).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 60: vlan 7, p 0, ethertype Unknown (0x88b5), payload 42 bytes',
    );
  });

  it("puts VXLAN's inner frame after the header, or on its own line", () => {
    const outer = '10.0.0.1.50000 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 1';
    const inner = '02:00:00:00:00:02 > 02:00:00:00:00:01, ethertype IPv4 (0x0800), length 42: 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 7, seq 1, length 8';
    const link = `02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length ${vxlanPing.length}: `;
    expect(formatFrame(vxlanPing)).toBe(`${link}${outer}: ${inner}`);
    expect(formatFrame(vxlanPing, { encapsulated: 'newline' })).toBe(`${link}${outer}\n${inner}`);
    expect(formatFrame(vxlanPing, { link: false, encapsulated: 'newline' })).toBe(`IP ${outer}\nIP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 7, seq 1, length 8`);
    // Another port is VXLAN only when the registry says so.
    const on9527 = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b }).udp({ srcPort: 50000, dstPort: 9527 }).vxlan({ vni: 1 }).ether({ dst: m1, src: m2, etherType: 0x88b5 }).payload(new Uint8Array(46)).build();
    expect(formatFrame(on9527, { link: false })).toMatch(/^IP 10\.0\.0\.1\.50000 > 10\.0\.0\.2\.9527: UDP, length 68$/);
    expect(formatFrame(on9527, { link: false, registry: defaultRegistry.withUdpPort(9527, 'vxlan') })).toBe(
      'IP 10.0.0.1.50000 > 10.0.0.2.9527: VXLAN, flags [I] (0x08), vni 1: 02:00:00:00:00:02 > 02:00:00:00:00:01, ethertype Unknown (0x88b5), length 60, payload 46 bytes',
    );
  });

  it('marks where a damaged frame stops, and prints fragments as IPv4 lines', () => {
    expect(formatFrame(tagged.subarray(0, 30), { link: false })).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 30: vlan 10, p 5, ethertype IPv4 (0x0800) [ipv4 truncated at 18]',
    );
    const fragment = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b, id: 9, mf: true, protocol: 1 }).payload(new Uint8Array(16)).build();
    expect(formatFrame(fragment, { link: false })).toBe('IP 10.0.0.1 > 10.0.0.2: ICMP, length 36 (frag 9:16@0+)');
  });

  const skip = missingPrerequisite({ commands: ['tcpdump'] });
  it.skipIf(skip !== undefined)('prints what tcpdump prints, with -e and without', () => {
    const frames = [tagged, qinq, legacy, vxlanPing, vxlanArp];
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-format-'));
    try {
      const file = join(dir, 'f.pcap');
      writeFileSync(file, writePcap(frames.map((data, i) => ({ data, seconds: i }))));
      for (const link of [true, false]) {
        const out = execFileSync('tcpdump', [...(link ? ['-e'] : []), '-n', '-t', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const ours = frames.map((f) => formatFrame(f, { link, encapsulated: 'newline' })).join('\n');
        // The documented difference: ARP keeps `ARP, ` after a link header.
        expect(ours.replace(/: ARP, /g, ': ')).toBe(out.trimEnd());
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

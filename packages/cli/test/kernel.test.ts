/**
 * Real kernel traffic (test/kernel/traffic.sh: namespaces wsst-*, veth
 * pairs, a forwarding namespace, Linux vxlan devices on 9527 and 4789
 * bridged to br0/br1, captured with tcpdump): `wirestack decode --json`
 * must agree with tshark on every contract field of every packet.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { run } from '../src/run.js';
import { fakeIo } from './helpers.js';
import { compareWithTshark } from './tshark-compare.js';

const skip = missingPrerequisite({ root: true, commands: ['ip', 'tcpdump', 'tshark', 'ping', 'bash'] });
const script = fileURLToPath(new URL('kernel/traffic.sh', import.meta.url));

describe.skipIf(skip !== undefined)('decode agrees with tshark on real kernel traffic', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirestack-kernel-'));
    execFileSync('bash', [script, dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  async function decode(file: string, ...options: string[]): Promise<{ lines: string[]; layers: string[][] }> {
    const t = fakeIo({ f: readFileSync(join(dir, file)) });
    expect(await run(['decode', '--json', ...options, 'f'], t.io)).toBe(0);
    const lines = t.text().trimEnd().split('\n');
    return { lines, layers: lines.map((l) => (JSON.parse(l).layers as { layer: string }[]).map((x) => x.layer)) };
  }

  it('the namespaces are gone afterwards', () => {
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/wsst-/);
  });

  it('routed traffic: ARP, ping, fragments, record route, port unreachable, TTL exceeded', async () => {
    const { lines, layers } = await decode('routed.pcap');
    expect(compareWithTshark(join(dir, 'routed.pcap'), lines, [], { quoted: true })).toEqual([]);
    const all = lines.map((l) => JSON.parse(l).layers as Record<string, unknown>[]);
    const icmps = all.flatMap((ls) => ls.filter((l) => l.layer === 'icmp'));
    expect(layers.some((ls) => ls.includes('arp'))).toBe(true);
    expect(icmps.some((l) => l.type === 8)).toBe(true);
    expect(icmps.some((l) => l.type === 3 && l.code === 3 && (l.quoted as Record<string, unknown>).dstPort === 33434)).toBe(true);
    expect(icmps.some((l) => l.type === 11 && l.code === 0)).toBe(true);
    const ips = all.flatMap((ls) => ls.filter((l) => l.layer === 'ipv4'));
    expect(ips.some((l) => (l.options as { kind: string }[]).some((o) => o.kind === 'record-route'))).toBe(true);
    expect(ips.some((l) => l.mf === true)).toBe(true);
    // --reassemble: the 3000-byte pings come out whole.
    const whole = await decode('routed.pcap', '--reassemble');
    const big = whole.lines.map((l) => JSON.parse(l).layers).filter((ls) => ls[1]?.totalLength === 3028 && ls[2]?.layer === 'icmp');
    expect(big.length).toBe(2);
    for (const ls of big) expect(ls[2].checksumValid).toBe(true);
  });

  it('VXLAN on 9527 (with --vxlan-port) and 4789, bridged overlays', async () => {
    const { lines, layers } = await decode('vxlan.pcap', '--vxlan-port', '9527');
    expect(compareWithTshark(join(dir, 'vxlan.pcap'), lines, ['-d', 'udp.port==9527,vxlan'], { quoted: true })).toEqual([]);
    const vnis = lines.flatMap((l) => (JSON.parse(l).layers as Record<string, unknown>[]).filter((x) => x.layer === 'vxlan').map((x) => x.vni));
    expect(new Set(vnis)).toEqual(new Set([1, 2]));
    expect(layers.some((ls) => ls.join('/') === 'ethernet/ipv4/udp/vxlan/ethernet/ipv4/icmp')).toBe(true);
    expect(layers.some((ls) => ls.join('/') === 'ethernet/ipv4/udp/vxlan/ethernet/arp')).toBe(true);
  });
});

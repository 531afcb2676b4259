import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseMac } from '@wirestack/core';
import { fragmentIpv4 } from '@wirestack/ipv4';
import { ether, readCapture, writePcap, writePcapng } from '@wirestack/stack';
import { run } from '../src/run.js';
import { fakeIo } from './helpers.js';

const m1 = parseMac('02:00:00:00:00:01');
const m2 = parseMac('02:00:00:00:00:02');
const a = parseIpv4('10.0.0.1');
const b = parseIpv4('10.0.0.2');

const ping = ether({ dst: m2, src: m1 }).vlan({ vid: 10 }).ipv4({ src: a, dst: b, id: 1 }).icmp({ kind: 'echo-request', id: 7, seq: 1, data: new Uint8Array(56) }).build();
const arp = ether({ dst: parseMac('ff:ff:ff:ff:ff:ff'), src: m1 }).arp({ op: 1, sha: m1, spa: a, tha: parseMac('00:00:00:00:00:00'), tpa: b }).build();
const vxlan9527 = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b }).udp({ srcPort: 50000, dstPort: 9527 }).vxlan({ vni: 1 }).ether({ dst: m1, src: m2 }).ipv4({ src: b, dst: a }).icmp({ kind: 'echo-reply', id: 7, seq: 1 }).build();
const capture = writePcap([ping, arp, vxlan9527].map((data, i) => ({ data, seconds: 1_700_000_000 + i, nanoseconds: 500_000 })));

describe('wirestack decode', () => {
  it('prints one tcpdump-style line per packet', async () => {
    const t = fakeIo({ 'c.pcap': capture });
    expect(await run(['decode', 'c.pcap'], t.io)).toBe(0);
    const lines = t.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('22:13:20.000500 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 102: vlan 10, p 0, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64');
    expect(lines[1]).toContain('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
    expect(lines[2]).toContain('10.0.0.1.50000 > 10.0.0.2.9527: UDP, length');
  });

  it('--json prints the contract, --vxlan-port binds VXLAN, -c stops, - reads standard input', async () => {
    const t = fakeIo({}, { stdin: [capture.subarray(0, 50), capture.subarray(50)] });
    expect(await run(['decode', '--json', '--vxlan-port', '9527', '-c', '3', '-'], t.io)).toBe(0);
    const objects = t.text().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(objects.map((o) => Object.keys(o))).toEqual(Array(3).fill(['index', 'time', 'caplen', 'len', 'layers']));
    expect(objects[0]).toMatchObject({ index: 1, time: '2023-11-14T22:13:20.000500Z', caplen: 102, len: 102 });
    expect(objects[2].layers.map((l: { layer: string }) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'icmp']);
    const c1 = fakeIo({ 'c.pcap': capture });
    await run(['decode', '-c', '1', '--json', 'c.pcap'], c1.io);
    expect(c1.text().trimEnd().split('\n')).toHaveLength(1);
  });

  it('nanosecond pcapng keeps nine digits', async () => {
    const t = fakeIo({ 'c.pcapng': writePcapng([{ data: arp, seconds: 1, nanoseconds: 123_456_789 }], { nanosecond: true }) });
    await run(['decode', '--json', 'c.pcapng'], t.io);
    expect(JSON.parse(t.text()).time).toBe('1970-01-01T00:00:01.123456789Z');
  });

  it('--reassemble decodes the upper layer of a fragmented ping on its last fragment', async () => {
    const big = ether({ dst: m2, src: m1 }).ipv4({ src: a, dst: b, id: 99 }).icmp({ kind: 'echo-request', id: 1, seq: 1, data: new Uint8Array(3000) }).build();
    const frames = fragmentIpv4(big.subarray(14), 1500).map((f) => concat(big.subarray(0, 14), f));
    const file = writePcap(frames.map((data) => ({ data })));
    const plain = fakeIo({ f: file });
    await run(['decode', '--json', 'f'], plain.io);
    const lastLayers = (t: string) => JSON.parse(t.trimEnd().split('\n').at(-1)!).layers.map((l: { layer: string }) => l.layer);
    expect(lastLayers(plain.text())).toEqual(['ethernet', 'ipv4', 'payload']);
    const joined = fakeIo({ f: file });
    await run(['decode', '--json', '--reassemble', 'f'], joined.io);
    const last = JSON.parse(joined.text().trimEnd().split('\n').at(-1)!);
    expect(last.layers.map((l: { layer: string }) => l.layer)).toEqual(['ethernet', 'ipv4', 'icmp']);
    expect(last.layers[1]).toMatchObject({ totalLength: 3028, mf: false, fragmentOffset: 0 });
    expect(last.layers[2]).toMatchObject({ checksumValid: true, id: 1, seq: 1 });
  });

  it('errors are one line and a non-zero status; a corrupt file prints every good packet first', async () => {
    const missing = fakeIo();
    expect(await run(['decode', 'nope.pcap'], missing.io)).toBe(1);
    expect(missing.stderr()).toMatch(/^wirestack: nope.pcap: no such file\n$/);
    const usage = fakeIo();
    expect(await run(['decode', '--bogus', 'x'], usage.io)).toBe(2);
    expect(usage.stderr()).toBe('wirestack: unknown option --bogus\n');
    const cut = fakeIo({ c: capture.subarray(0, capture.length - 5) });
    expect(await run(['decode', 'c'], cut.io)).toBe(1);
    expect(cut.text().trimEnd().split('\n')).toHaveLength(2);
    const end2 = 24 + 16 + ping.length + 16 + arp.length;
    expect(cut.stderr()).toBe(`wirestack: pcap file at byte ${end2}: file ends inside a record (${capture.length - 5 - end2} bytes left)\n`);
    const notPcap = fakeIo({ t: 'hello world' });
    expect(await run(['decode', 't'], notPcap.io)).toBe(1);
    expect(notPcap.stderr()).toMatch(/^wirestack: pcap file at byte 0: not a pcap or pcapng file/);
  });

  it('shows a progress line on a terminal once decoding takes over a second, and clears it', async () => {
    const many = writePcap(Array.from({ length: 5000 }, () => ({ data: ping })));
    const t = fakeIo({ m: many });
    let clock = 0;
    const io = { ...t.io, stderrIsTty: true, now: () => (clock += 1000) }; // a second passes between looks at the clock
    expect(await run(['decode', 'm'], io)).toBe(0);
    expect(t.stderr()).toMatch(/^\r\d+ packets, [\d.]+ MB, \d+ s/);
    expect(t.stderr().endsWith('\r\x1b[K')).toBe(true);
    const quiet = fakeIo({ m: many });
    await run(['decode', 'm'], quiet.io);
    expect(quiet.stderr()).toBe('');
  });

  it('a reader that goes away ends the command quietly', async () => {
    const many = writePcap(Array.from({ length: 5000 }, () => ({ data: ping })));
    const t = fakeIo({ m: many }, { closeAfter: 1 });
    expect(await run(['decode', 'm'], t.io)).toBe(0);
    expect(t.stderr()).toBe('');
  });
});

describe('wirestack build', () => {
  it('writes a pcap from words, which decodes back', async () => {
    const t = fakeIo();
    const words = 'ether dst=02:00:00:00:00:02 src=02:00:00:00:00:01 / vlan vid=10 pcp=3 / ip src=10.0.0.1 dst=10.0.0.2 ttl=9 / udp srcPort=1 dstPort=4789 / vxlan vni=5 / ether dst=02:00:00:00:00:04 src=02:00:00:00:00:03 / ip src=192.168.0.1 dst=192.168.0.2 / icmp kind=echo-request id=1 seq=2 data=00010203';
    expect(await run(['build', '--count', '2', '-o', 'out.pcap', ...words.split(' ')], t.io)).toBe(0);
    const packets = [...readCapture(t.files.get('out.pcap')!)];
    expect(packets).toHaveLength(2);
    const d = fakeIo({ p: t.files.get('out.pcap')! });
    await run(['decode', '--json', 'p'], d.io);
    const layers = JSON.parse(d.text().split('\n')[0]!).layers;
    expect(layers.map((l: { layer: string }) => l.layer)).toEqual(['ethernet', 'vlan', 'ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'icmp']);
    expect(layers[2]).toMatchObject({ ttl: 9, src: '10.0.0.1', checksumValid: true });
    expect(layers[3]).toMatchObject({ checksumValid: true });
  });

  it('writes a pcap from a JSON file (decode --json layer objects are accepted) to standard output', async () => {
    const d = fakeIo({ c: capture });
    await run(['decode', '--json', '-c', '2', 'c'], d.io);
    const frames = d.text().trimEnd().split('\n').map((l) => JSON.parse(l).layers);
    const t = fakeIo({ 'f.json': JSON.stringify(frames) });
    expect(await run(['build', '--json', 'f.json'], t.io)).toBe(0);
    const packets = [...readCapture(t.binary())];
    // The echo data is not in the JSON: the ping comes back without it (46 bytes, padded to 60).
    expect(packets.map((p) => p.data.length)).toEqual([60, arp.length]);
    expect(packets[1]!.data).toEqual(arp);
    const bad = fakeIo({ 'f.json': '[[{"layer":"ethernet","dst":"zz"}]]' });
    expect(await run(['build', '--json', 'f.json'], bad.io)).toBe(2);
    expect(bad.stderr()).toMatch(/^wirestack: f.json: frame 0 layer 0: invalid MAC address "zz"/);
  });
});

describe('wirestack route get', () => {
  it('answers like ip route get from a table file', async () => {
    const table = 'default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5\n';
    const t = fakeIo({ t: table });
    expect(await run(['route', 'get', '--table', 't', '10.0.0.7', '8.8.8.8'], t.io)).toBe(0);
    const lines = t.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^10\.0\.0\.7 dev eth0 src 10\.0\.0\.5/);
    expect(lines[1]).toMatch(/^8\.8\.8\.8 via 10\.0\.0\.1 dev eth0/);
    const bad = fakeIo({ t: table });
    expect(await run(['route', 'get', '--table', 't', 'nonsense'], bad.io)).toBe(1);
  });
});

describe('wirestack demo', () => {
  it('runs the walkthrough: a ping across VXLAN between two machines, then host-gw', async () => {
    const t = fakeIo();
    expect(await run(['demo', 'vxlan'], t.io)).toBe(0);
    const text = t.text();
    expect(text).toMatch(/bytes from 10\.0\.0\.103: icmp_seq=1 ttl=64 time=/);
    expect(text).toContain('vni 1');
    expect(text).toMatch(/dst 192\.168\.1\.2/);
  });

  it('lists the scenarios', async () => {
    const t = fakeIo();
    expect(await run(['demo', '--list'], t.io)).toBe(0);
    expect(t.text()).toMatch(/^vxlan /m);
    expect(t.text()).toMatch(/^capture /m);
  });

  it('decodes the built-in capture', async () => {
    const t = fakeIo();
    expect(await run(['demo', 'capture'], t.io)).toBe(0);
    const text = t.text();
    expect(text.trimEnd().split('\n')).toHaveLength(8);
    expect(text).toContain('VXLAN, flags [I] (0x08), vni 1');
    expect(text).toContain('udp port 33434 unreachable');
  });
});

const bin = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'dist', 'main.js');

describe('the built command', () => {
  // `test` depends on `build` (package.json nx targets), so the bin is there.
  it('runs, and | head ends it quietly (EPIPE)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-cli-'));
    try {
      const file = join(dir, 'many.pcap');
      writeFileSync(file, writePcap(Array.from({ length: 50_000 }, () => ({ data: ping }))));
      const r = spawnSync('sh', ['-c', `node ${JSON.stringify(bin)} decode ${JSON.stringify(file)} | head -n 2`], { encoding: 'utf8' });
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
      expect(r.stderr).toBe('');
      const bad = spawnSync('node', [bin, 'decode', join(dir, 'missing.pcap')], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function concat(x: Uint8Array, y: Uint8Array): Uint8Array {
  const out = new Uint8Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}

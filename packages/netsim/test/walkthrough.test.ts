import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWalkthrough, SCENARIOS } from '../src/index.js';

describe('runWalkthrough', () => {
  it('prints the vxlan walkthrough, then host-gw, and writes pcap files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsim-demo-'));
    try {
      const lines: string[] = [];
      const result = await runWalkthrough({ print: (l) => lines.push(l), pcapDir: dir });
      const text = lines.join('\n');
      expect(result.pings.vxlan!.received).toBe(3);
      expect(result.pings['host-gw']!.received).toBe(3);
      expect(text).toMatch(/64 bytes from 10\.0\.0\.103: icmp_seq=1 ttl=64 time=\d+\.\d{3} ms/);
      expect(text).toMatch(/64 bytes from 10\.0\.2\.103: icmp_seq=1 ttl=62 time=/);
      expect(text).toContain('ARP, Request who-has 10.0.0.103 tell 10.0.0.101');
      expect(text).toContain('ARP, Reply 10.0.0.103 is-at');
      expect(text).toMatch(/IP 192\.168\.1\.1\.\d+ > 192\.168\.1\.2\.9527: VXLAN, flags \[I\] \(0x08\), vni 1/);
      expect(text).toMatch(/-- ip neigh \(10\.0\.0\.101, on machine A\)\n10\.0\.0\.103 dev eth0 lladdr \S+ REACHABLE/);
      expect(text).toMatch(/dev vxlan1 dst 192\.168\.1\.2 self\n/);
      expect(text).toMatch(/dev vxlan1 dst 192\.168\.1\.1 self\n/);
      expect(text).toContain('10.0.2.0/24 via 192.168.1.2 dev eth0');
      const files = [...result.pcapFiles.vxlan!, ...result.pcapFiles['host-gw']!];
      expect(files).toHaveLength(4);
      for (const f of files) {
        expect(existsSync(f)).toBe(true);
        expect(readFileSync(f).readUInt32LE(0)).toBe(0xa1b23c4d);
      }
      expect(text).toContain(files[0]!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the scenarios and runs one by name', async () => {
    const lines: string[] = [];
    await runWalkthrough({ print: (l) => lines.push(l), list: true });
    expect(lines).toHaveLength(SCENARIOS.length);
    expect(lines[0]).toMatch(/^vxlan /);
    const one: string[] = [];
    const r = await runWalkthrough({ print: (l) => one.push(l), scenarios: ['host-gw'], pcapDir: false });
    expect(Object.keys(r.pings)).toEqual(['host-gw']);
    await expect(runWalkthrough({ scenarios: ['nope'], print: () => {} })).rejects.toThrow(/no scenario/);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { vxlanLab } from '../src/index.js';

describe('taps to pcap', () => {
  it.skipIf(missingPrerequisite({ commands: ['tshark'] }) !== undefined)('tshark reads the underlay capture as VXLAN over UDP 9527', async () => {
    const lab = vxlanLab();
    const done = lab.a.containers[0]!.ping('10.0.0.103', { count: 2 });
    lab.net.run();
    expect((await done).received).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'netsim-pcap-'));
    try {
      const file = join(dir, 'underlay.pcap');
      writeFileSync(file, lab.outside.toPcap());
      const out = execFileSync(
        'tshark',
        ['-n', '-r', file, '-d', 'udp.port==9527,vxlan', '-T', 'fields', '-E', 'occurrence=l', '-e', 'frame.time_epoch', '-e', 'vxlan.vni', '-e', 'ip.src', '-e', 'ip.dst', '-e', '_ws.col.Protocol', '-e', 'icmp.type'],
        { encoding: 'utf8' },
      );
      const rows = out.trim().split('\n').map((l) => l.split('\t'));
      expect(rows).toHaveLength(lab.outside.frames.length);
      const vxlanRows = rows.filter((r) => r[1] === '1');
      expect(vxlanRows).toHaveLength(6);
      // Inner (last) IP addresses and ICMP types of the echo frames.
      const echo = vxlanRows.filter((r) => r[5] !== '');
      expect(echo.map((r) => `${r[2]}>${r[3]} ${r[5]}`)).toEqual([
        '10.0.0.101>10.0.0.103 8',
        '10.0.0.103>10.0.0.101 0',
        '10.0.0.101>10.0.0.103 8',
        '10.0.0.103>10.0.0.101 0',
      ]);
      // Nanosecond timestamps: the second echo request left at 1.000020 s of virtual time.
      expect(Number(echo[2]![0])).toBeCloseTo(1.00002, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

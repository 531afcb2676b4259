import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIpv4 } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { bgpdumpLines, readMrt, type MrtRecord, type RibRecord } from '../src/mrt/index.js';
import { readMrtFile } from '../src/mrt/node.js';

/**
 * A TABLE_DUMP_V2 file written by a real implementation: BIRD 2's `mrt`
 * protocol dumps its table of static routes (no sessions, no kernel
 * routes, no traffic). BIRD writes every attribute with flags 0, which the
 * reader must take in its stride.
 */
const skip = missingPrerequisite({ commands: ['bird'] });
const dir = mkdtempSync(join(tmpdir(), 'wirestack-mrt-bird-'));
let bird: ChildProcess | undefined;
afterAll(() => {
  if (bird?.pid !== undefined && bird.exitCode === null) process.kill(bird.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `
router id 192.0.2.77;
protocol static own {
  ipv4;
  route 198.18.0.0/24 blackhole {
    bgp_origin = ORIGIN_EGP; bgp_path.prepend(65500); bgp_path.prepend(4200000001);
    bgp_med = 42; bgp_local_pref = 300;
    bgp_community.add((65011,100)); bgp_large_community.add((4200000011,7,8));
  };
  route 198.18.1.0/24 blackhole;
}
protocol mrt rib {
  table "master4";
  filename "${dir}/rib-%N.mrt";
  period 1;
}
`;

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== undefined)('reading an MRT dump BIRD 2 wrote', () => {
  it('PEER_INDEX_TABLE and RIB_IPV4_UNICAST with the attributes BIRD holds', async () => {
    writeFileSync(join(dir, 'bird.conf'), CONFIG);
    bird = spawn('bird', ['-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-f'], { cwd: dir, stdio: 'ignore' });
    const path = join(dir, 'rib-master4.mrt');
    // One whole dump is the peer table and two RIB records; BIRD appends a new dump every second.
    await until('a complete dump from BIRD', () => existsSync(path) && statSync(path).size > 0 && [...safeRead(path)].length >= 3);
    process.kill(bird.pid!, 'SIGTERM');

    const records: MrtRecord[] = [];
    for await (const r of readMrtFile(path)) records.push(r);
    const table = records[0]!;
    expect(table.kind).toBe('peer-index-table');
    if (table.kind !== 'peer-index-table') return;
    expect(table.collectorId).toBe(parseIpv4('192.0.2.77'));
    expect(table.viewName).toBe('master4');
    expect(table.peers.length).toBeGreaterThan(0);

    const ribs = records.filter((r): r is RibRecord => r.kind === 'rib');
    const route = ribs.find((r) => r.prefix.family === 'ipv4' && r.prefix.address === parseIpv4('198.18.0.0') && r.prefix.length === 24);
    expect(route?.entries.length).toBe(1);
    const entry = route!.entries[0]!;
    expect(entry.errors).toBeUndefined();
    expect(entry.attributes).toMatchObject({
      origin: 'egp',
      asPath: [{ type: 'sequence', asns: [4200000001, 65500] }],
      med: 42,
      localPref: 300,
      communities: [65011 * 65536 + 100],
      largeCommunities: [{ global: 4200000011, local1: 7, local2: 8 }],
    });
    expect(ribs.some((r) => r.prefix.family === 'ipv4' && r.prefix.address === parseIpv4('198.18.1.0'))).toBe(true);

    if (missingPrerequisite({ commands: ['bgpdump'] }) === undefined) {
      const theirs = execFileSync('bgpdump', ['-m', '-v', '-l', path], { encoding: 'utf8' }).trimEnd().split('\n');
      expect([...bgpdumpLines(records, { largeCommunities: true })]).toEqual(theirs);
    }
  });
});

/** The records of a file BIRD may still be writing: only the whole ones. */
function* safeRead(path: string): Generator<MrtRecord> {
  try {
    yield* readMrt(readFileSync(path));
  } catch {
    return;
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { BgpSpeaker, type SpeakerEvent } from '../src/node.js';

/**
 * Interop with BIRD 2 (Debian package bird2) on loopback: an eBGP session
 * with 4-octet ASNs, routes both ways with their attributes, withdrawals
 * both ways. BIRD runs in the foreground with a config this test writes and
 * is stopped by PID.
 */
const skip = missingPrerequisite({ commands: ['bird', 'birdc'] });

const PORT = 20000 + Math.floor(Math.random() * 20000);
const SPEAKER = '127.0.0.1';
const BIRD = '127.0.0.11';
const SPEAKER_AS = 4200000001;
const BIRD_AS = 4200000011;

function birdConfig(): string {
  return `
router id ${BIRD};
protocol device {}
ipv4 table igp4;
# next hops the speaker sends resolve through this table only: nothing reaches the kernel
protocol static nh { ipv4 { table igp4; }; route 0.0.0.0/0 blackhole; }
protocol static own {
  ipv4;
  route 198.18.0.0/24 blackhole { bgp_path.prepend(65500); bgp_community.add((65011,100)); bgp_large_community.add((${BIRD_AS},7,8)); };
  route 198.18.1.0/24 blackhole;
}
filter own_only { if proto = "own" then accept; reject; }
protocol bgp speaker {
  local ${BIRD} port ${PORT} as ${BIRD_AS};
  neighbor ${SPEAKER} port ${PORT} as ${SPEAKER_AS};
  multihop;
  strict bind on;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 10;
  hold time 9; keepalive time 3;
  ipv4 { import all; export filter own_only; next hop address 192.0.2.11; igp table igp4; };
}
`;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== undefined)('interop with BIRD 2 on loopback', () => {
  let dir: string;
  let bird: ChildProcess | undefined;
  let speaker: BgpSpeaker;
  const events: SpeakerEvent[] = [];
  // birdc exits non-zero for "Network not found": keep its output either way
  const birdc = (...args: string[]) => spawnSync('birdc', ['-s', join(dir, 'bird.ctl'), ...args], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirestack-bird-'));
    writeFileSync(join(dir, 'bird.conf'), birdConfig());
    speaker = new BgpSpeaker({
      asn: SPEAKER_AS,
      routerId: '192.0.2.1',
      nextHop: '192.0.2.1',
      listen: { address: SPEAKER, port: PORT },
      peers: [{ address: BIRD, port: PORT, asn: BIRD_AS, holdTime: 9, connectRetryTime: 1, import: 'accept', export: 'accept' }],
    });
    speaker.on((e) => events.push(e));
    await speaker.start();
    bird = spawn('bird', ['-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-f'], { cwd: dir, stdio: 'ignore' });
  });

  afterAll(async () => {
    await speaker?.stop('test done');
    if (bird?.pid !== undefined && bird.exitCode === null) {
      const exited = new Promise((r) => bird!.once('exit', r));
      process.kill(bird.pid, 'SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reaches Established with 4-octet ASNs', async () => {
    await until('Established', () => speaker.peerState(BIRD) === 'Established');
    await until('BIRD Established', () => /Established/.test(birdc('show', 'protocols', 'speaker')));
    expect(events).toContainEqual({ type: 'state', peer: expect.any(Number), from: 'OpenConfirm', to: 'Established' });
  });

  it("receives BIRD's routes with their attributes", async () => {
    const route = await until('198.18.0.0/24 from BIRD', () => {
      birdc('show', 'status'); // wakes BIRD's main loop (it may sleep 3 s with UPDATEs pending)
      return speaker.bestRoute('198.18.0.0/24');
    });
    expect(route.attributes).toMatchObject({
      origin: 'igp',
      asPath: [{ type: 'sequence', asns: [BIRD_AS, 65500] }],
      communities: [65011 * 65536 + 100],
      largeCommunities: [{ global: BIRD_AS, local1: 7, local2: 8 }],
    });
    await until('198.18.1.0/24', () => speaker.bestRoute('198.18.1.0/24'));
    expect(speaker.counters(BIRD)).toMatchObject({ accepted: 2 });
  });

  it('sends our routes to BIRD, with our AS first and our next hop', async () => {
    speaker.announce('198.51.100.0/24', { communities: [65000 * 65536 + 1], largeCommunities: [{ global: SPEAKER_AS, local1: 1, local2: 2 }], med: 7 });
    const out = await until('BIRD to have 198.51.100.0/24', () => {
      const text = birdc('show', 'route', 'all', '198.51.100.0/24');
      return /BGP\.as_path/.test(text) ? text : undefined;
    });
    expect(out).toMatch(new RegExp(`BGP\\.as_path: ${SPEAKER_AS}\\b`));
    expect(out).toMatch(/BGP\.next_hop: 192\.0\.2\.1/);
    expect(out).toMatch(/BGP\.community: \(65000,1\)/);
    expect(out).toMatch(new RegExp(`BGP\\.large_community: \\(${SPEAKER_AS}, 1, 2\\)`));
    expect(out).toMatch(/BGP\.med: 7/);
  });

  it('withdrawals propagate both ways', async () => {
    speaker.withdraw('198.51.100.0/24');
    await until('BIRD to drop 198.51.100.0/24', () => /Network not found/.test(birdc('show', 'route', '198.51.100.0/24')));
    birdc('disable', 'own');
    await until('BIRD routes withdrawn', () => {
      birdc('show', 'status');
      return speaker.bestRoute('198.18.0.0/24') === undefined && speaker.bestRoute('198.18.1.0/24') === undefined;
    });
    expect(speaker.peerState(BIRD)).toBe('Established');
  });

  it('a stopped BIRD makes our hold timer fire (4/0 sent), and the session comes back after SIGCONT', async () => {
    birdc('enable', 'own');
    await until('routes back', () => {
      birdc('show', 'status');
      return speaker.bestRoute('198.18.0.0/24');
    });
    const before = events.length;
    process.kill(bird!.pid!, 'SIGSTOP');
    try {
      await until('hold timer expiry', () => events.slice(before).some((e) => e.type === 'notification' && e.direction === 'sent' && e.code === 4), 15_000);
      expect(speaker.bestRoute('198.18.0.0/24')).toBeUndefined();
    } finally {
      process.kill(bird!.pid!, 'SIGCONT');
    }
    await until('Established again', () => speaker.peerState(BIRD) === 'Established', 30_000);
    await until('routes again', () => {
      birdc('show', 'status');
      return speaker.bestRoute('198.18.0.0/24');
    });
  }, 60_000);
});

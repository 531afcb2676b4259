import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import { bgp4mpMessageRecord, bgpdumpLines, mrtIpv4, readMrt, tableDumpV2Records } from '@wirestack/bgp';
import { BgpSpeaker, type SpeakerEvent, writeMrtFile } from '@wirestack/bgp/node';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { parseBgpConfig } from '../src/bgp-config.js';
import { run } from '../src/run.js';
import { fakeIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wirestack-bgp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = {
  asn: 4200000001,
  routerId: '192.0.2.1',
  listen: { address: '127.0.0.1', port: 1790 },
  peers: [{ address: '127.0.0.10', port: 1790, asn: 65001, passive: false, holdTime: 90, nextHopSelf: true, import: 'accept', export: 'accept', maxPrefixes: 2000000 }],
  announce: [{ prefix: '198.18.0.0/24', nextHop: '192.0.2.1', communities: ['65000:1'] }],
};

/** The configuration with `edit` applied to a deep copy. */
function edited(edit: (c: any) => void): string {
  const c = structuredClone(EXAMPLE);
  edit(c);
  return JSON.stringify(c);
}

async function configError(text: string): Promise<string> {
  const t = fakeIo({ 's.json': text });
  expect(await run(['bgp', '--config', 's.json'], t.io)).toBe(1);
  return t.stderr();
}

describe('wirestack bgp: the configuration file', () => {
  it('the example of the issue is valid and becomes speaker options and announcements', () => {
    const c = parseBgpConfig(JSON.stringify(EXAMPLE));
    expect(c.speaker).toEqual({
      asn: 4200000001,
      routerId: '192.0.2.1',
      listen: { address: '127.0.0.1', port: 1790 },
      peers: [{ address: '127.0.0.10', port: 1790, asn: 65001, passive: false, holdTime: 90, nextHopSelf: true, import: 'accept', export: 'accept', maxPrefixes: 2000000 }],
    });
    expect(c.announce).toEqual([{ prefix: parseIpv4Prefix('198.18.0.0/24'), attributes: { nextHop: parseIpv4('192.0.2.1'), communities: [65000 * 65536 + 1] } }]);
  });

  it('absent policies stay absent (RFC 8212 is the engine\'s default), absent listen means no listener', () => {
    const c = parseBgpConfig(edited((c) => {
      delete c.peers[0].import;
      delete c.peers[0].export;
      delete c.listen;
    }));
    expect(c.speaker.peers[0]).not.toHaveProperty('import');
    expect(c.speaker.peers[0]).not.toHaveProperty('export');
    expect(c.speaker.listen).toBe(false);
  });

  it('an unknown key is an error naming the key and its path', async () => {
    expect(await configError(edited((c) => (c.peers[0].hodlTime = 90)))).toBe(
      'wirestack: s.json: peers[0].hodlTime: unknown key "hodlTime" (known: address, port, asn, passive, holdTime, connectRetryTime, idleHoldTime, nextHopSelf, import, export, minRouteAdvertisementInterval, maxPrefixes, maxPrefixesWarning, maxPrefixRestart, routeReflectorClient, keepPrePolicy)\n',
    );
    expect(await configError(edited((c) => (c.colour = 'blue')))).toMatch(/^wirestack: s\.json: colour: unknown key "colour"/);
    expect(await configError(edited((c) => (c.announce[0].comunities = [])))).toMatch(/^wirestack: s\.json: announce\[0\]\.comunities: unknown key/);
  });

  it('a bad value names its path in the file', async () => {
    expect(await configError(edited((c) => (c.peers[0].holdTime = 2)))).toBe('wirestack: s.json: peers[0].holdTime: must be 0 or 3..65535\n');
    expect(await configError(edited((c) => (c.peers[0].holdTime = 70000)))).toBe('wirestack: s.json: peers[0].holdTime: must be an integer in 0..65535, not number 70000\n');
    expect(await configError(edited((c) => (c.asn = 0)))).toBe('wirestack: s.json: asn: must be an integer in 1..4294967295, not number 0\n');
    expect(await configError(edited((c) => (c.listen.port = '1790')))).toBe('wirestack: s.json: listen.port: must be an integer in 1..65535, not string "1790"\n');
    expect(await configError(edited((c) => (c.peers[0].address = '127.0.0')))).toMatch(/^wirestack: s\.json: peers\[0\]\.address: invalid IPv4 address "127\.0\.0"/);
    expect(await configError(edited((c) => (c.peers[0].passive = 'no')))).toBe('wirestack: s.json: peers[0].passive: must be true or false, not string "no"\n');
    expect(await configError(edited((c) => (c.peers[0].import = 'allow')))).toBe('wirestack: s.json: peers[0].import: must be "accept", "reject" or a policy object, not string "allow"\n');
    expect(await configError(edited((c) => (c.peers[0].export = { prefixList: [] })))).toMatch(/^wirestack: s\.json: peers\[0\]\.export\.prefixList: unknown key "prefixList" \(known: rules, default\)/);
    expect(await configError(edited((c) => (c.announce[0].communities = ['65000:1', '70000:1'])))).toMatch(/^wirestack: s\.json: announce\[0\]\.communities\[1\]: invalid community "70000:1"/);
    expect(await configError(edited((c) => (c.announce[0].prefix = '198.18.0.1/24')))).toMatch(/^wirestack: s\.json: announce\[0\]\.prefix: invalid IPv4 prefix "198\.18\.0\.1\/24": host bits are set/);
    expect(await configError(edited((c) => c.peers.push({ ...c.peers[0] })))).toBe('wirestack: s.json: peers[1].address: 127.0.0.10 is already peers[0]\n');
    expect(await configError(edited((c) => delete c.routerId))).toBe('wirestack: s.json: routerId: is required\n');
    expect(await configError('{"asn": 1,')).toMatch(/^wirestack: s\.json: not JSON: /);
    expect(await configError('[]')).toBe('wirestack: s.json: must be an object, not an array\n');
  });

  it('usage errors: no --config, a missing file', async () => {
    const t = fakeIo();
    expect(await run(['bgp'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/^wirestack: usage: wirestack bgp --config FILE/);
    const m = fakeIo();
    expect(await run(['bgp', '--config', 'nope.json'], m.io)).toBe(1);
    expect(m.stderr()).toBe('wirestack: nope.json: no such file\n');
  });
});

// ---- mrt --------------------------------------------------------------------------------

const ip = (s: string): Ipv4Address => parseIpv4(s);

/** A TABLE_DUMP_V2 snapshot with two peers and three prefixes, and a BGP4MP UPDATE, written by the bgp package. */
async function sampleMrt(path: string): Promise<void> {
  const shared = { origin: 'igp' as const, asPath: [{ type: 'sequence' as const, asns: [65001, 4200000002] }], nextHop: ip('192.0.2.10'), communities: [65000 * 65536 + 1, 0xffffff01] };
  const table = tableDumpV2Records({
    timestamp: 1_700_000_000,
    collectorId: ip('192.0.2.1'),
    peers: [
      { bgpId: ip('192.0.2.10'), address: mrtIpv4(ip('127.0.0.10')), asn: 65001 },
      { bgpId: ip('192.0.2.11'), address: mrtIpv4(ip('127.0.0.11')), asn: 4200000011 },
    ],
    routes: [
      { prefix: ip('198.18.0.0'), length: 24, entries: [{ peerIndex: 0, originatedTime: 1_699_999_000, attributes: shared }] },
      {
        prefix: ip('203.0.113.0'),
        length: 24,
        entries: [
          { peerIndex: 0, originatedTime: 1_699_999_001, attributes: shared },
          { peerIndex: 1, originatedTime: 1_699_999_002, attributes: { origin: 'incomplete', asPath: [{ type: 'sequence', asns: [4200000011] }], nextHop: ip('192.0.2.11'), med: 10, largeCommunities: [{ global: 4200000011, local1: 1, local2: 2 }] } },
        ],
      },
      { prefix: ip('10.0.0.0'), length: 8, entries: [{ peerIndex: 1, originatedTime: 1_699_999_003, attributes: { origin: 'egp', asPath: [], nextHop: ip('192.0.2.11'), localPref: 200, atomicAggregate: true } }] },
    ],
  });
  const update = bgp4mpMessageRecord({
    timestamp: 1_700_000_100,
    microseconds: 250,
    peerAs: 65001,
    localAs: 4200000001,
    peerAddress: mrtIpv4(ip('127.0.0.10')),
    localAddress: mrtIpv4(ip('127.0.0.1')),
    message: { type: 'update', withdrawn: [parseIpv4Prefix('10.0.0.0/8')], attributes: shared, nlri: [parseIpv4Prefix('198.51.100.0/24')] },
  });
  await writeMrtFile(path, [...table, update]);
}

describe('wirestack mrt', () => {
  it('prints what the bgp package\'s formatter prints for a file its writer wrote (-l, -t change too)', async () => {
    const path = join(dir, 'sample.mrt');
    await sampleMrt(path);
    const records = [...readMrt(new Uint8Array(readFileSync(path)))];
    for (const [args, options] of [
      [[], {}],
      [['-l'], { largeCommunities: true }],
      [['-t', 'change'], { time: 'change' as const }],
    ] as const) {
      const t = fakeIo();
      expect(await run(['mrt', ...args, path], t.io)).toBe(0);
      const expected = [...bgpdumpLines(records, options)];
      expect(expected).toHaveLength(6);
      expect(t.lines()).toEqual(expected);
    }
    const t = fakeIo();
    await run(['mrt', path], t.io);
    expect(t.lines()[0]).toBe('TABLE_DUMP2|1700000000|B|127.0.0.10|65001|198.18.0.0/24|65001 4200000002|IGP|192.0.2.10|0|0|65000:1 no-export|NAG||');
  });

  it('reads gzip files and standard input', async () => {
    const path = join(dir, 'sample2.mrt');
    await sampleMrt(path);
    spawnSync('gzip', ['-kf', path]);
    const plain = fakeIo();
    await run(['mrt', path], plain.io);
    const gz = fakeIo();
    expect(await run(['mrt', `${path}.gz`], gz.io)).toBe(0);
    expect(gz.text()).toBe(plain.text());
    const bytes = new Uint8Array(readFileSync(path));
    const stdin = fakeIo({}, { stdin: [bytes.subarray(0, 30), bytes.subarray(30)] });
    expect(await run(['mrt', '-'], stdin.io)).toBe(0);
    expect(stdin.text()).toBe(plain.text());
  });

  it.skipIf(missingPrerequisite({ commands: ['bgpdump'] }))('agrees with bgpdump -m', async () => {
    const path = join(dir, 'sample3.mrt');
    await sampleMrt(path);
    const t = fakeIo();
    await run(['mrt', path], t.io);
    const ours = t.lines();
    const theirs = spawnSync('bgpdump', ['-m', path], { encoding: 'utf8' }).stdout.trimEnd().split('\n');
    expect(ours).toEqual(theirs);
  });

  it('a truncated file prints its good records, then one error line', async () => {
    const path = join(dir, 'sample4.mrt');
    await sampleMrt(path);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 3));
    const t = fakeIo();
    expect(await run(['mrt', path], t.io)).toBe(1);
    expect(t.lines()).toHaveLength(4);
    expect(t.stderr()).toMatch(/^wirestack: mrt at offset \d+: /);
    const missing = fakeIo();
    expect(await run(['mrt', join(dir, 'none.mrt')], missing.io)).toBe(1);
    expect(missing.stderr()).toMatch(/no such file/);
  });
});

// ---- bgp end to end ---------------------------------------------------------------------

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const randomPort = (): number => 40000 + Math.floor(Math.random() * 20000);

/** The CLI's speaker (AS 4200000001 at `cli`) peering with a BgpSpeaker (AS 65001 at `peer`) that announces 203.0.113.0/24. */
function scenario(cli: string, peer: string, port: number) {
  const config = {
    asn: 4200000001,
    routerId: '192.0.2.1',
    listen: { address: cli, port },
    peers: [{ address: peer, port, asn: 65001, holdTime: 9, nextHopSelf: true, import: 'accept', export: 'accept', maxPrefixes: 1000 }],
    announce: [{ prefix: '198.18.0.0/24', nextHop: '192.0.2.1', communities: ['65000:1'] }],
  };
  const speaker = new BgpSpeaker({
    asn: 65001,
    routerId: '192.0.2.10',
    listen: { address: peer, port },
    peers: [{ address: cli, port, asn: 4200000001, holdTime: 9, passive: true, import: 'accept', export: 'accept' }],
  });
  const seen: SpeakerEvent[] = [];
  speaker.on((e) => seen.push(e));
  const start = async () => {
    await speaker.start();
    speaker.announce('203.0.113.0/24', { communities: [65001 * 65536 + 7] });
  };
  return { config, speaker, seen, start };
}

function json(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('wirestack bgp end to end', () => {
  it('in-process: Established, state and stats lines, SIGUSR1 dumps, SIGTERM sends Cease then writes the dump', async () => {
    const port = randomPort();
    const { config, speaker, seen, start } = scenario('127.0.0.1', '127.0.0.2', port);
    const dump = join(dir, 'inproc.mrt');
    const t = fakeIo({ 's.json': JSON.stringify(config) });
    await start();
    let dumpAtCease: boolean | undefined;
    speaker.on((e) => {
      if (e.type === 'notification' && e.direction === 'received') dumpAtCease = existsSync(dump);
    });
    try {
      const running = run(['bgp', '--config', 's.json', '--json', '--mrt-dump', dump], t.io);
      const events = () => json(t.lines());
      await until('Established', () => events().some((e) => e.event === 'state' && e.to === 'Established'));
      expect(events().filter((e) => e.event === 'state')[0]).toEqual({ event: 'state', peer: '127.0.0.2', from: 'Idle', to: 'Connect' });
      await until('stats with both routes', () => events().some((e) => e.event === 'stats' && e.accepted === 1 && e.advertised === 1 && e.locRib === 2));
      expect(events().find((e) => e.event === 'stats' && e.locRib === 2)).toEqual({ event: 'stats', peer: '127.0.0.2', received: 1, accepted: 1, advertised: 1, locRib: 2 });
      await until('route at the peer', () => speaker.bestRoute('198.18.0.0/24') !== undefined);
      expect(speaker.bestRoute('198.18.0.0/24')?.attributes).toMatchObject({ asPath: [{ type: 'sequence', asns: [4200000001] }], communities: [65000 * 65536 + 1] });

      expect(t.signal('SIGUSR1')).toBe(true);
      await until('the SIGUSR1 dump', () => existsSync(dump));
      await until('the dump is complete', () => t.stderr().includes(`wrote ${dump}`));
      const snapshot = fakeIo();
      await run(['mrt', dump], snapshot.io);
      expect(snapshot.lines()).toHaveLength(2);
      rmSync(dump);

      expect(t.signal('SIGTERM')).toBe(true);
      expect(await running).toBe(0);
      expect(seen).toContainEqual({ type: 'notification', peer: ip('127.0.0.1'), direction: 'received', code: 6, subcode: 2 });
      expect(dumpAtCease).toBe(false); // the Cease went out before the dump was written
      expect(events()).toContainEqual({ event: 'notification', peer: '127.0.0.2', direction: 'sent', code: 6, subcode: 2 });
      expect(events().every((e) => ['state', 'notification', 'stats'].includes(e.event as string))).toBe(true);
      const lines = fakeIo();
      expect(await run(['mrt', dump], lines.io)).toBe(0);
      // routes learnt from the peer are in it too: the Loc-RIB was copied before the sessions closed
      expect(lines.lines().sort()).toEqual([
        expect.stringMatching(/^TABLE_DUMP2\|\d+\|B\|0\.0\.0\.0\|4200000001\|198\.18\.0\.0\/24\|\|IGP\|192\.0\.2\.1\|0\|0\|65000:1\|NAG\|\|$/),
        expect.stringMatching(/^TABLE_DUMP2\|\d+\|B\|127\.0\.0\.2\|65001\|203\.0\.113\.0\/24\|65001\|IGP\|192\.0\.2\.10\|0\|0\|65001:7\|NAG\|\|$/),
      ]);
    } finally {
      t.signal('SIGTERM');
      await speaker.stop();
    }
  });

  it('human form: state changes and route counts as text', async () => {
    const port = randomPort();
    const { config, speaker, start } = scenario('127.0.0.5', '127.0.0.6', port);
    const t = fakeIo({ 's.json': JSON.stringify(config) });
    await start();
    try {
      const running = run(['bgp', '--config', 's.json'], t.io);
      await until('Established', () => t.lines().includes('127.0.0.6: OpenConfirm -> Established'));
      await until('counts', () => t.lines().includes('127.0.0.6: 1 received, 1 accepted, 1 advertised; Loc-RIB 2 routes'));
      t.signal('SIGINT');
      expect(await running).toBe(0);
      expect(t.lines()).toContain('127.0.0.6: NOTIFICATION sent 6/2 (Cease, Administrative Shutdown)');
    } finally {
      t.signal('SIGTERM');
      await speaker.stop();
    }
  });

  it('the built binary: real SIGTERM ends it with a Cease and the dump, which `wirestack mrt` lists', async () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    expect(existsSync(main)).toBe(true);
    const port = randomPort();
    const { config, speaker, seen, start } = scenario('127.0.0.3', '127.0.0.4', port);
    const configPath = join(dir, 'child.json');
    const dump = join(dir, 'child.mrt');
    writeFileSync(configPath, JSON.stringify(config));
    await start();
    const child = spawn(process.execPath, [main, 'bgp', '--config', configPath, '--json', '--mrt-dump', dump], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const events = () => json(stdout.split('\n').slice(0, -1));
      /** Waits for `probe`, failing at once with the child's stderr when it exits early. */
      const waitFor = (what: string, probe: () => boolean) =>
        until(what, () => {
          if (child.exitCode !== null) throw new Error(`wirestack exited with ${child.exitCode} before ${what}: ${stderr}`);
          return probe();
        });
      await waitFor('Established', () => events().some((e) => e.event === 'state' && e.to === 'Established'));
      await waitFor('stats', () => events().some((e) => e.event === 'stats' && e.locRib === 2));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(seen).toContainEqual(expect.objectContaining({ type: 'notification', direction: 'received', code: 6, subcode: 2 }));
      expect(stderr).toContain(`wrote ${dump} (2 routes)`);
      const listed = spawnSync(process.execPath, [main, 'mrt', dump], { encoding: 'utf8' });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/\|198\.18\.0\.0\/24\|/);
      expect(listed.stdout).toMatch(/\|127\.0\.0\.4\|65001\|203\.0\.113\.0\/24\|/);
    } finally {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
      await speaker.stop();
    }
  });
});

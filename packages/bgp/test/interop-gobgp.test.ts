import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpv4 } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { BgpSpeaker, type SpeakerEvent } from '../src/node.js';
import { Daemon, parseJson, removeDir, run, scratchDir, testPort, until } from './daemons.js';

/**
 * Interop with GoBGP 3 (Debian package gobgpd) on loopback: gobgpd runs in
 * the foreground with a config this test writes (no zebra section, so
 * nothing reaches the kernel), is driven and queried with the gobgp CLI over
 * its gRPC API, and is stopped by PID. eBGP with 4-octet ASNs, routes both
 * ways with their attributes, withdrawals both ways, our hold timer against
 * a stopped gobgpd.
 */
const skip = missingPrerequisite({ commands: ['gobgpd', 'gobgp'] });

const PORT = testPort(22000);
const API_PORT = PORT + 1000;
const SPEAKER = '127.0.0.31';
const GOBGP = '127.0.0.32';
const SPEAKER_AS = 4200000001;
const GOBGP_AS = 4200000012;

function gobgpConfig(): string {
  return `[global.config]
  as = ${GOBGP_AS}
  router-id = "${GOBGP}"
  port = ${PORT}
  local-address-list = ["${GOBGP}"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${SPEAKER}"
    peer-as = ${SPEAKER_AS}
  [neighbors.transport.config]
    local-address = "${GOBGP}"
    remote-port = ${PORT}
  [neighbors.timers.config]
    connect-retry = 1
    idle-hold-time-after-reset = 1
    hold-time = 6
    keepalive-interval = 2
  [neighbors.ebgp-multihop.config]
    enabled = true
    multihop-ttl = 255
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
`;
}

/** A path as `gobgp ... -j` prints it: attributes by type code. */
interface GobgpPath {
  attrs?: {
    type: number;
    value?: unknown;
    nexthop?: string;
    metric?: number;
    as_paths?: { segment_type: number; asns: number[] }[];
    communities?: number[];
  }[];
}

describe.skipIf(skip !== undefined)('interop with GoBGP on loopback', () => {
  let dir: string;
  let gobgpd: Daemon | undefined;
  let speaker: BgpSpeaker | undefined;
  const events: SpeakerEvent[] = [];
  const gobgp = (...args: string[]) => run('gobgp', ['-u', GOBGP, '-p', String(API_PORT), ...args]);
  /** GoBGP's paths for a prefix in its global RIB, or undefined when it has none. */
  const gobgpRoute = async (prefix: string): Promise<GobgpPath | undefined> => {
    const json = parseJson(await gobgp('global', 'rib', '-a', 'ipv4', prefix, '-j')) as Record<string, GobgpPath[]> | undefined;
    return json?.[prefix]?.[0];
  };
  const attr = (path: GobgpPath, type: number) => path.attrs?.find((a) => a.type === type);
  const peer = () => speaker!;

  beforeAll(async () => {
    dir = scratchDir('gobgp');
    writeFileSync(join(dir, 'gobgpd.toml'), gobgpConfig());
    speaker = new BgpSpeaker({
      asn: SPEAKER_AS,
      routerId: '192.0.2.1',
      nextHop: '192.0.2.1',
      listen: { address: SPEAKER, port: PORT },
      peers: [{ address: GOBGP, port: PORT, asn: GOBGP_AS, holdTime: 6, connectRetryTime: 1, idleHoldTime: 1, import: 'accept', export: 'accept' }],
    });
    speaker.on((e) => events.push(e));
    await speaker.start();
    gobgpd = new Daemon('gobgpd', 'gobgpd', ['-f', join(dir, 'gobgpd.toml'), '-p', '--api-hosts', `${GOBGP}:${API_PORT}`, '--pprof-disable'], { cwd: dir });
    // GoBGP's own routes, added over its API once it answers
    await until('gobgpd API', async () => /"asn"/.test(await gobgp('global', '-j')), 10_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; gobgpd printed:\n${gobgpd?.log.slice(-3000) ?? ''}`);
    });
    for (const args of [
      ['198.18.0.0/24', 'aspath', '65500', 'community', '65012:100', 'large-community', `${GOBGP_AS}:7:8`],
      ['198.18.1.0/24'],
    ]) {
      await gobgp('global', 'rib', '-a', 'ipv4', 'add', ...args);
    }
  });

  afterAll(async () => {
    try {
      await speaker?.stop('test done');
    } finally {
      await gobgpd?.stop();
      removeDir(dir);
    }
  });

  it('reaches Established with 4-octet ASNs', async () => {
    await until('Established', () => peer().peerState(GOBGP) === 'Established');
    const text = await until('GoBGP Established', async () => {
      const out = await gobgp('neighbor');
      return /Establ/.test(out) && out;
    });
    expect(text).toContain(String(SPEAKER_AS));
  });

  it("receives GoBGP's routes with their attributes", async () => {
    const route = await until('198.18.0.0/24 from GoBGP', () => peer().bestRoute('198.18.0.0/24'));
    expect(route.attributes).toMatchObject({
      origin: 'incomplete', // what `gobgp global rib add` originates
      asPath: [{ type: 'sequence', asns: [GOBGP_AS, 65500] }],
      nextHop: parseIpv4(GOBGP),
      communities: [65012 * 65536 + 100],
      largeCommunities: [{ global: GOBGP_AS, local1: 7, local2: 8 }],
    });
    await until('198.18.1.0/24', () => peer().bestRoute('198.18.1.0/24'));
    expect(peer().counters(GOBGP)).toMatchObject({ accepted: 2 });
  });

  it('sends our routes to GoBGP, with our AS first and our next hop', async () => {
    peer().announce('198.51.100.0/24', { communities: [65000 * 65536 + 1], largeCommunities: [{ global: SPEAKER_AS, local1: 1, local2: 2 }], med: 7 });
    const path = await until('GoBGP to have 198.51.100.0/24', () => gobgpRoute('198.51.100.0/24'));
    expect(attr(path, 2)?.as_paths).toEqual([expect.objectContaining({ segment_type: 2, asns: [SPEAKER_AS] })]);
    expect(attr(path, 3)?.nexthop).toBe('192.0.2.1');
    expect(attr(path, 4)?.metric).toBe(7);
    expect(attr(path, 8)?.communities).toEqual([65000 * 65536 + 1]);
    expect(attr(path, 32)?.value).toEqual([{ ASN: SPEAKER_AS, LocalData1: 1, LocalData2: 2 }]);
  });

  it('withdrawals propagate both ways', async () => {
    peer().withdraw('198.51.100.0/24');
    await until('GoBGP to drop 198.51.100.0/24', async () => (await gobgpRoute('198.51.100.0/24')) === undefined);
    await gobgp('global', 'rib', '-a', 'ipv4', 'del', '198.18.1.0/24');
    await until('198.18.1.0/24 withdrawn', () => peer().bestRoute('198.18.1.0/24') === undefined);
    expect(peer().bestRoute('198.18.0.0/24')).toBeDefined();
    expect(peer().peerState(GOBGP)).toBe('Established');
  });

  it('a stopped gobgpd makes our hold timer fire (4/0 sent), and the session comes back after SIGCONT', async () => {
    const before = events.length;
    gobgpd!.pause();
    try {
      await until('hold timer expiry', () => events.slice(before).some((e) => e.type === 'notification' && e.direction === 'sent' && e.code === 4 && e.subcode === 0), 15_000);
      expect(peer().bestRoute('198.18.0.0/24')).toBeUndefined();
    } finally {
      gobgpd!.resume();
    }
    await until('Established again', () => peer().peerState(GOBGP) === 'Established', 30_000);
    await until('routes again', () => peer().bestRoute('198.18.0.0/24'));
  }, 50_000);
});

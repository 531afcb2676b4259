import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpv4 } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { BgpSpeaker, type SpeakerEvent } from '../src/node.js';
import { Daemon, parseJson, removeDir, run, scratchDir, testPort, until } from './daemons.js';

/**
 * Interop with FRR 8 bgpd (Debian package frr) on loopback: bgpd runs
 * standalone (--no_zebra, nothing reaches the kernel) in the foreground with
 * a config this test writes, queried through vtysh on its own vty socket,
 * and stopped by PID. eBGP with 4-octet ASNs, routes both ways with their
 * attributes, withdrawals both ways, our hold timer against a stopped bgpd.
 */
const BGPD = '/usr/lib/frr/bgpd'; // not on PATH
const skip = missingPrerequisite({ commands: [BGPD, 'vtysh'] });

const PORT = testPort(21000);
const SPEAKER = '127.0.0.21';
const FRR = '127.0.0.23';
const SPEAKER_AS = 4200000001;
const FRR_AS = 4200000013;

function frrConfig(): string {
  // FRR 8 drops eBGP routes without a route-map (bgp ebgp-requires-policy) and
  // re-advertises what it learns unless the outbound map says otherwise.
  return `frr defaults traditional
hostname wirestack-frr
!
ip prefix-list OWN seq 5 permit 198.18.0.0/15 le 32
route-map IN permit 10
!
route-map OUT permit 10
 match ip address prefix-list OWN
 set community 65013:100 additive
 set large-community ${FRR_AS}:7:8 additive
!
router bgp ${FRR_AS}
 bgp router-id ${FRR}
 no bgp network import-check
 bgp log-neighbor-changes
 neighbor ${SPEAKER} remote-as ${SPEAKER_AS}
 neighbor ${SPEAKER} port ${PORT}
 neighbor ${SPEAKER} update-source ${FRR}
 neighbor ${SPEAKER} timers 2 6
 neighbor ${SPEAKER} timers connect 1
 neighbor ${SPEAKER} ebgp-multihop 255
 !
 address-family ipv4 unicast
  network 198.18.0.0/24
  network 198.18.1.0/24
  neighbor ${SPEAKER} activate
  neighbor ${SPEAKER} route-map IN in
  neighbor ${SPEAKER} route-map OUT out
 exit-address-family
!
`;
}

interface FrrPath {
  aspath?: { string?: string };
  nexthops?: { ip?: string }[];
  community?: { string?: string };
  largeCommunity?: { string?: string };
  metric?: number;
  origin?: string;
}

describe.skipIf(skip !== undefined)('interop with FRR bgpd on loopback', () => {
  let dir: string;
  let frr: Daemon | undefined;
  let speaker: BgpSpeaker | undefined;
  const events: SpeakerEvent[] = [];
  const vtysh = (...commands: string[]) => run('vtysh', ['--vty_socket', dir, '-d', 'bgpd', ...commands.flatMap((c) => ['-c', c])]);
  /** FRR's best path for a prefix, or undefined when it has none. */
  const frrRoute = async (prefix: string): Promise<FrrPath | undefined> => {
    const json = parseJson(await vtysh(`show bgp ipv4 unicast ${prefix} json`)) as { paths?: FrrPath[] } | undefined;
    return json?.paths?.[0];
  };
  const peer = () => speaker!;

  beforeAll(async () => {
    dir = scratchDir('frr');
    writeFileSync(join(dir, 'bgpd.conf'), frrConfig());
    speaker = new BgpSpeaker({
      asn: SPEAKER_AS,
      routerId: '192.0.2.1',
      // FRR 8.4 resets a session whose NEXT_HOP is in 127/8 or 0/8 (3/8)
      nextHop: '192.0.2.1',
      listen: { address: SPEAKER, port: PORT },
      peers: [{ address: FRR, port: PORT, asn: FRR_AS, holdTime: 6, connectRetryTime: 1, idleHoldTime: 1, import: 'accept', export: 'accept' }],
    });
    speaker.on((e) => events.push(e));
    await speaker.start();
    // -S: stay root (no frr user switch); -l implies -n (no kernel routes); -P 0: no TCP vty
    frr = new Daemon(
      'bgpd',
      BGPD,
      ['-f', join(dir, 'bgpd.conf'), '-i', join(dir, 'bgpd.pid'), '-z', join(dir, 'zserv.api'), '--no_zebra', '-S',
        '-p', String(PORT), '-l', FRR, '--vty_socket', dir, '-P', '0', '--log', `file:${join(dir, 'bgpd.log')}`],
      { cwd: dir },
    );
  });

  afterAll(async () => {
    try {
      await speaker?.stop('test done');
    } finally {
      await frr?.stop();
      removeDir(dir);
    }
  });

  it('reaches Established with 4-octet ASNs', async () => {
    await until('Established', () => peer().peerState(FRR) === 'Established');
    const summary = await until('FRR Established', async () => {
      const json = parseJson(await vtysh('show bgp ipv4 unicast summary json')) as
        | { as?: number; peers?: Record<string, { remoteAs?: number; state?: string }> }
        | undefined;
      return json?.peers?.[SPEAKER]?.state === 'Established' && json;
    });
    expect(summary.as).toBe(FRR_AS);
    expect(summary.peers?.[SPEAKER]?.remoteAs).toBe(SPEAKER_AS);
  });

  it("receives FRR's routes with their attributes", async () => {
    const route = await until('198.18.0.0/24 from FRR', () => peer().bestRoute('198.18.0.0/24'));
    expect(route.attributes).toMatchObject({
      origin: 'igp',
      asPath: [{ type: 'sequence', asns: [FRR_AS] }],
      nextHop: parseIpv4(FRR), // ebgp-multihop with update-source: FRR's own address
      communities: [65013 * 65536 + 100],
      largeCommunities: [{ global: FRR_AS, local1: 7, local2: 8 }],
    });
    await until('198.18.1.0/24', () => peer().bestRoute('198.18.1.0/24'));
    expect(peer().counters(FRR)).toMatchObject({ accepted: 2 });
  });

  it('sends our routes to FRR, with our AS first and our next hop', async () => {
    peer().announce('198.51.100.0/24', { communities: [65000 * 65536 + 1], largeCommunities: [{ global: SPEAKER_AS, local1: 1, local2: 2 }], med: 7 });
    const path = await until('FRR to have 198.51.100.0/24', () => frrRoute('198.51.100.0/24'));
    expect(path.aspath?.string).toBe(String(SPEAKER_AS));
    expect(path.nexthops?.[0]?.ip).toBe('192.0.2.1');
    expect(path.community?.string).toBe('65000:1');
    expect(path.largeCommunity?.string).toBe(`${SPEAKER_AS}:1:2`);
    expect(path.metric).toBe(7);
    expect(path.origin).toBe('IGP');
  });

  it('withdrawals propagate both ways', async () => {
    peer().withdraw('198.51.100.0/24');
    await until('FRR to drop 198.51.100.0/24', async () => (await frrRoute('198.51.100.0/24')) === undefined);
    await vtysh('configure terminal', `router bgp ${FRR_AS}`, 'address-family ipv4 unicast', 'no network 198.18.1.0/24');
    await until('198.18.1.0/24 withdrawn', () => peer().bestRoute('198.18.1.0/24') === undefined);
    expect(peer().bestRoute('198.18.0.0/24')).toBeDefined();
    expect(peer().peerState(FRR)).toBe('Established');
  });

  it('a stopped bgpd makes our hold timer fire (4/0 sent), and the session comes back after SIGCONT', async () => {
    const before = events.length;
    frr!.pause();
    try {
      await until('hold timer expiry', () => events.slice(before).some((e) => e.type === 'notification' && e.direction === 'sent' && e.code === 4 && e.subcode === 0), 15_000);
      expect(peer().bestRoute('198.18.0.0/24')).toBeUndefined();
    } finally {
      frr!.resume();
    }
    // (bgpd's log cannot show our 4/0: once it runs again its own hold timer,
    // also expired, fires before it reads the socket)
    await until('Established again', () => peer().peerState(FRR) === 'Established', 20_000);
    await until('routes again', () => peer().bestRoute('198.18.0.0/24'));
  }, 50_000);
});

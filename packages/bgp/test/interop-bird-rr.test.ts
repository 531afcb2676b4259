import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv4, parseIpv4 } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { BgpSpeaker } from '../src/node.js';
import { Daemon, removeDir, run, scratchDir, testPort, until } from './daemons.js';

/**
 * Route reflection with BIRD 2 on loopback: our speaker is the reflector
 * (cluster id 10.255.0.1), BIRD a route reflector client, and a second
 * wirestack speaker in this process a non-client iBGP peer. A route from
 * the non-client reaches BIRD with ORIGINATOR_ID and CLUSTER_LIST, as
 * `birdc show route all` prints them; BIRD's route reaches the non-client
 * the same way.
 */
const skip = missingPrerequisite({ commands: ['bird', 'birdc'] });

const PORT = testPort(24000);
const AS = 4200000001;
const REFLECTOR = '127.0.0.1';
const NON_CLIENT = '127.0.0.2';
const BIRD = '127.0.0.21';
const CLUSTER_ID = '10.255.0.1';

function birdConfig(): string {
  return `
router id ${BIRD};
protocol device {}
ipv4 table igp4;
# the next hops of reflected routes resolve through this table only: nothing reaches the kernel
protocol static nh { ipv4 { table igp4; }; route 0.0.0.0/0 blackhole; }
protocol static own { ipv4; route 198.18.7.0/24 blackhole { bgp_community.add((65011,7)); }; }
filter own_only { if proto = "own" then accept; reject; }
protocol bgp reflector {
  local ${BIRD} port ${PORT} as ${AS};
  neighbor ${REFLECTOR} port ${PORT} as ${AS};
  strict bind on;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 10;
  hold time 9; keepalive time 3;
  ipv4 { import all; export filter own_only; next hop address 192.0.2.21; igp table igp4; };
}
`;
}

describe.skipIf(skip !== undefined)('route reflection with BIRD 2 as a client', () => {
  let dir: string | undefined;
  let bird: Daemon | undefined;
  let reflector: BgpSpeaker;
  let nonClient: BgpSpeaker;
  const birdc = (...args: string[]) => run('birdc', ['-s', join(dir!, 'bird.ctl'), ...args]);

  beforeAll(async () => {
    dir = scratchDir('bird-rr');
    writeFileSync(join(dir, 'bird.conf'), birdConfig());
    reflector = new BgpSpeaker({
      asn: AS,
      routerId: '192.0.2.1',
      clusterId: CLUSTER_ID,
      listen: { address: REFLECTOR, port: PORT },
      peers: [
        { address: BIRD, port: PORT, asn: AS, holdTime: 9, connectRetryTime: 1, routeReflectorClient: true },
        { address: NON_CLIENT, port: PORT, asn: AS, holdTime: 9, connectRetryTime: 1 },
      ],
    });
    nonClient = new BgpSpeaker({
      asn: AS,
      routerId: '192.0.2.2',
      nextHop: '192.0.2.2',
      listen: { address: NON_CLIENT, port: PORT },
      peers: [{ address: REFLECTOR, port: PORT, asn: AS, holdTime: 9, passive: true }],
    });
    await nonClient.start();
    await reflector.start();
    bird = new Daemon('bird', 'bird', ['-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-f'], { cwd: dir });
  });

  afterAll(async () => {
    await reflector?.stop('test done');
    await nonClient?.stop();
    await bird?.stop();
    removeDir(dir);
  });

  it('all three sessions reach Established', async () => {
    await until('sessions', () => reflector.peerState(BIRD) === 'Established' && reflector.peerState(NON_CLIENT) === 'Established', 30_000);
    await until('BIRD Established', async () => /Established/.test(await birdc('show', 'protocols', 'reflector')));
  });

  it("a non-client's route reaches BIRD with ORIGINATOR_ID and our CLUSTER_LIST, its next hop unchanged", async () => {
    nonClient.announce('198.51.100.0/24', { localPref: 150 });
    const out = await until('BIRD to have 198.51.100.0/24', async () => {
      const text = await birdc('show', 'route', 'all', '198.51.100.0/24');
      return /BGP\.cluster_list/.test(text) ? text : undefined;
    });
    expect(out).toMatch(/BGP\.originator_id: 192\.0\.2\.2\b/);
    expect(out).toMatch(new RegExp(`BGP\\.cluster_list: ${CLUSTER_ID.replaceAll('.', '\\.')}\\b`));
    expect(out).toMatch(/BGP\.next_hop: 192\.0\.2\.2\b/);
    expect(out).toMatch(/BGP\.local_pref: 150\b/);
  });

  it("BIRD's route reaches the non-client reflected, and is not sent back to BIRD", async () => {
    const route = await until('198.18.7.0/24 at the non-client', async () => {
      await birdc('show', 'status'); // wakes BIRD's main loop (it may sleep 3 s with UPDATEs pending)
      return nonClient.bestRoute('198.18.7.0/24');
    });
    expect(route.attributes).toMatchObject({
      originatorId: parseIpv4(BIRD),
      clusterList: [parseIpv4(CLUSTER_ID)],
      nextHop: parseIpv4('192.0.2.21'),
      communities: [65011 * 65536 + 7],
    });
    expect(reflector.counters(BIRD)?.advertised).toBe(1); // only the non-client's route
    expect(formatIpv4(reflector.bestRoute('198.18.7.0/24')!.source.address)).toBe(BIRD);
  });

  it('withdrawals are reflected too', async () => {
    nonClient.withdraw('198.51.100.0/24');
    await until('BIRD to drop 198.51.100.0/24', async () => /Network not found/.test(await birdc('show', 'route', '198.51.100.0/24')));
    await birdc('disable', 'own');
    await until('BIRD route withdrawn at the non-client', async () => {
      await birdc('show', 'status');
      return nonClient.bestRoute('198.18.7.0/24') === undefined;
    });
  });
});

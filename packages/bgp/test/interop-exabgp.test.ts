import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseIpv4 } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { BgpFramer, buildOpen, decodeMessage, encodeMessage, type BgpMessage } from '../src/index.js';
import { BgpSpeaker, type SpeakerEvent } from '../src/node.js';
import { Daemon, removeDir, scratchDir, sleep, testPort, until } from './daemons.js';

/**
 * RFC 7606 against crafted UPDATEs from ExaBGP 4 (Debian package exabgp) on
 * loopback. ExaBGP's `attribute [CODE FLAGS 0xDATA]` sends any bytes as a
 * path attribute, so it can send what a well-behaved daemon never would.
 * Announcements go through its API (a small Python process that relays a
 * command file this test appends to). ExaBGP runs in the foreground and is
 * stopped by PID. ExaBGP does not report a NOTIFICATION it receives, so the
 * last test checks one on the wire, from a session driven by hand on a raw
 * socket.
 */
const skip = missingPrerequisite({ commands: ['exabgp', 'python3'] });

const PORT = testPort(23000);
const SPEAKER = '127.0.0.41';
const EXABGP = '127.0.0.42';
const SPEAKER_AS = 4200000001;
const EXABGP_AS = 4200000042;
/** A BGP speaker written by hand in this test, on a raw socket: it checks what goes on the wire. */
const RAW = '127.0.0.43';
const RAW_AS = 4200000043;

/**
 * ExaBGP's API process: passes the lines this test appends to `commands` to
 * ExaBGP. It exits when ExaBGP closes its stdin, so it never outlives it.
 */
const API_PROCESS = `import sys, threading, time
done = threading.Event()
def drain():
    for _ in sys.stdin:
        pass
    done.set()
threading.Thread(target=drain, daemon=True).start()
with open(sys.argv[1]) as f:
    while not done.is_set():
        line = f.readline()
        if line:
            sys.stdout.write(line)
            sys.stdout.flush()
        else:
            time.sleep(0.05)
`;

function exabgpConfig(dir: string): string {
  return `process commands {
  run /usr/bin/env python3 ${join(dir, 'api.py')} ${join(dir, 'commands')};
  encoder text;
}
neighbor ${SPEAKER} {
  router-id ${EXABGP};
  local-address ${EXABGP};
  local-as ${EXABGP_AS};
  peer-as ${SPEAKER_AS};
  hold-time 9;
  connect ${PORT};
  family { ipv4 unicast; }
  api { processes [ commands ]; }
}
`;
}

describe.skipIf(skip !== undefined)('RFC 7606 handling of crafted UPDATEs from ExaBGP', () => {
  let dir: string;
  let exabgp: Daemon | undefined;
  let speaker: BgpSpeaker | undefined;
  const events: SpeakerEvent[] = [];
  const peer = () => speaker!;
  /** One ExaBGP API command (text encoder). */
  const command = (line: string) => appendFileSync(join(dir, 'commands'), `${line}\n`);
  const announce = (prefix: string, extra = '') => command(`neighbor ${SPEAKER} announce route ${prefix} next-hop ${EXABGP} origin igp ${extra}`.trim());
  const sent = (since: number) => events.slice(since).filter((e) => e.type === 'notification' && e.direction === 'sent');

  beforeAll(async () => {
    dir = scratchDir('exabgp');
    writeFileSync(join(dir, 'commands'), '');
    writeFileSync(join(dir, 'api.py'), API_PROCESS);
    writeFileSync(join(dir, 'exabgp.conf'), exabgpConfig(dir));
    speaker = new BgpSpeaker({
      asn: SPEAKER_AS,
      routerId: '192.0.2.1',
      nextHop: '192.0.2.1',
      listen: { address: SPEAKER, port: PORT },
      // ExaBGP only connects (it is not configured to listen)
      peers: [
        { address: EXABGP, port: PORT, asn: EXABGP_AS, passive: true, holdTime: 9, idleHoldTime: 1, import: 'accept', export: 'accept' },
        { address: RAW, port: PORT, asn: RAW_AS, passive: true, holdTime: 9, import: 'accept', export: 'accept' },
      ],
    });
    speaker.on((e) => events.push(e));
    await speaker.start();
    exabgp = new Daemon('exabgp', 'exabgp', [join(dir, 'exabgp.conf')], {
      cwd: dir,
      env: {
        ...process.env,
        exabgp_daemon_daemonize: 'false',
        exabgp_daemon_drop: 'false', // stay root: no user switch, the files are ours
        exabgp_log_destination: 'stdout',
        exabgp_api_cli: 'false', // no named pipes under /run/exabgp
        exabgp_tcp_bind: '', // never listen
      },
    });
  });

  afterAll(async () => {
    try {
      await speaker?.stop('test done');
    } finally {
      await exabgp?.stop();
      removeDir(dir);
    }
  });

  it('reaches Established with 4-octet ASNs and takes a well-formed route', async () => {
    await until('Established', () => peer().peerState(EXABGP) === 'Established', 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; exabgp printed:\n${exabgp!.log.slice(-3000)}`);
    });
    announce('198.18.0.0/24', 'community [65042:100]');
    const route = await until('198.18.0.0/24', () => peer().bestRoute('198.18.0.0/24'));
    expect(route.attributes).toMatchObject({
      origin: 'igp',
      asPath: [{ type: 'sequence', asns: [EXABGP_AS] }],
      nextHop: parseIpv4(EXABGP),
      communities: [65042 * 65536 + 100],
    });
  });

  it('treat-as-withdraw: a malformed COMMUNITIES removes the route and keeps the session', async () => {
    announce('198.18.1.0/24');
    await until('198.18.1.0/24', () => peer().bestRoute('198.18.1.0/24'));
    const before = events.length;
    // COMMUNITIES (8), optional transitive, 3 bytes: not a multiple of 4 (RFC 7606 §7.8)
    announce('198.18.1.0/24', 'attribute [0x08 0xc0 0x000102]');
    await until('198.18.1.0/24 treated as withdrawn', () => peer().bestRoute('198.18.1.0/24') === undefined);
    await sleep(500);
    expect(sent(before)).toEqual([]);
    expect(peer().peerState(EXABGP)).toBe('Established');
    expect(peer().bestRoute('198.18.0.0/24')).toBeDefined();
    expect(events.slice(before).some((e) => e.type === 'log' && /Attribute Length Error; treat-as-withdraw/.test(e.message))).toBe(true);
  });

  it('attribute-discard: a malformed ATOMIC_AGGREGATE is dropped and the route kept', async () => {
    const before = events.length;
    // ATOMIC_AGGREGATE (6), well-known, must be empty: 1 byte (RFC 7606 §7.6)
    announce('198.18.2.0/24', 'community [65042:2] attribute [0x06 0x40 0x00]');
    const route = await until('198.18.2.0/24', () => peer().bestRoute('198.18.2.0/24'));
    expect(route.attributes.atomicAggregate).toBeUndefined();
    expect(route.attributes.communities).toEqual([65042 * 65536 + 2]);
    expect(sent(before)).toEqual([]);
    expect(peer().peerState(EXABGP)).toBe('Established');
    expect(events.slice(before).some((e) => e.type === 'log' && /attribute-discard/.test(e.message))).toBe(true);
  });

  it('session reset: an unrecognized well-known attribute gets NOTIFICATION 3/2 and the routes go', async () => {
    const before = events.length;
    // type 240 with the Optional bit clear: an unrecognized well-known attribute (RFC 4271 §6.3)
    announce('198.18.3.0/24', 'attribute [0xf0 0x40 0x00]');
    await until('NOTIFICATION sent', () => sent(before).length > 0);
    expect(sent(before)[0]).toMatchObject({ code: 3, subcode: 2 });
    expect(events.slice(before)).toContainEqual({ type: 'state', peer: parseIpv4(EXABGP), from: 'Established', to: 'Idle' });
    await until('routes from ExaBGP gone', () => peer().bestRoute('198.18.0.0/24') === undefined);
    expect(peer().bestRoute('198.18.3.0/24')).toBeUndefined();
    // ExaBGP would send it again on every new session
    command(`neighbor ${SPEAKER} withdraw route 198.18.3.0/24`);
  });

  it('session reset on the wire: NLRI syntax error gets NOTIFICATION 3/10 and the connection closes', async () => {
    const wire = new RawPeer();
    try {
      await wire.connect();
      const options = { fourOctetAs: true };
      const open = await wire.next();
      expect(open).toMatchObject({ type: 'open', myAs: 23456 }); // AS_TRANS: our AS needs 4 octets
      wire.send(encodeMessage(buildOpen({ asn: RAW_AS, holdTime: 9, bgpId: parseIpv4(RAW), capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }] })));
      wire.send(encodeMessage({ type: 'keepalive' }));
      expect(await wire.next(options)).toMatchObject({ type: 'keepalive' });
      await until('raw peer Established', () => peer().peerState(RAW) === 'Established');
      const good = encodeMessage(
        { type: 'update', withdrawn: [], attributes: { origin: 'igp', asPath: [{ type: 'sequence', asns: [RAW_AS] }], nextHop: parseIpv4(RAW) }, nlri: [{ address: parseIpv4('198.19.0.0'), length: 24 }] },
        options,
      );
      wire.send(good);
      await until('198.19.0.0/24 from the raw peer', () => peer().bestRoute('198.19.0.0/24'));
      // the same UPDATE with its NLRI's prefix length made 33 (RFC 7606 §5.3: session reset)
      const bad = good.slice();
      bad[bad.length - 4] = 33;
      wire.send(bad);
      let m: BgpMessage;
      do m = await wire.next(options);
      while (m.type !== 'notification');
      expect(m).toMatchObject({ type: 'notification', code: 3, subcode: 10 });
      await wire.closed;
      expect(peer().bestRoute('198.19.0.0/24')).toBeUndefined();
    } finally {
      wire.destroy();
    }
  });
});

/** Our side of a hand-driven session: whole messages out of the TCP stream, one at a time. */
class RawPeer {
  private socket: Socket | undefined;
  private readonly framer = new BgpFramer();
  private readonly frames: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: SPEAKER, port: PORT, localAddress: RAW }, () => resolve());
      this.socket = socket;
      socket.once('error', reject);
      socket.on('data', (chunk: Uint8Array) => {
        this.frames.push(...this.framer.push(chunk).map((f) => f.slice()));
        this.wake?.();
      });
      socket.on('close', () => {
        this.ended = true;
        this.resolveClosed();
        this.wake?.();
      });
    });
  }

  send(bytes: Uint8Array): void {
    this.socket!.write(bytes);
  }

  /** The next message, decoded with the session's options; fails after 10 s or when the connection ends first. */
  async next(options = {}): Promise<BgpMessage> {
    const end = Date.now() + 10_000;
    while (this.frames.length === 0) {
      if (this.ended) throw new Error('connection closed');
      if (Date.now() > end) throw new Error('no message in 10 s');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    return decodeMessage(this.frames.shift()!, 0, options).message;
  }

  destroy(): void {
    this.socket?.destroy();
  }
}

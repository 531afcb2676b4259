/**
 * A Linux kernel pings a wirestack host through VXLAN, and back.
 *
 *   wsns-h: hv1 10.0.0.1/24 ── hv0 ┐
 *   wsns-k:                  br0 ──┴── vxlan42 (id 42, remote 192.168.77.2) ── ul0 192.168.77.1
 *   wsns-n: node: UdpUnderlay on ul1 192.168.77.2 ── vxlan1 ── br0 ── Host 10.0.0.2/24
 *
 * Every party is in a namespace the test made, the Node side included (a
 * socket in the root namespace received nothing from a vxlan device in
 * another one). The Node side is bundled from the sources with esbuild, so
 * no build is needed first.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { missingPrerequisite } from '@wirestack-tools/testkit';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const skip = missingPrerequisite({ commands: ['ip', 'ping', 'bridge'], root: true });

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

async function bundlePeer(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'vtep-peer.mjs');
  await build({
    entryPoints: [join(here, 'interop', 'vtep-peer.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@wirestack/source'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Reads the peer's JSON answers line by line. */
function answers(child: ChildProcessWithoutNullStreams): () => Promise<Record<string, unknown>> {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('vtep peer did not answer within 15 s')), 15_000);
      const take = (line: string): void => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      };
      const line = queue.shift();
      if (line !== undefined) take(line);
      else waiting.push(take);
    });
}

describe.skipIf(skip !== undefined)('Linux vxlan device <-> wirestack VxlanDevice on a real UDP socket', () => {
  for (const dstport of [4789, 9527]) {
    it(`kernel and wirestack hosts ping each other over VNI 42, dstport ${dstport}`, async () => {
      const tag = `${process.pid % 100000}-${dstport}`;
      const K = `wsns-k${tag}`;
      const H = `wsns-h${tag}`;
      const N = `wsns-n${tag}`;
      const dir = mkdtempSync(join(tmpdir(), 'netsim-interop-'));
      let child: ChildProcessWithoutNullStreams | undefined;
      const stderr: string[] = [];
      try {
        const peer = await bundlePeer(dir);
        for (const ns of [K, H, N]) {
          await ip('netns', 'add', ns);
          await ip('-n', ns, 'link', 'set', 'lo', 'up');
        }
        await ip('-n', K, 'link', 'add', 'ul0', 'type', 'veth', 'peer', 'name', 'ul1', 'netns', N);
        await ip('-n', K, 'addr', 'add', '192.168.77.1/24', 'dev', 'ul0');
        await ip('-n', K, 'link', 'set', 'ul0', 'up');
        await ip('-n', N, 'addr', 'add', '192.168.77.2/24', 'dev', 'ul1');
        await ip('-n', N, 'link', 'set', 'ul1', 'up');
        await ip('-n', K, 'link', 'add', 'br0', 'type', 'bridge');
        await ip('-n', K, 'link', 'set', 'br0', 'up');
        await ip('-n', K, 'link', 'add', 'vxlan42', 'type', 'vxlan', 'id', '42', 'dstport', String(dstport), 'remote', '192.168.77.2', 'local', '192.168.77.1', 'dev', 'ul0');
        await ip('-n', K, 'link', 'set', 'vxlan42', 'master', 'br0', 'up');
        await ip('-n', K, 'link', 'add', 'hv0', 'type', 'veth', 'peer', 'name', 'hv1', 'netns', H);
        await ip('-n', K, 'link', 'set', 'hv0', 'master', 'br0', 'up');
        await ip('-n', H, 'addr', 'add', '10.0.0.1/24', 'dev', 'hv1');
        await ip('-n', H, 'link', 'set', 'hv1', 'up');
        const kernelMac = (JSON.parse(await ip('-j', '-n', H, 'link', 'show', 'hv1')) as { address: string }[])[0]!.address;

        child = spawn('ip', ['netns', 'exec', N, process.execPath, peer, '192.168.77.2', '192.168.77.1', String(dstport)]);
        child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
        const next = answers(child);
        const ready = await next();
        expect(ready.ready).toBe(true);
        const ourMac = ready.mac as string;

        // The kernel pings us: ARP through the tunnel, then ICMP echo.
        const ping = await run('ip', ['netns', 'exec', H, 'ping', '-c', '5', '-i', '0.2', '-W', '2', '10.0.0.2']);
        expect(ping.stdout).toMatch(/5 packets transmitted, 5 received/);
        expect(await ip('-n', H, 'neigh', 'show', '10.0.0.2')).toContain(`lladdr ${ourMac}`);
        expect(await run('bridge', ['-n', K, 'fdb', 'show', 'dev', 'vxlan42']).then((r) => r.stdout)).toContain(`${ourMac} dst 192.168.77.2 self`);

        // Our FDB learned the kernel host's MAC behind the kernel's VTEP.
        child.stdin.write('fdb\n');
        const fdb = (await next()).fdb as string[];
        expect(fdb).toContain(`${kernelMac} dev vxlan1 dst 192.168.77.1 self`);

        // And the reverse: our host pings the kernel's.
        child.stdin.write('ping 10.0.0.1\n');
        const reverse = await next();
        expect(reverse.transmitted).toBe(3);
        expect(reverse.received).toBe(3);
        child.stdin.write('neigh\n');
        // Learned from the kernel's ARP request (STALE), then used: any valid state with the kernel's MAC.
        expect(((await next()).neigh as string[]).join('\n')).toMatch(new RegExp(`^10\\.0\\.0\\.1 dev eth0 lladdr ${kernelMac} (REACHABLE|STALE|DELAY|PROBE)$`, 'm'));
      } catch (error) {
        if (stderr.length > 0) console.error(`vtep peer stderr:\n${stderr.join('')}`);
        throw error;
      } finally {
        if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
        for (const ns of [K, H, N]) await ip('netns', 'del', ns).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

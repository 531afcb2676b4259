import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpv4, type Ipv4Address } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { Rib, formatRouteGet, formatRoutes, loadRoutes } from '../src/index.js';

/**
 * The RIB against the Linux kernel: a few thousand random routes (nested
 * and overlapping prefixes, several metrics per prefix, blackhole,
 * unreachable, prohibit and throw routes, another table) go into a network
 * namespace with `ip -batch`; the namespace's `ip route show table all` is
 * loaded into a RIB (so the parser meets real kernel output), and `ip route
 * get` answers for a few hundred addresses are compared with `Rib.get`.
 */
const skip = missingPrerequisite({ root: true, commands: ['ip'] });

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function ip(ns: string, args: string[], input?: string): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

const mask = (len: number) => (len === 0 ? 0 : (0xffff_ffff << (32 - len)) >>> 0);

describe('Rib against the Linux kernel', () => {
  it.skipIf(skip !== undefined)('answers ip route get like the kernel on a random table', () => {
    // A fresh table each run; ROUTING_KERNEL_SEED replays a failing one.
    const seed = Number(process.env.ROUTING_KERNEL_SEED ?? (Date.now() ^ (process.pid << 8)) >>> 0);
    const next = xorshift(seed);
    const ns = `wsrt-${process.pid}-${(seed & 0xffff).toString(16)}`;
    const dir = mkdtempSync(join(tmpdir(), 'wsrt-'));
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      // Two devices with connected subnets: the gateways live there.
      ip(ns, ['link', 'set', 'lo', 'up']);
      ip(ns, ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
      ip(ns, ['link', 'set', 'va', 'up']);
      ip(ns, ['link', 'set', 'vb', 'up']);
      ip(ns, ['addr', 'add', '10.0.0.1/24', 'dev', 'va']);
      ip(ns, ['addr', 'add', '10.0.0.7/24', 'dev', 'va']);
      ip(ns, ['addr', 'add', '10.0.1.1/24', 'dev', 'vb']);

      // Random routes inside 20.0.0.0/8, clustered so that prefixes nest.
      const anchors = Array.from({ length: 6 }, () => ((20 << 24) | (next() & 0x00ffffff)) >>> 0);
      const taken = new Set<string>();
      const routes: string[] = [];
      const prefixes: [number, number][] = [];
      const types = ['unicast', 'unicast', 'unicast', 'unicast', 'unicast', 'unicast', 'blackhole', 'unreachable', 'prohibit', 'throw'];
      while (routes.length < 3000) {
        const len = 8 + (next() % 25);
        const anchor = anchors[next() % anchors.length]!;
        const address = ((anchor ^ (next() & ((1 << (next() % 16)) - 1))) & mask(len)) >>> 0;
        const metric = [0, 10, 20][next() % 3]!;
        const table = next() % 10 === 0 ? 100 : 254;
        const key = `${address}/${len}/${metric}/${table}`;
        if (taken.has(key)) continue;
        taken.add(key);
        const type = types[next() % types.length]!;
        const dst = `${formatIpv4(address as Ipv4Address)}/${len}`;
        let nexthop = '';
        if (type === 'unicast') {
          const onVb = next() % 3 === 0;
          const host = 2 + (next() % 250);
          nexthop = next() % 5 === 0 ? ` dev ${onVb ? 'vb' : 'va'}` : ` via 10.0.${onVb ? 1 : 0}.${host}`;
        }
        routes.push(`route add ${type === 'unicast' ? '' : `${type} `}${dst}${nexthop} metric ${metric} table ${table} proto ${[3, 4, 186][next() % 3]}`);
        prefixes.push([address, len]);
      }
      routes.push('route add default via 10.0.0.254 metric 50');
      const batch = join(dir, 'routes.batch');
      writeFileSync(batch, routes.join('\n') + '\n');
      ip(ns, ['-batch', batch]);

      // The namespace's table, as text, into our RIB.
      const shown = ip(ns, ['-4', 'route', 'show', 'table', 'all']);
      const rib = new Rib();
      const loaded = loadRoutes(rib, shown);
      expect(loaded.loaded).toBe(routes.length + 10); // + the kernel routes of three addresses and lo
      // ... and printed back the way iproute2 printed it.
      const kernelLines = shown.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
      expect(formatRoutes(rib).sort()).toEqual(kernelLines.sort());

      // Addresses: inside random prefixes (often at their edges), random in 20/8, and the local ones.
      const sample: number[] = [0x0a000001, 0x0a000007, 0x0a0000ff, 0x0a000105, 0x7f000001, 0x08080808];
      while (sample.length < 400) {
        const [address, len] = prefixes[next() % prefixes.length]!;
        const host = ~mask(len) >>> 0;
        const pick = next() % 4;
        const a = pick === 0 ? address : pick === 1 ? (address | host) >>> 0 : pick === 2 ? ((20 << 24) | (next() & 0xffffff)) >>> 0 : (address | (next() & host)) >>> 0;
        sample.push(a);
      }
      const script = sample.map((a) => `echo "@@ ${formatIpv4(a as Ipv4Address)}"; ip -n ${ns} route get ${formatIpv4(a as Ipv4Address)} 2>&1 || true`).join('\n');
      const answers = execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 })
        .split('@@ ')
        .slice(1)
        .map((block) => block.split('\n')[1]!.replace(/ uid 0\s*$/, '').trimEnd());
      expect(answers.length).toBe(sample.length);

      const mismatches: string[] = [];
      sample.forEach((a, i) => {
        const kernel = answers[i]!;
        const ours = rib.get(a as Ipv4Address);
        const text = ours.error !== undefined ? `RTNETLINK answers: ${ours.error.message}` : formatRouteGet(ours, rib.interfaces);
        if (text !== kernel) mismatches.push(`${formatIpv4(a as Ipv4Address)}: kernel "${kernel}", ours "${text}"`);
      });
      expect(mismatches, `seed ${seed}`).toEqual([]);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

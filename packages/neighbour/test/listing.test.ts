import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseIpv4, parseMac } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { NeighbourTable, formatArpCacheStats, type AdminState } from '../src/index.js';
import { HALF, OUR_MAC, PEER_IP, learnReachable, makeTable, packet } from './helpers.js';

describe('ip neigh show', () => {
  it('prints address, device, lladdr while valid, and state', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.resolve(parseIpv4('10.0.0.3'), packet(), 0);
    t.set(parseIpv4('10.0.0.4'), parseMac('02:00:00:00:00:04'), 'PERMANENT', 0);
    t.resolve(parseIpv4('224.0.0.1'), packet(), 0);
    expect(t.show()).toEqual([
      '10.0.0.2 dev eth0 lladdr 02:42:ac:11:00:02 REACHABLE',
      '10.0.0.3 dev eth0 INCOMPLETE',
      '10.0.0.4 dev eth0 lladdr 02:00:00:00:00:04 PERMANENT',
    ]);
    expect(t.show({ all: true })).toContain('224.0.0.1 dev eth0 lladdr 01:00:5e:00:00:01 NOARP');
    t.tick(3_000);
    expect(t.show()[1]).toBe('10.0.0.3 dev eth0 FAILED');
  });
});

describe('/proc/net/stat/arp_cache', () => {
  it('prints the counters in hex under the kernel header', () => {
    const t = makeTable();
    t.resolve(PEER_IP, packet(), 0);
    t.lookup(PEER_IP, 0);
    const text = formatArpCacheStats(t.stats());
    const [header, row] = text.split('\n');
    expect(header!.split(/\s+/)).toEqual([
      'entries', 'allocs', 'destroys', 'hash_grows', 'lookups', 'hits', 'res_failed',
      'rcv_probes_mcast', 'rcv_probes_ucast', 'periodic_gc_runs', 'forced_gc_runs', 'unresolved_discards', 'table_fulls',
    ]);
    expect(row!.trim().split(/\s+/)).toEqual(['00000001', '00000001', '00000000', '00000000', '00000002', '00000001', ...Array(7).fill('00000000')]);
  });

  it.skipIf(!existsSync('/proc/net/stat/arp_cache'))('lines up its columns exactly as this kernel does', () => {
    const [header, row] = readFileSync('/proc/net/stat/arp_cache', 'utf8').split('\n');
    const [ourHeader, ourRow] = formatArpCacheStats(makeTable().stats()).split('\n');
    expect(ourHeader).toBe(header);
    const starts = (line: string) => [...line.matchAll(/\S+/g)].map((m) => m.index);
    expect(starts(ourRow!)).toEqual(starts(row!));
  });
});

const skipKernel = missingPrerequisite({ commands: ['ip'], root: true });

describe('against iproute2 and the kernel', () => {
  it.skipIf(skipKernel !== undefined)('prints the same lines as `ip neigh show nud all` for the same entries', () => {
    const ns = `wsn-neigh-${process.pid}`;
    const ip = (...args: string[]) => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
    const entries: [string, string, AdminState][] = [
      ['10.9.0.2', '02:42:ac:11:00:02', 'REACHABLE'],
      ['10.9.0.3', '02:42:ac:11:00:03', 'PERMANENT'],
      ['10.9.0.4', '02:42:ac:11:00:04', 'STALE'],
      ['10.9.0.5', '02:42:ac:11:00:05', 'NOARP'],
    ];
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip('link', 'set', 'veth0', 'up');
      for (const [addr, mac, state] of entries) ip('neigh', 'replace', addr, 'lladdr', mac, 'dev', 'veth0', 'nud', state.toLowerCase());
      const kernel = ip('neigh', 'show', 'nud', 'all')
        .split('\n')
        .filter((l) => l.startsWith('10.9.0.'))
        .map((l) => l.trimEnd())
        .sort();
      const t = new NeighbourTable({ mac: OUR_MAC, device: 'veth0', random: HALF });
      for (const [addr, mac, state] of entries) t.set(parseIpv4(addr), parseMac(mac), state, 0);
      expect(t.show({ all: true })).toEqual(kernel);
      expect(kernel).toHaveLength(4);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});

/**
 * The container-networking walkthrough, live: `runWalkthrough()` builds the
 * two-machine VXLAN lab, pings across it and prints what a reader of the
 * walkthrough would look at (ping lines, tcpdump inside and on the
 * underlay, `ip neigh`, `bridge fdb show`, pcap files), then the host-gw
 * variant for comparison. `wirestack demo` and `npm start` call it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capture } from './capture.js';
import { hostGwLab, vxlanLab, type Lab } from './labs.js';
import type { PingResult } from './ping.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'vxlan', description: 'two machines, br0 + vxlan1 (VNI 1, dstport 9527) each: one L2 segment 10.0.0.0/24 over the underlay' },
  { name: 'host-gw', description: 'the same machines, a subnet each (10.0.1.0/24, 10.0.2.0/24), routed via the peer machine, no tunnel' },
];

export interface WalkthroughOptions {
  /** Where lines go (default console.log). */
  readonly print?: (line: string) => void;
  /** Scenarios to run, by name (default all). */
  readonly scenarios?: readonly string[];
  /** Print the scenarios and do nothing else (`wirestack demo --list`). */
  readonly list?: boolean;
  /** Directory for the pcap files (default a new temporary directory); false writes none. */
  readonly pcapDir?: string | false;
  /** Echo requests per ping (default 3). */
  readonly count?: number;
  /** Random seed of the simulation (default 1). */
  readonly seed?: number;
}

export interface WalkthroughResult {
  readonly pings: Record<string, PingResult>;
  /** pcap files written, by scenario. */
  readonly pcapFiles: Record<string, string[]>;
}

export async function runWalkthrough(options: WalkthroughOptions = {}): Promise<WalkthroughResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const result: WalkthroughResult = { pings: {}, pcapFiles: {} };
  if (options.list === true) {
    for (const s of SCENARIOS) print(`${s.name.padEnd(8)} ${s.description}`);
    return result;
  }
  const wanted = options.scenarios ?? SCENARIOS.map((s) => s.name);
  for (const name of wanted) {
    if (!SCENARIOS.some((s) => s.name === name)) throw new Error(`netsim: no scenario '${name}' (try --list)`);
  }
  let dir: string | undefined;
  const pcapDir = (): string | undefined => {
    if (options.pcapDir === false) return undefined;
    dir ??= options.pcapDir ?? mkdtempSync(join(tmpdir(), 'wirestack-demo-'));
    return dir;
  };
  const count = options.count ?? 3;
  const seed = options.seed ?? 1;
  for (const name of wanted) {
    if (name === 'vxlan') {
      const lab = vxlanLab({ seed });
      print('== vxlan: two machines joined by an underlay, br0 + vxlan1 on each ==');
      print('machine A: eth0 192.168.1.1/24; br0: veth101 (10.0.0.101), veth102 (10.0.0.102), vxlan1 (id 1 remote 192.168.1.2 dstport 9527)');
      print('machine B: eth0 192.168.1.2/24; br0: veth103 (10.0.0.103), veth104 (10.0.0.104), vxlan1 (id 1 remote 192.168.1.1 dstport 9527)');
      result.pings[name] = await ping(lab, '10.0.0.103', count, print);
      trace(lab, print);
      section(print, 'ip neigh (10.0.0.101, on machine A)', lab.a.containers[0]!.neighbours());
      section(print, 'ip neigh (machine A)', lab.a.host.neighbours());
      section(print, 'bridge fdb show (machine A)', lab.a.br0.fdbShow());
      section(print, 'bridge fdb show (machine B)', lab.b.br0.fdbShow());
      result.pcapFiles[name] = writeCaptures(name, lab, pcapDir(), print);
    } else {
      const lab = hostGwLab({ seed });
      print('');
      print('== host-gw: the same machines, a subnet each, routes via the peer, no tunnel ==');
      print('machine A: eth0 192.168.1.1/24, cni0 10.0.1.1/24 on br0 (veth101: 10.0.1.101, veth102: 10.0.1.102)');
      print('machine B: eth0 192.168.1.2/24, cni0 10.0.2.1/24 on br0 (veth103: 10.0.2.103, veth104: 10.0.2.104)');
      section(print, 'ip route (machine A)', lab.a.host.routes());
      result.pings[name] = await ping(lab, '10.0.2.103', count, print);
      trace(lab, print);
      section(print, 'ip neigh (machine A)', lab.a.host.neighbours());
      print('(no tunnel: the underlay carries the containers\' packets as they are, TTL 62 at the far end after two routers)');
      result.pcapFiles[name] = writeCaptures(name, lab, pcapDir(), print);
    }
  }
  return result;
}

async function ping(lab: Lab, dst: string, count: number, print: (line: string) => void): Promise<PingResult> {
  const from = lab.a.containers[0]!;
  print('');
  print(`$ ping -c ${count} ${dst}    # from ${from.toString()} on machine A`);
  const done = from.ping(dst, { count, print });
  lab.net.run();
  return done;
}

function trace(lab: Lab, print: (line: string) => void): void {
  section(print, 'tcpdump -n -i veth101 (inside, machine A)', lab.inside.lines());
  section(print, 'tcpdump -n -i eth0 (underlay, between the machines)', lab.outside.lines());
}

function section(print: (line: string) => void, title: string, lines: readonly string[]): void {
  print('');
  print(`-- ${title}`);
  for (const l of lines) for (const part of l.split('\n')) print(part);
}

function writeCaptures(scenario: string, lab: Lab, dir: string | undefined, print: (line: string) => void): string[] {
  if (dir === undefined) return [];
  const files: string[] = [];
  for (const c of [lab.inside, lab.outside] as Capture[]) {
    const file = join(dir, `${scenario}-${c.name}.pcap`);
    writeFileSync(file, c.toPcap());
    files.push(file);
  }
  print('');
  print(`-- pcap files (tshark -r FILE): ${files.join(', ')}`);
  return files;
}

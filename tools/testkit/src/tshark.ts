import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from './pcap.js';

/**
 * Wireshark's heuristic Ethernet dissectors for Cisco FabricPath and
 * TTEthernet, off: they claim a frame by a few byte values, which random
 * frames sometimes hold (an 802.1Q tag followed by EtherType 0x8903 made
 * tshark read a VXLAN test's inner frame as FabricPath), and the frames
 * tests hand tshark are plain Ethernet. Every tshark run over test frames
 * takes these arguments.
 */
export const NO_ETHERNET_HEURISTICS: readonly string[] = ['--disable-heuristic', 'fp_eth', '--disable-heuristic', 'tte_eth'];

/**
 * Runs tshark over frames written to a temporary pcap and returns, per frame,
 * the requested fields as tshark prints them (`-T fields`; a field that
 * occurs several times in a frame, e.g. stacked VLAN tags, gives its values
 * joined by ','). Extra tshark arguments (e.g. `-d udp.port==9527,vxlan`)
 * go in `args`.
 */
export function tsharkFields(
  frames: readonly Uint8Array[],
  fields: readonly string[],
  args: readonly string[] = [],
): Record<string, string>[] {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-tshark-'));
  try {
    const file = join(dir, 'frames.pcap');
    writePcap(file, frames);
    const out = execFileSync(
      'tshark',
      ['-n', '-r', file, ...NO_ETHERNET_HEURISTICS, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...args, ...fields.flatMap((f) => ['-e', f])],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = out.split('\n').filter((l, i, all) => l.length > 0 || i < all.length - 1);
    return lines.map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(fields.map((f, i) => [f, cells[i] ?? '']));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

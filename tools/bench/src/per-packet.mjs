/**
 * Per-packet decoding measured the way the shared Go harness
 * (anchors/codec-speed/run-gopacket.sh) measures gopacket: whole passes over
 * a frame set for SECS seconds, REPS times after WARM seconds of warm-up,
 * median CPU (and wall) nanoseconds per packet. Used by codec-speed and
 * stack benches, which print gopacket's figures beside ours.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { consume } from './measure.mjs';

export const REPS = Number(process.env.REPS ?? 5);
export const SECS = Number(process.env.SECS ?? 1);
export const WARM = Number(process.env.WARM ?? 1);

export function cpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

export function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Passes of `decoder.pass(frames)` for `seconds`; returns [packets, wall ns, cpu ns]. */
export function runFor(decoder, frames, seconds) {
  const limit = seconds * 1e9;
  let packets = 0;
  let acc = 0;
  const c0 = cpuNs();
  const t0 = process.hrtime.bigint();
  let wall = 0;
  do {
    acc = (acc + decoder.pass(frames)) | 0;
    packets += frames.length;
    wall = Number(process.hrtime.bigint() - t0);
  } while (wall < limit);
  const cpu = cpuNs() - c0;
  consume(acc);
  return [packets, wall, cpu];
}

/** Median CPU and wall ns per packet, and the pass's checksum as a uint32. */
export function measureDecoder(decoder, frames) {
  runFor(decoder, frames, WARM);
  const cpu = [];
  const wall = [];
  for (let r = 0; r < REPS; r++) {
    const [packets, w, c] = runFor(decoder, frames, SECS);
    cpu.push(c / packets);
    wall.push(w / packets);
  }
  return { cpuNs: median(cpu), wallNs: median(wall), checksum: decoder.pass(frames) >>> 0 };
}

/** gopacket's figures for one pcap, from the anchors' script, or a reason it has none. */
export function runGopacket(script, pcap) {
  if (!existsSync(script)) return { error: `no ${script}: gopacket not run` };
  const run = spawnSync('bash', [script, pcap], {
    encoding: 'utf8',
    env: { ...process.env, REPS: String(REPS), SECS: String(SECS), WARM: String(WARM) },
    maxBuffer: 1 << 24,
  });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || line === undefined) {
    return { error: `run-gopacket.sh failed (status ${run.status}): ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  }
  const out = JSON.parse(line);
  return { cpuNs: out.median_cpu_ns, wallNs: out.median_ns, checksum: parseInt(out.checksum, 16) >>> 0, errors: out.errors_per_pass };
}

export const hex = (n) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

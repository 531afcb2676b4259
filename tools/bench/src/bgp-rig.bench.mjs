/**
 * A full table over real TCP on loopback, wirestack against BIRD in the
 * same run, with the rig of ../shared/anchors/bgp (BIRD 2 as the feeder
 * holding 1,000,000 routes of realistic shape). Opt-in, because it needs
 * root-free but daemon-heavy set-up (bird2, python3), the anchors folder
 * and several minutes:
 *
 *   WIRESTACK_BENCH_RIG=1 node --expose-gc tools/bench/src/run.mjs bgp-rig
 *
 * Three measurements, each from Established to the receiver holding every
 * route, CPU seconds and RSS of the receiving (or sending) process read
 * from /proc as the rig's bench.sh reads them:
 *   1. BIRD feeder -> wirestack BgpSpeaker (receiver)
 *   2. BIRD feeder -> BIRD                 (receiver, and BIRD as sender)
 *   3. wirestack BgpSpeaker -> BIRD        (wirestack as sender)
 * An uncounted session into BIRD comes first (the feeder's first session
 * costs more), then the receivers of 1 and 2 alternate at going first.
 * Environment: WIRESTACK_BENCH_RIG_N (routes, default 1000000), _RUNS (3,
 * as the figures are three runs each),
 * _PARTS (receive,bird,send: which of the three to run), _NODE_ARGS (flags
 * for the wirestack process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 * _DIR (the rig, default ../shared/anchors/bgp; copied to a scratch folder
 * because the anchors are read-only; generated tables are kept there),
 * _BGP (another build's dist/node.js for the wirestack process, e.g. a copy
 * of the previous build's dist, to alternate old and new in one session).
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, mkdirSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const N = Number(process.env.WIRESTACK_BENCH_RIG_N ?? 1_000_000);
const RUNS = Number(process.env.WIRESTACK_BENCH_RIG_RUNS ?? 3);
const parts = (process.env.WIRESTACK_BENCH_RIG_PARTS ?? 'receive,bird,send').split(',');
const TICK = 100; // CLK_TCK on Linux x86-64
const addresses = {
  SPEAKER_ADDR: '127.0.0.101',
  SPEAKER_AS: '65000',
  FEED_ADDR: '127.0.0.110',
  FEED_AS: '65001',
  BIRD_ADDR: '127.0.0.111',
  BIRD_AS: '65011',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rigDir() {
  const source = resolve(root, process.env.WIRESTACK_BENCH_RIG_DIR ?? '../shared/anchors/bgp');
  if (!existsSync(join(source, 'rig.sh'))) return undefined;
  const scratch = join(tmpdir(), 'wirestack-bgp-rig');
  if (!existsSync(join(scratch, 'rig.sh'))) {
    cpSync(source, scratch, { recursive: true, filter: (p) => !/\/(run|results)(\/|$)/.test(p.slice(source.length)) });
    const writable = (p) => {
      chmodSync(p, statSync(p).mode | 0o200);
      if (statSync(p).isDirectory()) for (const f of readdirSync(p)) writable(join(p, f));
    };
    writable(scratch);
  }
  mkdirSync(join(scratch, 'run'), { recursive: true });
  return scratch;
}

function rig(dir, args, env = {}) {
  return execFileSync('bash', [join(dir, 'rig.sh'), ...args], { cwd: dir, env: { ...process.env, ...addresses, N: String(N), ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** utime and stime (fields 14 and 15 of /proc/PID/stat), in ticks. */
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
};
const cpuSpent = (c0, c1) => ({ cpu: (c1.user + c1.system - c0.user - c0.system) / TICK, system: (c1.system - c0.system) / TICK });
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const birdPid = (dir, name) => Number(readFileSync(join(dir, 'run', name, 'pid'), 'utf8'));

/** The time of the first "NAME: BGP session established" in a BIRD log after line `from`. */
async function birdEstablished(log, name, from, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(log)) {
      const lines = readFileSync(log, 'utf8').split('\n').slice(from);
      const line = lines.find((l) => l.includes(` ${name}: BGP session established`));
      if (line) return new Date(line.split(' ').slice(0, 2).join('T')).getTime();
    }
    await sleep(20);
  }
  throw new Error(`${name} never reached Established (${log})`);
}
const lineCount = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

/** Polls `rig.sh count bird` until it reports N; returns the time it did. */
async function birdHasAll(dir, pid) {
  for (;;) {
    const t = Date.now();
    const c = Number(rig(dir, ['count', 'bird']).trim().split('\n').pop());
    if (c >= N) return t;
    try {
      process.kill(pid, 0);
    } catch {
      throw new Error('BIRD died');
    }
    await sleep(100);
  }
}

/**
 * rig.sh starts birdwake.py beside the feeder, but that waker can be gone
 * by the time the feeder has loaded its table (seen here: it exits as the
 * load ends), and without it BIRD 2.0.12 holds the last UPDATEs of a dump
 * for up to 3 s when the receiver drains its socket faster than BIRD
 * writes (a receiver slow enough to keep BIRD waiting on the socket never
 * sees it). So a waker of our own on the feeder's control socket when the
 * rig's is not running; returns it to be stopped at the end.
 */
function ensureWaker(dir, name) {
  const pid = Number(existsSync(join(dir, 'run', name, 'waker.pid')) ? readFileSync(join(dir, 'run', name, 'waker.pid'), 'utf8') : 0);
  try {
    if (pid > 0) {
      process.kill(pid, 0);
      return undefined;
    }
  } catch {
    // not running
  }
  return spawn('python3', [join(dir, 'birdwake.py'), 'bird.ctl', '0.02'], { cwd: join(dir, 'run', name), stdio: 'ignore' });
}

/** Starts bgp-rig-speaker.mjs; resolves its JSON lines through `next(event)`. */
function startSpeaker(mode, port, table) {
  // WIRESTACK_BENCH_RIG_NODE_ARGS: node flags for the speaker process only, e.g. --cpu-prof
  const nodeArgs = process.env.WIRESTACK_BENCH_RIG_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(here, 'bgp-rig-speaker.mjs'), mode, String(port), String(N), ...(table ? [table] : [])], {
    cwd: root,
    env: { ...process.env, ...addresses },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiting = new Map();
  const seen = new Map();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    if (e.event === 'notification') console.log(`  wirestack: notification ${e.direction} ${e.code}/${e.subcode}`);
    seen.set(e.event, e);
    waiting.get(e.event)?.(e);
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid: child.pid,
    next: (event) => (seen.has(event) ? Promise.resolve(seen.get(event)) : Promise.race([new Promise((r) => waiting.set(event, r)), exited.then(() => { throw new Error(`speaker exited before '${event}'`); })])),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function row(label, r) {
  const perRoute = (r.rssKb * 1024) / N;
  console.log(
    `  ${label.padEnd(34)} ${r.seconds.toFixed(2).padStart(6)} s wall  ${r.cpu.toFixed(2).padStart(5)} s CPU (${r.system.toFixed(2)} system)  ${(N / r.seconds / 1e3).toFixed(0).padStart(4)} k routes/s` +
      (r.rssKb ? `  RSS ${(r.rssKb / 1024).toFixed(0)} MiB = ${perRoute.toFixed(0)} B/route` : ''),
  );
}

async function receiveIntoWirestack(dir, port) {
  const s = startSpeaker('receive', port);
  await s.next('ready');
  const est = await s.next('established');
  const c0 = cpuTicks(s.pid);
  const done = await s.next('done');
  const c1 = cpuTicks(s.pid);
  await sleep(3000); // as bench.sh: RSS 3 s after convergence
  const r = { seconds: (done.t - est.t) / 1000, ...cpuSpent(c0, c1), rssKb: rssKb(s.pid) };
  const m = await s.next('memory');
  const mib = (x) => (x / 2 ** 20).toFixed(0);
  console.log(`  (wirestack memory: heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)} MiB, array buffers ${mib(m.arrayBuffers)} MiB, ${done.sets.toLocaleString('en')} attribute sets)`);
  await s.stop();
  return r;
}

async function receiveIntoBird(dir, port) {
  const feedLog = join(dir, 'run/feed/bird.log');
  const from = lineCount(feedLog);
  rig(dir, ['peer', 'bird', String(port)], { SPEAKER_ADDR: addresses.FEED_ADDR, SPEAKER_AS: addresses.FEED_AS, PEER_EXPORT: 'none', PEER_ROUTES: '0' });
  const pid = birdPid(dir, 'bird');
  const feeder = birdPid(dir, 'feed');
  const est = await birdEstablished(feedLog, 'p2', from);
  const c0 = cpuTicks(pid);
  const f0 = cpuTicks(feeder);
  const done = await birdHasAll(dir, pid);
  const c1 = cpuTicks(pid);
  const f1 = cpuTicks(feeder);
  await sleep(3000);
  const r = { seconds: (done - est) / 1000, ...cpuSpent(c0, c1), rssKb: rssKb(pid) };
  console.log(`  (the BIRD feeder, sending: ${cpuSpent(f0, f1).cpu.toFixed(2)} s CPU)`);
  rig(dir, ['stop', 'bird']);
  return r;
}

async function sendFromWirestack(dir, port, table) {
  const s = startSpeaker('send', port, table);
  const loaded = await s.next('loaded');
  console.log(`  (wirestack loaded ${loaded.routes.toLocaleString('en')} routes from the rig's table in ${loaded.seconds.toFixed(1)} s)`);
  await s.next('ready');
  // the speaker is idle until BIRD connects, and it starts writing the table inside the step that
  // reaches Established: so CPU from here, and Established as BIRD logs it
  const c0 = cpuTicks(s.pid);
  const birdLog = join(dir, 'run/bird/bird.log');
  rig(dir, ['peer', 'bird', String(port)], { PEER_EXPORT: 'none', PEER_ROUTES: '0' });
  const pid = birdPid(dir, 'bird');
  const est = await birdEstablished(birdLog, 'speaker', 0);
  const done = await birdHasAll(dir, pid);
  const c1 = cpuTicks(s.pid);
  const r = { seconds: (done - est) / 1000, ...cpuSpent(c0, c1), rssKb: rssKb(s.pid) };
  rig(dir, ['stop', 'bird']);
  await s.stop();
  return r;
}

export default async function run() {
  if (!process.env.WIRESTACK_BENCH_RIG) {
    console.log('\n## BGP full table against BIRD over loopback: skipped (set WIRESTACK_BENCH_RIG=1; needs bird2, python3 and ../shared/anchors/bgp)');
    return;
  }
  const dir = rigDir();
  if (!dir) throw new Error('no BGP rig: ../shared/anchors/bgp/rig.sh (or WIRESTACK_BENCH_RIG_DIR) is missing');
  const port = 20000 + Math.floor(Math.random() * 20000);
  let waker;
  const table = join(dir, 'gen', `routes-${N}-s1-a${addresses.FEED_AS}.bird`);
  console.log(`\n## BGP full table over loopback, ${N.toLocaleString('en')} routes, wirestack vs ${spawnSync('bird', ['--version'], { encoding: 'utf8' }).stderr.trim()}`);
  try {
    rig(dir, ['feed', String(port)], { FEED_PASSIVE: '1', FEED_NEIGHBORS: `${addresses.SPEAKER_ADDR}:${addresses.SPEAKER_AS} ${addresses.BIRD_ADDR}:${addresses.BIRD_AS}` });
    waker = ensureWaker(dir, 'feed');
    // The feeder's first session after loading its table costs whoever
    // receives it 0.4-0.5 s more system time (measured with either receiver
    // first: BIRD 0.61-0.66 s of system time then, 0.11-0.21 s later), so a
    // session into BIRD that is not counted comes first, and then the two
    // receivers take turns at going first.
    const receivers = [
      ['receive', 'BIRD feeder -> wirestack', receiveIntoWirestack],
      ['bird', 'BIRD feeder -> BIRD', receiveIntoBird],
    ].filter(([part]) => parts.includes(part));
    if (receivers.length > 0) {
      row('warm-up (not counted): -> BIRD', await receiveIntoBird(dir, port));
      await sleep(3000);
    }
    for (let i = 1; i <= RUNS; i++) {
      for (const [, label, receive] of i % 2 === 1 ? receivers : [...receivers].reverse()) {
        row(`run ${i}: ${label}`, await receive(dir, port));
        await sleep(3000);
      }
    }
  } finally {
    waker?.kill();
    try {
      rig(dir, ['stop', 'bird', 'feed']);
    } catch {
      // nothing left to stop
    }
  }
  if (parts.includes('send')) for (let i = 1; i <= RUNS; i++) row(`run ${i}: wirestack -> BIRD (send)`, await sendFromWirestack(dir, port + 1, table));
  console.log("  (BIRD feeder -> BIRD is also BIRD as the sender; CPU and RSS are the receiver's, except in the send rows: the wirestack sender's)");
}

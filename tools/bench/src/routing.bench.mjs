/**
 * @wirestack/routing on a realistic full table: 1,000,000 IPv4 prefixes and
 * a trace of 10,000,000 destinations (lpm-workload.mjs, our port of the
 * shared LPM generator), against a naive binary trie written here as the
 * in-JS baseline, npm's longest-prefix-match (the package a JS user finds
 * first; string addresses), and (optionally) DPDK's rte_lpm/rte_fib on the
 * same table.
 *
 *   node --expose-gc tools/bench/src/run.mjs routing
 *   WIRESTACK_BENCH_DPDK=lpm,fib4 node --expose-gc tools/bench/src/run.mjs routing
 *
 * The DPDK side runs only when WIRESTACK_BENCH_DPDK names implementations
 * and the harness exists at /work/shared/anchors/lpm (it is not part of
 * this repository; rte_lpm takes minutes to build a full table).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import LongestPrefixMatch from 'longest-prefix-match';
import { Fib, Rib, loadRoutes } from '@wirestack/routing';
import { compare, consume, report } from './measure.mjs';
import { REFERENCE_CHECKSUM, checksum, generateTable, makeTrace, pickUpdates, TRACE_LENGTH } from './lpm-workload.mjs';

const LPM_VERSION = createRequire(import.meta.url)('longest-prefix-match/package.json').version;

/** Figures measured on this machine with the DPDK harness (one core), used when it is not run here. */
const DPDK_REFERENCE = {
  // The README's figures are medians of CPU-time rates; with nothing better they stand for every column.
  lpmSingle: { wall: 42.5e6, cpu: 42.5e6, wallBest: 42.5e6, cpuBest: 42.5e6 },
  lpmBulk: { wall: 66.3e6, cpu: 66.3e6, wallBest: 66.3e6, cpuBest: 66.3e6 },
  fibBulk: { wall: 76.2e6, cpu: 76.2e6, wallBest: 76.2e6, cpuBest: 76.2e6 },
  source: 'the anchor README (CPU-time medians), not this run',
};
const DPDK_HARNESS = '/work/shared/anchors/lpm';

const gc = () => globalThis.gc?.();
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const now = () => process.hrtime.bigint();
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * The baseline a JS user writes first: a binary trie of objects, one node
 * per bit, the value on the node where a prefix ends; lookup walks the
 * address bits remembering the last value seen.
 */
class NaiveTrie {
  constructor() {
    this.root = { zero: null, one: null, value: 0 };
  }

  insert(address, length, value) {
    let node = this.root;
    for (let i = 0; i < length; i++) {
      const bit = (address >>> (31 - i)) & 1;
      let child = bit === 0 ? node.zero : node.one;
      if (child === null) {
        child = { zero: null, one: null, value: 0 };
        if (bit === 0) node.zero = child;
        else node.one = child;
      }
      node = child;
    }
    node.value = value;
  }

  lookup(address) {
    let node = this.root;
    let best = node.value;
    for (let i = 0; i < 32 && node !== null; i++) {
      node = ((address >>> (31 - i)) & 1) === 0 ? node.zero : node.one;
      if (node !== null && node.value !== 0) best = node.value;
    }
    return best;
  }
}

/** Bulk lookups of `size` addresses per call over consecutive windows of the trace (no subarray views). */
function bulkCase(fib, trace, size) {
  const out = new Uint32Array(trace.length);
  const windows = Math.floor(trace.length / size);
  let w = 0;
  return {
    name: `Fib.lookupBulk (${size} per call)`,
    run(n) {
      for (let done = 0; done < n; done += size) {
        fib.lookupBulk(trace, out, size, w * size);
        if (++w === windows) w = 0;
      }
      consume(out[size - 1]);
    },
  };
}

/**
 * A whole-trace pass of single lookups with the arrays passed as arguments,
 * as a library function would take them (see `passes` for the other shape).
 */
function singlePassArguments(fib, trace, out) {
  for (let i = 0; i < trace.length; i++) out[i] = fib.lookup(trace[i]);
}

/**
 * Times `reps` rounds of every case (one whole-trace pass each), cases
 * interleaved and their order alternated, and returns the samples (lookups
 * per second, wall and CPU) plus the checksum of each case's last pass.
 */
function timePasses(cases, trace, out, reps) {
  for (const c of cases) c.run(); // warm-up: optimized code before the first timing
  const samples = cases.map((c) => ({ name: c.name, wall: [], cpu: [], checksum: '' }));
  for (let r = 0; r < reps; r++) {
    const order = cases.map((_, k) => (r % 2 === 0 ? k : cases.length - 1 - k));
    for (const k of order) {
      const c0 = process.cpuUsage();
      const t0 = now();
      cases[k].run();
      const wall = seconds(t0);
      const cpu = process.cpuUsage(c0);
      samples[k].wall.push(trace.length / wall);
      samples[k].cpu.push(trace.length / ((cpu.user + cpu.system) / 1e6));
      if (r === reps - 1) samples[k].checksum = checksum(out);
    }
  }
  return samples;
}

/**
 * npm's longest-prefix-match on the same table: built from "a.b.c.d/len"
 * strings, asked with "a.b.c.d/32" strings (formatted before timing: the
 * lookup is what is measured), every answer checked against Fib.lookup.
 * A sample of the trace: at a few hundred thousand lookups/s the whole
 * trace would take half a minute.
 */
function npmBaseline(table, trace, fib) {
  const SAMPLE = 200_000;
  let t0 = now();
  const lpm = new LongestPrefixMatch();
  for (let i = 0; i < table.n; i++) lpm.addPrefix(`${ipText(table.addr[i])}/${table.len[i]}`, table.nh[i]);
  const build = seconds(t0);
  const asked = Array.from({ length: SAMPLE }, (_, i) => `${ipText(trace[i])}/32`);
  t0 = now();
  const answers = new Uint32Array(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) answers[i] = lpm.getMatch(asked[i])[0] ?? 0;
  const npmRate = SAMPLE / seconds(t0);
  t0 = now();
  const ours = new Uint32Array(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) ours[i] = fib.lookup(trace[i]);
  const fibRate = SAMPLE / seconds(t0);
  const same = answers.every((x, i) => x === ours[i]);
  console.log(`\n## npm longest-prefix-match ${LPM_VERSION} on the same table (string addresses; ${SAMPLE.toLocaleString('en')} trace addresses, one pass)`);
  console.log(`  build 1,000,000 prefixes           ${build.toFixed(2)} s`);
  console.log(
    `  lookups                            ${(npmRate / 1e6).toFixed(2)} M/s; Fib.lookup on the same addresses ${(fibRate / 1e6).toFixed(1)} M/s (${(fibRate / npmRate).toFixed(0)}x)  answers ${same ? 'identical [ok]' : 'DIFFER [MISMATCH]'}`,
  );
}

function ipText(a) {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** Runs the DPDK harness on our generated table (a copy of it in a temp dir: the anchor is read-only). */
function runDpdk(table, impls) {
  const dir = mkdtempSync(join(tmpdir(), 'wsrt-dpdk-'));
  try {
    for (const f of ['lpm_dpdk.c', 'run-dpdk.sh', 'gen_routes.js']) cpSync(join(DPDK_HARNESS, f), join(dir, f));
    const lines = new Array(table.n);
    for (let i = 0; i < table.n; i++) lines[i] = `${ipText(table.addr[i])}/${table.len[i]} ${table.nh[i]}`;
    writeFileSync(join(dir, 'routes.txt'), lines.join('\n') + '\n');
    const out = execFileSync('bash', [join(dir, 'run-dpdk.sh'), ...impls], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, REPS: '5' },
      maxBuffer: 16 << 20,
    });
    return out
      .split('\n')
      .filter((l) => l.startsWith('RESULT '))
      .map((l) => JSON.parse(l.slice(7)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function routingBench() {
  console.log('\n# routing: 1,000,000-prefix table, 10,000,000-destination trace');
  let t0 = now();
  const table = generateTable();
  console.log(`  generated table: ${table.n} prefixes in ${seconds(t0).toFixed(2)} s`);
  t0 = now();
  const trace = makeTrace(table, TRACE_LENGTH);
  console.log(`  generated trace: ${trace.length} addresses in ${seconds(t0).toFixed(2)} s`);
  const results = new Uint32Array(trace.length);

  // -- FIB build ---------------------------------------------------------------
  gc();
  const abBefore = process.memoryUsage().arrayBuffers;
  const fib = new Fib();
  const buildTimes = [];
  for (let r = 0; r < 3; r++) {
    t0 = now();
    fib.load(table.addr, table.len, table.nh, table.n);
    buildTimes.push(seconds(t0));
  }
  buildTimes.sort((a, b) => a - b);
  gc();
  const fibArrayBytes = process.memoryUsage().arrayBuffers - abBefore;

  // -- checksums: every implementation must agree -----------------------------
  fib.lookupBulk(trace, results);
  const fibSum = checksum(results);
  const fibSum1M = checksum(results, 1_000_000);
  for (let i = 0; i < trace.length; i++) results[i] = fib.lookup(trace[i]);
  const fibSingleSum = checksum(results);

  t0 = now();
  let trie = new NaiveTrie();
  for (let i = 0; i < table.n; i++) trie.insert(table.addr[i], table.len[i], table.nh[i]);
  const trieBuild = seconds(t0);
  const trieResults = new Uint32Array(1_000_000);
  for (let i = 0; i < trieResults.length; i++) trieResults[i] = trie.lookup(trace[i]);
  const trieSum1M = checksum(trieResults);

  console.log('\n## checksums (FNV-1a over the results)');
  console.log(`  reference (anchor README)      full ${REFERENCE_CHECKSUM}`);
  console.log(`  Fib.lookupBulk                 full ${fibSum}  first 1M ${fibSum1M}  [${fibSum === REFERENCE_CHECKSUM ? 'ok' : 'MISMATCH'}]`);
  console.log(`  Fib.lookup                     full ${fibSingleSum}  [${fibSingleSum === REFERENCE_CHECKSUM ? 'ok' : 'MISMATCH'}]`);
  console.log(`  naive binary trie                          first 1M ${trieSum1M}  [${trieSum1M === fibSum1M ? 'ok' : 'MISMATCH'}]`);

  // -- lookups -------------------------------------------------------------------
  const mask = (1 << 23) - 1; // cycle through the first 8M trace entries
  let cursor = 0;
  let trieCursor = 0;
  const lookups = compare(
    [
      {
        name: 'naive binary trie lookup',
        run(n) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += trie.lookup(trace[(trieCursor + k) & mask]);
          trieCursor = (trieCursor + n) & mask;
          consume(acc);
        },
      },
      {
        name: 'Fib.lookup (single)',
        run(n) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += fib.lookup(trace[(cursor + k) & mask]);
          cursor = (cursor + n) & mask;
          consume(acc);
        },
      },
      bulkCase(fib, trace, 64),
      bulkCase(fib, trace, 65536),
    ],
    { rounds: 7, roundMs: 300 },
  );

  trie = null; // millions of objects: let them go before the RIB is measured
  npmBaseline(table, trace, fib);

  // Whole-trace passes, the shape lpm_dpdk.c times: every address of the trace in
  // order, each answer stored (so the checksum of what was timed can be checked).
  // Like the harness's loops over its static globals, these loops close over the
  // arrays as constants: V8 then embeds them in the code instead of checking
  // each array's map and reloading its base and length on every iteration,
  // which ran single lookups ~1.6x faster than the same loop over arguments
  // (kept as a row below). Timed before and after the DPDK run.
  const lookupFn = fib.lookupFunction();
  const n = trace.length;
  const passes = [
    { name: 'Fib.lookup (single)', run: () => { for (let i = 0; i < n; i++) results[i] = fib.lookup(trace[i]); } },
    { name: 'Fib.lookupFunction() (single)', run: () => { for (let i = 0; i < n; i++) results[i] = lookupFn(trace[i]); } },
    { name: 'Fib.lookup (single, arrays as arguments)', run: () => singlePassArguments(fib, trace, results) },
    { name: 'Fib.lookupBulk (64 per call)', run: () => { for (let i = 0; i < n; i += 64) fib.lookupBulk(trace, results, Math.min(64, n - i), i); } },
    { name: 'Fib.lookupBulk (65536 per call)', run: () => { for (let i = 0; i < n; i += 65536) fib.lookupBulk(trace, results, Math.min(65536, n - i), i); } },
  ];
  const passSamples = timePasses(passes, trace, results, 5);

  // -- DPDK side by side (optional) ------------------------------------------------
  let dpdk = DPDK_REFERENCE;
  const wanted = (process.env.WIRESTACK_BENCH_DPDK ?? '').split(',').filter(Boolean);
  if (wanted.length > 0 && existsSync(DPDK_HARNESS)) {
    console.log(`\n  running the DPDK harness (${wanted.join(', ')}) on the same table...`);
    try {
      const runs = runDpdk(table, wanted);
      const lpm = runs.find((r) => r.impl === 'dpdk-lpm');
      const fib4 = runs.find((r) => r.impl === 'dpdk-fib4');
      for (const r of runs) {
        console.log(
          `  ${r.impl}: build ${r.build_s} s, single ${r.single?.Mlps_median} M/s (cpu ${r.single?.Mlps_cpu_median}), ` +
            `bulk ${r.bulk?.Mlps_median} M/s (cpu ${r.bulk?.Mlps_cpu_median}), checksum ${r.bulk?.checksum} ` +
            `[${r.bulk?.checksum === fibSum ? 'ok' : 'MISMATCH'}], updates del ${r.updates?.delete_per_s}/s add ${r.updates?.add_per_s}/s`,
        );
      }
      const rates = (x, fallback) =>
        x ? { wall: x.Mlps_median * 1e6, cpu: x.Mlps_cpu_median * 1e6, wallBest: x.Mlps_max * 1e6, cpuBest: x.Mlps_cpu_max * 1e6 } : fallback;
      dpdk = {
        lpmSingle: rates(lpm?.single, DPDK_REFERENCE.lpmSingle),
        lpmBulk: rates(lpm?.bulk, DPDK_REFERENCE.lpmBulk),
        fibBulk: rates(fib4?.bulk, DPDK_REFERENCE.fibBulk),
        source: lpm ? 'rte_lpm measured in this run (5 whole-trace passes each)' : DPDK_REFERENCE.source,
      };
    } catch (e) {
      console.log(`  DPDK harness failed: ${e.message.split('\n')[0]}`);
    }
  }
  report('lookups (one core, random trace over 32 MB of tbl24; calibrated rounds, wall clock)', lookups, {
    baseline: 'naive binary trie lookup',
  });

  // Side by side with DPDK. Medians of wall and CPU time, and the best pass of each
  // (on a shared machine load only ever slows a pass down, so the best pass is the
  // closest to what the code does on a quiet core; DPDK reports its best pass too).
  const passSamples2 = timePasses(passes, trace, results, 5);
  const medianOf = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const rows = passSamples.map((s, k) => {
    const wall = [...s.wall, ...passSamples2[k].wall];
    const cpu = [...s.cpu, ...passSamples2[k].cpu];
    return {
      name: s.name,
      wall: medianOf(wall),
      cpu: medianOf(cpu),
      wallBest: Math.max(...wall),
      cpuBest: Math.max(...cpu),
      checksum: passSamples2[k].checksum,
    };
  });
  const against = (name) => (name.includes('Bulk') ? ['rte_lpm bulk', dpdk.lpmBulk] : ['rte_lpm single', dpdk.lpmSingle]);
  const m = (x) => `${(x / 1e6).toFixed(1)}`.padStart(6);
  const x = (ours, theirs) => `${(ours / theirs).toFixed(2)}x`.padStart(6);
  console.log('\n## lookups over the whole trace, as lpm_dpdk.c times them (10 passes of 10,000,000: 5 before, 5 after the DPDK run)');
  console.log(`  DPDK: ${dpdk.source}`);
  console.log(`  M lookups/s                                  median wall  cpu | best wall  cpu | vs DPDK: median wall  cpu | best wall  cpu`);
  const dpdkRow = (label, d) =>
    console.log(`  ${label.padEnd(42)}      ${m(d.wall)} ${m(d.cpu)} |    ${m(d.wallBest)} ${m(d.cpuBest)} |`);
  dpdkRow('DPDK rte_lpm single', dpdk.lpmSingle);
  dpdkRow('DPDK rte_lpm bulk (64 per call)', dpdk.lpmBulk);
  dpdkRow('DPDK rte_fib bulk (64 per call)', dpdk.fibBulk);
  for (const r of rows) {
    const [label, d] = against(r.name);
    // The verdict compares medians of CPU-time rates, as the DPDK figures are given (the best
    // passes are printed beside them: on a loaded machine they are the figures least moved by others).
    const ok = r.cpu >= d.cpu;
    console.log(
      `  ${r.name.padEnd(42)}      ${m(r.wall)} ${m(r.cpu)} |    ${m(r.wallBest)} ${m(r.cpuBest)} |` +
        `          ${x(r.wall, d.wall)} ${x(r.cpu, d.cpu)} |    ${x(r.wallBest, d.wallBest)} ${x(r.cpuBest, d.cpuBest)}` +
        `  [${ok ? 'ok' : 'MISS'}: median cpu >= ${label}]  checksum ${r.checksum} [${r.checksum === REFERENCE_CHECKSUM ? 'ok' : 'MISMATCH'}]`,
    );
  }
  const bestBulk = rows.filter((r) => r.name.includes('Bulk')).reduce((a, b) => (b.cpuBest > a.cpuBest ? b : a));
  console.log(
    `  stretch, ${bestBulk.name} vs rte_fib bulk: median cpu ${x(bestBulk.cpu, dpdk.fibBulk.cpu)}, best cpu ${x(bestBulk.cpuBest, dpdk.fibBulk.cpuBest)}`,
  );

  // -- updates with the table full -----------------------------------------------------
  // Three rounds of "delete the 100k selected routes, re-add them"; the median rate is reported.
  const sel = pickUpdates(table.n, 100_000);
  fib.lookupBulk(trace, results);
  const before = checksum(results);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const fibDel = [];
  const fibAdd = [];
  let afterDelete = '';
  let restored = true;
  for (let round = 0; round < 3; round++) {
    t0 = now();
    for (let k = 0; k < sel.length; k++) fib.delete(table.addr[sel[k]], table.len[sel[k]]);
    fibDel.push(sel.length / seconds(t0));
    fib.lookupBulk(trace, results);
    afterDelete = checksum(results);
    t0 = now();
    for (let k = 0; k < sel.length; k++) fib.insert(table.addr[sel[k]], table.len[sel[k]], table.nh[sel[k]]);
    fibAdd.push(sel.length / seconds(t0));
    fib.lookupBulk(trace, results);
    restored &&= checksum(results) === before;
  }
  const delRate = median(fibDel);
  const addRate = median(fibAdd);

  console.log('\n## FIB build, updates, memory');
  const ok = (cond) => (cond ? 'ok' : 'MISS');
  console.log(`  Fib.load 1,000,000 prefixes        ${buildTimes[1].toFixed(3)} s (median of 3)   [${ok(buildTimes[1] < 1)}: < 1 s]`);
  console.log(`  naive trie build                   ${trieBuild.toFixed(3)} s`);
  console.log(`  Fib.delete x100k (table full)      ${(delRate / 1e3).toFixed(0)} k/s (median of 3)   [${ok(delRate >= 500e3)}: >= 500k/s]  checksum after ${afterDelete}`);
  console.log(`  Fib.insert x100k (table full)      ${(addRate / 1e3).toFixed(0)} k/s (median of 3)   [${ok(addRate >= 500e3)}: >= 500k/s]  restored ${restored ? 'ok' : 'MISMATCH'}`);
  console.log(`  Fib memory (typed arrays)          ${mb(fib.byteLength)} (array buffers grew ${mb(fibArrayBytes)})   [${ok(fib.byteLength < 100 * 1048576)}: < 100 MB]`);
  console.log(`  tbl8 groups in use                 ${fib.groupsInUse}`);

  // -- RIB: load from ip route text, FIB from the RIB, lookups through it -------------------
  const lines = new Array(table.n);
  for (let i = 0; i < table.n; i++) {
    lines[i] = `${ipText(table.addr[i])}/${table.len[i]} via 198.18.${table.nh[i] >>> 8}.${table.nh[i] & 255} dev eth0 proto bgp`;
  }
  const text = lines.join('\n') + '\n';
  lines.length = 0;
  gc();
  const heapBefore = process.memoryUsage();
  const rib = new Rib();
  rib.interfaces.add('eth0');
  t0 = now();
  loadRoutes(rib, text);
  const loadTime = seconds(t0);
  gc();
  const heapAfter = process.memoryUsage();
  const ribBytes = heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers;
  t0 = now();
  const ribFib = rib.fib();
  const compileTime = seconds(t0);
  // The RIB's FIB answers next-hop entry indices: map them back to the generator's 1..250.
  const ribChecksum = () => {
    const nhOf = new Uint32Array(rib.nexthops.indexLimit);
    for (let i = 1; i < nhOf.length; i++) if (rib.nexthops.has(i)) nhOf[i] = rib.nexthops.get(i).nexthops[0].gateway & 0xffff;
    ribFib.lookupBulk(trace, results);
    for (let i = 0; i < results.length; i++) results[i] = nhOf[results[i]];
    return checksum(results);
  };
  const ribSum = ribChecksum();

  // Updates through the RIB (routes deleted and re-added, the FIB following incrementally).
  const inputs = Array.from(sel, (i) => ({
    destination: { address: table.addr[i], length: table.len[i] },
    protocol: 186,
    nexthops: [{ gateway: ((198 << 24) | (18 << 16) | table.nh[i]) >>> 0, ifindex: 2 }],
  }));
  const ribDel = [];
  const ribAdd = [];
  let ribRestored = true;
  for (let round = 0; round < 3; round++) {
    t0 = now();
    for (const r of inputs) rib.delete({ destination: r.destination });
    ribDel.push(inputs.length / seconds(t0));
    t0 = now();
    for (const r of inputs) rib.add(r);
    ribAdd.push(inputs.length / seconds(t0));
    ribRestored &&= ribChecksum() === ribSum;
  }
  const ribDelRate = median(ribDel);
  const ribAddRate = median(ribAdd);

  const gets = compare(
    [
      {
        name: 'Rib.get (ip route get, objects)',
        run(n) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += rib.get(trace[(cursor + k) & mask]).table ?? 0;
          cursor = (cursor + n) & mask;
          consume(acc);
        },
      },
      {
        name: 'Rib.lookup (route + ECMP member)',
        run(n) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += rib.lookup(trace[(cursor + k) & mask])?.table ?? 0;
          cursor = (cursor + n) & mask;
          consume(acc);
        },
      },
    ],
    { rounds: 5, roundMs: 200 },
  );

  console.log('\n## RIB (ip route text -> columns -> FIB)');
  console.log(`  loadRoutes 1,000,000 lines         ${loadTime.toFixed(2)} s   (${((table.n / loadTime) / 1e3).toFixed(0)} k lines/s)`);
  console.log(`  RIB bytes per route                ${(rib.byteLength / rib.size).toFixed(1)} B in columns + index; ${(ribBytes / rib.size).toFixed(1)} B measured (heap + buffers)   [${ok(ribBytes / rib.size < 100)}: < 100 B/route]`);
  console.log(`  Rib.fib() compile from the RIB     ${compileTime.toFixed(3)} s   [${ok(compileTime < 1)}: < 1 s]`);
  console.log(`  lookups through the RIB's FIB      checksum ${ribSum}  [${ribSum === REFERENCE_CHECKSUM ? 'ok' : 'MISMATCH'}]`);
  console.log(`  Rib.delete x100k (FIB following)   ${(ribDelRate / 1e3).toFixed(0)} k/s (median of 3)   [${ok(ribDelRate >= 500e3)}: >= 500k/s]`);
  console.log(`  Rib.add x100k (FIB following)      ${(ribAddRate / 1e3).toFixed(0)} k/s (median of 3)   [${ok(ribAddRate >= 500e3)}: >= 500k/s]  restored ${ribRestored ? 'ok' : 'MISMATCH'}`);
  report('RIB queries (objects per answer)', gets, {});
}

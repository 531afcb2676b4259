/**
 * @wirestack/routing on a realistic full table: 1,000,000 IPv4 prefixes and
 * a trace of 10,000,000 destinations (lpm-workload.mjs, our port of the
 * shared LPM generator), against a naive binary trie written here as the
 * in-JS baseline, and (optionally) DPDK's rte_lpm/rte_fib on the same table.
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fib, Rib, loadRoutes } from '@wirestack/routing';
import { compare, consume, report } from './measure.mjs';
import { REFERENCE_CHECKSUM, checksum, generateTable, makeTrace, pickUpdates, TRACE_LENGTH } from './lpm-workload.mjs';

/** Figures measured on this machine with the DPDK harness (one core), used when it is not run here. */
const DPDK_REFERENCE = { lpmSingle: 42.5e6, lpmBulk: 66.3e6, fibBulk: 76.2e6, source: 'anchor README, not this run' };
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

/** Bulk lookups of `size` addresses per call over consecutive slices of the trace. */
function bulkCase(fib, trace, size) {
  const out = new Uint32Array(size);
  const slices = Math.floor(trace.length / size);
  let slice = 0;
  return {
    name: `Fib.lookupBulk (${size} per call)`,
    run(n) {
      for (let done = 0; done < n; done += size) {
        fib.lookupBulk(trace.subarray(slice * size, slice * size + size), out, size);
        if (++slice === slices) slice = 0;
      }
      consume(out[size - 1]);
    },
  };
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

  // -- DPDK side by side (optional) ------------------------------------------------
  let dpdk = DPDK_REFERENCE;
  const wanted = (process.env.WIRESTACK_BENCH_DPDK ?? '').split(',').filter(Boolean);
  if (wanted.length > 0 && existsSync(DPDK_HARNESS)) {
    console.log(`\n  running the DPDK harness (${wanted.join(', ')}) on the same table...`);
    try {
      const runs = runDpdk(table, wanted);
      const lpm = runs.find((r) => r.impl === 'dpdk-lpm');
      const fib4 = runs.find((r) => r.impl === 'dpdk-fib4');
      // Wall-clock medians, as ours are (the harness also prints CPU-time rates, which a loaded machine does not lower).
      for (const r of runs) {
        console.log(
          `  ${r.impl}: build ${r.build_s} s, single ${r.single?.Mlps_median} M/s (cpu ${r.single?.Mlps_cpu_median}), ` +
            `bulk ${r.bulk?.Mlps_median} M/s (cpu ${r.bulk?.Mlps_cpu_median}), checksum ${r.bulk?.checksum} ` +
            `[${r.bulk?.checksum === fibSum ? 'ok' : 'MISMATCH'}], updates del ${r.updates?.delete_per_s}/s add ${r.updates?.add_per_s}/s`,
        );
      }
      dpdk = {
        lpmSingle: (lpm?.single?.Mlps_median ?? DPDK_REFERENCE.lpmSingle / 1e6) * 1e6,
        lpmBulk: (lpm?.bulk?.Mlps_median ?? DPDK_REFERENCE.lpmBulk / 1e6) * 1e6,
        fibBulk: (fib4?.bulk?.Mlps_median ?? DPDK_REFERENCE.fibBulk / 1e6) * 1e6,
        source: lpm ? 'wall clock, measured in this run' : 'rte_lpm from the anchor README',
      };
    } catch (e) {
      console.log(`  DPDK harness failed: ${e.message.split('\n')[0]}`);
    }
  }
  report('lookups (one core, random trace over 64 MB of tbl24)', lookups, {
    baseline: 'naive binary trie lookup',
    targets: {
      'Fib.lookup (single)': { minRate: dpdk.lpmSingle, label: `>= rte_lpm single ${(dpdk.lpmSingle / 1e6).toFixed(1)} M/s (${dpdk.source})` },
      'Fib.lookupBulk (64 per call)': { minRate: dpdk.lpmBulk, label: `>= rte_lpm bulk ${(dpdk.lpmBulk / 1e6).toFixed(1)} M/s (${dpdk.source})` },
      'Fib.lookupBulk (65536 per call)': { minRate: dpdk.lpmBulk, label: `>= rte_lpm bulk ${(dpdk.lpmBulk / 1e6).toFixed(1)} M/s (${dpdk.source})` },
    },
  });

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

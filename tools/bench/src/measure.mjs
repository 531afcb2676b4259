/**
 * A small benchmark harness. Machines here are shared and noisy, so every
 * subject is measured in rounds interleaved with its baseline, and what is
 * reported is the median round plus the ratio of medians from the same run.
 */

/** Keeps results alive so the JIT cannot drop the measured work. */
export let sink = 0;
export function consume(value) {
  sink = (sink + (typeof value === 'number' ? value : value ? 1 : 0)) | 0;
}

function timeRound(fn, iterations) {
  const t0 = process.hrtime.bigint();
  fn(iterations);
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Each case is `{ name, run(iterations) }` where `run` performs `iterations`
 * operations. Cases are warmed up, calibrated to about `roundMs` per round,
 * then measured for `rounds` rounds in interleaved order.
 */
export function compare(cases, { rounds = 7, roundMs = 150 } = {}) {
  const plans = cases.map((c) => {
    let n = 1_000;
    // Warm-up and calibration: grow until one round takes roughly roundMs.
    for (;;) {
      const ns = timeRound(c.run, n);
      if (ns > roundMs * 1e6 * 0.5 || n > 1e9) {
        n = Math.max(1, Math.round((n * roundMs * 1e6) / Math.max(ns, 1)));
        break;
      }
      n *= 4;
    }
    timeRound(c.run, n);
    return { case: c, n, samples: [] };
  });
  for (let r = 0; r < rounds; r++) {
    for (const p of plans) p.samples.push(timeRound(p.case.run, p.n) / p.n);
  }
  return plans.map((p) => {
    const sorted = [...p.samples].sort((a, b) => a - b);
    const nsPerOp = sorted[Math.floor(sorted.length / 2)];
    return { name: p.case.name, nsPerOp, opsPerSec: 1e9 / nsPerOp };
  });
}

function fmtRate(opsPerSec) {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(1)} /s`;
}

/**
 * Prints a table of results; `baseline` names the row the others are
 * compared with ("x faster" = baseline ns / row ns). `targets` maps a row
 * name to a check `{ minRate?, minRatio?, label }` printed as ok/MISS.
 */
export function report(title, results, { baseline, targets = {} } = {}) {
  const base = results.find((r) => r.name === baseline);
  console.log(`\n## ${title}`);
  for (const r of results) {
    const ratio = base && r !== base ? `  ${(base.nsPerOp / r.nsPerOp).toFixed(1)}x vs ${base.name}` : '';
    let verdict = '';
    const t = targets[r.name];
    if (t) {
      const okRate = t.minRate === undefined || r.opsPerSec >= t.minRate;
      const okRatio = t.minRatio === undefined || (base !== undefined && base.nsPerOp / r.nsPerOp >= t.minRatio);
      verdict = `  [${okRate && okRatio ? 'ok' : 'MISS'}: ${t.label}]`;
    }
    console.log(`  ${r.name.padEnd(44)} ${r.nsPerOp.toFixed(1).padStart(9)} ns/op ${fmtRate(r.opsPerSec).padStart(12)}${ratio}${verdict}`);
  }
}

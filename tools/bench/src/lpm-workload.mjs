/**
 * The shared longest-prefix-match workload: a seeded synthetic "full" IPv4
 * BGP table of 1,000,000 prefixes, a seeded trace of 10,000,000 destinations,
 * the update selection and the FNV-1a checksum over lookup results.
 *
 * This is our own port of the deterministic algorithm the project's LPM
 * anchor uses (a splitmix32-driven model of the global table: per-length
 * target counts, buddy allocation per /8 by address class, unannounced holes,
 * more-specifics by preferential attachment, Zipf-like next hops 1..250), so
 * the bench needs nothing outside this repository and produces the same
 * table: every random draw happens in the same order as in the reference,
 * which is what makes the trace checksum (0ed995ea for the default seed)
 * comparable with the C/DPDK harness.
 */

const DEFAULT_SEED = 20240601;

/** splitmix32: the generator's only source of randomness. */
function splitmix32(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Prefixes per length, after the global table's shape (sum 1,000,000). */
const TARGET = {
  8: 16, 9: 14, 10: 40, 11: 120, 12: 380, 13: 900, 14: 2700, 15: 5830,
  16: 15000, 17: 9000, 18: 16000, 19: 30000, 20: 40000, 21: 40000,
  22: 120000, 23: 100000, 24: 620000,
};
/** Share of each length that are independent allocations ("roots"); the rest are more-specifics. */
const ROOT_SHARE = {
  8: 1.0, 9: 0.85, 10: 0.8, 11: 0.75, 12: 0.7, 13: 0.6, 14: 0.4, 15: 0.4,
  16: 0.5, 17: 0.55, 18: 0.55, 19: 0.55, 20: 0.55, 21: 0.5, 22: 0.5,
  23: 0.45, 24: 0.45,
};
const MAX_LEN = 24;
const HOLE_SHARE = 0.2;

const ipv4 = (a, b, c, d) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
/** Special-purpose ranges never announced (RFC 6890 and friends). */
const RESERVED = [
  [ipv4(0, 0, 0, 0), 8], [ipv4(10, 0, 0, 0), 8], [ipv4(100, 64, 0, 0), 10], [ipv4(127, 0, 0, 0), 8],
  [ipv4(169, 254, 0, 0), 16], [ipv4(172, 16, 0, 0), 12], [ipv4(192, 0, 0, 0), 24], [ipv4(192, 0, 2, 0), 24],
  [ipv4(192, 88, 99, 0), 24], [ipv4(192, 168, 0, 0), 16], [ipv4(198, 18, 0, 0), 15],
  [ipv4(198, 51, 100, 0), 24], [ipv4(203, 0, 113, 0), 24], [ipv4(224, 0, 0, 0), 3],
];
const blockSize = (len) => 2 ** (32 - len);

function overlapsReserved(a, len) {
  const end = a + blockSize(len);
  return RESERVED.some(([ra, rl]) => a < ra + blockSize(rl) && ra < end);
}
function insideReserved(a, len) {
  const end = a + blockSize(len);
  return RESERVED.some(([ra, rl]) => a >= ra && end <= ra + blockSize(rl));
}

/** A buddy allocator over one /8: CIDR-aligned blocks, lowest address first. */
class Buddy {
  constructor(slash8) {
    this.free = Array.from({ length: 33 }, () => []);
    this.freeSpace = 0;
    this.#seed(slash8 * 2 ** 24, 8);
    for (const list of this.free) list.reverse(); // pop() yields the lowest address
  }

  #seed(a, len) {
    if (insideReserved(a, len)) return;
    if (!overlapsReserved(a, len)) {
      this.free[len].push(a);
      this.freeSpace += blockSize(len);
      return;
    }
    this.#seed(a, len + 1);
    this.#seed(a + blockSize(len + 1), len + 1);
  }

  alloc(want) {
    let len = want;
    while (len >= 8 && this.free[len].length === 0) len--;
    if (len < 8) return -1;
    const block = this.free[len].pop();
    while (len < want) {
      len++;
      this.free[len].push(block + blockSize(len)); // keep the lower half, free the upper
    }
    this.freeSpace -= blockSize(want);
    return block;
  }
}

/** Single-holder legacy class-A /8s. */
const LEGACY_A = new Set([3, 4, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 25, 26,
  28, 29, 30, 33, 34, 35, 38, 40, 44, 47, 48, 51, 52, 53, 55, 56, 57]);

function classWeights(len) {
  if (len === 8) return [['legacy', 1]];
  if (len <= 12) return [['legacy', 0.5], ['rirA', 0.5]];
  if (len <= 16) return [['legacy', 0.1], ['rirA', 0.4], ['classB', 0.4], ['classC', 0.1]];
  if (len <= 20) return [['legacy', 0.05], ['rirA', 0.5], ['classB', 0.2], ['classC', 0.25]];
  return [['rirA', 0.55], ['classB', 0.15], ['classC', 0.3]];
}

/**
 * Generates the table: `{ addr: Uint32Array, len: Uint8Array, nh: Uint8Array }`
 * sorted by (address, length), plus `n`.
 */
export function generateTable(seed = DEFAULT_SEED) {
  const next32 = splitmix32(seed >>> 0);
  const rnd = () => next32() / 4294967296;
  const rint = (n) => Math.floor(rnd() * n);

  const classes = { legacy: [], rirA: [], classB: [], classC: [] };
  for (let s = 1; s <= 223; s++) {
    if (s === 10 || s === 127) continue;
    const b = new Buddy(s);
    if (LEGACY_A.has(s)) classes.legacy.push(b);
    else if (s < 128) classes.rirA.push(b);
    else if (s < 192) classes.classB.push(b);
    else classes.classC.push(b);
  }
  const pickClass = (len) => {
    let r = rnd();
    let last = null;
    for (const [name, w] of classWeights(len)) {
      last = name;
      r -= w;
      if (r < 0) return name;
    }
    return last;
  };
  const allocIn = (list, len) => {
    // a random /8 of the class (a few tries), then the class in order
    for (let t = 0; t < 4; t++) {
      const b = list[rint(list.length)];
      if (b.freeSpace >= blockSize(len)) {
        const a = b.alloc(len);
        if (a >= 0) return a;
      }
    }
    for (const b of list) {
      if (b.freeSpace >= blockSize(len)) {
        const a = b.alloc(len);
        if (a >= 0) return a;
      }
    }
    return -1;
  };
  const allocate = (len) => {
    let a = allocIn(classes[pickClass(len)], len);
    if (a >= 0) return a;
    for (const k of ['rirA', 'classB', 'classC', 'legacy']) {
      a = allocIn(classes[k], len);
      if (a >= 0) return a;
    }
    throw new Error(`address space exhausted at /${len}`);
  };

  // Zipf-like next hop 1..250 (a few upstreams carry most routes)
  const nhCdf = [];
  {
    let s = 0;
    for (let k = 1; k <= 250; k++) nhCdf.push((s += 1 / Math.pow(k, 0.9)));
    for (let i = 0; i < nhCdf.length; i++) nhCdf[i] /= s;
  }
  const zipfNh = () => {
    const r = rnd();
    let lo = 0;
    let hi = 249;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (nhCdf[m] < r) lo = m + 1;
      else hi = m;
    }
    return lo + 1;
  };

  const byLen = Array.from({ length: 33 }, () => []);
  const taken = Array.from({ length: 33 }, () => new Set());
  const deaggregators = Array.from({ length: 33 }, () => []);

  // 1. roots: big blocks first, from /17 on jittered so sizes interleave
  const rootLens = [];
  for (let len = 8; len <= MAX_LEN; len++) {
    const n = Math.round(TARGET[len] * ROOT_SHARE[len]);
    for (let i = 0; i < n; i++) rootLens.push(len);
  }
  const sortKey = rootLens.map((len) => (len <= 16 ? len : len + 3 * rnd()));
  const order = rootLens.map((_, i) => i).sort((i, j) => sortKey[i] - sortKey[j]);
  for (const i of order) {
    const len = rootLens[i];
    if (len > 8 && rnd() < HOLE_SHARE) allocate(len); // an unannounced hole
    const a = allocate(len);
    taken[len].add(a | 0);
    byLen[len].push({ a, len, nh: zipfNh(), cursor: -1 });
  }

  // 2. more-specifics of already placed prefixes 1-12 bits shorter
  const pickParentLen = (len) => {
    const lo = Math.max(8, len - 12);
    const weights = [];
    let total = 0;
    for (let pl = lo; pl < len; pl++) {
      const w = byLen[pl].length * (len - pl <= 8 ? 1 : 0.3) * (pl >= 16 ? 3 : 1);
      weights.push(w);
      total += w;
    }
    if (total === 0) return -1;
    let r = rnd() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return lo + i;
    }
    return len - 1;
  };
  for (let len = 9; len <= MAX_LEN; len++) {
    const need = TARGET[len] - byLen[len].length;
    let made = 0;
    let guard = 0;
    while (made < need) {
      if (++guard > need * 50) throw new Error(`cannot place more-specifics /${len}`);
      const pl = pickParentLen(len);
      if (pl < 0) throw new Error(`no parent for /${len}`);
      const parent =
        deaggregators[pl].length > 0 && rnd() < 0.6
          ? deaggregators[pl][rint(deaggregators[pl].length)]
          : byLen[pl][rint(byLen[pl].length)];
      const slots = 2 ** (len - pl);
      let a;
      if (parent.cursor >= 0 && rnd() < 0.7) {
        a = parent.cursor + blockSize(len); // the next sibling
        if (a >= parent.a + blockSize(pl)) a = parent.a + rint(slots) * blockSize(len);
      } else {
        a = parent.a + rint(slots) * blockSize(len);
      }
      if (taken[len].has(a | 0)) continue;
      taken[len].add(a | 0);
      parent.cursor = a;
      deaggregators[pl].push(parent);
      const nh = rnd() < 0.6 ? parent.nh : zipfNh();
      byLen[len].push({ a, len, nh, cursor: -1 });
      made++;
    }
  }

  const all = [];
  for (let len = 8; len <= MAX_LEN; len++) for (const p of byLen[len]) all.push(p);
  all.sort((x, y) => x.a - y.a || x.len - y.len);
  const n = all.length;
  const addr = new Uint32Array(n);
  const len = new Uint8Array(n);
  const nh = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    addr[i] = all[i].a;
    len[i] = all[i].len;
    nh[i] = all[i].nh;
  }
  return { n, addr, len, nh };
}

/** xorshift32 as the trace and update selection use it. */
function xorshift32(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export const TRACE_LENGTH = 10_000_000;

/**
 * The destination trace: even positions are addresses inside a random
 * route of the table (host bits random), odd positions uniform random.
 */
export function makeTrace(table, count = TRACE_LENGTH) {
  const next = xorshift32(0x9e3779b9);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    if ((i & 1) === 0) {
      const idx = next() % table.n;
      const h = next();
      const l = table.len[idx];
      const hostMask = l >= 32 ? 0 : 0xffffffff >>> l;
      out[i] = (table.addr[idx] | (h & hostMask)) >>> 0;
    } else {
      out[i] = next();
    }
  }
  return out;
}

/** The first `k` indices of a partial Fisher-Yates shuffle of 0..n-1. */
export function pickUpdates(n, k) {
  const next = xorshift32(0x2545f491);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + (next() % (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, k);
}

/** FNV-1a over 32-bit results, as 8 hex digits. */
export function checksum(results, count = results.length) {
  let h = 0x811c9dc5;
  for (let i = 0; i < count; i++) {
    h ^= results[i];
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The full-trace checksum the reference states for the default seed. */
export const REFERENCE_CHECKSUM = '0ed995ea';

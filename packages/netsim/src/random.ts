/**
 * A seeded source of uniform numbers in [0, 1) (mulberry32): link loss,
 * neighbour timer jitter and bridge hashing draw from it, so a simulation
 * with the same seed makes the same choices every run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

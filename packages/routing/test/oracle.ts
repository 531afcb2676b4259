/** A linear longest-prefix match: obviously right, and slow. The reference the FIB and RIB are checked against. */
export interface OracleEntry {
  readonly address: number;
  readonly length: number;
  readonly value: number;
}

export function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0;
}

export function covers(address: number, length: number, dst: number): boolean {
  return ((dst & maskOf(length)) >>> 0) === address;
}

/** The value of the longest entry covering `dst`, or 0; the last entry wins among duplicates. */
export function linearLookup(entries: readonly OracleEntry[], dst: number): { value: number; length: number } {
  let best = -1;
  let value = 0;
  for (const e of entries) {
    if (e.length >= best && covers(e.address, e.length, dst)) {
      best = e.length;
      value = e.value;
    }
  }
  return { value, length: best };
}

/** Collapses duplicates (the last wins), as a map from prefix to value. */
export function latest(entries: readonly OracleEntry[]): OracleEntry[] {
  const m = new Map<string, OracleEntry>();
  for (const e of entries) m.set(`${e.address}/${e.length}`, e);
  return [...m.values()];
}

/**
 * A column of int32 values indexed from 0 (0 where nothing was set), kept
 * in chunks of 4,096 entries (16 KiB) allocated as indexes reach them.
 * Growing copies nothing and leaves nothing behind: a million-entry column
 * grown by copying into arrays half as large again each time wrote and
 * paged in three times its size, and the page faults of that fresh memory
 * were a good part of the system time of receiving a full table. A column
 * whose indexes are scattered holds only the chunks they fall in. Every
 * chunk is whole, so a read needs no bounds case of its own.
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

export class Int32Column {
  private chunks: (Int32Array | undefined)[] = [];

  get(i: number): number {
    const chunk = this.chunks[i >>> CHUNK_BITS];
    return chunk === undefined ? 0 : chunk[i & MASK]!;
  }

  set(i: number, value: number): void {
    const chunk = this.chunks[i >>> CHUNK_BITS];
    if (chunk !== undefined) chunk[i & MASK] = value;
    else if (value !== 0) this.chunkFor(i)[i & MASK] = value;
  }

  /** Octets held. */
  get byteLength(): number {
    let n = 0;
    for (const chunk of this.chunks) n += chunk?.byteLength ?? 0;
    return n;
  }

  /** Calls `fn(i, value)` for every non-zero value, in index order. */
  forEachSet(fn: (i: number, value: number) => void): void {
    const chunks = this.chunks;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      if (chunk === undefined) continue;
      for (let j = 0; j < CHUNK; j++) if (chunk[j] !== 0) fn((c << CHUNK_BITS) + j, chunk[j]!);
    }
  }

  clear(): void {
    this.chunks = [];
  }

  /** A new chunk for index `i`. */
  private chunkFor(i: number): Int32Array {
    const c = i >>> CHUNK_BITS;
    while (this.chunks.length < c) this.chunks.push(undefined);
    return (this.chunks[c] = new Int32Array(CHUNK));
  }
}

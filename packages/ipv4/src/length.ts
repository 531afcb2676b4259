export const LAYER = 'ipv4';

/** Offsets are the caller's, not the packet's: a bad one is a programming error, not bad input. */
export function checkOffset(bytes: Uint8Array, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`ipv4: offset must be a non-negative integer, got ${offset} (buffer of ${bytes.length})`);
  }
}

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of 16-bit big-endian words.
 *
 * Sums are plain numbers that are folded only at the end: adding up to 2^37
 * bytes cannot lose precision in a double, and deferring the end-around carry
 * is what makes the loop fast.
 */

/**
 * Adds bytes[start..end) to a running sum as big-endian 16-bit words. An odd
 * length is padded with a zero byte at the end, so only the last range of a
 * chain may be odd.
 */
export function checksumAdd(bytes: Uint8Array, start = 0, end = bytes.length, sum = 0): number {
  let i = start;
  const even = end - ((end - start) & 1);
  // Two words per iteration halves the loop overhead on long payloads.
  for (; i + 3 < even; i += 4) {
    sum += ((bytes[i]! << 8) | bytes[i + 1]!) + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  for (; i < even; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (even < end) sum += bytes[even]! << 8;
  return sum;
}

/**
 * checksumAdd for bytes behind a DataView: the same sum of view[start..end)
 * (offsets into the view), read four bytes per getUint32, which V8
 * compiles to one load and a byte swap. About twice as fast as
 * checksumAdd's byte loads from 16 bytes up; worth it to a caller that
 * keeps one DataView over its buffer (creating one costs more than it
 * saves on short data), e.g. a frame generator summing each frame's data.
 */
export function checksumAddView(view: DataView, start = 0, end = view.byteLength, sum = 0): number {
  let i = start;
  const even = end - ((end - start) & 1);
  // Two 32-bit loads per iteration, as checksumAdd takes two words.
  for (; i + 7 < even; i += 8) {
    const a = view.getUint32(i);
    const b = view.getUint32(i + 4);
    sum += (a >>> 16) + (a & 0xffff) + (b >>> 16) + (b & 0xffff);
  }
  for (; i < even; i += 2) sum += view.getUint16(i);
  if (even < end) sum += view.getUint8(even) << 8;
  return sum;
}

/** Adds a 16-bit word to a running sum. */
export function checksumAddU16(sum: number, word: number): number {
  return sum + (word & 0xffff);
}

/** Adds a 32-bit value (e.g. an IPv4 address) as two 16-bit words. */
export function checksumAddU32(sum: number, value: number): number {
  return sum + (value >>> 16) + (value & 0xffff);
}

/** Folds carries into 16 bits: the one's complement sum. */
export function checksumFold(sum: number): number {
  // A sum under 2^32 (a header; any datagram up to 64 KiB) folds in two
  // steps of 32-bit integer arithmetic: the first leaves at most 0x1FFFE,
  // the second at most 0xFFFF. The loop, in floating point, takes the rest.
  if ((sum >>> 0) === sum) {
    sum = (sum & 0xffff) + (sum >>> 16);
    return (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for a finished sum: ~fold(sum). */
export function checksumFinish(sum: number): number {
  return ~checksumFold(sum) & 0xffff;
}

/**
 * Checksum of bytes[start..end) with an optional initial sum (e.g. a
 * pseudo-header). Over a region that already holds its correct checksum,
 * the result is 0.
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return checksumFinish(checksumAdd(bytes, start, end, initial));
}

/**
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered
 * data changed from `oldWord` to `newWord`, without re-reading the data.
 * HC' = ~(~HC + ~m + m').
 */
export function checksumUpdate16(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~checksumFold(sum) & 0xffff;
}

/** RFC 1624 for a 32-bit field (e.g. an address rewritten by NAT). */
export function checksumUpdate32(checksum: number, oldValue: number, newValue: number): number {
  return checksumUpdate16(checksumUpdate16(checksum, oldValue >>> 16, newValue >>> 16), oldValue & 0xffff, newValue & 0xffff);
}

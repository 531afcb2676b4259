/**
 * The header checksum over bytes[offset..offset + headerLength): 0 when the
 * header holds its correct checksum. The header is there (IHL x 4 bytes,
 * checked by every caller), its length a multiple of 4 (IHL counts 32-bit
 * words), so the loop takes two words at a time.
 *
 * A loop rather than the words written out: its bytecode is small enough
 * for V8 to inline it, and the getters around it, into a caller's decode
 * (an unrolled sum spends the inlining budget the getters need). The sum
 * of at most 30 words stays below 2^21: `| 0` tells the optimiser so, and
 * keeps the loop in 32-bit integer arithmetic; two end-around-carry folds
 * then bring it into 16 bits (core's checksumFinish folds sums of any size,
 * in floating point).
 */
export function headerChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  let sum = 0;
  for (let i = offset, end = offset + headerLength; i < end; i += 4) {
    sum = (sum + ((bytes[i]! << 8) | bytes[i + 1]!) + ((bytes[i + 2]! << 8) | bytes[i + 3]!)) | 0;
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

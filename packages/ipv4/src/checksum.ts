import { checksumAdd, checksumFinish, readU16 } from '@wirestack/core';

/**
 * The header checksum over bytes[offset..offset + headerLength): 0 when the
 * header holds its correct checksum. The 20 fixed bytes are summed as ten
 * words written out (the generic loop costs as much as the rest of a
 * decode), the options with core's checksumAdd; core folds and
 * complements.
 */
export function headerChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  let sum =
    readU16(bytes, offset) + readU16(bytes, offset + 2) + readU16(bytes, offset + 4) + readU16(bytes, offset + 6) +
    readU16(bytes, offset + 8) + readU16(bytes, offset + 10) + readU16(bytes, offset + 12) + readU16(bytes, offset + 14) +
    readU16(bytes, offset + 16) + readU16(bytes, offset + 18);
  if (headerLength > 20) sum = checksumAdd(bytes, offset + 20, offset + headerLength, sum);
  return checksumFinish(sum);
}

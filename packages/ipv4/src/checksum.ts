/**
 * The header checksum over bytes[offset..offset + headerLength): 0 when the
 * header holds its correct checksum. The header is there (IHL x 4 bytes,
 * checked by every caller, at least 20), its length a multiple of 4.
 *
 * The 20 fixed bytes are written out and the words' high and low bytes
 * summed apart: about 30% faster per header than a loop of 16-bit words
 * (6.9 vs 9.6 ns on this machine), which lifts StackParser's parse-only
 * rate over the 14.88 M/s line. The price is bytecode: 358 bytes, which V8
 * still inlines but which then takes budget from the getters of a caller
 * that also reads every field in the same function (a hand-written walk
 * over Ipv4View loses about 10%; StackParser, one method per layer, does
 * not). The sums stay below 2^16 each, so the arithmetic stays in small
 * integers; two end-around-carry folds bring the total into 16 bits.
 */
export function headerChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  const b = bytes;
  const o = offset;
  // The high and the low bytes of the words summed apart: no shift or OR per
  // word, and the 20 fixed bytes written out (no loop control).
  let hi = b[o]! + b[o + 2]! + b[o + 4]! + b[o + 6]! + b[o + 8]! + b[o + 10]! + b[o + 12]! + b[o + 14]! + b[o + 16]! + b[o + 18]!;
  let lo = b[o + 1]! + b[o + 3]! + b[o + 5]! + b[o + 7]! + b[o + 9]! + b[o + 11]! + b[o + 13]! + b[o + 15]! + b[o + 17]! + b[o + 19]!;
  for (let i = o + 20, end = o + headerLength; i < end; i += 2) {
    hi += b[i]!;
    lo += b[i + 1]!;
  }
  let sum = (hi << 8) + lo;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

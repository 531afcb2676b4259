/**
 * Where the FCS sits in memory. 802.3 sends every octet least significant
 * bit first but the CRC most significant term first; with the reflected
 * CRC-32 of `crc32()` the two cancel out so that the value's low byte goes
 * on the wire first. Frames as NICs hand them over and pcap files store them
 * therefore hold the FCS little-endian.
 */
export function readFcs(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

export function writeFcs(bytes: Uint8Array, offset: number, fcs: number): void {
  bytes[offset] = fcs;
  bytes[offset + 1] = fcs >>> 8;
  bytes[offset + 2] = fcs >>> 16;
  bytes[offset + 3] = fcs >>> 24;
}

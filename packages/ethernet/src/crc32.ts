/**
 * CRC-32 as IEEE 802.3 uses it for the FCS (the same CRC as zlib, PNG and
 * gzip): reflected polynomial 0xEDB88320, initial value and final XOR
 * 0xFFFFFFFF.
 *
 * Slice-by-8: eight 256-entry tables let the loop fold eight input bytes per
 * iteration with eight independent lookups, instead of one byte per
 * dependent lookup. Table k holds the CRC of byte n followed by k zero bytes.
 */
const POLYNOMIAL = 0xedb88320;

const TABLES = /* @__PURE__ */ buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * CRC-32 of bytes[start..end). Pass a previous result as `crc` to continue
 * over data that arrives in pieces: crc32(b, 0, b.length, crc32(a)) equals
 * the CRC of a followed by b.
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  if (!(start >= 0 && start <= end && end <= bytes.length)) {
    throw new RangeError(`crc32: range ${start}..${end} is not within 0..${bytes.length}`);
  }
  const t = TABLES;
  let c = ~crc;
  let i = start;
  for (const last = end - 8; i <= last; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c =
      t[0x700 + (c & 0xff)]! ^
      t[0x600 + ((c >>> 8) & 0xff)]! ^
      t[0x500 + ((c >>> 16) & 0xff)]! ^
      t[0x400 + (c >>> 24)]! ^
      t[0x300 + bytes[i + 4]!]! ^
      t[0x200 + bytes[i + 5]!]! ^
      t[0x100 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

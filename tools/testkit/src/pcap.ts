import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A minimal classic-pcap writer and reader (LINKTYPE_ETHERNET, microsecond
 * timestamps) for test fixtures and tshark checks. The product's pcap/pcapng
 * support lives in @wirestack/stack; this exists so codec tests need no
 * package above them.
 */
export function pcapBytes(frames: readonly Uint8Array[]): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true);
  let o = 24;
  frames.forEach((f, i) => {
    dv.setUint32(o, 1_700_000_000 + i, true);
    dv.setUint32(o + 8, f.length, true);
    dv.setUint32(o + 12, f.length, true);
    out.set(f, o + 16);
    o += 16 + f.length;
  });
  return out;
}

export function writePcap(path: string, frames: readonly Uint8Array[]): void {
  writeFileSync(path, pcapBytes(frames));
}

/** Reads frames from a classic pcap of either byte order (fixtures only: no error recovery). */
export function readPcap(path: string): Uint8Array[] {
  const data = new Uint8Array(readFileSync(path));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = dv.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && dv.getUint32(0, false) !== 0xa1b2c3d4 && dv.getUint32(0, false) !== 0xa1b23c4d) {
    throw new Error(`${path}: not a classic pcap file`);
  }
  const frames: Uint8Array[] = [];
  for (let o = 24; o + 16 <= data.length; ) {
    const caplen = dv.getUint32(o + 8, little);
    frames.push(data.slice(o + 16, o + 16 + caplen));
    o += 16 + caplen;
  }
  return frames;
}

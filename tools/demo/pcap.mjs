/**
 * Just enough classic pcap (LINKTYPE_ETHERNET, microseconds, either byte
 * order) for the demo. The product's pcap/pcapng reader belongs in
 * @wirestack/stack.
 */
export function readPcapRecords(file) {
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = dv.getUint32(0, true) === 0xa1b2c3d4;
  if (!little && dv.getUint32(0, false) !== 0xa1b2c3d4) throw new Error('not a microsecond pcap file');
  const records = [];
  for (let o = 24; o + 16 <= bytes.length; ) {
    const caplen = dv.getUint32(o + 8, little);
    if (o + 16 + caplen > bytes.length) throw new Error(`pcap record at byte ${o} is truncated`);
    records.push({
      seconds: dv.getUint32(o, little),
      micros: dv.getUint32(o + 4, little),
      length: dv.getUint32(o + 12, little),
      data: bytes.subarray(o + 16, o + 16 + caplen),
    });
    o += 16 + caplen;
  }
  return records;
}

export function pcapFile(records) {
  const out = new Uint8Array(24 + records.reduce((n, r) => n + 16 + r.data.length, 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true);
  let o = 24;
  for (const r of records) {
    dv.setUint32(o, r.seconds, true);
    dv.setUint32(o + 4, r.micros, true);
    dv.setUint32(o + 8, r.data.length, true);
    dv.setUint32(o + 12, r.length, true);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return out;
}

/**
 * The frame-building baseline of the udp and codec-speed benches: an
 * Ethernet II / IPv4 (DF, TTL 64, no options) / UDP frame written with a
 * DataView call per field and the checksum loops written out, what one
 * writes without a codec library. `dv` views `out` from its start; the
 * frame (headers and `payload`) ends at `end`. Positional arguments, so a
 * frame allocates nothing.
 */
const TWO_32 = 0x1_0000_0000;

export function writeUdpFrameNaively(dv, out, end, dstMac, srcMac, id, srcIp, dstIp, srcPort, dstPort, payload) {
  dv.setUint16(0, Math.floor(dstMac / TWO_32));
  dv.setUint32(2, dstMac >>> 0);
  dv.setUint16(6, Math.floor(srcMac / TWO_32));
  dv.setUint32(8, srcMac >>> 0);
  dv.setUint16(12, 0x0800);
  dv.setUint8(14, 0x45);
  dv.setUint8(15, 0);
  dv.setUint16(16, end - 14);
  dv.setUint16(18, id);
  dv.setUint16(20, 0x4000);
  dv.setUint8(22, 64);
  dv.setUint8(23, 17);
  dv.setUint16(24, 0);
  dv.setUint32(26, srcIp);
  dv.setUint32(30, dstIp);
  let s = 0;
  for (let o = 14; o < 34; o += 2) s += dv.getUint16(o);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  dv.setUint16(24, ~s & 0xffff);
  out.set(payload, 42);
  dv.setUint16(34, srcPort);
  dv.setUint16(36, dstPort);
  dv.setUint16(38, end - 34);
  dv.setUint16(40, 0);
  s = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + 17 + (end - 34);
  for (let o = 34; o + 1 < end; o += 2) s += dv.getUint16(o);
  if ((end - 34) & 1) s += dv.getUint8(end - 1) << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const c = ~s & 0xffff;
  dv.setUint16(40, c === 0 ? 0xffff : c);
}

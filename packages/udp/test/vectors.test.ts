import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError, bytesEqual, fromHex, parseIpv4, writeU16 } from '@wirestack/core';
import { readPcap } from '@wirestack-tools/testkit';
import { UdpPort, UdpView, decodeUdp, encodeUdp, formatUdp, udpChecksum, udpPortName } from '../src/index.js';
import { concat, outcome, readIpv4 } from './frames.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'kernel-udp.pcap');

/**
 * What `tshark -n -r kernel-udp.pcap -o udp.check_checksum:TRUE -T fields
 * -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum
 * -e udp.checksum.status` printed (every status 1, Good), per frame.
 */
const TSHARK = [
  [40000, 5555, 8, 0x3922],
  [5555, 40000, 8, 0x3922],
  [40000, 5555, 9, 0xf81f],
  [5555, 40000, 9, 0xf81f],
  [40000, 5555, 15, 0x2847],
  [5555, 40000, 15, 0x2847],
  [40000, 5555, 72, 0xb902],
  [5555, 40000, 72, 0xb902],
  [40000, 5555, 1009, 0x118b],
  [5555, 40000, 1009, 0x118b],
] as const;

/** The capture script's payloads: n bytes of the letters A-Z repeated. */
function letters(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => 0x41 + (i % 26));
}

function decodeError(run: () => unknown): DecodeError {
  const r = outcome(run);
  if (r === 'ok') throw new Error('expected a DecodeError');
  return r;
}

describe('kernel capture (test/fixtures/kernel-udp.pcap)', () => {
  const frames = readPcap(FIXTURE);
  const a = parseIpv4('10.99.0.1');
  const b = parseIpv4('10.99.0.2');

  it('holds the ten datagrams of the capture script', () => {
    expect(frames.length).toBe(10);
  });

  it('decodes every datagram strictly, checksum verified with the addresses of its IPv4 header', () => {
    frames.forEach((frame, i) => {
      const ip = readIpv4(frame);
      expect(ip.protocol).toBe(17);
      expect([ip.src, ip.dst]).toEqual(i % 2 === 0 ? [a, b] : [b, a]);
      const d = decodeUdp(frame, ip.udpOffset, { pseudoHeader: ip, ipPayloadLength: ip.payloadLength });
      const [srcPort, dstPort, length, checksum] = TSHARK[i]!;
      expect(d.header).toEqual({ srcPort, dstPort, length, checksum });
      expect(d.checksumValid).toBe(true);
      expect(d.issues).toEqual([]);
      expect(d.headerLength).toBe(8);
      expect(d.payload).toEqual(letters([0, 1, 7, 64, 1001][i >> 1]!));
      expect(d.payload.byteOffset).toBe(frame.byteOffset + ip.udpOffset + 8);
      expect(d.padding.length).toBe(0);
      expect(formatUdp(d.header, ip)).toBe(
        i % 2 === 0 ? `10.99.0.1.40000 > 10.99.0.2.5555: UDP, length ${length - 8}` : `10.99.0.2.5555 > 10.99.0.1.40000: UDP, length ${length - 8}`,
      );
    });
  });

  it('re-encodes every datagram byte for byte, computing Length and checksum', () => {
    for (const frame of frames) {
      const ip = readIpv4(frame);
      const d = decodeUdp(frame, ip.udpOffset);
      const encoded = encodeUdp({ srcPort: d.header.srcPort, dstPort: d.header.dstPort, payload: d.payload, pseudoHeader: ip });
      expect(bytesEqual(encoded, frame.subarray(ip.udpOffset))).toBe(true);
    }
  });

  it('the view reads the same fields and verifies and recomputes the checksum in place', () => {
    const view = new UdpView();
    for (const frame of frames) {
      const ip = readIpv4(frame);
      view.reset(frame, ip.udpOffset);
      const d = decodeUdp(frame, ip.udpOffset);
      expect([view.srcPort, view.dstPort, view.length, view.checksum]).toEqual([
        d.header.srcPort,
        d.header.dstPort,
        d.header.length,
        d.header.checksum,
      ]);
      expect(view.payloadLength).toBe(d.payload.length);
      expect(view.verifyChecksum(ip.src, ip.dst)).toBe(true);
      expect(view.verifyChecksum(ip.dst, ip.src)).toBe(true); // the sum is symmetric in the addresses
      expect(view.verifyChecksum((ip.src + 1) as typeof ip.src, ip.dst)).toBe(false);
      const copy = frame.slice();
      const v = new UdpView(copy, ip.udpOffset);
      v.checksum = 0;
      expect(v.verifyChecksum(ip.src, ip.dst)).toBeNull();
      expect(v.fillChecksum(ip.src, ip.dst)).toBe(d.header.checksum);
      expect(bytesEqual(copy, frame)).toBe(true);
    }
  });

  it('with the Ethernet padding a wire adds, the 0-byte datagram keeps no payload and 18 bytes of padding', () => {
    const frame = concat(frames[0]!, new Uint8Array(18)); // 42 -> 60 bytes
    const ip = readIpv4(frame);
    const d = decodeUdp(frame, ip.udpOffset, { pseudoHeader: ip, ipPayloadLength: ip.payloadLength });
    expect(d.payload.length).toBe(0);
    expect(d.padding).toEqual(new Uint8Array(18));
    expect(d.checksumValid).toBe(true);
    expect(new UdpView(frame, ip.udpOffset).payloadLength).toBe(0);
  });

  it('a corrupted datagram fails its checksum at the checksum field', () => {
    const frame = frames[4]!.slice();
    const ip = readIpv4(frame);
    frame[frame.length - 1] = frame[frame.length - 1]! ^ 0x20; // 'G' -> 'g'
    const e = decodeError(() => decodeUdp(frame, ip.udpOffset, { pseudoHeader: ip }));
    expect([e.code, e.layer, e.offset]).toEqual(['bad-checksum', 'udp', ip.udpOffset + 6]);
    const lax = decodeUdp(frame, ip.udpOffset, { pseudoHeader: ip, mode: 'lax' });
    expect(lax.checksumValid).toBe(false);
    expect(lax.issues.map((x) => [x.code, x.offset])).toEqual([['bad-checksum', ip.udpOffset + 6]]);
    expect(decodeUdp(frame, ip.udpOffset, { pseudoHeader: ip, checksum: 'ignore' }).checksumValid).toBeUndefined();
    expect(decodeUdp(frame, ip.udpOffset).checksumValid).toBeUndefined();
  });
});

describe('RFC 768', () => {
  const src = parseIpv4('192.0.2.1');
  const dst = parseIpv4('198.51.100.7');

  it('computes the checksum over pseudo-header, header and data, padding an odd length with a zero byte', () => {
    // Worked by hand: pseudo-header c000 0201 c633 6407 0011 000b sums to
    // 0x1ec57, the header 1388 0035 000b (checksum 0) to 0x13c8, the data
    // 6869 6a00 ('hij' + the pad byte) to 0xd269: 0x2d288 in all, folded
    // 0xd28a, complemented 0x2d75.
    const bytes = encodeUdp({ srcPort: 5000, dstPort: 53, payload: fromHex('68696a'), pseudoHeader: { src, dst } });
    expect(bytes).toEqual(fromHex('1388 0035 000b 2d75 68696a'));
    expect(decodeUdp(bytes, 0, { pseudoHeader: { src, dst } }).checksumValid).toBe(true);
  });

  it('sends a computed checksum of 0 as 0xFFFF, which verifies', () => {
    // Find data that makes the one's complement sum all ones: the checksum then computes to 0.
    const bytes = encodeUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(2), pseudoHeader: { src, dst } });
    const before = bytes[6]! * 256 + bytes[7]!;
    // Putting the checksum into the data makes the rest sum to all ones.
    writeU16(bytes, 8, before);
    expect(udpChecksum(bytes, 0, bytes.length, src, dst)).toBe(0xffff);
    const sent = encodeUdp({ srcPort: 1, dstPort: 2, payload: bytes.subarray(8), pseudoHeader: { src, dst } });
    expect(sent.subarray(6, 8)).toEqual(fromHex('ffff'));
    expect(decodeUdp(sent, 0, { pseudoHeader: { src, dst } }).checksumValid).toBe(true);
    expect(new UdpView(sent).verifyChecksum(src, dst)).toBe(true);
  });

  it('reads a zero checksum as "none": checksumValid null, even over data it would not match', () => {
    const bytes = encodeUdp({ srcPort: 1, dstPort: 2, payload: fromHex('0102'), checksum: 0 });
    expect(bytes.subarray(6, 8)).toEqual(fromHex('0000'));
    const d = decodeUdp(bytes, 0, { pseudoHeader: { src, dst } });
    expect(d.checksumValid).toBeNull();
    expect(d.issues).toEqual([]);
    expect(encodeUdp({ srcPort: 1, dstPort: 2, payload: fromHex('0102') }).subarray(6, 8)).toEqual(fromHex('0000'));
  });

  it('rejects a Length under 8 as bad-length at the Length field (lax: empty payload)', () => {
    for (const length of [0, 1, 7]) {
      const bytes = fromHex(`1388 0035 ${length.toString(16).padStart(4, '0')} 0000 01020304`);
      const e = decodeError(() => decodeUdp(bytes));
      expect([e.code, e.layer, e.offset]).toEqual(['bad-length', 'udp', 4]);
      const lax = decodeUdp(bytes, 0, { mode: 'lax', pseudoHeader: { src, dst } });
      expect(lax.header.length).toBe(length);
      expect(lax.payload.length).toBe(0);
      expect(lax.padding).toEqual(fromHex('01020304'));
      expect(lax.issues.map((i) => i.code)).toEqual(['bad-length']);
      expect(formatUdp(lax.header)).toBe(`UDP, truncated-udplength ${length}`);
    }
    // Length exactly 8: a datagram without data is fine.
    expect(decodeUdp(fromHex('1388 0035 0008 0000')).payload.length).toBe(0);
  });

  it('reports a Length past the bytes as truncated at the datagram, with required/available', () => {
    const bytes = concat(new Uint8Array(3), fromHex('1388 0035 0014 0000 0102')); // Length 20, 10 bytes
    const e = decodeError(() => decodeUdp(bytes, 3));
    expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'udp', 3, 20, 10]);
    const lax = decodeUdp(bytes, 3, { mode: 'lax', pseudoHeader: { src, dst } });
    expect(lax.payload).toEqual(fromHex('0102'));
    expect(lax.checksumValid).toBeNull();
    expect(lax.issues.map((i) => [i.code, i.offset])).toEqual([['truncated', 3]]);
  });

  it('in strict mode the Length must equal the IP payload length given; lax reports it', () => {
    const bytes = encodeUdp({ srcPort: 1, dstPort: 2, payload: fromHex('0102') });
    expect(decodeUdp(bytes, 0, { ipPayloadLength: 10 }).issues).toEqual([]);
    for (const ipPayloadLength of [9, 11, 0]) {
      const e = decodeError(() => decodeUdp(bytes, 0, { ipPayloadLength }));
      expect([e.code, e.offset]).toEqual(['bad-length', 4]);
      expect(decodeUdp(bytes, 0, { ipPayloadLength, mode: 'lax' }).issues.map((i) => i.code)).toEqual(['bad-length']);
    }
  });

  it('needs the 8-byte header in both modes', () => {
    for (const mode of ['strict', 'lax'] as const) {
      const e = decodeError(() => decodeUdp(new Uint8Array(10), 3, { mode }));
      expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'udp', 3, 8, 7]);
    }
  });
});

describe('ports and format', () => {
  it('names the well-known ports and prints others in decimal', () => {
    expect(UdpPort.DNS).toBe(53);
    expect([UdpPort.DHCPServer, UdpPort.DHCPClient, UdpPort.NTP, UdpPort.SNMP]).toEqual([67, 68, 123, 161]);
    expect([UdpPort.VXLAN, UdpPort.LinuxVXLAN, UdpPort.Geneve]).toEqual([4789, 8472, 6081]);
    expect(udpPortName(53)).toBe('domain');
    expect(udpPortName(4789)).toBe('vxlan');
    expect(udpPortName(6081)).toBe('geneve');
    expect(udpPortName(40000)).toBe('40000');
  });

  it('prints tcpdump-style lines', () => {
    const header = { srcPort: 5000, dstPort: 53, length: 15, checksum: 0 };
    expect(formatUdp(header)).toBe('UDP, length 7');
    expect(formatUdp(header, { src: parseIpv4('10.0.0.1'), dst: parseIpv4('10.0.0.2') })).toBe('10.0.0.1.5000 > 10.0.0.2.53: UDP, length 7');
  });
});

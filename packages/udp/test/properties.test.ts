import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError, isDecodeError, type Ipv4Address } from '@wirestack/core';
import { ipv4Address } from '@wirestack/core/arbitraries';
import { UdpView, decodeUdp, encodeUdp, type UdpDecodeOptions } from '../src/index.js';
import { udpDatagram, udpHeader, udpPort, udpPseudoHeader } from '../src/arbitraries.js';
import { parseWithSpec } from './spec.js';
import { concat } from './frames.js';

/**
 * The checksum straight from RFC 768's words, one byte at a time: the
 * oracle for the word-at-a-time implementation (checksum field taken as 0).
 */
function oracleChecksum(datagram: Uint8Array, src: number, dst: number, length = datagram.length): number {
  const octets = [src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff, dst >>> 24, (dst >>> 16) & 0xff, (dst >>> 8) & 0xff, dst & 0xff];
  octets.push(0, 17, length >>> 8, length & 0xff);
  datagram.forEach((b, i) => octets.push(i === 6 || i === 7 ? 0 : b));
  if (octets.length % 2 === 1) octets.push(0);
  let sum = 0;
  for (let i = 0; i < octets.length; i += 2) {
    sum += octets[i]! * 256 + octets[i + 1]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  const c = ~sum & 0xffff;
  return c === 0 ? 0xffff : c;
}

/** Random bytes at a random offset, the Length field often near the bytes present. */
const placed = fc
  .record({
    before: fc.uint8Array({ maxLength: 8 }),
    datagram: fc.uint8Array({ minLength: 8, maxLength: 120 }),
    lengthKind: fc.constantFrom('exact', 'short', 'random', 'tiny'),
    slack: fc.nat({ max: 20 }),
  })
  .map(({ before, datagram, lengthKind, slack }) => {
    const bytes = concat(before, datagram);
    const o = before.length;
    const length =
      lengthKind === 'exact'
        ? datagram.length
        : lengthKind === 'short'
          ? Math.max(8, datagram.length - slack)
          : lengthKind === 'tiny'
            ? slack % 8
            : (bytes[o + 4]! << 8) | bytes[o + 5]!;
    bytes[o + 4] = length >>> 8;
    bytes[o + 5] = length & 0xff;
    return { bytes, offset: o };
  });

const decodeOptions: fc.Arbitrary<UdpDecodeOptions> = fc.record(
  {
    mode: fc.constantFrom('strict' as const, 'lax' as const),
    checksum: fc.constantFrom('verify' as const, 'ignore' as const),
    pseudoHeader: udpPseudoHeader(),
    ipPayloadLength: fc.nat({ max: 130 }),
  },
  { requiredKeys: [] },
);

describe('round trip', () => {
  it('decode gives back what the datagram was built from, checksum verified', () => {
    fc.assert(
      fc.property(udpDatagram(), ({ header, payload, pseudoHeader, bytes }) => {
        const d = decodeUdp(bytes, 0, { pseudoHeader, ipPayloadLength: bytes.length });
        expect(d.header).toEqual(header);
        expect(d.payload).toEqual(payload);
        expect(d.checksumValid).toBe(header.checksum === 0 ? null : true);
        expect(d.issues).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('encode computes Length and the checksum RFC 768 defines, and re-creates the datagram', () => {
    fc.assert(
      fc.property(udpDatagram({ zeroChecksum: false }), ({ header, payload, pseudoHeader, bytes }) => {
        const encoded = encodeUdp({ srcPort: header.srcPort, dstPort: header.dstPort, payload, pseudoHeader });
        expect(encoded).toEqual(bytes);
        expect((encoded[6]! << 8) | encoded[7]!).toBe(oracleChecksum(encoded, pseudoHeader.src, pseudoHeader.dst));
      }),
      { numRuns: 1000 },
    );
  });

  it('encode(decode(bytes)) gives back the bytes, for anything lax mode decodes', () => {
    fc.assert(
      fc.property(placed, ({ bytes, offset }) => {
        const d = decodeUdp(bytes, offset, { mode: 'lax' });
        const encoded = encodeUdp({ ...d.header, payload: concat(d.payload, d.padding) });
        expect(encoded).toEqual(bytes.subarray(offset));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the view agrees with decode', () => {
  it('on every field, the payload and the checksum verdict, for any bytes at any offset', () => {
    const view = new UdpView();
    fc.assert(
      fc.property(placed, udpPseudoHeader(), ({ bytes, offset }, pseudoHeader) => {
        const d = decodeUdp(bytes, offset, { mode: 'lax', pseudoHeader });
        expect(view.reset(bytes, offset)).toBe(view);
        expect([view.srcPort, view.dstPort, view.length, view.checksum]).toEqual([
          d.header.srcPort,
          d.header.dstPort,
          d.header.length,
          d.header.checksum,
        ]);
        expect(view.payloadOffset).toBe(offset + 8);
        expect(view.payloadLength).toBe(d.payload.length);
        expect(view.payload).toEqual(d.payload);
        expect(view.verifyChecksum(pseudoHeader.src, pseudoHeader.dst)).toBe(d.checksumValid);
      }),
      { numRuns: 2000 },
    );
  });

  it('fillChecksum writes what encode computes, and then verifies', () => {
    fc.assert(
      fc.property(udpDatagram(), fc.nat({ max: 8 }), ({ header, payload, pseudoHeader }, before) => {
        const bytes = new Uint8Array(before + 8 + payload.length);
        const view = new UdpView(bytes, before);
        view.srcPort = header.srcPort;
        view.dstPort = header.dstPort;
        view.length = 8 + payload.length;
        view.payload.set(payload);
        const value = view.fillChecksum(pseudoHeader.src, pseudoHeader.dst);
        expect(value).toBe(oracleChecksum(bytes.subarray(before), pseudoHeader.src, pseudoHeader.dst));
        expect(bytes.subarray(before)).toEqual(encodeUdp({ ...header, checksum: undefined, length: undefined, payload, pseudoHeader }));
        expect(view.verifyChecksum(pseudoHeader.src, pseudoHeader.dst)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decode agrees with the binary-parser spec', () => {
  it('on random datagrams whose Length fits, and rejects exactly the ones whose Length does not', () => {
    fc.assert(
      fc.property(placed, ({ bytes, offset }) => {
        const datagram = bytes.subarray(offset);
        const length = (datagram[4]! << 8) | datagram[5]!;
        const fits = length >= 8 && length <= datagram.length;
        let threw: unknown;
        try {
          const d = decodeUdp(datagram);
          const spec = parseWithSpec(datagram);
          expect(d.header).toEqual({ srcPort: spec.srcPort, dstPort: spec.dstPort, length: spec.length, checksum: spec.checksum });
          expect(d.payload).toEqual(spec.payload);
          expect(d.padding).toEqual(spec.padding);
        } catch (e) {
          threw = e;
        }
        expect(threw === undefined ? 'ok' : isDecodeError(threw) ? threw.code : threw).toBe(
          fits ? 'ok' : length < 8 ? 'bad-length' : 'truncated',
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lax mode', () => {
  it('never throws once the 8-byte header is there, and only reports udp issues inside the buffer', () => {
    fc.assert(
      fc.property(placed, decodeOptions, ({ bytes, offset }, options) => {
        const d = decodeUdp(bytes, offset, { ...options, mode: 'lax' });
        expect(d.payload.length + d.padding.length).toBe(Math.max(0, bytes.length - offset - 8));
        for (const issue of d.issues) {
          expect(issue.layer).toBe('udp');
          expect(issue.offset).toBeGreaterThanOrEqual(offset);
          expect(issue.offset).toBeLessThan(bytes.length);
        }
        // Strict mode throws exactly when lax mode has something to report.
        let strict: unknown = 'ok';
        try {
          decodeUdp(bytes, offset, { ...options, mode: 'strict' });
        } catch (e) {
          strict = e;
        }
        if (d.issues.length === 0) expect(strict).toBe('ok');
        else expect(strict).toMatchObject({ code: d.issues[0]!.code, offset: d.issues[0]!.offset });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encode', () => {
  const input = fc.record({ srcPort: udpPort(), dstPort: udpPort(), payload: fc.uint8Array({ maxLength: 100 }) });

  it('writes explicit Length and checksum as given, 0 included', () => {
    fc.assert(
      fc.property(input, udpHeader(), udpPseudoHeader(), (base, header, pseudoHeader) => {
        const bytes = encodeUdp({ ...base, length: header.length, checksum: header.checksum, pseudoHeader });
        expect(decodeUdp(bytes, 0, { mode: 'lax' }).header).toEqual({
          srcPort: base.srcPort,
          dstPort: base.dstPort,
          length: header.length,
          checksum: header.checksum,
        });
        expect(bytes.length).toBe(8 + base.payload.length);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the same bytes into a dirty buffer at an offset, and returns that region', () => {
    fc.assert(
      fc.property(input, udpPseudoHeader(), fc.nat({ max: 16 }), fc.nat({ max: 16 }), (base, pseudoHeader, before, after) => {
        const fresh = encodeUdp({ ...base, pseudoHeader });
        const out = new Uint8Array(before + fresh.length + after).fill(0xa5);
        const written = encodeUdp({ ...base, pseudoHeader }, out, before);
        expect(written).toEqual(fresh);
        expect(written.buffer).toBe(out.buffer);
        expect(written.byteOffset).toBe(before);
        expect(out.subarray(0, before).every((b) => b === 0xa5)).toBe(true);
        expect(out.subarray(before + fresh.length).every((b) => b === 0xa5)).toBe(true);
        expect(() => encodeUdp({ ...base, pseudoHeader }, new Uint8Array(before + fresh.length - 1), before)).toThrow(EncodeError);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects values that do not fit, naming the field', () => {
    const field = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        if (e instanceof EncodeError) return `${e.code}:${e.field}`;
        throw e;
      }
      return 'no error';
    };
    fc.assert(
      fc.property(udpPort(), ipv4Address(), (port, address) => {
        expect(field(() => encodeUdp({ srcPort: 0x10000, dstPort: port }))).toBe('out-of-range:srcPort');
        expect(field(() => encodeUdp({ srcPort: port, dstPort: -1 }))).toBe('out-of-range:dstPort');
        expect(field(() => encodeUdp({ srcPort: port, dstPort: port, length: 0x10000 }))).toBe('out-of-range:length');
        expect(field(() => encodeUdp({ srcPort: port, dstPort: port, checksum: 1.5 }))).toBe('out-of-range:checksum');
        expect(field(() => encodeUdp({ srcPort: port, dstPort: port, pseudoHeader: { src: 2 ** 32 as Ipv4Address, dst: address } }))).toBe(
          'out-of-range:pseudoHeader.src',
        );
        expect(field(() => encodeUdp({ srcPort: port, dstPort: port, payload: new Uint8Array(65528) }))).toBe('too-long:payload');
        expect(field(() => encodeUdp({ srcPort: port, dstPort: port, payload: new Uint8Array(65527) }))).toBe('no error');
      }),
      { numRuns: 50 },
    );
  });
});

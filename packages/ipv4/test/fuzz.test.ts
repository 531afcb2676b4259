import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { internetChecksum } from '@wirestack/core';
import { Ipv4View, decodeIpv4, encodeIpv4, formatIpv4Header, ipv4HeaderLength } from '../src/index.js';
import { ipv4Packet } from '../src/arbitraries.js';
import { decodeErrorOf } from './helpers.js';

describe('fuzz', () => {
  it('random bytes at random offsets give a value or a DecodeError, in every mode and through the view', () => {
    const input = fc
      .uint8Array({ maxLength: 100 })
      .chain((bytes) => fc.record({ bytes: fc.constant(bytes), offset: fc.nat(bytes.length + 2) }));
    const view = new Ipv4View();
    fc.assert(
      fc.property(input, ({ bytes, offset }) => {
        for (const mode of ['strict', 'lax'] as const) {
          for (const checksum of ['verify', 'ignore'] as const) {
            decodeErrorOf(() => {
              const d = decodeIpv4(bytes, offset, { mode, checksum });
              // what decodes can be printed and encoded again
              formatIpv4Header(d.header);
              formatIpv4Header(d.header, { verbose: true });
              encodeIpv4({ ...d.header, payload: d.payload });
            });
          }
        }
        decodeErrorOf(() => ipv4HeaderLength(bytes, offset));
        decodeErrorOf(() => {
          view.reset(bytes, offset);
          view.verifyChecksum();
          void view.payload;
        });
      }),
      { numRuns: 10000 },
    );
  });

  it('random option lists: strict gives the options or a bad-option DecodeError; lax always terminates and re-encodes to the same options', () => {
    const options = fc.oneof(
      fc.uint8Array({ minLength: 40, maxLength: 40 }),
      // biased towards the interesting octets: EOL, NOP, known types, short lengths
      fc.array(fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 7, 68, 131, 137, 148), fc.integer({ min: 0, max: 255 })), { minLength: 40, maxLength: 40 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(options, fc.integer({ min: 1, max: 10 }), (region, words) => {
        const headerLength = 20 + 4 * words;
        const datagram = new Uint8Array(headerLength);
        datagram.set([0x40 | (headerLength / 4), 0, 0, headerLength, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        datagram.set(region.subarray(0, headerLength - 20), 20);
        const checksum = internetChecksum(datagram, 0, headerLength);
        datagram[10] = checksum >>> 8;
        datagram[11] = checksum & 0xff;

        const error = decodeErrorOf(() => decodeIpv4(datagram));
        if (error !== undefined) expect(error).toMatchObject({ code: 'bad-option', layer: 'ipv4' });
        const lax = decodeIpv4(datagram, 0, { mode: 'lax' });
        expect(lax.issues.length === 0).toBe(error === undefined);
        expect(lax.issues.every((i) => i.code === 'bad-option' && i.offset >= 20 && i.offset < headerLength)).toBe(true);
        const { ihl, totalLength, checksum: _c, checksumValid, ...fields } = lax.header;
        const again = decodeIpv4(encodeIpv4(fields), 0, { mode: 'lax' });
        expect(again.header.options).toEqual(lax.header.options);
        expect(again.issues.length).toBe(lax.issues.length);
      }),
      { numRuns: 5000 },
    );
  });

  it('every proper prefix of a valid datagram is truncated at its start, with required/available', () => {
    fc.assert(
      fc.property(ipv4Packet({ maxPayload: 24 }), (c) => {
        const end = c.offset + c.header.totalLength;
        for (let kept = 0; kept < c.header.totalLength; kept++) {
          const bytes = c.bytes.subarray(0, c.offset + kept);
          const required = kept < 20 ? 20 : kept < c.headerLength ? c.headerLength : c.header.totalLength;
          const expected = { name: 'DecodeError', code: 'truncated', layer: 'ipv4', offset: c.offset, required, available: kept };
          expect(() => decodeIpv4(bytes, c.offset)).toThrow(expect.objectContaining(expected));
          if (kept < c.headerLength) {
            expect(() => decodeIpv4(bytes, c.offset, { mode: 'lax' })).toThrow(expect.objectContaining(expected));
            expect(() => new Ipv4View(bytes, c.offset)).toThrow(expect.objectContaining(expected));
          } else {
            // lax: the header is there, the payload is what is present
            const lax = decodeIpv4(bytes, c.offset, { mode: 'lax' });
            expect(lax.issues).toEqual([expect.objectContaining({ code: 'truncated', offset: c.offset })]);
            expect(lax.payload.length).toBe(kept - c.headerLength);
          }
        }
        expect(decodeIpv4(c.bytes.subarray(0, end), c.offset).payload).toEqual(c.payload);
      }),
      { numRuns: 200 },
    );
  });
});

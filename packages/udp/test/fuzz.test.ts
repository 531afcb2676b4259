import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '@wirestack/core';
import { UdpView, decodeUdp, type UdpDecodeOptions } from '../src/index.js';
import { malformedUdpDatagram, udpDatagram, udpPseudoHeader } from '../src/arbitraries.js';
import { outcome } from './frames.js';

const options: fc.Arbitrary<UdpDecodeOptions> = fc.record(
  {
    mode: fc.constantFrom('strict' as const, 'lax' as const),
    checksum: fc.constantFrom('verify' as const, 'ignore' as const),
    pseudoHeader: udpPseudoHeader(),
    ipPayloadLength: fc.nat({ max: 100 }),
  },
  { requiredKeys: [] },
);

describe('random bytes', () => {
  it('decode to a value or a DecodeError at an offset inside the buffer, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 90 }), options, (bytes, at, opts) => {
        const offset = Math.min(at, bytes.length);
        const r = outcome(() => decodeUdp(bytes, offset, opts));
        if (r !== 'ok') {
          expect(r.layer).toBe('udp');
          expect(r.offset).toBeGreaterThanOrEqual(offset);
          expect(r.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('reset a view or throw DecodeError truncated; its reads and checks never throw', () => {
    const view = new UdpView();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 40 }), udpPseudoHeader(), (bytes, offset, { src, dst }) => {
        const r = outcome(() => view.reset(bytes, offset));
        expect(r === 'ok' ? 'ok' : r.code).toBe(bytes.length - offset >= 8 ? 'ok' : 'truncated');
        if (r === 'ok') {
          expect(view.payloadLength).toBeGreaterThanOrEqual(0);
          expect([true, false, null]).toContain(view.verifyChecksum(src, dst));
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('prefixes of valid datagrams', () => {
  it('are truncated at the datagram: required 8 while the header is cut, then Length', () => {
    fc.assert(
      fc.property(udpDatagram({ maxPayload: 40 }), fc.nat({ max: 6 }), ({ bytes, pseudoHeader }, offset) => {
        const buffer = new Uint8Array(offset + bytes.length);
        buffer.set(bytes, offset);
        for (let kept = 0; kept < bytes.length; kept++) {
          for (const mode of ['strict', 'lax'] as const) {
            const r = outcome(() => decodeUdp(buffer.subarray(0, offset + kept), offset, { mode, pseudoHeader }));
            if (mode === 'lax' && kept >= 8) {
              expect(r).toBe('ok');
              continue;
            }
            expect(r).toBeInstanceOf(DecodeError);
            const e = r as DecodeError;
            expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'udp', offset, kept < 8 ? 8 : bytes.length, kept]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('malformed datagrams', () => {
  it('are rejected with their code and offset in strict mode, and listed as issues in lax mode', () => {
    fc.assert(
      fc.property(malformedUdpDatagram(), ({ bytes, offset, options: opts, code, errorOffset }) => {
        const strict = outcome(() => decodeUdp(bytes, offset, opts));
        expect(strict).toBeInstanceOf(DecodeError);
        expect([(strict as DecodeError).code, (strict as DecodeError).offset]).toEqual([code, errorOffset]);
        const headerMissing = bytes.length - offset < 8;
        const lax = outcome(() => decodeUdp(bytes, offset, { ...opts, mode: 'lax' }));
        if (headerMissing) {
          expect(lax).toBeInstanceOf(DecodeError);
        } else {
          const issues = decodeUdp(bytes, offset, { ...opts, mode: 'lax' }).issues;
          expect(issues[0]).toMatchObject({ code, offset: errorOffset, layer: 'udp' });
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { parseIpv4 } from '@wirestack/core';
import { BgpEngine, BgpFramer, buildOpen, decodeMessage, encodeMessage, isBgpError, type BgpCodecOptions, type BgpError } from '../src/index.js';
import { bgpMessageBytes, malformedUpdate } from '../src/arbitraries.js';

/** Runs `fn`; returns the BgpError it threw, or undefined. Any other exception fails the test. */
function bgpErrorOf(fn: () => unknown): BgpError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!isBgpError(error)) throw error;
    return error;
  }
}

const options = fc.record({ fourOctetAs: fc.boolean(), extendedMessage: fc.boolean(), addPath: fc.boolean() });

/** A header that passes the marker check, so the fuzz reaches the message bodies. */
function withMarker(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(19 + bytes.length);
  out.fill(0xff, 0, 16);
  out[16] = (out.length >>> 8) & 0xff;
  out[17] = out.length & 0xff;
  out.set(bytes.subarray(0, 1), 18);
  out.set(bytes.subarray(1), 19);
  return out;
}

function checkDecoded(bytes: Uint8Array, offset: number, o: BgpCodecOptions): void {
  const error = bgpErrorOf(() => {
    const d = decodeMessage(bytes, offset, o);
    for (const e of d.errors) {
      expect(isBgpError(e)).toBe(true);
      expect(e.handling).not.toBe('session-reset');
    }
    // what decodes can be encoded again (as long as it fits what the session allows)
    try {
      encodeMessage(d.message, o);
    } catch (e) {
      expect((e as Error).name).toBe('EncodeError');
    }
  });
  if (error) {
    expect(error.layer).toBe('bgp');
    expect(error.handling).toBe('session-reset');
    expect(error.offset).toBeGreaterThanOrEqual(offset);
    expect(error.notification.code).toBeGreaterThanOrEqual(1);
    expect(error.notification.code).toBeLessThanOrEqual(7);
  }
}

describe('fuzz: decodeMessage', () => {
  it('random bytes give a value or a session-reset BgpError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(4), options, (bytes, offset, o) => checkDecoded(bytes, offset, o)),
      { numRuns: 5000 },
    );
  });

  it('random bodies behind a valid marker and length, of every type', () => {
    const body = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.uint8Array({ maxLength: 200 })).map(([type, rest]) => Uint8Array.of(type, ...rest));
    fc.assert(
      fc.property(body, options, (b, o) => checkDecoded(withMarker(b), 0, o)),
      { numRuns: 10000 },
    );
  });

  it('valid messages with random octets changed give a value or a BgpError', () => {
    const mutated = fc
      .tuple(bgpMessageBytes({ fourOctetAs: true }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
      .map(([{ bytes }, changes]) => {
        const copy = bytes.slice();
        // leave the marker alone most of the time so the body gets fuzzed
        for (const [at, value] of changes) copy[16 + (at % (copy.length - 16))] = value;
        return copy;
      });
    fc.assert(
      fc.property(mutated, options, (bytes, o) => checkDecoded(bytes, 0, o)),
      { numRuns: 5000 },
    );
  });

  it('every proper prefix of a valid message is truncated at the message start', () => {
    fc.assert(
      fc.property(bgpMessageBytes({ fourOctetAs: true }), ({ bytes }) => {
        for (let kept = 0; kept < bytes.length; kept++) {
          const error = bgpErrorOf(() => decodeMessage(bytes.subarray(0, kept), 0, { fourOctetAs: true }));
          expect(error).toMatchObject({ code: 'truncated', offset: 0, required: kept < 19 ? 19 : bytes.length, available: kept });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('malformed UPDATEs get exactly the RFC 7606 handling they call for', () => {
    fc.assert(
      fc.property(malformedUpdate(), ({ name, bytes, expected }) => {
        const { notification, ...rest } = expected;
        if (expected.handling === 'session-reset') {
          const error = bgpErrorOf(() => decodeMessage(bytes, 0, { fourOctetAs: true }));
          expect(error, name).toMatchObject(rest);
          expect(error!.notification).toMatchObject(notification);
          return;
        }
        const d = decodeMessage(bytes, 0, { fourOctetAs: true });
        expect(d.errors.length, name).toBe(1);
        expect(d.errors[0], name).toMatchObject(rest);
        expect(d.errors[0]!.notification).toMatchObject(notification);
        expect(d.handling).toBe(expected.handling);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('offsets are into the caller\'s buffer', () => {
  it('the same malformed UPDATE at offset k reports every error k octets further', () => {
    fc.assert(
      fc.property(malformedUpdate(), fc.integer({ min: 1, max: 40 }), ({ bytes }, k) => {
        const shifted = new Uint8Array(k + bytes.length);
        shifted.set(bytes, k);
        const at0 = bgpErrorOf(() => decodeMessage(bytes, 0, { fourOctetAs: true }));
        const atK = bgpErrorOf(() => decodeMessage(shifted, k, { fourOctetAs: true }));
        if (at0) {
          expect(atK?.offset).toBe(at0.offset + k);
          return;
        }
        const e0 = decodeMessage(bytes, 0, { fourOctetAs: true }).errors.map((e) => e.offset + k);
        expect(decodeMessage(shifted, k, { fourOctetAs: true }).errors.map((e) => e.offset)).toEqual(e0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: framer', () => {
  it('random chunks give frames or a BgpError, and never loop', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 6 }), fc.boolean(), (chunks, extendedMessage) => {
        const framer = new BgpFramer({ extendedMessage });
        let total = 0;
        const error = bgpErrorOf(() => {
          for (const c of chunks) for (const f of framer.push(c)) total += f.length;
        });
        if (error) {
          expect(error.handling).toBe('session-reset');
          expect(error.notification.code).toBe(1);
          // once broken, always broken
          expect(() => framer.push(Uint8Array.of(1))).toThrow(error);
        } else {
          expect(total + framer.bufferedBytes).toBe(chunks.reduce((n, c) => n + c.length, 0));
        }
      }),
      { numRuns: 10000 },
    );
  });

  it('valid streams with a corrupted octet give frames or a BgpError at a stream offset inside the input', () => {
    fc.assert(
      fc.property(fc.array(bgpMessageBytes(), { minLength: 1, maxLength: 5 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 50 }), (msgs, at, value, chunk) => {
        const stream = new Uint8Array(msgs.reduce((n, m) => n + m.bytes.length, 0));
        let o = 0;
        for (const m of msgs) {
          stream.set(m.bytes, o);
          o += m.bytes.length;
        }
        stream[at % stream.length] = value;
        const framer = new BgpFramer();
        const error = bgpErrorOf(() => {
          for (let i = 0; i < stream.length; i += chunk) framer.push(stream.subarray(i, i + chunk));
        });
        if (error) {
          expect(error.offset).toBeGreaterThanOrEqual(0);
          expect(error.offset).toBeLessThan(stream.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fuzz: the engine', () => {
  it('random bytes after a valid OPEN and KEEPALIVE never throw, and end in a NOTIFICATION or a live session', () => {
    const open = encodeMessage(buildOpen({ asn: 65001, holdTime: 90, bgpId: parseIpv4('10.0.0.2') }));
    const keepalive = encodeMessage({ type: 'keepalive' });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), bgpMessageBytes({ fourOctetAs: true }).map((m) => m.bytes)), { maxLength: 6 }), (chunks) => {
        const engine = new BgpEngine({
          asn: 65000,
          routerId: parseIpv4('10.0.0.1'),
          peers: [{ address: parseIpv4('10.0.0.2'), asn: 65001, passive: true, import: 'accept', export: 'accept' }],
          random: () => 0.5,
        });
        engine.start(0);
        expect(engine.accepted(1, parseIpv4('10.0.0.2'), 0)).toBe(true);
        engine.data(1, open, 1);
        engine.data(1, keepalive, 2);
        expect(engine.peerState(parseIpv4('10.0.0.2'))).toBe('Established');
        chunks.forEach((c, i) => engine.data(1, c, 3 + i));
        const actions = engine.takeActions();
        for (const a of actions) expect(['write', 'close']).toContain(a.type);
        const state = engine.peerState(parseIpv4('10.0.0.2'));
        if (state !== 'Established') expect(actions.some((a) => a.type === 'close')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

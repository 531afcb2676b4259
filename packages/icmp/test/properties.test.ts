import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { bytesEqual, internetChecksum, readU16 } from '@wirestack/core';
import { IcmpView, decodeIcmp, encodeIcmp, icmpKind, icmpMessageLength, type IcmpKind, type IcmpMessage } from '../src/index.js';
import { icmpBytes, icmpMessage } from '../src/arbitraries.js';
import { quotedIpv4Spec, specDecode } from './spec.js';

const RUNS = { numRuns: 1000 };
const KINDS: readonly IcmpKind[] = [
  'echo-request', 'echo-reply', 'dest-unreachable', 'source-quench', 'redirect', 'time-exceeded', 'parameter-problem',
  'timestamp', 'timestamp-reply', 'info-request', 'info-reply', 'mask-request', 'mask-reply', 'unknown',
];

/** The message without what encodeIcmp computes, as a caller would build it. */
function withoutChecksum(m: IcmpMessage): IcmpMessage {
  const { checksum: _c, checksumValid: _v, ...rest } = m;
  return rest as IcmpMessage;
}

describe('round trip', () => {
  for (const kind of KINDS) {
    it(`${kind}: decode(encode(m)) = m, and the bytes re-encode unchanged`, () => {
      fc.assert(
        fc.property(icmpMessage([kind]), (m) => {
          const bytes = encodeIcmp(m);
          expect(bytes.length).toBe(icmpMessageLength(m));
          const d = decodeIcmp(bytes);
          expect(d.header).toEqual(m);
          expect(d.issues).toEqual([]);
          expect(bytesEqual(encodeIcmp(d.header), bytes)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('valid bytes inside a buffer decode to the expected values, payload zero-copy', () => {
    fc.assert(
      fc.property(icmpBytes(), (c) => {
        const d = decodeIcmp(c.bytes, c.offset, { length: c.length });
        expect(d.header).toEqual(c.expected);
        expect(d.header.kind).toBe(icmpKind(d.header.type));
        expect(d.headerLength).toBe(c.headerLength);
        expect(d.payload).toEqual(c.payload);
        if (c.payload.length > 0) expect(d.payload.buffer).toBe(c.bytes.buffer);
        expect(bytesEqual(encodeIcmp(d.header), c.bytes.subarray(c.offset, c.offset + c.length))).toBe(true);
      }),
      RUNS,
    );
  });

  it('decoded byte arrays are zero-copy views of the input, like payload', () => {
    fc.assert(
      fc.property(icmpBytes(['echo-request', 'dest-unreachable', 'time-exceeded', 'unknown']), (c) => {
        const { header } = decodeIcmp(c.bytes, c.offset, { length: c.length });
        const arrays =
          header.kind === 'echo-request' ? [header.data]
          : header.kind === 'unknown' ? [header.body]
          : header.kind === 'dest-unreachable' || header.kind === 'time-exceeded' ? [header.quoted.raw, header.extensions, header.quoted.ip?.options ?? new Uint8Array(0)]
          : [];
        for (const a of arrays) if (a.length > 0) expect(a.buffer).toBe(c.bytes.buffer);
      }),
      { numRuns: 300 },
    );
  });
});

describe('view = decode', () => {
  it('the view reads the common header and rest-of-header word as decodeIcmp does', () => {
    const view = new IcmpView();
    fc.assert(
      fc.property(icmpBytes(), (c) => {
        view.reset(c.bytes, c.offset, c.length);
        const h = decodeIcmp(c.bytes, c.offset, { length: c.length }).header;
        expect([view.type, view.code, view.checksum, view.verifyChecksum(), view.messageLength, view.offset, view.bytes]).toEqual([
          h.type, h.code, h.checksum, h.checksumValid, c.length, c.offset, c.bytes,
        ]);
        switch (h.kind) {
          case 'echo-request': case 'echo-reply': case 'timestamp': case 'timestamp-reply':
          case 'info-request': case 'info-reply': case 'mask-request': case 'mask-reply':
            expect([view.id, view.seq]).toEqual([h.id, h.seq]);
            break;
          case 'dest-unreachable':
            expect([view.mtu, view.length, view.rest >>> 24]).toEqual([h.mtu, h.length, h.unused]);
            break;
          case 'redirect':
            expect(view.gateway).toBe(h.gateway);
            break;
          case 'parameter-problem':
            expect([view.pointer, view.length, view.seq]).toEqual([h.pointer, h.length, h.unused]);
            break;
          case 'time-exceeded':
            expect([view.length, (view.rest >>> 24) * 0x10000 + (view.rest & 0xffff)]).toEqual([h.length, h.unused]);
            break;
          case 'source-quench':
            expect(view.rest).toBe(h.unused);
            break;
          case 'unknown':
            expect(view.rest).toBe(h.rest);
            expect(view.payload).toEqual(h.body);
            break;
        }
      }),
      RUNS,
    );
  });

  it('fillChecksum writes what encodeIcmp computes, and verifyChecksum accepts it', () => {
    fc.assert(
      fc.property(icmpBytes(), fc.integer({ min: 0, max: 0xffff }), (c, junk) => {
        const bytes = c.bytes.slice();
        const view = new IcmpView(bytes, c.offset, c.length);
        view.checksum = junk;
        view.fillChecksum();
        expect(view.checksum).toBe(c.expected.checksum);
        expect(view.verifyChecksum()).toBe(true);
        expect(bytesEqual(bytes, c.bytes)).toBe(true); // nothing else moved
      }),
      RUNS,
    );
  });
});

describe('decode = binary-parser spec (test/spec.ts)', () => {
  function agree(bytes: Uint8Array, offset: number): void {
    const spec = specDecode(bytes, offset);
    let ours: IcmpMessage | undefined;
    try {
      ours = decodeIcmp(bytes, offset, { checksum: 'ignore' }).header;
    } catch (error) {
      expect(error).toMatchObject({ name: 'DecodeError', code: 'truncated' });
    }
    expect(ours === undefined, `ours ${ours?.kind}, spec ${spec === undefined ? 'none' : 'decoded'}`).toBe(spec === undefined);
    if (ours === undefined || spec === undefined) return;
    expect([ours.type, ours.code, ours.checksum]).toEqual([spec.type, spec.code, spec.checksum]);
    const f = spec.fields;
    switch (ours.kind) {
      case 'echo-request': case 'echo-reply': case 'info-request': case 'info-reply':
        expect([ours.id, ours.seq]).toEqual([f.id, f.seq]);
        break;
      case 'timestamp': case 'timestamp-reply':
        expect([ours.id, ours.seq, ours.originate, ours.receive, ours.transmit]).toEqual([f.id, f.seq, f.originate, f.receive, f.transmit]);
        break;
      case 'mask-request': case 'mask-reply':
        expect([ours.id, ours.seq, ours.mask]).toEqual([f.id, f.seq, f.mask]);
        break;
      case 'dest-unreachable':
        expect([ours.unused, ours.length, ours.mtu]).toEqual([f.unused, f.length, f.mtu]);
        break;
      case 'source-quench':
        expect(ours.unused).toBe(f.unused);
        break;
      case 'redirect':
        expect(ours.gateway).toBe(f.gateway);
        break;
      case 'time-exceeded':
        expect([ours.length, ours.unused]).toEqual([f.length, f.unusedHigh! * 0x10000 + f.unusedLow!]);
        break;
      case 'parameter-problem':
        expect([ours.pointer, ours.length, ours.unused]).toEqual([f.pointer, f.length, f.unused]);
        break;
      case 'unknown':
        expect(ours.rest).toBe(f.rest);
        break;
    }
    if ('quoted' in ours && ours.quoted.ip !== undefined) {
      const q = quotedIpv4Spec.parse(ours.quoted.raw) as Record<string, number>;
      const ip = ours.quoted.ip;
      expect([ip.version, ip.ihl, ip.dscp, ip.ecn, ip.totalLength, ip.id, ip.df, ip.mf, ip.fragmentOffset, ip.ttl, ip.protocol, ip.checksum, ip.src, ip.dst]).toEqual([
        q.version, q.ihl, q.dscp, q.ecn, q.totalLength, q.id, q.df === 1, q.mf === 1, q.fragmentBlocks! * 8, q.ttl, q.protocol, q.checksum, q.src, q.dst,
      ]);
    }
  }

  it('on valid messages', () => {
    fc.assert(fc.property(icmpBytes(), (c) => agree(c.bytes.subarray(0, c.offset + c.length), c.offset)), RUNS);
  });

  it('on random bytes (every type, any length)', () => {
    const input = fc
      .tuple(fc.uint8Array({ maxLength: 4 }), fc.oneof(fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 255 })), fc.uint8Array({ maxLength: 40 }))
      .map(([before, type, rest]) => ({ bytes: Uint8Array.from([...before, type, ...rest]), offset: before.length }));
    fc.assert(fc.property(input, ({ bytes, offset }) => agree(bytes, offset)), { numRuns: 2000 });
  });
});

describe('encoding computes what it can', () => {
  it('the checksum, unless given: over the whole message it sums to zero', () => {
    fc.assert(
      fc.property(icmpMessage(), (m) => {
        const bytes = encodeIcmp(withoutChecksum(m));
        expect(internetChecksum(bytes)).toBe(0);
        expect(readU16(bytes, 2)).toBe(m.checksum);
      }),
      RUNS,
    );
  });

  it('a given checksum is written as is (so tests can build bad messages)', () => {
    fc.assert(
      fc.property(icmpMessage(), fc.integer({ min: 0, max: 0xffff }), (m, checksum) => {
        const bytes = encodeIcmp({ ...m, checksum } as IcmpMessage);
        expect(readU16(bytes, 2)).toBe(checksum);
        const d = decodeIcmp(bytes, 0, { mode: 'lax' });
        expect(d.header.checksumValid).toBe(internetChecksum(bytes) === 0);
        expect(d.issues.some((i) => i.code === 'bad-checksum')).toBe(!d.header.checksumValid);
      }),
      RUNS,
    );
  });

  it('type is implied by kind; encoding into a buffer writes only the message region', () => {
    fc.assert(
      fc.property(icmpMessage(), fc.nat(20), fc.nat(20), (m, before, after) => {
        const fresh = encodeIcmp(m);
        if (m.kind !== 'unknown') {
          const { type: _t, ...untyped } = withoutChecksum(m);
          expect(bytesEqual(encodeIcmp(untyped as IcmpMessage), fresh)).toBe(true);
        }
        const out = new Uint8Array(before + fresh.length + after).fill(0xa5);
        const written = encodeIcmp(m, out, before);
        expect(written.buffer).toBe(out.buffer);
        expect(written.byteOffset).toBe(before);
        expect(bytesEqual(written, fresh)).toBe(true);
        expect(out.subarray(0, before).every((b) => b === 0xa5)).toBe(true);
        expect(out.subarray(before + fresh.length).every((b) => b === 0xa5)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('lax mode', () => {
  it('never throws on any message with its fixed part, and reads the same fields as strict when the checksum is right', () => {
    const message = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 20, maxLength: 80 }))
      .map(([type, rest]) => Uint8Array.from([type, ...rest]));
    fc.assert(
      fc.property(message, (bytes) => {
        const lax = decodeIcmp(bytes, 0, { mode: 'lax' });
        if (lax.header.checksumValid) {
          expect(lax.header).toEqual(decodeIcmp(bytes).header);
        } else {
          expect(lax.issues[0]).toMatchObject({ code: 'bad-checksum', offset: 2 });
          expect(() => decodeIcmp(bytes)).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'bad-checksum', offset: 2 }));
          expect(decodeIcmp(bytes, 0, { checksum: 'ignore' }).header).toEqual(lax.header);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('valid messages give no issues in lax mode unless the quote is truncated or not IPv4', () => {
    fc.assert(
      fc.property(icmpBytes(), (c) => {
        const d = decodeIcmp(c.bytes, c.offset, { length: c.length, mode: 'lax' });
        expect(d.header).toEqual(c.expected);
        const h = c.expected;
        const quoteTrouble = 'quoted' in h && (h.quoted.truncated || h.quoted.ip === undefined || h.quoted.ip.ihl < 5);
        if (!quoteTrouble) expect(d.issues).toEqual([]);
        for (const issue of d.issues) expect(issue.code).toMatch(/^quote-/);
      }),
      RUNS,
    );
  });
});

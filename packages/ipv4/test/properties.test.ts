import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { bytesEqual, internetChecksum, isDecodeError, type DecodeOptions } from '@wirestack/core';
import { Ipv4Reassembler, Ipv4View, decodeIpv4, encodeIpv4, fragmentIpv4, ipv4HeaderLength } from '../src/index.js';
import { fragmentSet, ipv4Header, ipv4Packet, malformedIpv4Packet } from '../src/arbitraries.js';
import { specDecode } from './spec.js';

const RUNS = { numRuns: 1000 };

/** Random bytes shaped like an IPv4 header often: version 4 and IHL 5..15 most of the time. */
const headerish = fc
  .record({
    bytes: fc.uint8Array({ minLength: 20, maxLength: 90 }),
    first: fc.oneof(fc.integer({ min: 0x45, max: 0x4f }), fc.integer({ min: 0, max: 255 })),
    totalLength: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 0xffff })),
    prefix: fc.uint8Array({ maxLength: 6 }),
  })
  .map(({ bytes, first, totalLength, prefix }) => {
    bytes[0] = first;
    bytes[2] = totalLength >>> 8;
    bytes[3] = totalLength & 0xff;
    const buffer = new Uint8Array(prefix.length + bytes.length);
    buffer.set(prefix);
    buffer.set(bytes, prefix.length);
    return { buffer, offset: prefix.length };
  });

const decodeOptions: fc.Arbitrary<DecodeOptions> = fc.record(
  { mode: fc.constantFrom('strict' as const, 'lax' as const), checksum: fc.constantFrom('verify' as const, 'ignore' as const) },
  { requiredKeys: [] },
);

describe('round trip', () => {
  it('valid bytes decode to the expected values, and encode back to the same bytes', () => {
    fc.assert(
      fc.property(ipv4Packet(), (c) => {
        const d = decodeIpv4(c.bytes, c.offset);
        expect(d.header).toEqual(c.header);
        expect(d.headerLength).toBe(c.headerLength);
        expect(ipv4HeaderLength(c.bytes, c.offset)).toBe(c.headerLength);
        expect(d.issues).toEqual([]);
        // Ethernet padding after Total Length is not payload
        expect(d.payload).toEqual(c.payload);
        if (c.payload.length > 0) expect(d.payload.buffer).toBe(c.bytes.buffer); // zero-copy
        const datagram = c.bytes.subarray(c.offset, c.offset + c.header.totalLength);
        expect(bytesEqual(encodeIpv4({ ...d.header, payload: d.payload }), datagram)).toBe(true);
      }),
      RUNS,
    );
  });

  it('encode computes IHL, total length and checksum from the fields alone', () => {
    fc.assert(
      fc.property(ipv4Packet({ trailing: false }), (c) => {
        const { ihl, totalLength, checksum, checksumValid, ...fields } = c.header;
        const bytes = encodeIpv4({ ...fields, payload: c.payload });
        expect(bytesEqual(bytes, c.bytes)).toBe(true);
        expect([bytes[0]! & 0x0f, (bytes[2]! << 8) | bytes[3]!]).toEqual([ihl, totalLength]);
        expect(internetChecksum(bytes, 0, ihl * 4)).toBe(0);
        expect(checksumValid).toBe(true);
        // the header alone, into a caller's dirty buffer at an offset, with the total length given
        const out = new Uint8Array(8 + c.headerLength).fill(0xee);
        const written = encodeIpv4({ ...fields, totalLength }, out, 8);
        expect(written.byteOffset).toBe(8);
        expect(bytesEqual(written, c.bytes.subarray(0, c.headerLength))).toBe(true);
      }),
      RUNS,
    );
  });

  it('given IHL, total length and checksum are written as they are (to build bad packets)', () => {
    fc.assert(
      fc.property(ipv4Header(), fc.integer({ min: 0, max: 15 }), fc.nat(0xffff), fc.nat(0xffff), (fields, ihl, totalLength, checksum) => {
        const bytes = encodeIpv4({ ...fields, ihl, totalLength, checksum });
        const view = new Ipv4View(bytes.length >= 60 ? bytes : Uint8Array.from([...bytes, ...new Uint8Array(60)]));
        expect([view.ihl, view.totalLength, view.checksum]).toEqual([ihl, totalLength, checksum]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the view agrees with decode', () => {
  function expectSame(view: Ipv4View, bytes: Uint8Array, offset: number): void {
    const d = decodeIpv4(bytes, offset, { mode: 'lax' });
    const h = d.header;
    expect(view.reset(bytes, offset)).toBe(view);
    expect([view.version, view.ihl, view.dscp, view.ecn, view.totalLength, view.id]).toEqual([h.version, h.ihl, h.dscp, h.ecn, h.totalLength, h.id]);
    expect([view.reservedFlag, view.df, view.mf, view.fragmentOffset, view.ttl, view.protocol]).toEqual([
      h.reservedFlag, h.df, h.mf, h.fragmentOffset, h.ttl, h.protocol,
    ]);
    expect([view.checksum, view.src, view.dst, view.verifyChecksum()]).toEqual([h.checksum, h.src, h.dst, h.checksumValid]);
    expect(view.isFragment).toBe(h.mf || h.fragmentOffset !== 0);
    expect(view.headerLength).toBe(d.headerLength);
    expect(view.payloadOffset).toBe(offset + d.headerLength);
    expect(view.payloadLength).toBe(d.payload.length);
    expect(view.payload).toEqual(d.payload);
    expect(view.optionsBytes.length).toBe(d.headerLength - 20);
  }

  it('on valid datagrams', () => {
    const view = new Ipv4View();
    fc.assert(fc.property(ipv4Packet(), (c) => expectSame(view, c.bytes, c.offset)), RUNS);
  });

  it('on any bytes lax decoding accepts, and both refuse the same truncated ones', () => {
    const view = new Ipv4View();
    fc.assert(
      fc.property(headerish, ({ buffer, offset }) => {
        let decodeError: unknown;
        try {
          decodeIpv4(buffer, offset, { mode: 'lax' });
        } catch (e) {
          decodeError = e;
        }
        if (decodeError === undefined) expectSame(view, buffer, offset);
        else expect(() => view.reset(buffer, offset)).toThrow(expect.objectContaining({ code: 'truncated', offset }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decode agrees with the binary-parser spec', () => {
  it('on the fixed header of random bytes, and strict mode rejects exactly what the spec reads as invalid', () => {
    fc.assert(
      fc.property(headerish, ({ buffer, offset }) => {
        const spec = specDecode(buffer, offset);
        let lax;
        try {
          lax = decodeIpv4(buffer, offset, { mode: 'lax' });
        } catch (e) {
          // only a header that is not all there: what the spec cannot read either (IHL >= 5)
          expect(isDecodeError(e) && e.code).toBe('truncated');
          expect(spec === undefined || spec.ihl < 5).toBe(true);
          return;
        }
        if (spec === undefined) throw new Error('lax decoded a header the spec could not read');
        const h = lax.header;
        expect(h).toMatchObject({
          version: spec.version,
          ihl: spec.ihl,
          dscp: spec.dscp,
          ecn: spec.ecn,
          totalLength: spec.totalLength,
          id: spec.id,
          reservedFlag: spec.reservedFlag === 1,
          df: spec.df === 1,
          mf: spec.mf === 1,
          fragmentOffset: spec.fragmentOffsetUnits * 8,
          ttl: spec.ttl,
          protocol: spec.protocol,
          checksum: spec.checksum,
          src: spec.src,
          dst: spec.dst,
        });
        if (spec.ihl >= 5) expect(lax.headerLength).toBe(20 + spec.options.length);
        // the first strict rejection, from the spec's fields
        const available = buffer.length - offset;
        const checksumOk = internetChecksum(buffer, offset, offset + lax.headerLength) === 0;
        const expectedCode =
          spec.version !== 4 ? 'bad-version'
          : spec.ihl < 5 ? 'bad-header-length'
          : !checksumOk ? 'bad-checksum'
          : spec.totalLength < lax.headerLength ? 'bad-length'
          : spec.totalLength > available ? 'truncated'
          : lax.issues.length > 0 ? 'bad-option'
          : 'ok';
        let code = 'ok';
        try {
          decodeIpv4(buffer, offset);
        } catch (e) {
          code = isDecodeError(e) ? e.code : 'other';
        }
        expect(code).toBe(expectedCode);
        expect(lax.issues.length === 0).toBe(expectedCode === 'ok');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lax mode', () => {
  it('never throws once the header is there, and its issues are what strict mode throws first', () => {
    fc.assert(
      fc.property(headerish, decodeOptions, ({ buffer, offset }, options) => {
        const ihl = buffer[offset]! & 0x0f;
        if (buffer.length - offset < Math.max(20, ihl * 4)) return;
        const lax = decodeIpv4(buffer, offset, { ...options, mode: 'lax' });
        expect(lax.payload.byteOffset + lax.payload.length).toBeLessThanOrEqual(buffer.byteOffset + buffer.length);
        try {
          decodeIpv4(buffer, offset, { ...options, mode: 'strict' });
          expect(lax.issues).toEqual([]);
        } catch (e) {
          if (!isDecodeError(e)) throw e;
          expect(lax.issues[0]).toEqual(e.toIssue());
        }
        // what lax decodes encodes back to the same header bytes (options padding aside)
        if (lax.header.options.every((o) => o.kind !== 'eol')) {
          const again = encodeIpv4(lax.header);
          expect(bytesEqual(again.subarray(0, 20), buffer.subarray(offset, offset + 20)) || ihl < 5).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('malformed datagrams: strict throws exactly the announced error; lax reports it as the first issue', () => {
    fc.assert(
      fc.property(malformedIpv4Packet(), (c) => {
        expect(() => decodeIpv4(c.bytes, c.offset)).toThrow(expect.objectContaining({ name: 'DecodeError', layer: 'ipv4', ...c.expected }));
        // a header that is not all there throws in lax mode too
        const available = c.bytes.length - c.offset;
        const headerCut = available < 20 || available < ((c.bytes[c.offset] ?? 0) & 0x0f) * 4;
        if (headerCut) {
          expect(() => decodeIpv4(c.bytes, c.offset, { mode: 'lax' })).toThrow(expect.objectContaining({ code: 'truncated' }));
        } else {
          const lax = decodeIpv4(c.bytes, c.offset, { mode: 'lax' });
          expect(lax.issues[0]).toMatchObject({ code: c.expected.code, offset: c.expected.offset });
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('TTL decrement', () => {
  it('the incremental checksum update (RFC 1624) equals a full recomputation', () => {
    fc.assert(
      fc.property(ipv4Packet(), (c) => {
        fc.pre(c.header.ttl > 0);
        const bytes = c.bytes.slice();
        const view = new Ipv4View(bytes, c.offset);
        expect(view.decrementTtl()).toBe(c.header.ttl - 1);
        const incremental = view.checksum;
        expect(view.verifyChecksum()).toBe(true);
        expect(view.fillChecksum()).toBe(incremental);
        expect(decodeIpv4(bytes, c.offset).header).toMatchObject({ ttl: c.header.ttl - 1, checksum: incremental, checksumValid: true });
      }),
      RUNS,
    );
  });

  it('every TTL from 255 down to 0, then refuses', () => {
    const bytes = encodeIpv4({ protocol: 1, ttl: 255, src: 0x0a000001 as never, dst: 0x0a000002 as never, id: 0xffff });
    const view = new Ipv4View(bytes);
    for (let ttl = 254; ttl >= 0; ttl--) {
      expect(view.decrementTtl()).toBe(ttl);
      expect(internetChecksum(bytes, 0, 20)).toBe(0);
    }
    expect(() => view.decrementTtl()).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'out-of-range', field: 'ttl' }));
  });
});

describe('fragmentation and reassembly', () => {
  it('fragment then reassemble is the identity, for any MTU 68..1500 and any arrival order', () => {
    let split = 0;
    const unfragmented = ipv4Packet({ maxPayload: 4000, trailing: false }).filter((c) => !c.header.mf && c.header.fragmentOffset === 0);
    fc.assert(
      fc.property(unfragmented, fc.integer({ min: 68, max: 1500 }), fc.boolean(), (c, mtu, df) => {
        const datagram = c.bytes.slice();
        if (df) datagram[6]! |= 0x40;
        else datagram[6]! &= ~0x40;
        const view = new Ipv4View(datagram);
        view.fillChecksum();
        if (df && datagram.length > mtu) {
          expect(() => fragmentIpv4(datagram, mtu)).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'dont-fragment', field: 'df' }));
          return;
        }
        const fragments = fragmentIpv4(datagram, mtu);
        for (const [i, f] of fragments.entries()) {
          const d = decodeIpv4(f);
          expect(f.length).toBeLessThanOrEqual(mtu);
          expect(d.header.mf).toBe(i < fragments.length - 1);
          if (d.header.mf) expect(d.payload.length % 8).toBe(0);
          if (i > 0) expect(d.header.options.every((o) => (o.type & 0x80) !== 0 || o.kind === 'eol')).toBe(true);
        }
        if (fragments.length === 1) {
          expect(bytesEqual(fragments[0]!, datagram)).toBe(true);
          return;
        }
        split++;
        const order = fc.sample(fc.shuffledSubarray(fragments, { minLength: fragments.length, maxLength: fragments.length }), 1)[0]!;
        const reassembler = new Ipv4Reassembler();
        const results = order.map((f, i) => reassembler.push(f, i));
        expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
        expect(bytesEqual(results[results.length - 1]!, datagram)).toBe(true);
        expect(reassembler.memory).toBe(0);
      }),
      { numRuns: 500 },
    );
    expect(split).toBeGreaterThan(100); // a good share of runs (DF ones aside) exercise fragmentation
  });

  it('fragmentSet: shuffled fragments with duplicates reassemble to the datagram', () => {
    fc.assert(
      fc.property(fragmentSet(), (c) => {
        const reassembler = new Ipv4Reassembler();
        const results = c.fragments.map((f, i) => reassembler.push(f, i)).filter((r) => r !== undefined);
        expect(results.length).toBeGreaterThanOrEqual(1);
        for (const r of results) expect(bytesEqual(r, c.datagram)).toBe(true);
        const stats = reassembler.stats;
        expect(stats.reasmReqds).toBe(c.fragments.length);
        expect(stats.reasmFails).toBe(0);
        expect(stats.reasmOKs).toBe(results.length);
        // the first completion consumed one copy of each fragment; every other arrival before it was a duplicate
        expect(stats.duplicates).toBeLessThanOrEqual(c.fragments.length - c.count);
      }),
      { numRuns: 500 },
    );
  });
});

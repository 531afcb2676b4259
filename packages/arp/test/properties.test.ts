import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { bytesEqual, macFromBytes, ipv4FromBytes, type DecodeOptions } from '@wirestack/core';
import { ArpView, arpHeaderLength, decodeArp, encodeArp, type ArpPacket, type GenericArp } from '../src/index.js';
import { arpBytes, arpPacket, genericArpPacket } from '../src/arbitraries.js';
import { specDecode } from './spec.js';

const RUNS = { numRuns: 1000 };

/** What the view reads, in the object form, so the two can be compared whole. */
function viewAsPacket(view: ArpView): ArpPacket {
  const common = { htype: view.htype, ptype: view.ptype, hlen: view.hlen, plen: view.plen, op: view.op };
  if (view.kind === 'ethernet-ipv4') {
    return { kind: 'ethernet-ipv4', htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op: view.op, sha: view.sha, spa: view.spa, tha: view.tha, tpa: view.tpa };
  }
  return {
    kind: 'generic',
    ...common,
    sha: view.shaBytes.slice(),
    spa: view.spaBytes.slice(),
    tha: view.thaBytes.slice(),
    tpa: view.tpaBytes.slice(),
  };
}

describe('round trip', () => {
  it('Ethernet/IPv4: decode(encode(p)) = p', () => {
    fc.assert(
      fc.property(arpPacket(), (p) => {
        const bytes = encodeArp(p);
        expect(bytes.length).toBe(28);
        expect(decodeArp(bytes).header).toEqual(p);
      }),
      RUNS,
    );
  });

  it('generic: decode(encode(p)) = p', () => {
    fc.assert(
      fc.property(genericArpPacket(), (p) => {
        const bytes = encodeArp(p);
        expect(bytes.length).toBe(8 + 2 * p.hlen + 2 * p.plen);
        expect(decodeArp(bytes).header).toEqual(p);
      }),
      RUNS,
    );
  });

  it('valid bytes decode to the expected values, and encode back to the same bytes', () => {
    fc.assert(
      fc.property(arpBytes(), (c) => {
        const d = decodeArp(c.bytes, c.offset);
        expect(d.header).toEqual(c.expected);
        expect(d.headerLength).toBe(c.headerLength);
        expect(arpHeaderLength(c.bytes, c.offset)).toBe(c.headerLength);
        expect(d.payload).toEqual(c.payload);
        if (c.payload.length > 0) expect(d.payload.buffer).toBe(c.bytes.buffer); // zero-copy
        expect(bytesEqual(encodeArp(d.header), c.bytes.subarray(c.offset, c.offset + c.headerLength))).toBe(true);
      }),
      RUNS,
    );
  });

  it('decoded generic addresses are copies, not views of the input', () => {
    fc.assert(
      fc.property(arpBytes(), (c) => {
        const { header } = decodeArp(c.bytes, c.offset);
        if (header.kind !== 'generic') return;
        for (const a of [header.sha, header.spa, header.tha, header.tpa]) expect(a.buffer).not.toBe(c.bytes.buffer);
      }),
      { numRuns: 200 },
    );
  });
});

describe('view = decode', () => {
  it('the view reads what decodeArp decodes, for both kinds', () => {
    const view = new ArpView();
    fc.assert(
      fc.property(arpBytes(), (c) => {
        view.reset(c.bytes, c.offset);
        const d = decodeArp(c.bytes, c.offset);
        expect(view.kind).toBe(d.header.kind);
        expect(view.headerLength).toBe(d.headerLength);
        expect(view.offset).toBe(c.offset);
        expect(view.bytes).toBe(c.bytes);
        expect(viewAsPacket(view)).toEqual(d.header);
      }),
      RUNS,
    );
  });

  it('writing every field through the view gives the bytes encodeArp writes', () => {
    fc.assert(
      fc.property(arpBytes(), arpPacket(), (c, p) => {
        const bytes = c.bytes.slice();
        const view = new ArpView(bytes, c.offset);
        if (view.kind !== 'ethernet-ipv4') return;
        view.op = p.op;
        view.sha = p.sha;
        view.spa = p.spa;
        view.tha = p.tha;
        view.tpa = p.tpa;
        expect(bytesEqual(bytes.subarray(c.offset, c.offset + 28), encodeArp(p))).toBe(true);
        // nothing outside the packet moved
        expect(bytesEqual(bytes.subarray(0, c.offset), c.bytes.subarray(0, c.offset))).toBe(true);
        expect(bytesEqual(bytes.subarray(c.offset + 28), c.bytes.subarray(c.offset + 28))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('decode = binary-parser spec (test/spec.ts)', () => {
  function agree(bytes: Uint8Array, offset: number): void {
    const spec = specDecode(bytes, offset);
    let ours: ArpPacket | undefined;
    try {
      ours = decodeArp(bytes, offset).header;
    } catch (error) {
      expect(error).toMatchObject({ name: 'DecodeError', code: 'truncated' });
    }
    expect(ours === undefined).toBe(spec === undefined);
    if (ours === undefined || spec === undefined) return;
    expect([ours.htype, ours.ptype, ours.hlen, ours.plen, ours.op]).toEqual([spec.htype, spec.ptype, spec.hlen, spec.plen, spec.op]);
    if (ours.kind === 'ethernet-ipv4') {
      expect([spec.htype, spec.ptype, spec.hlen, spec.plen]).toEqual([1, 0x0800, 6, 4]);
      expect([ours.sha, ours.spa, ours.tha, ours.tpa]).toEqual([
        macFromBytes(spec.sha),
        ipv4FromBytes(spec.spa),
        macFromBytes(spec.tha),
        ipv4FromBytes(spec.tpa),
      ]);
    } else {
      const g: GenericArp = ours;
      expect([spec.htype, spec.ptype, spec.hlen, spec.plen]).not.toEqual([1, 0x0800, 6, 4]);
      for (const f of ['sha', 'spa', 'tha', 'tpa'] as const) expect(bytesEqual(g[f], spec[f])).toBe(true);
    }
  }

  it('on valid packets', () => {
    fc.assert(fc.property(arpBytes(), (c) => agree(c.bytes, c.offset)), RUNS);
  });

  it('on random bytes (mostly short address lengths so that some fit)', () => {
    const fixed = fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.uint8Array({ minLength: 2, maxLength: 2 }));
    const input = fc
      .tuple(fc.uint8Array({ maxLength: 8 }), fc.option(fixed), fc.uint8Array({ maxLength: 48 }))
      .map(([before, f, rest]) => {
        const head = f === null ? [] : [...f[0], f[1], f[2], ...f[3]];
        return { bytes: Uint8Array.from([...before, ...head, ...rest]), offset: before.length };
      });
    fc.assert(fc.property(input, ({ bytes, offset }) => agree(bytes, offset)), { numRuns: 2000 });
  });
});

describe('encoding computes what it can', () => {
  it('generic hlen/plen default to the address lengths', () => {
    fc.assert(
      fc.property(genericArpPacket(), (p) => {
        const { hlen: _h, plen: _p, ...rest } = p;
        const bytes = encodeArp(rest);
        expect([bytes[4], bytes[5]]).toEqual([p.sha.length, p.spa.length]);
        expect(decodeArp(bytes).header).toEqual(p);
      }),
      RUNS,
    );
  });

  it('Ethernet/IPv4 htype/ptype/hlen/plen are implied', () => {
    fc.assert(
      fc.property(arpPacket(), (p) => {
        const bytes = encodeArp({ kind: 'ethernet-ipv4', op: p.op, sha: p.sha, spa: p.spa, tha: p.tha, tpa: p.tpa });
        expect(bytesEqual(bytes, encodeArp(p))).toBe(true);
      }),
      RUNS,
    );
  });

  it('encoding into a buffer writes only the packet region and returns it', () => {
    fc.assert(
      fc.property(fc.oneof(arpPacket() as fc.Arbitrary<ArpPacket>, genericArpPacket()), fc.nat(20), fc.nat(20), (p, before, after) => {
        const fresh = encodeArp(p);
        const out = new Uint8Array(before + fresh.length + after).fill(0xa5);
        const written = encodeArp(p, out, before);
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
  it('never throws on a whole packet and decodes as strict does, with no issues', () => {
    fc.assert(
      fc.property(arpBytes(), (c) => {
        const lax: DecodeOptions = { mode: 'lax' };
        const d = decodeArp(c.bytes, c.offset, lax);
        expect(d).toEqual(decodeArp(c.bytes, c.offset));
        expect(d.issues).toEqual([]);
      }),
      RUNS,
    );
  });

  it('never throws on random bytes that hold the length the fixed part announces', () => {
    const whole = fc
      .uint8Array({ minLength: 8, maxLength: 8 })
      .chain((fixed) =>
        fc
          .uint8Array({ minLength: 2 * fixed[4]! + 2 * fixed[5]!, maxLength: 2 * fixed[4]! + 2 * fixed[5]! + 20 })
          .map((rest) => ({ bytes: Uint8Array.from([...fixed, ...rest]), length: 8 + 2 * fixed[4]! + 2 * fixed[5]! })),
      );
    fc.assert(
      fc.property(whole, ({ bytes, length }) => {
        expect(decodeArp(bytes, 0, { mode: 'lax' }).headerLength).toBe(length);
      }),
      { numRuns: 500 },
    );
  });
});

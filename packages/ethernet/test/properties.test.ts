import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError, isDecodeError, parseMac } from '@wirestack/core';
import { macAddress } from '@wirestack/core/arbitraries';
import {
  type DecodedEthernet,
  type EthernetDecodeOptions,
  EthernetView,
  crc32,
  decodeEthernet,
  encodeEthernet,
  splitPadding,
} from '../src/index.js';
import { ethernetFrame, ethernetHeader } from '../src/arbitraries.js';
import { parseWithSpec } from './spec.js';

/** CRC-32 one bit at a time, straight from the definition: the oracle for the table-driven one. */
function bitwiseCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Random bytes placed at a random offset inside a larger buffer, so offsets are tested too. */
const placed = (minLength: number) =>
  fc.record({ prefix: fc.uint8Array({ maxLength: 8 }), frame: fc.uint8Array({ minLength, maxLength: 120 }) }).map(({ prefix, frame }) => ({
    buffer: concat(prefix, frame),
    offset: prefix.length,
  }));

/** Random frames that look like Ethernet often: Length/Type biased towards the interesting ranges. */
const frameish = fc
  .record({
    frame: fc.uint8Array({ minLength: 14, maxLength: 120 }),
    value: fc.oneof(fc.integer({ min: 0, max: 140 }), fc.integer({ min: 1490, max: 1545 }), fc.integer({ min: 0, max: 0xffff })),
  })
  .map(({ frame, value }) => {
    frame[12] = value >>> 8;
    frame[13] = value & 0xff;
    return frame;
  });

const decodeOptions: fc.Arbitrary<EthernetDecodeOptions> = fc.record(
  { mode: fc.constantFrom('strict' as const, 'lax' as const), checksum: fc.constantFrom('verify' as const, 'ignore' as const), fcs: fc.boolean() },
  { requiredKeys: [] },
);

describe('round trip', () => {
  it('decode(encode(frame)) gives back the header and payload', () => {
    fc.assert(
      fc.property(ethernetFrame(), fc.boolean(), ({ header, payload, bytes }, withFcs) => {
        const wire = withFcs ? encodeEthernet({ ...header, payload, pad: bytes.length > 14 + payload.length, fcs: true }) : bytes;
        const d = decodeEthernet(wire, 0, { fcs: withFcs });
        expect(d.header).toEqual(header);
        expect(d.issues).toEqual([]);
        const split = splitPadding(d, payload.length);
        expect(split.payload).toEqual(payload);
        expect(split.padding.every((b) => b === 0)).toBe(true);
        if ('length' in header) expect(d.payload).toEqual(payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('encode(decode(bytes)) gives back the bytes, for anything lax mode decodes', () => {
    fc.assert(
      fc.property(frameish, (frame) => {
        const d = decodeEthernet(frame, 0, { mode: 'lax' });
        expect(encodeEthernet({ ...d.header, payload: concat(d.payload, d.padding), pad: false })).toEqual(frame);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the view agrees with decode', () => {
  it('on every field, for any bytes at any offset', () => {
    const view = new EthernetView();
    fc.assert(
      fc.property(placed(14), frameish, fc.boolean(), ({ buffer, offset }, frame, useFrameish) => {
        if (useFrameish) {
          buffer = frame;
          offset = 0;
        }
        const d = decodeEthernet(buffer, offset, { mode: 'lax' });
        expect(view.reset(buffer, offset)).toBe(view);
        expect(view.dst).toBe(d.header.dst);
        expect(view.src).toBe(d.header.src);
        if ('etherType' in d.header) {
          expect(view.isLength).toBe(false);
          expect(view.etherType).toBe(d.header.etherType);
        } else {
          expect(view.isLength).toBe(true);
          expect(view.etherType).toBe(d.header.length);
        }
        expect(view.payloadOffset).toBe(d.payload.byteOffset - buffer.byteOffset);
        expect(view.payloadLength).toBe(d.payload.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decode agrees with the binary-parser spec', () => {
  it('on random frames', () => {
    fc.assert(
      fc.property(frameish, (frame) => {
        const spec = parseWithSpec(frame);
        const lax = decodeEthernet(frame, 0, { mode: 'lax' });
        expect(lax.header.dst).toBe(spec.dst);
        expect(lax.header.src).toBe(spec.src);
        expect('etherType' in lax.header ? lax.header.etherType : lax.header.length).toBe(spec.typeOrLength);
        expect(lax.payload).toEqual(spec.payload);
        expect(lax.padding).toEqual(spec.padding ?? new Uint8Array(0));
        // Strict mode rejects exactly what the spec reads as out of range.
        const gap = spec.typeOrLength > 1500 && spec.typeOrLength < 0x0600;
        const short = spec.typeOrLength <= 1500 && spec.payload.length < spec.typeOrLength;
        let threw: unknown;
        try {
          decodeEthernet(frame);
        } catch (e) {
          threw = e;
        }
        expect(threw === undefined ? 'ok' : isDecodeError(threw) ? threw.code : 'other').toBe(gap ? 'bad-value' : short ? 'truncated' : 'ok');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lax mode', () => {
  it('never throws once the fixed header is there', () => {
    fc.assert(
      fc.property(placed(18), decodeOptions, ({ buffer, offset }, options) => {
        const d: DecodedEthernet = decodeEthernet(buffer, offset, { ...options, mode: 'lax' });
        const end = buffer.length - (options.fcs ? 4 : 0);
        expect(d.payload.length + d.padding.length).toBe(end - offset - 14);
        for (const issue of d.issues) expect(issue.layer).toBe('ethernet');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encode', () => {
  const input = fc.record({ header: ethernetHeader(), payload: fc.uint8Array({ maxLength: 100 }) });

  it('pads to 60 bytes unless pad: false, and appends the FCS with fcs: true', () => {
    fc.assert(
      fc.property(input, fc.boolean(), fc.boolean(), ({ header, payload }, pad, withFcs) => {
        const bytes = encodeEthernet({ ...header, payload, pad, fcs: withFcs });
        const content = 14 + payload.length;
        const frameLength = pad ? Math.max(60, content) : content;
        expect(bytes.length).toBe(frameLength + (withFcs ? 4 : 0));
        expect(bytes.subarray(14, content)).toEqual(payload);
        expect(bytes.subarray(content, frameLength).every((b) => b === 0)).toBe(true);
        if (withFcs) {
          const fcs = bytes[frameLength]! | (bytes[frameLength + 1]! << 8) | (bytes[frameLength + 2]! << 16) | (bytes[frameLength + 3]! << 24);
          expect(fcs >>> 0).toBe(bitwiseCrc32(bytes.subarray(0, frameLength)));
          // The header's length need not match the payload here, hence lax.
          const d = decodeEthernet(bytes, 0, { fcs: true, mode: 'lax' });
          expect(d.fcs).toBe(fcs >>> 0);
          expect(d.issues.filter((i) => i.code === 'bad-checksum')).toEqual([]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('writes the same bytes into a dirty buffer at an offset, and returns that region', () => {
    fc.assert(
      fc.property(input, fc.boolean(), fc.nat({ max: 16 }), fc.nat({ max: 16 }), ({ header, payload }, withFcs, before, after) => {
        const fresh = encodeEthernet({ ...header, payload, fcs: withFcs });
        const out = new Uint8Array(before + fresh.length + after).fill(0xa5);
        const written = encodeEthernet({ ...header, payload, fcs: withFcs }, out, before);
        expect(written).toEqual(fresh);
        expect(written.buffer).toBe(out.buffer);
        expect(written.byteOffset).toBe(before);
        expect(out.subarray(0, before).every((b) => b === 0xa5)).toBe(true);
        expect(out.subarray(before + fresh.length).every((b) => b === 0xa5)).toBe(true);
        const small = new Uint8Array(before + fresh.length - 1);
        expect(() => encodeEthernet({ ...header, payload, fcs: withFcs }, small, before)).toThrow(EncodeError);
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
      fc.property(macAddress(), macAddress(), fc.integer({ min: 0, max: 1500 }), (dst, src, small) => {
        expect(field(() => encodeEthernet({ dst, src, etherType: small }))).toBe('out-of-range:etherType');
        expect(field(() => encodeEthernet({ dst, src, etherType: 0x10000 }))).toBe('out-of-range:etherType');
        expect(field(() => encodeEthernet({ dst, src, length: small + 1501 }))).toBe('out-of-range:length');
        expect(field(() => encodeEthernet({ dst, src, length: small }))).toBe('no error');
        expect(field(() => encodeEthernet({ dst: 2 ** 48, src, etherType: 0x0800 } as never))).toBe('out-of-range:dst');
        expect(field(() => encodeEthernet({ dst, src: -1, etherType: 0x0800 } as never))).toBe('out-of-range:src');
        expect(field(() => encodeEthernet({ dst, src } as never))).toBe('invalid:etherType');
        expect(field(() => encodeEthernet({ dst, src, etherType: 0x0800, length: small } as never))).toBe('invalid:length');
      }),
      { numRuns: 200 },
    );
  });
});

describe('splitPadding', () => {
  it('moves the payload tail into padding and keeps everything else', () => {
    fc.assert(
      fc.property(frameish, fc.nat({ max: 200 }), (frame, upper) => {
        const d = decodeEthernet(frame, 0, { mode: 'lax' });
        const s = splitPadding(d, upper);
        expect(s.header).toBe(d.header);
        expect(s.issues).toBe(d.issues);
        expect(s.payload.length).toBe(Math.min(upper, d.payload.length));
        expect(concat(s.payload, s.padding)).toEqual(concat(d.payload, d.padding));
        if (upper >= d.payload.length) expect(s).toBe(d);
      }),
      { numRuns: 500 },
    );
    const d = decodeEthernet(new Uint8Array(60));
    expect(() => splitPadding(d, -1)).toThrow(RangeError);
    expect(() => splitPadding(d, 1.5)).toThrow(RangeError);
  });
});

describe('crc32', () => {
  it('equals the bitwise definition on any range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32(bytes, start, end)).toBe(bitwiseCrc32(bytes.subarray(start, end)));
      }),
      { numRuns: 1000 },
    );
  });

  it('continues across a split and leaves the 802.3 residue over a frame with its FCS', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, at) => {
        const cut = at % (bytes.length + 1);
        expect(crc32(bytes, cut, bytes.length, crc32(bytes, 0, cut))).toBe(crc32(bytes));
        const withFcs = new Uint8Array(bytes.length + 4);
        withFcs.set(bytes);
        const c = crc32(bytes);
        withFcs.set([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24], bytes.length);
        // The receiver's check: the CRC over data + FCS is a constant, 0xDEBB20E3 before the final inversion.
        expect(crc32(withFcs)).toBe(~0xdebb20e3 >>> 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('payload and padding are views into the caller bytes', () => {
  // decode makes them with %TypedArray%.prototype.subarray called directly
  // (see `subarray` in codec.ts): they must stay zero-copy views of the same
  // memory, at the right place, of the caller's own typed-array class.
  class Frame extends Uint8Array {}
  it('share the buffer, sit at offset + 14 and after the payload, and keep the class', () => {
    fc.assert(
      fc.property(placed(14), fc.boolean(), ({ buffer, offset }, subclass) => {
        const bytes = subclass ? new Frame(buffer) : buffer;
        const d = decodeEthernet(bytes, offset, { mode: 'lax' });
        expect(d.payload.buffer).toBe(bytes.buffer);
        expect(d.payload.byteOffset).toBe(bytes.byteOffset + offset + 14);
        expect(d.payload.constructor).toBe(bytes.constructor);
        if (d.padding.length > 0) {
          expect(d.padding.buffer).toBe(bytes.buffer);
          expect(d.padding.byteOffset).toBe(d.payload.byteOffset + d.payload.length);
          expect(d.padding.byteOffset + d.padding.length).toBe(bytes.byteOffset + bytes.length);
          expect(d.padding.constructor).toBe(bytes.constructor);
        } else {
          expect(d.payload.byteOffset + d.payload.length).toBe(bytes.byteOffset + bytes.length);
        }
        const split = splitPadding(d, d.payload.length >> 1);
        expect(split.payload.buffer).toBe(bytes.buffer);
        expect(split.payload.byteOffset).toBe(d.payload.byteOffset);
        expect(split.payload.constructor).toBe(bytes.constructor);
      }),
      { numRuns: 1000 },
    );
  });

  it('write through to the frame', () => {
    const frame = encodeEthernet({ dst: parseMac('02:00:00:00:00:01'), src: parseMac('02:00:00:00:00:02'), length: 4, payload: Uint8Array.of(1, 2, 3, 4) });
    const d = decodeEthernet(frame);
    d.payload[0] = 0xaa;
    d.padding[0] = 0xbb;
    expect(frame[14]).toBe(0xaa);
    expect(frame[18]).toBe(0xbb);
  });
});

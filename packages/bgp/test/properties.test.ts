import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  AS_TRANS,
  ATTR_PARTIAL,
  BgpFramer,
  asPathLength,
  attributesForPropagation,
  decodeMessage,
  encodeMessage,
  encodedLength,
  mergeAs4,
  splitAs4,
  type AsPathSegment,
  type BgpCodecOptions,
  type PathAttributes,
} from '../src/index.js';
import { asPathSegments, bgpMessage, bgpStream, openMessage, pathAttributes, updateMessage } from '../src/arbitraries.js';

const SESSIONS: readonly BgpCodecOptions[] = [
  {},
  { fourOctetAs: true },
  { fourOctetAs: true, addPath: true },
  { fourOctetAs: false, addPath: true, extendedMessage: true },
];

describe('round trip', () => {
  for (const options of SESSIONS) {
    it(`message -> bytes -> message, and bytes are canonical (${JSON.stringify(options)})`, () => {
      fc.assert(
        fc.property(bgpMessage(options), (message) => {
          const bytes = encodeMessage(message, options);
          expect(encodedLength(message, options)).toBe(bytes.length);
          const decoded = decodeMessage(bytes, 0, options);
          expect(decoded.errors).toEqual([]);
          expect(decoded.handling).toBeUndefined();
          expect(decoded.length).toBe(bytes.length);
          expect(decoded.message).toEqual(message);
          expect(encodeMessage(decoded.message, options)).toEqual(bytes);
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('decodes at an offset and writes into a caller buffer at an offset', () => {
    fc.assert(
      fc.property(bgpMessage({ fourOctetAs: true }), fc.nat(20), (message, at) => {
        const size = encodedLength(message, { fourOctetAs: true });
        const out = new Uint8Array(at + size + 3);
        const written = encodeMessage(message, { fourOctetAs: true }, out, at);
        expect(written.length).toBe(size);
        expect(written.byteOffset - out.byteOffset).toBe(at);
        expect(decodeMessage(out, at, { fourOctetAs: true }).message).toEqual(message);
      }),
      { numRuns: 300 },
    );
  });

  it('OPEN with more than 255 octets of parameters uses the RFC 9072 extended form, and only then', () => {
    fc.assert(
      fc.property(openMessage(), (open) => {
        const bytes = encodeMessage(open);
        const extended = bytes[29] === 255;
        expect(extended).toBe(bytes.length - 29 > 255);
        if (extended) expect(bytes[28]).toBe(255);
      }),
      { numRuns: 500 },
    );
  });

  it('the Length field is the message length; the type octet is right', () => {
    fc.assert(
      fc.property(bgpMessage(), (message) => {
        const bytes = encodeMessage(message);
        expect((bytes[16]! << 8) | bytes[17]!).toBe(bytes.length);
        expect(bytes.subarray(0, 16).every((b) => b === 0xff)).toBe(true);
        expect(bytes[18]).toBe({ open: 1, update: 2, notification: 3, keepalive: 4, 'route-refresh': 5 }[message.type]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('framer', () => {
  it('returns the same messages whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(bgpStream({ fourOctetAs: true }), ({ messages, chunks, bytes }) => {
        const framer = new BgpFramer();
        const frames = chunks.flatMap((c) => framer.push(c));
        expect(frames.map((f) => decodeMessage(f, 0, { fourOctetAs: true }).message)).toEqual(messages);
        expect(framer.bufferedBytes).toBe(0);
        expect(framer.streamOffset).toBe(bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('byte by byte too', () => {
    fc.assert(
      fc.property(bgpStream(), ({ messages, bytes }) => {
        const framer = new BgpFramer();
        const frames: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i++) frames.push(...framer.push(bytes.subarray(i, i + 1)));
        expect(frames.map((f) => decodeMessage(f).message)).toEqual(messages);
      }),
      { numRuns: 50 },
    );
  });
});

/** AS_PATH as a flat list of (type, asn) so adjacent sequences that were merged compare equal. */
function flat(path: readonly AsPathSegment[] | undefined): string[] {
  return (path ?? []).flatMap((s) => (s.type === 'sequence' ? s.asns.map((a) => `seq:${a}`) : [`${s.type}:${[...s.asns].join(',')}`]));
}

describe('RFC 6793 AS4_PATH / AS4_AGGREGATOR', () => {
  it('mergeAs4(splitAs4(a)) restores 4-octet paths through a 2-octet session', () => {
    const attributes = pathAttributes({ fourOctetAs: true }).map((a) => {
      // an AGGREGATOR that fits 2 octets marks AS4 attributes as stale (§4.2.3): keep only 4-octet ones here
      const { aggregator, ...rest } = a;
      const asPath = (a.asPath ?? []).filter((s) => s.type === 'sequence' || s.type === 'set');
      return { ...rest, asPath, ...(aggregator && aggregator.asn > 0xffff ? { aggregator } : {}) } as PathAttributes;
    });
    fc.assert(
      fc.property(attributes, (a) => {
        const wire = splitAs4(a);
        // what a 2-octet session carries
        const bytes = encodeMessage({ type: 'update', withdrawn: [], nlri: [], attributes: wire }, { fourOctetAs: false });
        const received = decodeMessage(bytes, 0, { fourOctetAs: false }).message;
        if (received.type !== 'update') throw new Error('not an update');
        const merged = mergeAs4(received.attributes);
        expect(flat(merged.asPath)).toEqual(flat(a.asPath));
        expect(merged.aggregator).toEqual(a.aggregator);
        expect(merged.as4Path).toBeUndefined();
        expect(merged.as4Aggregator).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('an AS4_PATH longer than AS_PATH is ignored; a non-AS_TRANS AGGREGATOR voids both AS4 attributes', () => {
    fc.assert(
      fc.property(asPathSegments({ fourOctetAs: false }), asPathSegments({ fourOctetAs: true }), (asPath, as4Path) => {
        const merged = mergeAs4({ asPath, as4Path });
        if (asPathLength(as4Path) > asPathLength(asPath)) expect(merged.asPath).toEqual(asPath);
        else expect(asPathLength(merged.asPath!)).toBe(asPathLength(asPath));
        const stale = mergeAs4({ asPath, as4Path, aggregator: { asn: 65001, address: 1 as never }, as4Aggregator: { asn: 4200000000, address: 2 as never } });
        expect(stale).toEqual({ asPath, aggregator: { asn: 65001, address: 1 } });
      }),
      { numRuns: 500 },
    );
  });

  it('splitAs4 replaces every ASN above 65535 by AS_TRANS', () => {
    fc.assert(
      fc.property(pathAttributes({ fourOctetAs: true }), (a) => {
        const s = splitAs4(a);
        for (const seg of s.asPath ?? []) for (const n of seg.asns) expect(n).toBeLessThanOrEqual(0xffff);
        if (a.aggregator && a.aggregator.asn > 0xffff) expect(s.aggregator?.asn).toBe(AS_TRANS);
      }),
      { numRuns: 300 },
    );
  });
});

describe('propagation', () => {
  it('unknown optional transitive attributes get the Partial bit, unknown non-transitive ones are dropped', () => {
    fc.assert(
      fc.property(updateMessage({ fourOctetAs: true }), (u) => {
        const out = attributesForPropagation(u.attributes);
        const transitive = (u.attributes.unknown ?? []).filter((x) => x.flags & 0x40);
        expect((out.unknown ?? []).map((x) => x.type)).toEqual(transitive.map((x) => x.type));
        for (const x of out.unknown ?? []) expect(x.flags & ATTR_PARTIAL).toBe(ATTR_PARTIAL);
        const { unknown: _a, ...known } = u.attributes;
        const { unknown: _b, ...knownOut } = out;
        expect(knownOut).toEqual(known);
      }),
      { numRuns: 300 },
    );
  });
});

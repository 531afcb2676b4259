import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { readU16 } from '@wirestack/core';
import { encodeMessage, type OpenMessage } from '../src/index.js';
import { openMessage, updateMessage } from '../src/arbitraries.js';
import { openSpec, updateSpec, type SpecUpdate } from './spec.js';

describe('encode = binary-parser spec (test/spec.ts)', () => {
  it('OPEN fixed fields', () => {
    fc.assert(
      fc.property(openMessage(), (open: OpenMessage) => {
        const bytes = encodeMessage(open);
        const s = openSpec.parse(bytes) as { header: { length: number; type: number }; version: number; myAs: number; holdTime: number; bgpId: number; optParmLen: number };
        expect([s.header.length, s.header.type, s.version, s.myAs, s.holdTime, s.bgpId]).toEqual([bytes.length, 1, 4, open.myAs, open.holdTime, open.bgpId]);
        // classic form: the parameters fill the rest; RFC 9072 form: 255, then the real length at 30
        if (s.optParmLen === 255 && bytes[29] === 255) expect(readU16(bytes, 30)).toBe(bytes.length - 32);
        else expect(s.optParmLen).toBe(bytes.length - 29);
      }),
      { numRuns: 500 },
    );
  });

  for (const fourOctetAs of [false, true]) {
    it(`UPDATE lengths and the attribute TLV sequence (fourOctetAs ${fourOctetAs})`, () => {
      fc.assert(
        fc.property(updateMessage({ fourOctetAs }), (u) => {
          const bytes = encodeMessage(u, { fourOctetAs });
          const s = updateSpec.parse(bytes) as SpecUpdate;
          expect(s.header).toMatchObject({ length: bytes.length, type: 2 });
          const types = s.attributes.map((a) => a.type);
          // MP attributes first, then ascending type codes
          const rest = types.filter((t) => t !== 14 && t !== 15);
          expect(rest).toEqual([...rest].sort((a, b) => a - b));
          expect(types.slice(0, types.length - rest.length).every((t) => t === 14 || t === 15)).toBe(true);
          for (const a of s.attributes) {
            expect(a.value.length).toBe(a.length);
            const keptExtended = u.attributes.unknown?.some((x) => x.type === a.type && (x.flags & 0x10) !== 0) ?? false;
            expect((a.flags & 0x10) !== 0).toBe(a.value.length > 255 || keptExtended);
          }
          if (u.attributes.origin !== undefined) {
            const origin = s.attributes.find((a) => a.type === 1)!;
            expect([origin.flags, origin.value[0]]).toEqual([0x40, { igp: 0, egp: 1, incomplete: 2 }[u.attributes.origin]]);
          }
          if (u.attributes.med !== undefined) expect(s.attributes.find((a) => a.type === 4)!.flags).toBe(0x80);
          expect(s.nlri.length).toBe(u.nlri.reduce((n, p) => n + 1 + Math.ceil(p.length / 8), 0));
        }),
        { numRuns: 500 },
      );
    });
  }
});

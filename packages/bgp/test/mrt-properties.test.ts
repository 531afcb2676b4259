import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { type Ipv4Address } from '@wirestack/core';
import {
  BgpdumpFormatter,
  MrtStreamDecoder,
  decodeMrtRecord,
  encodeMrt,
  encodeMrtRecord,
  readMrt,
  tableDumpV2Records,
  type MrtRecord,
  type SnapshotPrefix,
} from '../src/mrt/index.js';
import { mrtPeer, mrtRecord, ribAttributes } from '../src/mrt/arbitraries.js';

describe('MRT record round trip', () => {
  it('record -> bytes -> record, and the bytes are canonical', () => {
    fc.assert(
      fc.property(mrtRecord(), (record) => {
        const bytes = encodeMrtRecord(record);
        const decoded = decodeMrtRecord(bytes, 0);
        expect(decoded.length).toBe(bytes.length);
        expect(decoded.record).toEqual(record);
        expect(encodeMrtRecord(decoded.record)).toEqual(bytes);
      }),
      { numRuns: 1500 },
    );
  });

  it('decodes at an offset inside a larger buffer', () => {
    fc.assert(
      fc.property(mrtRecord(), fc.uint8Array({ maxLength: 16 }), (record, before) => {
        const bytes = encodeMrtRecord(record);
        const buffer = new Uint8Array(before.length + bytes.length + 3);
        buffer.set(before, 0);
        encodeMrtRecord(record, buffer, before.length);
        const decoded = decodeMrtRecord(buffer, before.length);
        expect(decoded.length).toBe(bytes.length);
        expect(decoded.record).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });

  it('a file of records reads back in order, whole or pushed in random chunks', () => {
    fc.assert(
      fc.property(fc.array(mrtRecord(), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (records, cuts) => {
        const file = encodeMrt(records);
        expect([...readMrt(file)]).toEqual(records);
        const decoder = new MrtStreamDecoder();
        const streamed: MrtRecord[] = [];
        let o = 0;
        for (let i = 0; o < file.length; i++) {
          const size = cuts[i % cuts.length]!;
          streamed.push(...decoder.push(file.subarray(o, o + size)));
          o += size;
        }
        decoder.end();
        expect(streamed).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it('the formatter never throws on a decoded record', () => {
    fc.assert(
      fc.property(fc.array(mrtRecord(), { maxLength: 6 }), (records) => {
        const formatter = new BgpdumpFormatter({ largeCommunities: true });
        for (const r of records) for (const line of formatter.lines(r)) expect(line).not.toContain('\n');
      }),
      { numRuns: 300 },
    );
  });
});

describe('TABLE_DUMP_V2 snapshot writer', () => {
  const snapshot = fc
    .record({
      timestamp: fc.integer({ min: 0, max: 0xffff_ffff }),
      collectorId: fc.integer({ min: 0, max: 0xffff_ffff }),
      viewName: fc.string({ maxLength: 8 }),
      peers: fc.array(mrtPeer(), { minLength: 1, maxLength: 5 }),
      addPath: fc.boolean(),
    })
    .chain((s) => {
      const entry = fc.record({
        peerIndex: fc.integer({ min: 0, max: s.peers.length - 1 }),
        originatedTime: fc.integer({ min: 0, max: 0xffff_ffff }),
        attributes: ribAttributes('ipv4-unicast'),
        pathId: fc.integer({ min: 0, max: 0xffff_ffff }),
      });
      const route = fc.record({
        prefix: fc.integer({ min: 0, max: 0xffff_ffff }),
        length: fc.integer({ min: 0, max: 32 }),
        entries: fc.array(entry, { minLength: 1, maxLength: 3 }),
      });
      return fc.array(route, { maxLength: 10 }).map((routes) => ({
        ...s,
        collectorId: s.collectorId as Ipv4Address,
        routes: routes.map((r): SnapshotPrefix => ({
          prefix: ((r.length === 0 ? 0 : r.prefix & (0xffff_ffff << (32 - r.length))) >>> 0) as Ipv4Address,
          length: r.length,
          entries: r.entries.map(({ pathId, ...e }) => (s.addPath ? { ...e, pathId } : e)),
        })),
      }));
    });

  it('write then read gives the peer table and every route back, sequence numbers from 0', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const records = [...readMrt(encodeMrt(tableDumpV2Records(s)))];
        expect(records[0]).toEqual({ kind: 'peer-index-table', timestamp: s.timestamp, collectorId: s.collectorId, viewName: s.viewName, peers: s.peers });
        expect(records.length).toBe(1 + s.routes.length);
        s.routes.forEach((route, i) => {
          expect(records[i + 1]).toEqual({
            kind: 'rib',
            timestamp: s.timestamp,
            table: 'ipv4-unicast',
            addPath: s.addPath,
            sequence: i,
            prefix: { family: 'ipv4', address: route.prefix, length: route.length },
            entries: route.entries,
          });
        });
      }),
      { numRuns: 300 },
    );
  });
});

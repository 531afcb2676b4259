import { describe, expect, it } from 'vitest';
import { DecodeError, fromHex, toHex } from '@wirestack/core';
import { isBgpError } from '../src/index.js';
import { MrtStreamDecoder, bgpdumpLines, decodeMrtRecord, encodeMrtRecord, readMrt, type MrtRecord } from '../src/mrt/index.js';
import { VECTORS, VECTOR_FILE, VECTOR_LINES } from './mrt-fixtures.js';

function decodeErrorOf(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('RFC 6396 layouts', () => {
  for (const v of VECTORS) {
    it(`decodes and re-encodes: ${v.name}`, () => {
      const bytes = fromHex(v.hex);
      const decoded = decodeMrtRecord(bytes, 0);
      expect(decoded.length).toBe(bytes.length);
      expect(decoded.record).toEqual(v.record);
      expect(toHex(encodeMrtRecord(v.record))).toBe(toHex(bytes));
    });
  }

  it('reads the records of a file in order and prints them the way bgpdump -m does', () => {
    const records = [...readMrt(VECTOR_FILE)];
    expect(records).toEqual(VECTORS.map((v) => v.record));
    expect([...bgpdumpLines(records)]).toEqual(VECTOR_LINES);
  });

  it('RIB entries with the timestamp of the route under -t change', () => {
    expect([...bgpdumpLines(readMrt(VECTOR_FILE), { time: 'change' })][0]).toBe(VECTOR_LINES[0]!.replace('|1600000000|', `|${0x5f5e0f00}|`));
  });
});

describe('corrupt and truncated files', () => {
  const offsets: number[] = [];
  let o = 0;
  for (const v of VECTORS) {
    offsets.push(o);
    o += fromHex(v.hex).length;
  }

  it('a file cut inside a record yields every record before it, then truncated at the record', () => {
    for (let cut = 1; cut < VECTOR_FILE.length; cut++) {
      if (offsets.includes(cut)) continue; // a whole number of records: nothing is wrong
      const whole = offsets.filter((start, i) => start + fromHex(VECTORS[i]!.hex).length <= cut).length;
      const got: MrtRecord[] = [];
      const error = decodeErrorOf(() => {
        for (const r of readMrt(VECTOR_FILE.subarray(0, cut))) got.push(r);
      });
      expect(got).toEqual(VECTORS.slice(0, whole).map((v) => v.record));
      expect(error.code).toBe('truncated');
      expect(error.layer).toBe('mrt');
      expect(error.offset).toBe(offsets[whole]);
      expect(error.message).toContain(`offset ${offsets[whole]}`);
    }
  });

  it('the stream decoder reports the same offsets, chunk boundaries anywhere', () => {
    const cut = offsets[4]! + 20;
    const decoder = new MrtStreamDecoder();
    const got: MrtRecord[] = [];
    for (let i = 0; i < cut; i += 7) got.push(...decoder.push(VECTOR_FILE.subarray(i, Math.min(i + 7, cut))));
    const error = decodeErrorOf(() => decoder.end());
    expect(got.length).toBe(4);
    expect(error.code).toBe('truncated');
    expect(error.offset).toBe(offsets[4]);
  });

  /** VECTOR_FILE with one octet changed. */
  function patched(at: number, value: number): Uint8Array {
    const copy = VECTOR_FILE.slice();
    copy[at] = value;
    return copy;
  }

  it('a prefix longer than 32 bits', () => {
    const at = offsets[1]! + 12 + 4;
    const error = decodeErrorOf(() => [...readMrt(patched(at, 33))]);
    expect(error.code).toBe('bad-prefix-length');
    expect(error.offset).toBe(at);
  });

  it('an address family other than IPv4 and IPv6', () => {
    const at = offsets[3]! + 12 + 10 + 1;
    const error = decodeErrorOf(() => [...readMrt(patched(at, 3))]);
    expect(error.code).toBe('bad-address-family');
    expect(error.offset).toBe(at - 1);
  });

  it('a BGP message length that does not fill the record', () => {
    const at = offsets[4]! + 12 + 16 + 17;
    const error = decodeErrorOf(() => [...readMrt(patched(at, 0x2c))]);
    expect(error.code).toBe('bad-length');
    expect(error.offset).toBe(at - 1);
  });

  it('a broken BGP marker is the BGP codec error (a BgpError, offset into the file)', () => {
    const at = offsets[4]! + 12 + 16 + 3;
    const error = decodeErrorOf(() => [...readMrt(patched(at, 0))]);
    expect(isBgpError(error)).toBe(true);
    expect(error.offset).toBe(at); // the BGP codec names the octet that is not 0xff
  });

  it('lax mode turns a bad record into an unknown one with its error and reads on', () => {
    const at = offsets[1]! + 12 + 4;
    const records = [...readMrt(patched(at, 33), { mode: 'lax' })];
    expect(records.length).toBe(VECTORS.length);
    const bad = records[1]!;
    expect(bad.kind).toBe('unknown');
    if (bad.kind !== 'unknown') return;
    expect(bad.error?.code).toBe('bad-prefix-length');
    expect(bad.type).toBe(13);
    expect(bad.subtype).toBe(2);
    expect(records.slice(2)).toEqual(VECTORS.slice(2).map((v) => v.record));
  });

  it('a stream error found after good records of the same chunk is thrown on the next call, offset counted from the stream start', () => {
    const file = patched(offsets[1]! + 12 + 4, 33);
    const decoder = new MrtStreamDecoder();
    const first = decoder.push(file.subarray(0, 5));
    expect(first).toEqual([]);
    const second = decoder.push(file.subarray(5));
    expect(second).toEqual([VECTORS[0]!.record]);
    const error = decodeErrorOf(() => decoder.end());
    expect(error.code).toBe('bad-prefix-length');
    expect(error.offset).toBe(offsets[1]! + 12 + 4);
    expect(error.message).toContain(`offset ${offsets[1]! + 12 + 4}`);
  });

  it('a record longer than maxRecordLength fails at once in the stream decoder', () => {
    const decoder = new MrtStreamDecoder({ maxRecordLength: 40 });
    const error = decodeErrorOf(() => decoder.push(VECTOR_FILE));
    expect(error.code).toBe('bad-length');
    expect(error.offset).toBe(0);
  });
});

describe('input types', () => {
  it('a Node Buffer gives records of plain, copied Uint8Arrays', () => {
    const buffer = Buffer.from(VECTOR_FILE);
    const records = [...readMrt(buffer)];
    const unknown = records[records.length - 1]!;
    if (unknown.kind !== 'unknown') throw new Error('expected the OSPF record last');
    expect(Object.getPrototypeOf(unknown.body)).toBe(Uint8Array.prototype);
    buffer.fill(0);
    expect(unknown.body).toEqual(Uint8Array.of(1, 2, 3));
  });
});

describe('attribute flags in RIB entries', () => {
  // RIB_IPV4_UNICAST 10.0.0.0/8 from peer 0, attributes as BIRD 2 writes them: every flags octet 0.
  const rib = (attributes: string) => {
    const a = fromHex(attributes);
    const body = fromHex(`00000000 080a 0001 0000 00000000 ${a.length.toString(16).padStart(4, '0')}`);
    const out = new Uint8Array(12 + body.length + a.length);
    out.set(fromHex(`${'5f5e1000'} 000d 0002 ${(body.length + a.length).toString(16).padStart(8, '0')}`), 0);
    out.set(body, 12);
    out.set(a, 12 + body.length);
    return out;
  };

  it('are taken from the type code, as bgpdump does: flags 0 still decode', () => {
    const bytes = rib('000101 02 000206 0201 fa56ea01 000304 0a000001 000404 0000002a 000804 fdf30064 00f702 abcd');
    const record = decodeMrtRecord(bytes).record;
    if (record.kind !== 'rib') throw new Error('expected a RIB record');
    const entry = record.entries[0]!;
    expect(entry.errors).toBeUndefined();
    expect(entry.attributes).toEqual({
      origin: 'incomplete',
      asPath: [{ type: 'sequence', asns: [4200000001] }],
      nextHop: 0x0a00_0001,
      med: 42,
      communities: [0xfdf3_0064],
      // an unknown attribute without the Optional bit is kept, as optional transitive
      unknown: [{ flags: 0xc0, type: 0xf7, value: Uint8Array.of(0xab, 0xcd) }],
    });
  });

  it('errors in a corrected block still name offsets in the file', () => {
    // ORIGIN with flags 0 and a length of 2: an attribute length error at the attribute's first octet
    const bytes = rib('000102 0000 000304 0a000001');
    const record = decodeMrtRecord(bytes).record;
    if (record.kind !== 'rib') throw new Error('expected a RIB record');
    const errors = record.entries[0]!.errors ?? [];
    expect(errors.map((e) => [e.code, e.offset])).toEqual([['attribute-length', 12 + 4 + 1 + 1 + 2 + 2 + 4 + 2]]);
  });
});

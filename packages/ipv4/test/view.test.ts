import { describe, expect, it } from 'vitest';
import { internetChecksum, parseIpv4, toHex } from '@wirestack/core';
import { Ipv4View, decodeIpv4, encodeIpv4 } from '../src/index.js';

const src = parseIpv4('10.0.0.1');
const dst = parseIpv4('10.0.0.2');

describe('Ipv4View', () => {
  it('setters write in place; fillChecksum makes the header what encodeIpv4 writes', () => {
    const bytes = encodeIpv4({ protocol: 1, src, dst, payload: new Uint8Array(8) });
    const view = new Ipv4View(bytes);
    view.dscp = 46;
    view.ecn = 3;
    view.id = 0xbeef;
    view.df = true;
    view.mf = true;
    view.reservedFlag = true;
    view.fragmentOffset = 1480;
    view.ttl = 9;
    view.protocol = 17;
    view.src = dst;
    view.dst = src;
    view.version = 4;
    view.totalLength = 28;
    expect(view.verifyChecksum()).toBe(false);
    view.fillChecksum();
    expect(view.verifyChecksum()).toBe(true);
    const expected = encodeIpv4({
      protocol: 17, src: dst, dst: src, dscp: 46, ecn: 3, id: 0xbeef, df: true, mf: true, reservedFlag: true, fragmentOffset: 1480, ttl: 9,
      payload: new Uint8Array(8),
    });
    expect(toHex(bytes)).toBe(toHex(expected));
    view.mf = false;
    view.reservedFlag = false;
    expect(decodeIpv4(bytes, 0, { checksum: 'ignore' }).header).toMatchObject({ df: true, mf: false, reservedFlag: false, fragmentOffset: 1480 });
  });

  it('refuses values that do not fit, with EncodeError naming the field', () => {
    const view = new Ipv4View(encodeIpv4({ protocol: 1, src, dst }));
    expect(() => (view.ttl = 256)).toThrow(expect.objectContaining({ name: 'EncodeError', field: 'ttl' }));
    expect(() => (view.dscp = 64)).toThrow(expect.objectContaining({ field: 'dscp' }));
    expect(() => (view.fragmentOffset = 12)).toThrow(expect.objectContaining({ field: 'fragmentOffset' }));
    expect(() => (view.fragmentOffset = 65_536)).toThrow(expect.objectContaining({ field: 'fragmentOffset' }));
  });

  it('is reusable: reset re-points it; unattached it has header length 0', () => {
    const view = new Ipv4View();
    expect(view.headerLength).toBe(0);
    const withOptions = encodeIpv4({ protocol: 1, src, dst, options: [{ kind: 'router-alert', value: 0 }] });
    const frame = new Uint8Array(14 + withOptions.length);
    frame.set(withOptions, 14);
    expect(view.reset(frame, 14)).toBe(view);
    expect([view.headerLength, view.ihl, view.offset, view.payloadOffset, view.payloadLength]).toEqual([24, 6, 14, 38, 0]);
    expect(toHex(view.optionsBytes)).toBe('94040000');
    expect(view.bytes).toBe(frame);
  });

  it('reset reports truncation at the header start, for the fixed part and for the options', () => {
    const bytes = encodeIpv4({ protocol: 1, src, dst, options: [{ kind: 'router-alert', value: 0 }] });
    expect(() => new Ipv4View(bytes.subarray(0, 19))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0, required: 20, available: 19 }));
    expect(() => new Ipv4View(bytes.subarray(0, 22))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0, required: 24, available: 22 }));
    expect(() => new Ipv4View(bytes, -1)).toThrow(RangeError);
  });

  it('decrementTtl keeps the checksum valid without recomputing it', () => {
    const bytes = encodeIpv4({ protocol: 6, ttl: 64, src, dst, id: 0x1c46, df: true });
    const view = new Ipv4View(bytes);
    expect(view.decrementTtl()).toBe(63);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
    expect(view.ttl).toBe(63);
  });
});

describe('encodeIpv4 refuses what does not fit', () => {
  const base = { protocol: 1, src, dst };
  it.each([
    [{ ...base, ttl: 300 }, 'out-of-range', 'ttl'],
    [{ ...base, id: -1 }, 'out-of-range', 'id'],
    [{ ...base, protocol: 256 }, 'out-of-range', 'protocol'],
    [{ ...base, src: 2 ** 32 }, 'out-of-range', 'src'],
    [{ ...base, ecn: 4 }, 'out-of-range', 'ecn'],
    [{ ...base, fragmentOffset: 4 }, 'out-of-range', 'fragmentOffset'],
    [{ ...base, payload: new Uint8Array(65_516) }, 'too-long', 'payload'],
    [{ ...base, options: [{ kind: 'nop' }, { kind: 'eol' }, { kind: 'nop' }] }, 'invalid', 'options'],
    [{ ...base, options: [{ kind: 'record-route', pointer: 4, addresses: new Array(10).fill(0) }] }, 'too-long', 'options'],
    [{ ...base, options: [{ kind: 'router-alert', type: 7, value: 0 }] }, 'invalid', 'options.type'],
    [{ ...base, options: [{ kind: 'timestamp', pointer: 5, overflow: 0, flag: 2, entries: [] }] }, 'invalid', 'options.flag'],
    [{ ...base, options: [{ kind: 'timestamp', pointer: 5, overflow: 0, flag: 1, entries: [{ timestamp: 1 }] }] }, 'invalid', 'options.entries'],
    [{ ...base, options: [{ kind: 'unknown', type: 30, data: new Uint8Array(254) }] }, 'too-long', 'options'],
  ])('%o', (input, code, field) => {
    expect(() => encodeIpv4(input as never)).toThrow(expect.objectContaining({ name: 'EncodeError', code, field }));
  });

  it('a buffer too small', () => {
    expect(() => encodeIpv4(base, new Uint8Array(19))).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
  });
});

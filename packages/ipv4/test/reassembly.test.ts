import { describe, expect, it } from 'vitest';
import { bytesEqual, parseIpv4, type Ipv4Address } from '@wirestack/core';
import { DATAGRAM_OVERHEAD, FRAGMENT_OVERHEAD, Ipv4Reassembler, Ipv4View, decodeIpv4, encodeIpv4 } from '../src/index.js';

const src = parseIpv4('10.0.0.1');
const dst = parseIpv4('10.0.0.2');

/** A fragment of datagram `id`: data bytes [offset, offset + data.length), MF as given. */
function fragment(offset: number, data: Uint8Array | number, mf: boolean, id = 7, from: Ipv4Address = src): Uint8Array {
  const payload = typeof data === 'number' ? Uint8Array.from({ length: data }, (_, i) => (offset + i) & 0xff) : data;
  return encodeIpv4({ id, protocol: 17, src: from, dst, mf, fragmentOffset: offset, payload });
}

describe('Ipv4Reassembler', () => {
  it('passes datagrams that are not fragments through untouched (and counts nothing)', () => {
    const r = new Ipv4Reassembler();
    const whole = encodeIpv4({ protocol: 1, src, dst, payload: new Uint8Array(8) });
    const padded = Uint8Array.from([...whole, 0, 0]);
    const out = r.push(padded, 0)!;
    expect(bytesEqual(out, whole)).toBe(true);
    expect(out.buffer).toBe(padded.buffer);
    expect(r.stats.reasmReqds).toBe(0);
  });

  it('keys datagrams by (src, dst, protocol, id): interleaved datagrams do not mix', () => {
    const r = new Ipv4Reassembler();
    const other = parseIpv4('10.0.0.9');
    expect(r.push(fragment(0, 16, true, 1), 0)).toBeUndefined();
    expect(r.push(fragment(0, 16, true, 1, other), 0)).toBeUndefined();
    expect(r.push(fragment(0, 16, true, 2), 0)).toBeUndefined();
    expect(r.pendingCount).toBe(3);
    const done = r.push(fragment(16, 8, false, 1, other), 1)!;
    expect(new Ipv4View(done).src).toBe(other);
    expect(new Ipv4View(done).totalLength).toBe(20 + 24);
    expect(r.pendingCount).toBe(2);
  });

  it('the result carries the first fragment header with MF and offset cleared (flags kept), length and checksum recomputed', () => {
    const r = new Ipv4Reassembler();
    const first = encodeIpv4({
      id: 9, ttl: 33, protocol: 6, src, dst, mf: true, reservedFlag: true, dscp: 46,
      payload: new Uint8Array(8).fill(1), options: [{ kind: 'router-alert', value: 0 }],
    });
    const second = encodeIpv4({ id: 9, ttl: 99, protocol: 6, src, dst, fragmentOffset: 8, payload: new Uint8Array(8).fill(2) });
    expect(r.push(second, 0)).toBeUndefined();
    const done = decodeIpv4(r.push(first, 1)!);
    expect(done.header).toMatchObject({
      id: 9, ttl: 33, dscp: 46, reservedFlag: true, mf: false, fragmentOffset: 0, totalLength: 24 + 16, checksumValid: true,
      options: [{ kind: 'router-alert', value: 0 }],
    });
    expect([...done.payload]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('rejects fragments whose header is invalid with a DecodeError (checksum included)', () => {
    const r = new Ipv4Reassembler();
    const bad = fragment(0, 8, true);
    bad[10]! ^= 1;
    expect(() => r.push(bad, 0)).toThrow(expect.objectContaining({ name: 'DecodeError', code: 'bad-checksum' }));
  });

  it('exact duplicates are ignored; the datagram survives', () => {
    const r = new Ipv4Reassembler();
    const a = fragment(0, 16, true);
    r.push(a, 0);
    r.push(a.slice(), 1);
    const done = r.push(fragment(16, 8, false), 2);
    expect(done).toBeInstanceOf(Uint8Array);
    expect(r.stats).toMatchObject({ reasmReqds: 3, duplicates: 1, reasmOKs: 1, reasmFails: 0 });
  });

  it.each([
    ['same range, different data', fragment(0, new Uint8Array(16).fill(9), true)],
    ['partial overlap from the left', fragment(8, 16, true)],
    ['contained, same data', fragment(0, 8, true)],
    ['covering', fragment(0, 32, true)],
  ])('an overlap (%s) drops the whole datagram', (_, second) => {
    const r = new Ipv4Reassembler();
    r.push(fragment(0, 16, true), 0);
    expect(r.push(second, 1)).toBeUndefined();
    expect(r.stats).toMatchObject({ overlaps: 1, reasmFails: 1 });
    expect(r.pendingCount).toBe(0);
    expect(r.memory).toBe(0);
    // what arrives later starts afresh, and cannot complete without the first part
    expect(r.push(fragment(16, 8, false), 2)).toBeUndefined();
    expect(r.pendingCount).toBe(1);
  });

  it('an overlap with a later fragment, in any arrival order, is caught too', () => {
    const r = new Ipv4Reassembler();
    r.push(fragment(16, 16, true), 0);
    expect(r.push(fragment(0, 24, true), 1)).toBeUndefined();
    expect(r.stats.overlaps).toBe(1);
  });

  it('a datagram over 65,535 bytes is rejected', () => {
    const r = new Ipv4Reassembler();
    r.push(fragment(0, 8, true), 0);
    expect(r.push(fragment(65_512, 8, false), 1)).toBeUndefined(); // 20 + 65520 = 65540
    expect(r.stats).toMatchObject({ tooBig: 1, reasmFails: 1 });
    expect(r.pendingCount).toBe(0);
    expect(r.push(fragment(65_488, 24, false), 2)).toBeUndefined(); // ends at 65512: 65532 with a 20-byte header, accepted
    expect(r.pendingCount).toBe(1);
  });

  it('fragments disagreeing on the end drop the datagram', () => {
    const r = new Ipv4Reassembler();
    r.push(fragment(16, 8, false), 0);
    expect(r.push(fragment(16, 16, false), 1)).toBeUndefined(); // a second, different last fragment
    expect(r.stats).toMatchObject({ inconsistent: 1, reasmFails: 1 });
    r.push(fragment(16, 8, false), 2);
    expect(r.push(fragment(24, 8, true), 3)).toBeUndefined(); // data beyond the end
    expect(r.stats.inconsistent).toBe(2);
  });

  it('a non-final fragment whose data is not a multiple of 8 bytes is ignored on its own', () => {
    const r = new Ipv4Reassembler();
    r.push(fragment(0, 8, true), 0);
    expect(r.push(fragment(8, 12, true), 1)).toBeUndefined();
    expect(r.stats).toMatchObject({ malformed: 1, reasmFails: 0 });
    expect(r.pendingCount).toBe(1);
  });

  it('times out 30 s after the first fragment (Linux ipfrag_time); nextDeadline says when', () => {
    const r = new Ipv4Reassembler();
    expect(r.nextDeadline()).toBeUndefined();
    r.push(fragment(0, 8, true, 1), 1_000);
    r.push(fragment(0, 8, true, 2), 5_000);
    r.push(fragment(8, 8, true, 1), 20_000); // later fragments do not extend the deadline
    expect(r.nextDeadline()).toBe(31_000);
    expect(r.expire(30_999)).toBe(0);
    expect(r.expire(31_000)).toBe(1);
    expect(r.nextDeadline()).toBe(35_000);
    expect(r.stats).toMatchObject({ reasmTimeout: 1, reasmFails: 1 });
    // a fragment arriving after the deadline finds the datagram gone even without an expire call
    expect(r.push(fragment(8, 8, false, 2), 35_000)).toBeUndefined();
    expect(r.stats.reasmTimeout).toBe(2);
    expect(r.pendingCount).toBe(1);
    expect(new Ipv4Reassembler({ timeout: 500 }).timeout).toBe(500);
  });

  it('accounts real bytes: data, the first header and the overheads; all of it is given back', () => {
    const r = new Ipv4Reassembler();
    r.push(fragment(0, 16, true), 0);
    expect(r.memory).toBe(DATAGRAM_OVERHEAD + FRAGMENT_OVERHEAD + 16 + 20);
    r.push(fragment(24, 8, false), 0);
    expect(r.memory).toBe(DATAGRAM_OVERHEAD + 2 * FRAGMENT_OVERHEAD + 24 + 20);
    r.push(fragment(16, 8, true), 0);
    expect(r.memory).toBe(0);
  });

  it('evicts the oldest datagrams beyond the memory limit', () => {
    const perDatagram = DATAGRAM_OVERHEAD + FRAGMENT_OVERHEAD + 20 + 1000;
    const r = new Ipv4Reassembler({ memoryLimit: 3 * perDatagram });
    for (let id = 1; id <= 5; id++) r.push(fragment(0, 1000, true, id), id);
    expect(r.pendingCount).toBe(3);
    expect(r.memory).toBeLessThanOrEqual(3 * perDatagram);
    expect(r.stats).toMatchObject({ evicted: 2, reasmFails: 2 });
    // the newest survive: datagram 5 completes
    expect(r.push(fragment(1000, 8, false, 5), 6)).toBeInstanceOf(Uint8Array);
    expect(r.push(fragment(1000, 8, false, 1), 6)).toBeUndefined();
  });

  it('a flood of 1,000,000 random fragments from random keys keeps accounted memory under the limit', () => {
    const memoryLimit = 1024 * 1024;
    const r = new Ipv4Reassembler({ memoryLimit });
    // xorshift32: deterministic, and fast enough for a million fragments
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const sizes = [8, 64, 512, 1480];
    const pool = sizes.map((n) => encodeIpv4({ protocol: 17, src, dst, mf: true, payload: new Uint8Array(n) }));
    const view = new Ipv4View();
    let completed = 0;
    let maxMemory = 0;
    const count = 1_000_000;
    for (let i = 0; i < count; i++) {
      const x = random();
      const packet = pool[x & 3]!;
      view.reset(packet);
      view.src = (0x0a000000 | (random() & 0xff)) as Ipv4Address; // few sources: keys collide
      view.id = random() & 0x3ff;
      view.fragmentOffset = (random() & 0x3f) * 8 * 8;
      view.mf = (x & 0x30) !== 0;
      view.fillChecksum();
      if (r.push(packet, i / 10) !== undefined) completed++; // 100 fragments per ms: timeouts happen too
      if (r.memory > maxMemory) maxMemory = r.memory;
      if (r.memory > memoryLimit) throw new Error(`memory ${r.memory} over the limit after fragment ${i}`);
    }
    const stats = r.stats;
    const notFragments = count - stats.reasmReqds; // MF clear at offset 0
    expect(notFragments + stats.reasmReqds).toBe(count);
    expect(maxMemory).toBeGreaterThan(memoryLimit / 2);
    expect(stats.evicted + stats.reasmTimeout).toBeGreaterThan(0);
    expect(stats.overlaps).toBeGreaterThan(0);
    expect(stats.reasmOKs).toBe(completed - notFragments);
    // every failure has exactly one reason
    expect(stats.reasmFails).toBe(stats.reasmTimeout + stats.overlaps + stats.tooBig + stats.evicted + stats.inconsistent);
    // and the accounting balances: nothing is left once everything expires
    r.expire(Number.POSITIVE_INFINITY);
    expect(r.pendingCount).toBe(0);
    expect(r.memory).toBe(0);
  });
});

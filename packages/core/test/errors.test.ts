import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  IssueCollector,
  checkUint,
  isDecodeError,
  isEncodeError,
  outputRegion,
  readU16,
  readU24,
  readU32,
  requireBytes,
  writeU24,
  writeU32,
  toHex,
  fromHex,
  hex,
} from '../src/index.js';

describe('DecodeError', () => {
  it('carries code, layer, offset and lengths, with a readable message', () => {
    let caught: unknown;
    try {
      requireBytes(new Uint8Array(20), 14, 20, 'ipv4');
    } catch (e) {
      caught = e;
    }
    expect(isDecodeError(caught)).toBe(true);
    const e = caught as DecodeError;
    expect([e.code, e.layer, e.offset, e.required, e.available]).toEqual(['truncated', 'ipv4', 14, 20, 6]);
    expect(e.message).toBe('ipv4 at offset 14: truncated, need 20 bytes, have 6');
    expect(e).toBeInstanceOf(Error);
    expect(e.toIssue()).toEqual({ code: 'truncated', layer: 'ipv4', offset: 14, message: e.message });
  });

  it('reports no negative availability when the offset is past the end', () => {
    expect(() => requireBytes(new Uint8Array(4), 10, 1, 'udp')).toThrow(expect.objectContaining({ available: 0 }));
  });

  it('is told apart from other errors by the guards', () => {
    expect(isDecodeError(new Error('x'))).toBe(false);
    expect(isEncodeError(new EncodeError('out-of-range', 'vid'))).toBe(true);
    expect(isEncodeError(new DecodeError({ code: 'bad-checksum', layer: 'ipv4', offset: 0 }))).toBe(false);
  });
});

describe('IssueCollector', () => {
  it('throws the first problem in strict mode', () => {
    const c = new IssueCollector(undefined);
    expect(() => c.report({ code: 'bad-checksum', layer: 'ipv4', offset: 24 })).toThrow(DecodeError);
  });

  it('records every problem in lax mode', () => {
    const c = new IssueCollector({ mode: 'lax', checksum: 'ignore' });
    c.report({ code: 'bad-checksum', layer: 'ipv4', offset: 24 });
    c.report({ code: 'bad-length', layer: 'ipv4', offset: 16, message: 'total length 10 < header length 20' });
    expect(c.verifyChecksum).toBe(false);
    expect(c.issues.map((i) => i.code)).toEqual(['bad-checksum', 'bad-length']);
    expect(c.issues[1]!.message).toBe('total length 10 < header length 20');
  });
});

describe('byte helpers', () => {
  it('read and write big-endian integers', () => {
    const b = new Uint8Array(8);
    writeU32(b, 1, 0xdeadbeef);
    writeU24(b, 5, 0xabcdef);
    expect(readU32(b, 1)).toBe(0xdeadbeef);
    expect(readU16(b, 1)).toBe(0xdead);
    expect(readU24(b, 5)).toBe(0xabcdef);
    expect(toHex(b)).toBe('00deadbeefabcdef');
    expect(fromHex('00:de ad')).toEqual(new Uint8Array([0, 0xde, 0xad]));
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(hex(0x800)).toBe('0x0800');
  });

  it('checks encoder ranges and output space', () => {
    expect(checkUint(4094, 4095, 'vid')).toBe(4094);
    expect(() => checkUint(4096, 4095, 'vid')).toThrow(expect.objectContaining({ code: 'out-of-range', field: 'vid' }));
    expect(() => checkUint(-1, 7, 'pcp')).toThrow(EncodeError);
    const out = new Uint8Array(10);
    expect(outputRegion(4, out, 6).byteOffset).toBe(6);
    expect(() => outputRegion(4, out, 7)).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
    expect(outputRegion(3, undefined, 0)).toEqual(new Uint8Array(3));
  });
});

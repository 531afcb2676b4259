import { describe, expect, it } from 'vitest';
import {
  IcmpType,
  ParameterProblemCode,
  RedirectCode,
  TimeExceededCode,
  UnreachableCode,
  decodeIcmp,
  encodeIcmp,
  icmpCodeName,
  icmpKind,
  icmpTypeName,
  isIcmpErrorType,
  type IcmpInput,
} from '../src/index.js';

describe('encodeIcmp rejects what does not fit', () => {
  const cases: [string, IcmpInput, { code: string; field: string }][] = [
    ['id over 16 bits', { kind: 'echo-request', id: 0x10000, seq: 0 }, { code: 'out-of-range', field: 'id' }],
    ['negative seq', { kind: 'echo-reply', id: 0, seq: -1 }, { code: 'out-of-range', field: 'seq' }],
    ['code 256', { kind: 'echo-request', id: 0, seq: 0, code: 256 }, { code: 'out-of-range', field: 'code' }],
    ['mtu over 16 bits', { kind: 'dest-unreachable', code: 4, mtu: 70000, quoted: { raw: new Uint8Array(28) } }, { code: 'out-of-range', field: 'mtu' }],
    ['pointer 256', { kind: 'parameter-problem', pointer: 256, quoted: { raw: new Uint8Array(28) } }, { code: 'out-of-range', field: 'pointer' }],
    ['time exceeded unused over 24 bits', { kind: 'time-exceeded', unused: 0x100_0000, quoted: { raw: new Uint8Array(0) } }, { code: 'out-of-range', field: 'unused' }],
    ['fractional gateway', { kind: 'redirect', gateway: 1.5 as never, quoted: { raw: new Uint8Array(0) } }, { code: 'out-of-range', field: 'gateway' }],
    ['timestamp over 32 bits', { kind: 'timestamp', id: 0, seq: 0, originate: 2 ** 32, receive: 0, transmit: 0 }, { code: 'out-of-range', field: 'originate' }],
    ['checksum over 16 bits', { kind: 'info-request', id: 0, seq: 0, checksum: 0x10000 }, { code: 'out-of-range', field: 'checksum' }],
    ['type contradicting kind', { kind: 'echo-request', type: 0, id: 0, seq: 0 }, { code: 'invalid', field: 'type' }],
    ['unknown with an assigned type', { kind: 'unknown', type: 8, rest: 0, body: new Uint8Array(0) }, { code: 'invalid', field: 'type' }],
    ['unknown type over 8 bits', { kind: 'unknown', type: 300, rest: 0, body: new Uint8Array(0) }, { code: 'out-of-range', field: 'type' }],
    ['not a kind', { kind: 'router-advertisement' } as unknown as IcmpInput, { code: 'invalid', field: 'kind' }],
    ['a message over 65515 bytes', { kind: 'echo-request', id: 0, seq: 0, data: new Uint8Array(65508) }, { code: 'too-long', field: 'length' }],
    ['an RFC 4884 quote over 1020 bytes', { kind: 'time-exceeded', quoted: { raw: new Uint8Array(1021) }, extensions: new Uint8Array(8) }, { code: 'too-long', field: 'quoted' }],
  ];
  for (const [name, input, error] of cases) {
    it(name, () => {
      expect(() => encodeIcmp(input)).toThrow(expect.objectContaining({ name: 'EncodeError', ...error }));
    });
  }

  it('a buffer too small for the message', () => {
    expect(() => encodeIcmp({ kind: 'echo-request', id: 0, seq: 0 }, new Uint8Array(10), 3)).toThrow(
      expect.objectContaining({ name: 'EncodeError', code: 'buffer-too-small' }),
    );
  });

  it('the largest message fits, and an unknown type round-trips', () => {
    expect(encodeIcmp({ kind: 'echo-request', id: 0, seq: 0, data: new Uint8Array(65507) }).length).toBe(65515);
    const bytes = encodeIcmp({ kind: 'unknown', type: 42, code: 1, rest: 0xdeadbeef, body: Uint8Array.of(1, 2, 3) });
    expect(decodeIcmp(bytes).header).toMatchObject({ kind: 'unknown', type: 42, code: 1, rest: 0xdeadbeef, body: Uint8Array.of(1, 2, 3) });
  });
});

describe('names', () => {
  it('types and codes by name, unknown ones as hex', () => {
    expect(icmpTypeName(IcmpType.echoRequest)).toBe('echo-request');
    expect(icmpTypeName(IcmpType.routerAdvertisement)).toBe('router-advertisement');
    expect(icmpTypeName(42)).toBe('0x2a');
    expect(icmpCodeName(3, UnreachableCode.fragmentationNeeded)).toBe('fragmentation-needed');
    expect(icmpCodeName(3, UnreachableCode.precedenceCutoff)).toBe('precedence-cutoff');
    expect(icmpCodeName(3, 16)).toBe('0x10');
    expect(icmpCodeName(5, RedirectCode.tosHost)).toBe('redirect-tos-host');
    expect(icmpCodeName(11, TimeExceededCode.reassembly)).toBe('reassembly-time-exceeded');
    expect(icmpCodeName(12, ParameterProblemCode.badLength)).toBe('bad-length');
    expect(icmpCodeName(8, 0)).toBe('0x00');
  });

  it('every type 0..255 has one kind; the error types are 3, 4, 5, 11, 12', () => {
    const kinds = Array.from({ length: 256 }, (_, t) => icmpKind(t));
    expect(kinds.filter((k) => k !== 'unknown').length).toBe(13);
    expect(Array.from({ length: 256 }, (_, t) => t).filter(isIcmpErrorType)).toEqual([3, 4, 5, 11, 12]);
    for (let t = 0; t < 256; t++) {
      if (kinds[t] === 'unknown') continue;
      expect(icmpTypeName(t)).toBe(kinds[t]);
    }
  });
});

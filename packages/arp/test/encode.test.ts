import { describe, expect, it } from 'vitest';
import { parseIpv4, parseMac, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { encodeArp, type ArpInput, type EthernetIpv4ArpInput, type GenericArpInput } from '../src/index.js';

const eth: EthernetIpv4ArpInput = {
  kind: 'ethernet-ipv4',
  op: 1,
  sha: parseMac('02:00:00:00:00:01'),
  spa: parseIpv4('10.0.0.1'),
  tha: parseMac('00:00:00:00:00:00'),
  tpa: parseIpv4('10.0.0.2'),
};
const generic: GenericArpInput = {
  kind: 'generic',
  htype: 6,
  ptype: 0x0800,
  op: 1,
  sha: new Uint8Array(3),
  spa: new Uint8Array(2),
  tha: new Uint8Array(3),
  tpa: new Uint8Array(2),
};

function rejects(input: unknown, code: string, field: string): void {
  expect(() => encodeArp(input as ArpInput)).toThrow(expect.objectContaining({ name: 'EncodeError', code, field }));
}

describe('encodeArp refuses values that do not fit', () => {
  it('out-of-range numbers', () => {
    rejects({ ...eth, op: 0x10000 }, 'out-of-range', 'op');
    rejects({ ...eth, op: -1 }, 'out-of-range', 'op');
    rejects({ ...eth, op: 1.5 }, 'out-of-range', 'op');
    rejects({ ...eth, sha: (2 ** 48) as MacAddress }, 'out-of-range', 'sha');
    rejects({ ...eth, tha: -1 as MacAddress }, 'out-of-range', 'tha');
    rejects({ ...eth, spa: (2 ** 32) as Ipv4Address }, 'out-of-range', 'spa');
    rejects({ ...eth, tpa: Number.NaN as Ipv4Address }, 'out-of-range', 'tpa');
    rejects({ ...generic, htype: 0x10000 }, 'out-of-range', 'htype');
    rejects({ ...generic, ptype: -1 }, 'out-of-range', 'ptype');
    rejects({ ...generic, op: 65536 }, 'out-of-range', 'op');
    rejects({ ...generic, hlen: 256 }, 'out-of-range', 'hlen');
  });

  it('an Ethernet/IPv4 packet with other constant fields', () => {
    rejects({ ...eth, htype: 6 }, 'invalid', 'htype');
    rejects({ ...eth, ptype: 0x86dd }, 'invalid', 'ptype');
    rejects({ ...eth, hlen: 8 }, 'invalid', 'hlen');
    rejects({ ...eth, plen: 16 }, 'invalid', 'plen');
    expect(encodeArp({ ...eth, htype: 1, ptype: 0x0800, hlen: 6, plen: 4 }).length).toBe(28);
  });

  it('generic address lengths that disagree with hlen/plen or with each other', () => {
    rejects({ ...generic, hlen: 4 }, 'invalid', 'sha');
    rejects({ ...generic, plen: 4 }, 'invalid', 'spa');
    rejects({ ...generic, tha: new Uint8Array(4) }, 'invalid', 'tha');
    rejects({ ...generic, hlen: 3, tha: new Uint8Array(2) }, 'invalid', 'tha');
    rejects({ ...generic, tpa: new Uint8Array(0) }, 'invalid', 'tpa');
    rejects({ ...generic, sha: new Uint8Array(256), tha: new Uint8Array(256) }, 'too-long', 'sha');
    expect(encodeArp({ ...generic, hlen: 3, plen: 2 }).length).toBe(18);
  });

  it('an unknown kind', () => {
    rejects({ ...eth, kind: 'token-ring' }, 'invalid', 'kind');
  });

  it('a buffer that cannot hold the packet, leaving it untouched', () => {
    const out = new Uint8Array(40).fill(7);
    expect(() => encodeArp(eth, out, 13)).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'buffer-too-small' }));
    expect(out.every((b) => b === 7)).toBe(true);
    expect(encodeArp(eth, out, 12).byteOffset).toBe(12);
  });

  it('validates everything before writing anything', () => {
    const out = new Uint8Array(28).fill(7);
    expect(() => encodeArp({ ...eth, tpa: -1 as Ipv4Address }, out)).toThrow();
    expect(() => encodeArp({ ...generic, tpa: new Uint8Array(1) }, out)).toThrow();
    expect(out.every((b) => b === 7)).toBe(true);
  });
});

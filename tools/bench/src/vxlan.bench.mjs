/**
 * VXLAN: the zero-copy view, the object decoder and a binary-parser
 * `Parser` for the same header (the layout of packages/vxlan/test/spec.ts)
 * as the same-run baseline; then what a VTEP does per packet:
 * encapsulating an inner frame into a reused buffer, decapsulating an
 * outer frame (every outer header parsed and checked, IPv4 checksum
 * verified), and turning away traffic that is not VXLAN.
 *
 * Inner frames are 98-byte Ethernet/IPv4/ICMP echo requests (what ping
 * sends) with varied addresses, in a pool of distinct buffers.
 */
import { Parser } from 'binary-parser';
import { internetChecksum, writeIpv4, writeMac, writeU16 } from '@wirestack/core';
import { VxlanView, decapsulate, decodeVxlan, encapsulate, tryDecapsulate } from '@wirestack/vxlan';
import { compare, consume, report } from './measure.mjs';

const POOL = 256;
const VXLAN = 42;

function innerFrames() {
  const out = [];
  for (let i = 0; i < POOL; i++) {
    const f = new Uint8Array(98);
    writeMac(f, 0, 0x0200_0000_0a02 + i);
    writeMac(f, 6, 0x0200_0000_0a01 + i * 3);
    writeU16(f, 12, 0x0800);
    f[14] = 0x45;
    writeU16(f, 16, 84);
    f[22] = 64;
    f[23] = 1;
    writeIpv4(f, 26, (0x0a00_0001 + i) >>> 0);
    writeIpv4(f, 30, (0x0a00_0100 + i * 5) >>> 0);
    writeU16(f, 24, internetChecksum(f, 14, 34));
    f[34] = 8; // echo request
    for (let j = 42; j < 98; j++) f[j] = j;
    out.push(f);
  }
  return out;
}

const OUTER = { srcMac: 0x0200_0000_0001, dstMac: 0x0200_0000_0002, srcIp: 0xc0a8_6301, dstIp: 0xc0a8_6302 };

function outerFrames(inners) {
  return inners.map((inner, i) => encapsulate(inner, { vni: 1 + (i % 50), outer: OUTER }));
}

// The header as a binary-parser user writes it (packages/vxlan/test/spec.ts).
const vxlanParser = new Parser()
  .endianness('big')
  .uint8('flags')
  .bit24('reserved1')
  .bit24('vni')
  .uint8('reserved2')
  .buffer('payload', { readUntil: 'eof' });

function measureHeader(pool) {
  const mask = pool.length - 1;
  const view = new VxlanView();
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = vxlanParser.parse(pool[i & mask].subarray(VXLAN));
          consume(p.flags + p.reserved1 + p.vni + p.reserved2 + p.payload.length);
        }
      },
    },
    {
      name: 'VxlanView reset + field reads',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask], VXLAN);
          consume(view.flags + view.reserved1 + view.vni + view.reserved2 + view.payloadOffset);
        }
      },
    },
    {
      name: 'decodeVxlan (object)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeVxlan(pool[i & mask], VXLAN);
          const h = d.header;
          consume(h.flags + h.reserved1 + h.vni + h.reserved2 + d.payload.length);
        }
      },
    },
  ]);
  report('VXLAN header at offset 42 of 148-byte frames, every field read', results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeVxlan (object)': { minRatio: 10, label: '>= 10x binary-parser' } },
  });
}

function measureVtep(inners, pool) {
  const mask = pool.length - 1;
  const out = new Uint8Array(50 + 98);
  const notVxlan = pool.map((f) => {
    const g = f.slice();
    writeU16(g, 36, 53); // UDP to port 53: a VTEP's "not mine"
    return g;
  });
  const options = { vni: 42, outer: OUTER };
  const withChecksum = { vni: 42, outer: OUTER, udpChecksum: true };
  const results = compare([
    {
      name: 'encapsulate into a reused buffer',
      run(n) {
        for (let i = 0; i < n; i++) consume(encapsulate(inners[i & mask], options, out)[34]);
      },
    },
    {
      name: 'encapsulate, UDP checksum computed',
      run(n) {
        for (let i = 0; i < n; i++) consume(encapsulate(inners[i & mask], withChecksum, out)[40]);
      },
    },
    {
      name: 'decapsulate',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decapsulate(pool[i & mask]);
          consume(d.vni + d.inner.length + d.outer.srcPort);
        }
      },
    },
    {
      name: 'tryDecapsulate, not VXLAN (UDP port 53)',
      run(n) {
        for (let i = 0; i < n; i++) consume(tryDecapsulate(notVxlan[i & mask]) === undefined);
      },
    },
  ]);
  report('VTEP work per packet: 98-byte inner frames, 148-byte outer frames', results, {});
}

export default function run() {
  const inners = innerFrames();
  const pool = outerFrames(inners);
  measureHeader(pool);
  measureVtep(inners, pool);
}

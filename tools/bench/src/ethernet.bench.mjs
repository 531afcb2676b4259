/**
 * Ethernet: the zero-copy view, the object decoder and a binary-parser
 * `Parser` for the same header (the baseline a binary-parser user would
 * write), on 64-byte frames; then the CRC-32 behind the optional FCS.
 *
 * Frames rotate through a pool of distinct buffers with varied addresses
 * and EtherTypes (IPv4, ARP, IPv6), as frames from a ring would, so the
 * JIT cannot specialise on one hot array. Every case reads every field.
 */
import * as zlib from 'node:zlib';
import { Parser } from 'binary-parser';
import { EthernetView, crc32, decodeEthernet, encodeEthernet } from '@wirestack/ethernet';
import { compare, consume, report } from './measure.mjs';

const POOL = 256; // a power of two: i & (POOL - 1) picks the frame
const TYPES = [0x0800, 0x0800, 0x0806, 0x86dd];

/** 64-byte frames: 14 bytes of header and 50 of payload (an IPv4/UDP datagram, say). */
function frames(frameLength) {
  const out = [];
  for (let i = 0; i < POOL; i++) {
    const payload = new Uint8Array(frameLength - 14);
    for (let j = 0; j < payload.length; j++) payload[j] = (i * 31 + j) & 0xff;
    out.push(
      encodeEthernet({
        dst: 0x0200_0000_0000 + i * 7919,
        src: 0x0242_ac11_0000 + i,
        etherType: TYPES[i & 3],
        payload,
        pad: false,
      }),
    );
  }
  return out;
}

// The header as a binary-parser user writes it: MACs as 16 + 32-bit halves
// (binary-parser has no 48-bit integer), the type, the rest as payload.
const ethernetParser = new Parser()
  .endianness('big')
  .uint16('dstHi')
  .uint32('dstLo')
  .uint16('srcHi')
  .uint32('srcLo')
  .uint16('etherType')
  .buffer('payload', { readUntil: 'eof' });

function measureHeader(pool) {
  const mask = pool.length - 1;
  const view = new EthernetView();
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = ethernetParser.parse(pool[i & mask]);
          consume(p.dstHi * 4294967296 + p.dstLo + p.srcHi * 4294967296 + p.srcLo + p.etherType + p.payload.length);
        }
      },
    },
    {
      name: 'EthernetView reset + field reads',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask]);
          consume(view.dst + view.src + view.etherType + view.payloadLength);
        }
      },
    },
    {
      name: 'decodeEthernet (object)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeEthernet(pool[i & mask]);
          const h = d.header;
          consume(h.dst + h.src + h.etherType + d.payload.length);
        }
      },
    },
  ]);
  report('Ethernet II header, 64-byte frames', results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: {
      'EthernetView reset + field reads': { minRate: 50e6, label: '>= 50 M frames/s (the Ethernet+802.1Q goal)' },
      'decodeEthernet (object)': { minRatio: 10, label: '>= 10x binary-parser' },
    },
  });
}

/** Frames as they come off a wire with the FCS: decode verifies it. */
function measureFcs(pool) {
  const withFcs = pool.map((f) => {
    const d = decodeEthernet(f);
    return encodeEthernet({ ...d.header, payload: d.payload.subarray(0, f.length - 18), pad: false, fcs: true });
  });
  const mask = withFcs.length - 1;
  const results = compare([
    {
      name: 'decodeEthernet (no FCS)',
      run(n) {
        for (let i = 0; i < n; i++) consume(decodeEthernet(pool[i & mask]).payload.length);
      },
    },
    {
      name: 'decodeEthernet { fcs: true } (verifies it)',
      run(n) {
        const options = { fcs: true };
        for (let i = 0; i < n; i++) consume(decodeEthernet(withFcs[i & mask], 0, options).fcs);
      },
    },
  ]);
  report('Ethernet FCS check, 64-byte frames', results, { baseline: 'decodeEthernet (no FCS)' });
}

/** One byte per step through a 256-entry table: the textbook CRC-32, as the baseline. */
const BYTE_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();
function bytewiseCrc32(bytes) {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = BYTE_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function measureCrc(length) {
  const data = [];
  for (let i = 0; i < 16; i++) data.push(Uint8Array.from({ length }, (_, j) => (i * 131 + j * 7) & 0xff));
  // node:zlib has crc32 from Node 20.15 on.
  const zlibCrc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;
  for (const d of data) {
    if (crc32(d) !== bytewiseCrc32(d) || (zlibCrc32 && crc32(d) !== zlibCrc32(d))) throw new Error('crc32 mismatch');
  }
  const cases = [
    {
      name: 'byte-at-a-time table (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) consume(bytewiseCrc32(data[i & 15]));
      },
    },
    {
      name: 'crc32 (slice-by-8)',
      run(n) {
        for (let i = 0; i < n; i++) consume(crc32(data[i & 15]));
      },
    },
  ];
  if (zlibCrc32) {
    cases.push({
      name: 'node:zlib crc32 (native, for scale)',
      run(n) {
        for (let i = 0; i < n; i++) consume(zlibCrc32(data[i & 15]));
      },
    });
  }
  const results = compare(cases);
  report(`CRC-32 over ${length} bytes (x ${length} = bytes/s)`, results, { baseline: 'byte-at-a-time table (baseline)' });
}

export default function run() {
  measureHeader(frames(64));
  measureFcs(frames(64));
  measureCrc(60);
  measureCrc(1514);
}

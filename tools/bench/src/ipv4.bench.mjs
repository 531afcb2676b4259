/**
 * IPv4: the zero-copy view (every field read + checksum verification), the
 * object decoder, and the same header read with a binary-parser `Parser`
 * (the layout of packages/ipv4/test/spec.ts) as the same-run baseline;
 * encoding a 20-byte header with its checksum into a reused buffer; a
 * router's TTL decrement; and reassembly throughput. Frames are Ethernet +
 * IPv4 + 64 bytes of data (a ping), with varied addresses and ids, once
 * without options and once with a Record Route option (ping -R).
 */
import { Parser } from 'binary-parser';
import { Ipv4Reassembler, Ipv4View, decodeIpv4, encodeIpv4, fragmentIpv4 } from '@wirestack/ipv4';
import { compare, consume, report } from './measure.mjs';

const ETHERNET_IPV4 = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00];

function frames(count, options) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const datagram = encodeIpv4({
      id: (i * 7919) & 0xffff,
      ttl: 64,
      df: true,
      protocol: 1,
      src: (0x0a00_0000 + i * 13) >>> 0,
      dst: (0x0a01_0000 + i * 17) >>> 0,
      options,
      payload: new Uint8Array(64).fill(i & 0xff),
    });
    const frame = new Uint8Array(14 + datagram.length);
    frame.set(ETHERNET_IPV4, 0);
    frame.set(datagram, 14);
    out.push(frame);
  }
  return out;
}

// What a binary-parser user writes for RFC 791's fixed header (as in packages/ipv4/test/spec.ts).
const ipv4Parser = new Parser()
  .endianness('big')
  .bit4('version')
  .bit4('ihl')
  .bit6('dscp')
  .bit2('ecn')
  .uint16('totalLength')
  .uint16('id')
  .bit1('reservedFlag')
  .bit1('df')
  .bit1('mf')
  .bit13('fragmentOffset')
  .uint8('ttl')
  .uint8('protocol')
  .uint16('checksum')
  .uint32('src')
  .uint32('dst')
  .buffer('options', {
    length: function () {
      return this.ihl * 4 - 20;
    },
  });

function measureDecode(title, pool, target) {
  const mask = pool.length - 1;
  const view = new Ipv4View();
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = ipv4Parser.parse(pool[i & mask].subarray(14));
          consume(p.version + p.ihl + p.dscp + p.ecn + p.totalLength + p.id + p.reservedFlag + p.df + p.mf + p.fragmentOffset +
            p.ttl + p.protocol + p.checksum + p.src + p.dst + p.options.length);
        }
      },
    },
    {
      name: 'Ipv4View reset + field reads + verifyChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          const v = view.reset(pool[i & mask], 14);
          consume(v.version + v.ihl + v.dscp + v.ecn + v.totalLength + v.id + (v.reservedFlag ? 1 : 0) + (v.df ? 1 : 0) + (v.mf ? 1 : 0) +
            v.fragmentOffset + v.ttl + v.protocol + v.checksum + v.src + v.dst + v.payloadLength + (v.verifyChecksum() ? 1 : 0));
        }
      },
    },
    {
      name: 'decodeIpv4 (object, checksum verified)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeIpv4(pool[i & mask], 14);
          const h = d.header;
          consume(h.version + h.ihl + h.dscp + h.ecn + h.totalLength + h.id + (h.reservedFlag ? 1 : 0) + (h.df ? 1 : 0) + (h.mf ? 1 : 0) +
            h.fragmentOffset + h.ttl + h.protocol + h.checksum + h.src + h.dst + h.options.length + d.payload.length + (h.checksumValid ? 1 : 0));
        }
      },
    },
  ]);
  report(title, results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: target ? { 'decodeIpv4 (object, checksum verified)': { minRatio: 10, label: '>= 10x binary-parser' } } : {},
  });
}

function measureWrite() {
  const out = new Uint8Array(1514);
  const pool = frames(256, undefined);
  const mask = pool.length - 1;
  const view = new Ipv4View();
  const results = compare([
    {
      name: 'encodeIpv4 20-byte header + checksum, reused buffer',
      run(n) {
        for (let i = 0; i < n; i++) {
          const written = encodeIpv4({ id: i & 0xffff, ttl: 64, df: true, protocol: 17, src: 0x0a000001, dst: (0x0a000000 + (i & 0xff)) >>> 0, totalLength: 84 }, out, 14);
          consume(written[10]);
        }
      },
    },
    {
      name: 'Ipv4View setters + fillChecksum, in place',
      run(n) {
        for (let i = 0; i < n; i++) {
          const v = view.reset(out, 14);
          v.id = i & 0xffff;
          v.dst = (0x0a000000 + (i & 0xff)) >>> 0;
          consume(v.fillChecksum());
        }
      },
    },
    {
      name: 'Ipv4View decrementTtl (RFC 1624 update)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const v = view.reset(pool[i & mask], 14);
          if (v.ttl <= 1) v.ttl = 255; // keep forwarding forever (checksum left stale; the update does not read it)
          consume(v.decrementTtl());
        }
      },
    },
  ]);
  report('IPv4 writes (no baseline: binary-parser has no encoder)', results, {});
}

function measureReassembly() {
  // ping -s 3000 over MTU 1500: three fragments per datagram, pushed in order.
  const datagrams = [];
  for (let i = 0; i < 64; i++) {
    datagrams.push(fragmentIpv4(encodeIpv4({ id: i, protocol: 1, src: 0x0a000001, dst: 0x0a000002, payload: new Uint8Array(3008) }), 1500));
  }
  const fragmentsPerDatagram = datagrams[0].length;
  const shuffled = datagrams.map((f) => [f[2], f[0], f[1]]);
  const results = compare([
    {
      name: `reassembly, ${fragmentsPerDatagram} fragments of ~1480 bytes, in order (per fragment)`,
      run(n) {
        const r = new Ipv4Reassembler();
        for (let i = 0; i < n; i++) {
          const set = datagrams[Math.floor(i / fragmentsPerDatagram) & 63];
          const out = r.push(set[i % fragmentsPerDatagram], i);
          if (out !== undefined) consume(out.length);
        }
      },
    },
    {
      name: 'reassembly, same, last fragment first (per fragment)',
      run(n) {
        const r = new Ipv4Reassembler();
        for (let i = 0; i < n; i++) {
          const set = shuffled[Math.floor(i / fragmentsPerDatagram) & 63];
          const out = r.push(set[i % fragmentsPerDatagram], i);
          if (out !== undefined) consume(out.length);
        }
      },
    },
  ]);
  report('IPv4 reassembly (fragments/s)', results, {});
}

export default function run() {
  measureDecode('IPv4, 98-byte ping frames (no options), every field read', frames(256, undefined), true);
  // binary-parser leaves the options as bytes; decodeIpv4 decodes them into objects (9 addresses here).
  measureDecode('IPv4, 138-byte ping -R frames (NOP + Record Route, 9 slots), every field read; options decoded by us only', frames(256, [
    { kind: 'nop' },
    { kind: 'record-route', pointer: 8, addresses: [0x0a000001, 0, 0, 0, 0, 0, 0, 0, 0] },
  ]), false);
  measureWrite();
  measureReassembly();
}

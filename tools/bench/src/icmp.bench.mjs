/**
 * ICMPv4: the zero-copy view (header reads + checksum verify), the object
 * decoder, and the same messages read with a binary-parser `Parser` (the
 * layout of packages/icmp/test/spec.ts) as the same-run baseline; then the
 * rate of building echo replies. Three workloads: 64-byte echo requests
 * (what `ping` sends), 556-byte fragmentation-needed errors quoting a
 * 548-byte datagram (what a router sends) and 20-byte timestamp requests
 * (no byte fields: the object decoder's fixed cost), each inside an
 * Ethernet/IPv4 frame.
 *
 * decodeIcmp always computes the checksum (`checksumValid`) and copies the
 * byte fields it returns (echo data, the quote), so a second baseline row
 * adds the checksum to binary-parser, which returns subarrays.
 */
import { Parser } from 'binary-parser';
import { internetChecksum } from '@wirestack/core';
import { IcmpView, decodeIcmp, echoReply, echoRequest, encodeIcmp, fragmentationNeeded } from '@wirestack/icmp';
import { compare, consume, report } from './measure.mjs';

const ICMP_AT = 34; // Ethernet 14 + IPv4 20

function frame(icmp) {
  const out = new Uint8Array(ICMP_AT + icmp.length);
  out.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0, (20 + icmp.length) >> 8, (20 + icmp.length) & 0xff, 0, 0, 0x40, 0, 64, 1], 0);
  out.set(icmp, ICMP_AT);
  return out;
}

function timestampFrames(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(frame(encodeIcmp({ kind: 'timestamp', id: i, seq: i, originate: 1000 * i, receive: 0, transmit: 0 })));
  }
  return out;
}

function echoFrames(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(56).map((_, j) => (i + j) & 0xff);
    out.push(frame(encodeIcmp(echoRequest({ id: 0x6000 + i, seq: i, data }))));
  }
  return out;
}

function fragNeededFrames(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    // the offending datagram: a 1428-byte DF echo request from 10.99.1.1 to 10.99.2.2
    const offending = new Uint8Array(1428);
    offending.set([0x45, 0, 0x05, 0x94, 0, i & 0xff, 0x40, 0, 64, 1, 0, 0, 10, 99, 1, 1, 10, 99, 2, 2, 8, 0, 0, 0, 0x62, 0x98, 0, i & 0xff], 0);
    out.push(frame(encodeIcmp(fragmentationNeeded(offending, 1280))));
  }
  return out;
}

// What a binary-parser user writes for RFC 792 (as in packages/icmp/test/spec.ts).
const echoLike = new Parser().endianness('big').uint16('id').uint16('seq');
const icmpParser = new Parser()
  .endianness('big')
  .uint8('type')
  .uint8('code')
  .uint16('checksum')
  .choice('fields', {
    tag: 'type',
    choices: {
      0: echoLike,
      8: echoLike,
      13: new Parser().endianness('big').uint16('id').uint16('seq').uint32('originate').uint32('receive').uint32('transmit'),
      3: new Parser().endianness('big').uint8('unused').uint8('length').uint16('mtu'),
      11: new Parser().endianness('big').uint8('unusedHigh').uint8('length').uint16('unusedLow'),
    },
    defaultChoice: new Parser().endianness('big').uint32('rest'),
  })
  .buffer('body', { readUntil: 'eof' });

function measureDecode(title, pool, read) {
  const mask = pool.length - 1;
  const view = new IcmpView();
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = icmpParser.parse(pool[i & mask].subarray(ICMP_AT));
          consume(p.type + p.code + p.checksum + read.parser(p.fields) + p.body.length);
        }
      },
    },
    {
      name: 'binary-parser Parser + internetChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          const frame = pool[i & mask];
          const p = icmpParser.parse(frame.subarray(ICMP_AT));
          const valid = internetChecksum(frame, ICMP_AT, frame.length) === 0;
          consume(p.type + p.code + p.checksum + read.parser(p.fields) + p.body.length + (valid ? 1 : 0));
        }
      },
    },
    {
      name: 'IcmpView reset + header reads',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask], ICMP_AT);
          consume(view.type + view.code + view.checksum + read.view(view));
        }
      },
    },
    {
      name: 'IcmpView reset + reads + verifyChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask], ICMP_AT);
          consume(view.type + view.code + view.checksum + read.view(view) + (view.verifyChecksum() ? 1 : 0));
        }
      },
    },
    {
      name: 'decodeIcmp (object, checksum verified)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeIcmp(pool[i & mask], ICMP_AT);
          const h = d.header;
          consume(h.type + h.code + h.checksum + read.object(h) + d.payload.length);
        }
      },
    },
  ]);
  report(title, results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeIcmp (object, checksum verified)': { minRatio: 10, label: '>= 10x binary-parser' } },
  });
}

function measureEchoReply(pool) {
  const mask = pool.length - 1;
  const view = new IcmpView();
  const copies = pool.map((f) => f.slice());
  const results = compare([
    {
      name: 'echoReply(bytes) + encodeIcmp',
      run(n) {
        for (let i = 0; i < n; i++) consume(encodeIcmp(echoReply(pool[i & mask].subarray(ICMP_AT))).length);
      },
    },
    {
      name: 'echoReply(decoded) + encodeIcmp into a buffer',
      run(n) {
        const out = new Uint8Array(2048);
        for (let i = 0; i < n; i++) {
          const request = decodeIcmp(pool[i & mask], ICMP_AT).header;
          consume(encodeIcmp(echoReply(request), out, ICMP_AT).length);
        }
      },
    },
    {
      name: 'in place: IcmpView type 0 + fillChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(copies[i & mask], ICMP_AT);
          view.type = view.type === 8 ? 0 : 8; // alternate so every round does the same work
          view.fillChecksum();
          consume(view.checksum);
        }
      },
    },
  ]);
  report('echo replies built from 64-byte echo requests', results, {});
}

export default function run() {
  const echo = echoFrames(256);
  measureDecode('ICMP echo request, 64 bytes (ping), id/seq/data read', echo, {
    parser: (f) => f.id + f.seq,
    view: (v) => v.id + v.seq,
    object: (h) => h.id + h.seq + h.data.length,
  });
  measureDecode('ICMP fragmentation needed, 556 bytes (548-byte quote), mtu + quoted addresses read', fragNeededFrames(256), {
    parser: (f) => f.mtu + f.length,
    // the quoted source and destination, read in place (bytes 12 and 16 of the quoted header)
    view: (v) => v.mtu + v.length + v.bytes[v.offset + 8 + 12] + v.bytes[v.offset + 8 + 16],
    object: (h) => h.mtu + h.length + h.quoted.ip.src + h.quoted.ip.dst,
  });
  measureDecode('ICMP timestamp request, 20 bytes, every field read', timestampFrames(256), {
    parser: (f) => f.id + f.seq + f.originate + f.receive + f.transmit,
    view: (v) => v.id + v.seq,
    object: (h) => h.id + h.seq + h.originate + h.receive + h.transmit,
  });
  measureEchoReply(echo);
}

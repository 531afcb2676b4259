/**
 * BGP UPDATE decoding in prefixes/s, on UPDATEs shaped like a full table
 * (the mix of ../shared/anchors/bgp/gen_table.py: mostly /24s, AS paths of
 * 3–7 ASNs with some 4-octet ones, a third with communities, a few large
 * communities, about 3.5 prefixes per UPDATE), 4-octet AS session.
 * Baseline in the same run: the UPDATE layout as a binary-parser `Parser`
 * (attribute TLVs and NLRI as buffers, what a binary-parser user writes),
 * with the prefixes then read by hand. Cases: decodeMessage per message,
 * and BgpFramer + decodeMessage over the same bytes as a TCP stream in
 * 64 KiB chunks.
 */
import { Parser } from 'binary-parser';
import { BgpFramer, decodeMessage, encodeMessage } from '@wirestack/bgp';
import { compare, consume, report } from './measure.mjs';

const OPTIONS = { fourOctetAs: true };

/** A small deterministic PRNG so every run measures the same table. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function updates(count) {
  const random = prng(1);
  const out = [];
  let prefixes = 0;
  let net = 0x0b000000;
  for (let i = 0; i < count; i++) {
    const pathLength = 3 + Math.floor(random() * 5);
    const asns = [65001];
    for (let k = 1; k < pathLength; k++) asns.push(random() < 0.3 ? 4200000000 + Math.floor(random() * 1e6) : 1 + Math.floor(random() * 64000));
    const attributes = { origin: random() < 0.9 ? 'igp' : 'incomplete', asPath: [{ type: 'sequence', asns }], nextHop: 0xc0000201 + (i % 8) };
    if (random() < 0.33) attributes.communities = [((asns[1] & 0xffff) << 16) + 100, 0xffffff01].map((c) => c >>> 0);
    if (random() < 0.02) attributes.largeCommunities = [{ global: 65001, local1: i, local2: 1 }];
    const n = 1 + Math.floor(random() * 6);
    const nlri = [];
    for (let k = 0; k < n; k++) {
      const length = random() < 0.6 ? 24 : 16 + Math.floor(random() * 8);
      net = (net + 256) >>> 0;
      nlri.push({ address: (net & (0xffffffff << (32 - length))) >>> 0, length });
    }
    prefixes += n;
    out.push(encodeMessage({ type: 'update', withdrawn: [], attributes, nlri }, OPTIONS));
  }
  return { messages: out, prefixes };
}

const attributeParser = new Parser()
  .endianness('big')
  .uint8('flags')
  .uint8('type')
  .choice('length', { tag: function () { return this.flags & 0x10 ? 1 : 0; }, choices: { 0: 'uint8', 1: 'uint16be' } })
  .buffer('value', { length: 'length' });

const updateParser = new Parser()
  .endianness('big')
  .buffer('marker', { length: 16 })
  .uint16('length')
  .uint8('type')
  .uint16('withdrawnLength')
  .buffer('withdrawn', { length: 'withdrawnLength' })
  .uint16('attributesLength')
  .array('attributes', { type: attributeParser, lengthInBytes: 'attributesLength' })
  .buffer('nlri', { length: function () { return this.length - 23 - this.withdrawnLength - this.attributesLength; } });

/** Reads the NLRI prefixes the way a binary-parser user would have to, by hand. */
function countPrefixes(nlri) {
  let n = 0;
  for (let o = 0; o < nlri.length; n++) o += 1 + ((nlri[o] + 7) >> 3);
  return n;
}

export default function run() {
  const { messages, prefixes } = updates(20_000);
  const perMessage = prefixes / messages.length;
  const stream = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let o = 0;
  for (const m of messages) {
    stream.set(m, o);
    o += m.length;
  }
  // One operation = one prefix: each run decodes messages until n prefixes are done.
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let done = 0, i = 0; done < n; i = (i + 1) % messages.length) {
          const u = updateParser.parse(messages[i]);
          consume(u.attributes.length);
          done += countPrefixes(u.nlri);
        }
      },
    },
    {
      name: 'decodeMessage per UPDATE',
      run(n) {
        for (let done = 0, i = 0; done < n; i = (i + 1) % messages.length) {
          const d = decodeMessage(messages[i], 0, OPTIONS);
          consume(d.message.nlri.length + d.errors.length);
          done += d.message.nlri.length;
        }
      },
    },
    {
      name: 'BgpFramer + decodeMessage (64 KiB chunks)',
      run(n) {
        let done = 0;
        while (done < n) {
          const framer = new BgpFramer();
          for (let at = 0; at < stream.length && done < n; at += 65536) {
            for (const frame of framer.push(stream.subarray(at, at + 65536))) {
              const d = decodeMessage(frame, 0, OPTIONS);
              done += d.message.nlri.length;
            }
          }
        }
        consume(done);
      },
    },
  ]);
  report(`BGP UPDATE decoding, prefixes/s (${perMessage.toFixed(1)} prefixes per UPDATE, 4-octet AS)`, results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeMessage per UPDATE': { minRate: 1_000_000, label: '>= 1M prefixes/s' } },
  });
}

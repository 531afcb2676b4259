/**
 * ARP decoding: the zero-copy view, the object decoder, and the same packet
 * read with a binary-parser `Parser` (the layout of packages/arp/test/spec.ts)
 * as the same-run baseline. Frames are Ethernet/ARP requests and replies
 * with varied addresses, once unpadded (42 bytes: veth, a host's own sends)
 * and once padded to Ethernet's 60-byte minimum (what arrives from a wire),
 * because decodeArp allocates a payload subarray only when bytes follow the
 * packet. Every case reads every field.
 */
import { Parser } from 'binary-parser';
import { ArpView, arpReply, arpRequest, decodeArp, encodeArp } from '@wirestack/arp';
import { compare, consume, report } from './measure.mjs';

const ETHERNET_ARP = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06];

function frames(count, frameLength) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const mac = 0x0200_0000_0000 + i * 7919;
    const ip = (0x0a00_0000 + i * 13) >>> 0;
    const packet =
      i % 2 === 0
        ? arpRequest({ senderMac: mac, senderIp: ip, targetIp: (ip + 1) >>> 0 })
        : arpReply({ senderMac: mac, senderIp: ip, targetMac: mac + 1, targetIp: (ip + 1) >>> 0 });
    const frame = new Uint8Array(frameLength);
    frame.set(ETHERNET_ARP, 0);
    encodeArp(packet, frame, 14);
    out.push(frame);
  }
  return out;
}

// What a binary-parser user writes for RFC 826 (as in packages/arp/test/spec.ts).
const arpParser = new Parser()
  .endianness('big')
  .uint16('htype')
  .uint16('ptype')
  .uint8('hlen')
  .uint8('plen')
  .uint16('op')
  .buffer('sha', { length: 'hlen' })
  .buffer('spa', { length: 'plen' })
  .buffer('tha', { length: 'hlen' })
  .buffer('tpa', { length: 'plen' });

function measure(title, pool) {
  const mask = pool.length - 1;
  const view = new ArpView();
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = arpParser.parse(pool[i & mask].subarray(14));
          consume(p.htype + p.ptype + p.hlen + p.plen + p.op + p.sha[5] + p.spa[3] + p.tha[5] + p.tpa[3]);
        }
      },
    },
    {
      name: 'ArpView reset + field reads',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask], 14);
          consume(view.htype + view.ptype + view.hlen + view.plen + view.op + view.sha + view.spa + view.tha + view.tpa);
        }
      },
    },
    {
      name: 'decodeArp (object)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeArp(pool[i & mask], 14);
          const h = d.header;
          consume(h.htype + h.ptype + h.hlen + h.plen + h.op + h.sha + h.spa + h.tha + h.tpa + d.payload.length);
        }
      },
    },
  ]);
  report(title, results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeArp (object)': { minRatio: 10, label: '>= 10x binary-parser' } },
  });
}

export default function run() {
  measure('ARP, 42-byte frames (unpadded), every field read', frames(256, 42));
  measure('ARP, 60-byte frames (18 bytes of Ethernet padding), every field read', frames(256, 60));
}

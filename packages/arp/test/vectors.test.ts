import { describe, expect, it } from 'vitest';
import { MAC_ZERO, fromHex, parseIpv4, parseMac, readU16, toHex } from '@wirestack/core';
import { ArpOp, decodeArp, encodeArp, formatArp, isGratuitous, isProbe, type EthernetIpv4Arp } from '../src/index.js';

/** Hex with a comment per field; comments and spaces are dropped. */
function hexLines(text: string): Uint8Array {
  return fromHex(text.replace(/#.*$/gm, ''));
}

const mac = parseMac;
const ip = parseIpv4;

describe('RFC 826 packet layout, bytes checked by hand', () => {
  // "Packet format" of RFC 826, filled in for host 10.0.0.1 (02:00:00:00:00:01)
  // asking for 10.0.0.2.
  const request = hexLines(`
    00 01               # ar$hrd  1 = Ethernet (10Mb)
    08 00               # ar$pro  0x0800 = IP
    06                  # ar$hln  6 bytes of hardware address
    04                  # ar$pln  4 bytes of protocol address
    00 01               # ar$op   ares_op$REQUEST
    02 00 00 00 00 01   # ar$sha  sender hardware address
    0a 00 00 01         # ar$spa  sender protocol address 10.0.0.1
    00 00 00 00 00 00   # ar$tha  target hardware address: unknown
    0a 00 00 02         # ar$tpa  target protocol address 10.0.0.2
  `);

  it('decodes every field of a request', () => {
    const d = decodeArp(request);
    expect(d.headerLength).toBe(28);
    expect(d.payload.length).toBe(0);
    expect(d.issues).toEqual([]);
    expect(d.header).toEqual({
      kind: 'ethernet-ipv4',
      htype: 1,
      ptype: 0x0800,
      hlen: 6,
      plen: 4,
      op: ArpOp.request,
      sha: mac('02:00:00:00:00:01'),
      spa: ip('10.0.0.1'),
      tha: 0,
      tpa: ip('10.0.0.2'),
    });
    expect(formatArp(d.header)).toBe('Request who-has 10.0.0.2 tell 10.0.0.1');
  });

  it('a request that names a target MAC (a unicast re-probe) shows it as tcpdump does', () => {
    const bytes = request.slice();
    bytes.set([0x02, 0, 0, 0, 0, 0x02], 18); // ar$tha
    expect(formatArp(decodeArp(bytes).header)).toBe('Request who-has 10.0.0.2 (02:00:00:00:00:02) tell 10.0.0.1');
  });

  it('encodes the same bytes', () => {
    expect(toHex(encodeArp(decodeArp(request).header))).toBe(toHex(request));
  });

  it('the reply swaps sender and target (RFC 826 "Packet Reception")', () => {
    const reply = hexLines(`
      0001 0800 06 04 0002    # Ethernet, IP, 6, 4, ares_op$REPLY
      02 00 00 00 00 02       # sha: the answer
      0a 00 00 02             # spa 10.0.0.2
      02 00 00 00 00 01       # tha: the requester
      0a 00 00 01             # tpa 10.0.0.1
    `);
    const d = decodeArp(reply);
    expect(d.header).toMatchObject({ op: 2, sha: mac('02:00:00:00:00:02'), spa: ip('10.0.0.2'), tha: mac('02:00:00:00:00:01'), tpa: ip('10.0.0.1') });
    expect(formatArp(d.header)).toBe('Reply 10.0.0.2 is-at 02:00:00:00:00:02');
  });

  it('RARP (RFC 903) and InARP (RFC 2390) use the same layout with ops 3, 4, 8, 9', () => {
    for (const [op, text] of [
      [3, 'Reverse Request who-is 02:00:00:00:00:02 tell 02:00:00:00:00:01'],
      [4, 'Reverse Reply 02:00:00:00:00:02 at 10.0.0.2'],
      [8, 'Inverse Request who-is 02:00:00:00:00:02 tell 02:00:00:00:00:01'],
      [9, 'Inverse Reply 02:00:00:00:00:01 at 10.0.0.1'],
    ] as const) {
      const bytes = hexLines(`0001 0800 0604 00 ${op.toString(16).padStart(2, '0')}  020000000001 0a000001  020000000002 0a000002`);
      const d = decodeArp(bytes);
      expect(d.header.op).toBe(op);
      expect(formatArp(d.header)).toBe(text);
    }
  });

  it('an unknown op decodes, round-trips and prints as hex', () => {
    const bytes = hexLines('0001 0800 0604 1234  020000000001 0a000001  020000000002 0a000002');
    const d = decodeArp(bytes);
    expect(d.header.op).toBe(0x1234);
    expect(toHex(encodeArp(d.header))).toBe(toHex(bytes));
    expect(formatArp(d.header)).toBe('Unknown (0x1234) sender 02:00:00:00:00:01 10.0.0.1 target 02:00:00:00:00:02 10.0.0.2');
  });

  it('Ethernet padding after the packet is payload, not ARP', () => {
    // A minimum-size 60-byte frame: 14-byte header, 28-byte ARP, 18 bytes of padding.
    const frame = hexLines(`
      ffffffffffff 020000000001 0806                    # Ethernet II, ARP
      0001 0800 0604 0001 020000000001 0a000001 000000000000 0a000002
      000000000000000000000000000000000000              # 18 bytes of padding
    `);
    expect(frame.length).toBe(60);
    const d = decodeArp(frame, 14);
    expect(d.headerLength).toBe(28);
    expect(d.payload.length).toBe(18);
    expect(d.payload.byteOffset - frame.byteOffset).toBe(42);
  });

  it('other hardware/protocol types decode generically (IEEE 802 htype 6)', () => {
    const bytes = hexLines('0006 0800 0604 0001  020000000001 0a000001  000000000000 0a000002');
    const d = decodeArp(bytes);
    expect(d.header).toEqual({
      kind: 'generic',
      htype: 6,
      ptype: 0x0800,
      hlen: 6,
      plen: 4,
      op: 1,
      sha: fromHex('020000000001'),
      spa: fromHex('0a000001'),
      tha: fromHex('000000000000'),
      tpa: fromHex('0a000002'),
    });
    expect(formatArp(d.header)).toBe(
      'Request [htype 0x0006 ptype 0x0800 hlen 6 plen 4] sender 02:00:00:00:00:01 10.0.0.1 target 00:00:00:00:00:00 10.0.0.2',
    );
    expect(toHex(encodeArp(d.header))).toBe(toHex(bytes));
  });

  it('htype 1 / ptype 0x0800 with other lengths is generic, in strict mode too', () => {
    const bytes = hexLines('0001 0800 0804 0001  0102030405060708 0a000001  0102030405060709 0a000002');
    for (const mode of ['strict', 'lax'] as const) {
      const d = decodeArp(bytes, 0, { mode });
      expect(d.header.kind).toBe('generic');
      expect(d.headerLength).toBe(32);
      expect(d.issues).toEqual([]);
    }
  });

  it('IPv6 protocol addresses (plen 16) and hlen = plen = 0 are legal', () => {
    const v6 = hexLines(`0001 86dd 0610 0001  020000000001 ${'00'.repeat(15)}01  000000000000 ${'00'.repeat(15)}02`);
    const d = decodeArp(v6);
    expect(d.headerLength).toBe(8 + 2 * 6 + 2 * 16);
    expect(d.header.kind === 'generic' && d.header.tpa[15]).toBe(2);

    const empty = hexLines('1234 5678 0000 0001');
    const e = decodeArp(empty);
    expect(e.headerLength).toBe(8);
    expect(e.header).toEqual({
      kind: 'generic', htype: 0x1234, ptype: 0x5678, hlen: 0, plen: 0, op: 1,
      sha: new Uint8Array(0), spa: new Uint8Array(0), tha: new Uint8Array(0), tpa: new Uint8Array(0),
    });
    expect(formatArp(e.header)).toBe('Request [htype 0x1234 ptype 0x5678 hlen 0 plen 0] sender - - target - -');
    expect(toHex(encodeArp(e.header))).toBe(toHex(empty));
  });

  it('truncation is reported at the packet start: first the fixed part, then the address fields', () => {
    const frame = new Uint8Array(14 + 20);
    frame.set(request.subarray(0, 20), 14);
    expect(() => decodeArp(frame.subarray(0, 14 + 5), 14)).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'truncated', layer: 'arp', offset: 14, required: 8, available: 5 }),
    );
    expect(() => decodeArp(frame, 14)).toThrow(
      expect.objectContaining({ code: 'truncated', layer: 'arp', offset: 14, required: 28, available: 20 }),
    );
  });
});

/*
 * Real kernel ARP traffic (Linux, Debian 12 kernel), captured on this machine
 * with these commands (as root), then each frame printed as hex:
 *
 *   ip netns add wsAarp1
 *   ip netns add wsAarp2
 *   ip link add veth0 netns wsAarp1 address 02:00:00:00:99:01 type veth \
 *      peer name veth1 netns wsAarp2 address 02:00:00:00:99:02
 *   ip -n wsAarp1 addr add 10.99.0.1/24 dev veth0
 *   ip -n wsAarp2 addr add 10.99.0.2/24 dev veth1
 *   ip -n wsAarp1 link set veth0 up
 *   ip -n wsAarp2 link set veth1 up
 *   ip netns exec wsAarp2 sysctl -qw net.ipv4.conf.veth1.arp_notify=1
 *   ip netns exec wsAarp1 tcpdump -n -i veth0 -U -w arp.pcap arp &
 *   ip netns exec wsAarp1 ping -c1 -W1 10.99.0.2             # frames 1, 2
 *   sleep 7        # wsAarp2's entry for 10.99.0.1: STALE -> DELAY -> PROBE, frames 3, 4
 *   ip -n wsAarp2 link set veth1 address 02:00:00:00:99:03   # arp_notify: frame 5
 *   kill %1; ip netns del wsAarp1; ip netns del wsAarp2
 *   node -e "const d=require('fs').readFileSync('arp.pcap'); let o=24; while(o<d.length){
 *     const n=d.readUInt32LE(o+8); console.log(d.subarray(o+16,o+16+n).toString('hex')); o+=16+n;}"
 *
 * `tcpdump -n -r arp.pcap` printed the text in `tcpdump` below.
 */
interface CapturedFrame {
  readonly hex: string;
  readonly tcpdump: string;
  readonly expected: Pick<EthernetIpv4Arp, 'op' | 'sha' | 'spa' | 'tha' | 'tpa'>;
}

const captured: readonly CapturedFrame[] = [
  {
    // ping's ARP request, broadcast
    hex: 'ffffffffffff020000009901080600010800060400010200000099010a6300010000000000000a630002',
    tcpdump: 'Request who-has 10.99.0.2 tell 10.99.0.1',
    expected: { op: 1, sha: mac('02:00:00:00:99:01'), spa: ip('10.99.0.1'), tha: MAC_ZERO, tpa: ip('10.99.0.2') },
  },
  {
    // the reply, unicast to the requester
    hex: '020000009901020000009902080600010800060400020200000099020a6300020200000099010a630001',
    tcpdump: 'Reply 10.99.0.2 is-at 02:00:00:00:99:02',
    expected: { op: 2, sha: mac('02:00:00:00:99:02'), spa: ip('10.99.0.2'), tha: mac('02:00:00:00:99:01'), tpa: ip('10.99.0.1') },
  },
  {
    // NUD PROBE: a unicast request (Ethernet destination known) with tha still zero
    hex: '020000009901020000009902080600010800060400010200000099020a6300020000000000000a630001',
    tcpdump: 'Request who-has 10.99.0.1 tell 10.99.0.2',
    expected: { op: 1, sha: mac('02:00:00:00:99:02'), spa: ip('10.99.0.2'), tha: MAC_ZERO, tpa: ip('10.99.0.1') },
  },
  {
    hex: '020000009902020000009901080600010800060400020200000099010a6300010200000099020a630002',
    tcpdump: 'Reply 10.99.0.1 is-at 02:00:00:00:99:01',
    expected: { op: 2, sha: mac('02:00:00:00:99:01'), spa: ip('10.99.0.1'), tha: mac('02:00:00:00:99:02'), tpa: ip('10.99.0.2') },
  },
  {
    // arp_notify after the MAC change: a gratuitous request, spa = tpa, tha zero
    hex: 'ffffffffffff020000009903080600010800060400010200000099030a6300020000000000000a630002',
    tcpdump: 'Request who-has 10.99.0.2 tell 10.99.0.2',
    expected: { op: 1, sha: mac('02:00:00:00:99:03'), spa: ip('10.99.0.2'), tha: MAC_ZERO, tpa: ip('10.99.0.2') },
  },
];

describe('ARP frames captured from the Linux kernel', () => {
  it.each(captured.map((c, i) => [i + 1, c] as const))('frame %i decodes field by field', (_, c) => {
    const frame = fromHex(c.hex);
    expect(frame.length).toBe(42); // veth does not pad
    expect(readU16(frame, 12)).toBe(0x0806);
    const d = decodeArp(frame, 14);
    expect(d.headerLength).toBe(28);
    expect(d.payload.length).toBe(0);
    const h = d.header;
    expect(h.kind).toBe('ethernet-ipv4');
    expect(h.htype).toBe(1);
    expect(h.ptype).toBe(0x0800);
    expect(h.hlen).toBe(6);
    expect(h.plen).toBe(4);
    expect(h.op).toBe(c.expected.op);
    expect(h.sha).toBe(c.expected.sha);
    expect(h.spa).toBe(c.expected.spa);
    expect(h.tha).toBe(c.expected.tha);
    expect(h.tpa).toBe(c.expected.tpa);
    expect(formatArp(h)).toBe(c.tcpdump);
    expect(toHex(encodeArp(h))).toBe(c.hex.slice(28));
  });

  it('only the arp_notify frame is gratuitous, none is a probe', () => {
    const flags = captured.map((c) => decodeArp(fromHex(c.hex), 14).header).map((h) => [isGratuitous(h), isProbe(h)]);
    expect(flags).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [true, false],
    ]);
  });
});

/**
 * Known frames shared by the tests. Hex is written in wire order.
 */
import { fromHex } from '@wirestack/core';

/**
 * Real kernel frames, captured on Linux 6.18 with:
 *
 *   ip netns add wsE-a; ip netns add wsE-b
 *   ip link add wsE0 netns wsE-a type veth peer name wsE1 netns wsE-b
 *   ip -n wsE-a addr add 192.0.2.1/24 dev wsE0; ip -n wsE-b addr add 192.0.2.2/24 dev wsE1
 *   ip -n wsE-a link set wsE0 up; ip -n wsE-b link set wsE1 up
 *   ip netns exec wsE-a tcpdump -i wsE0 -U -w cap.pcap 'arp or icmp' &
 *   ip netns exec wsE-a ping -c1 -W2 192.0.2.2
 *   ip netns del wsE-a; ip netns del wsE-b
 *
 * (veth MACs chosen by the kernel: 46:bd:24:78:7b:1b in wsE-a,
 * 02:25:05:37:39:35 in wsE-b). Captured on the sending side, so the 42-byte
 * ARP request is not padded to 60 and no frame carries an FCS.
 */
export const KERNEL_ARP_REQUEST = fromHex(
  'ffffffffffff 46bd24787b1b 0806' + // dst (broadcast), src, ARP
    '0001 0800 06 04 0001 46bd24787b1b c0000201 000000000000 c0000202', // who-has 192.0.2.2 tell 192.0.2.1
);

export const KERNEL_ICMP_ECHO_REQUEST = fromHex(
  '022505373935 46bd24787b1b 0800' + // dst, src, IPv4
    '45000054 1d704000 40019935 c0000201 c0000202' + // IPv4 header, total length 84
    '080086ee18720001 1673026b00000000 7ded030000000000' + // ICMP echo request id 0x1872 seq 1, timestamp
    '101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637', // ping's pattern
);

/** What `tcpdump -e -n -r cap.pcap` printed for those two frames, up to the ':' before the payload. */
export const TCPDUMP_ARP_REQUEST = '46:bd:24:78:7b:1b > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42';
export const TCPDUMP_ICMP_ECHO_REQUEST = '46:bd:24:78:7b:1b > 02:25:05:37:39:35, ethertype IPv4 (0x0800), length 98';

/**
 * The ARP request as a NIC puts it on the wire: zero-padded to 60 bytes,
 * then the FCS. The FCS bytes af 2f 7d 6c (CRC-32 0x6c7d2faf, low byte
 * first) were computed with node:zlib's crc32 and confirmed by
 * `tshark -o eth.fcs:Always -o eth.check_fcs:TRUE` (eth.fcs.status Good).
 */
export const ARP_REQUEST_ON_THE_WIRE = fromHex(
  'ffffffffffff 46bd24787b1b 0806' +
    '0001 0800 06 04 0001 46bd24787b1b c0000201 000000000000 c0000202' +
    '000000000000000000000000000000000000' + // 18 bytes of padding
    'af2f7d6c', // FCS
);
export const ARP_REQUEST_FCS = 0x6c7d2faf;

/**
 * An IEEE 802.3 length frame, hand-assembled: a Spanning Tree configuration
 * BPDU to 01:80:c2:00:00:00. Length 38 = LLC (3) + BPDU (35); 8 bytes of
 * padding bring the frame to 60.
 */
export const STP_BPDU = fromHex(
  '0180c2000000 001b213c4d5e 0026' + // dst, src, length 38
    '424203' + // LLC: DSAP 0x42, SSAP 0x42, UI
    '0000 00 00 00' + // protocol 0, version 0, configuration BPDU, flags
    '8000001b213c4d5e 00000000 8000001b213c4d5e 8001' + // root id, path cost, bridge id, port id
    '0000 1400 0200 0f00' + // message age 0, max age 20, hello 2, forward delay 15 (1/256 s units)
    '0000000000000000', // padding
);

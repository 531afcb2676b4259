/**
 * The fixed workload of the cross-codec benchmark (issue 3): 1,000 frames,
 * 200 of each of five shapes, made deterministically so that every run, and
 * the gopacket harness fed the pcaps of the shared anchors folder, decode
 * the very same bytes. The generator draws its random numbers in exactly
 * the order the anchors' gen_frames.js does (a mulberry32 stream), so the
 * bytes are identical to those pcaps; codec-speed.bench.mjs checks that
 * whenever the pcaps are present.
 *
 * The checksums in the frames are computed here by hand on purpose: the
 * workload must not depend on the codecs it measures.
 */

export const FRAMES_PER_SHAPE = 200;

/** The shapes, in the order they are generated (the order of the pcap names too). */
export const SHAPE_NAMES = ['udp64', 'udp512', 'vlan_icmp', 'arp', 'vxlan'];

/** A mulberry32 stream from a fixed seed: one uint32 per call. */
function randomStream(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** One's-complement checksum of bytes[offset, offset + length), starting from `initial`. */
function internetChecksum(bytes, offset, length, initial = 0) {
  let sum = initial;
  for (let i = 0; i + 1 < length; i += 2) sum += (bytes[offset + i] << 8) | bytes[offset + i + 1];
  if (length & 1) sum += bytes[offset + length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function putU16(bytes, offset, value) {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}

function frameWriter(random) {
  const fillRandom = (bytes, offset, length) => {
    for (let i = 0; i < length; i++) bytes[offset + i] = random() & 0xff;
  };
  /** A random locally administered unicast MAC. */
  const putMac = (bytes, offset) => {
    fillRandom(bytes, offset, 6);
    bytes[offset] = (bytes[offset] & 0xfe) | 0x02;
  };
  /** A random host address in the /8 `firstOctet` (last octet 1..254). */
  const putAddress = (bytes, offset, firstOctet) => {
    bytes[offset] = firstOctet;
    bytes[offset + 1] = random() & 0xff;
    bytes[offset + 2] = random() & 0xff;
    bytes[offset + 3] = 1 + (random() % 254);
  };
  const ethernet = (bytes, offset, etherType, broadcast = false) => {
    if (broadcast) bytes.fill(0xff, offset, offset + 6);
    else putMac(bytes, offset);
    putMac(bytes, offset + 6);
    putU16(bytes, offset + 12, etherType);
    return offset + 14;
  };
  /** A 20-byte header, DF set, from 10/8 to 172/8, with its checksum. */
  const ipv4 = (bytes, offset, totalLength, protocol) => {
    bytes[offset] = 0x45;
    bytes[offset + 1] = [0, 0, 0x10, 0xb8][random() & 3];
    putU16(bytes, offset + 2, totalLength);
    putU16(bytes, offset + 4, random() & 0xffff);
    putU16(bytes, offset + 6, 0x4000);
    bytes[offset + 8] = [64, 128, 255, 63][random() & 3];
    bytes[offset + 9] = protocol;
    putU16(bytes, offset + 10, 0);
    putAddress(bytes, offset + 12, 10);
    putAddress(bytes, offset + 16, 172);
    putU16(bytes, offset + 10, internetChecksum(bytes, offset, 20));
    return offset + 20;
  };
  /** The UDP header at `offset` over data already in place, checksum with the pseudo-header of the IPv4 header at `ipOffset`. */
  const udp = (bytes, ipOffset, offset, srcPort, dstPort, length) => {
    putU16(bytes, offset, srcPort);
    putU16(bytes, offset + 2, dstPort);
    putU16(bytes, offset + 4, length);
    putU16(bytes, offset + 6, 0);
    let pseudo = 17 + length;
    for (let i = 12; i < 20; i += 2) pseudo += (bytes[ipOffset + i] << 8) | bytes[ipOffset + i + 1];
    const checksum = internetChecksum(bytes, offset, length, pseudo);
    putU16(bytes, offset + 6, checksum === 0 ? 0xffff : checksum);
  };
  const icmpEcho = (bytes, offset, dataLength) => {
    bytes[offset] = 8;
    bytes[offset + 1] = 0;
    putU16(bytes, offset + 2, 0);
    putU16(bytes, offset + 4, random() & 0xffff);
    putU16(bytes, offset + 6, random() & 0xffff);
    fillRandom(bytes, offset + 8, dataLength);
    putU16(bytes, offset + 2, internetChecksum(bytes, offset, 8 + dataLength));
  };
  // Ports no decoder maps to a protocol, so the data is plain payload.
  const dstPort = () => 7000 + (random() % 900);
  const srcPort = () => 49152 + (random() % 16384);

  const udpFrame = (length) => {
    const bytes = new Uint8Array(length);
    const ipOffset = ethernet(bytes, 0, 0x0800);
    const udpOffset = ipv4(bytes, ipOffset, length - 14, 17);
    const sport = srcPort();
    const dport = dstPort();
    fillRandom(bytes, udpOffset + 8, length - udpOffset - 8);
    udp(bytes, ipOffset, udpOffset, sport, dport, length - 34);
    return bytes;
  };

  return {
    /** Ethernet II / IPv4 / UDP, 64 bytes as captured (no FCS). */
    udp64: () => udpFrame(64),
    /** The same at 512 bytes. */
    udp512: () => udpFrame(512),
    /** Ethernet / 802.1Q / IPv4 / ICMP echo request with 32 bytes of data: 78 bytes. */
    vlan_icmp: () => {
      const bytes = new Uint8Array(78);
      const tagOffset = ethernet(bytes, 0, 0x8100);
      const pcp = random() & 7;
      const dei = (random() & 15) === 0 ? 1 : 0;
      const vid = 1 + (random() % 4094);
      putU16(bytes, tagOffset, (pcp << 13) | (dei << 12) | vid);
      putU16(bytes, tagOffset + 2, 0x0800);
      const icmpOffset = ipv4(bytes, tagOffset + 4, 78 - 18, 1);
      icmpEcho(bytes, icmpOffset, 32);
      return bytes;
    },
    /** Ethernet / ARP request, broadcast, zero-padded to the 60-byte minimum. */
    arp: () => {
      const bytes = new Uint8Array(60);
      const o = ethernet(bytes, 0, 0x0806, true);
      putU16(bytes, o, 1);
      putU16(bytes, o + 2, 0x0800);
      bytes[o + 4] = 6;
      bytes[o + 5] = 4;
      putU16(bytes, o + 6, 1);
      bytes.set(bytes.subarray(6, 12), o + 8); // sender MAC = Ethernet source
      putAddress(bytes, o + 14, 192);
      putAddress(bytes, o + 24, 192); // target MAC stays zero
      return bytes;
    },
    /** Ethernet / IPv4 / UDP 4789 / VXLAN / Ethernet / IPv4 / ICMP echo (32 bytes): 124 bytes. */
    vxlan: () => {
      const length = 124;
      const bytes = new Uint8Array(length);
      const ipOffset = ethernet(bytes, 0, 0x0800);
      const udpOffset = ipv4(bytes, ipOffset, length - 14, 17);
      const sport = srcPort();
      const vxlanOffset = udpOffset + 8;
      bytes[vxlanOffset] = 0x08; // I flag
      const vni = random() & 0xffffff;
      bytes[vxlanOffset + 4] = vni >>> 16;
      bytes[vxlanOffset + 5] = (vni >>> 8) & 0xff;
      bytes[vxlanOffset + 6] = vni & 0xff;
      const innerIpOffset = ethernet(bytes, vxlanOffset + 8, 0x0800);
      const icmpOffset = ipv4(bytes, innerIpOffset, 20 + 8 + 32, 1);
      icmpEcho(bytes, icmpOffset, 32);
      // Last, once the data it covers is written.
      udp(bytes, ipOffset, udpOffset, sport, 4789, length - 34);
      return bytes;
    },
  };
}

/**
 * Makes the workload: `byShape[name]` holds that shape's 200 frames in the
 * order they appear in `mixed`, the 1,000 frames shuffled with a fixed seed
 * (the contents of frames-<name>.pcap and frames.pcap).
 */
export function makeCodecSpeedFrames() {
  const random = randomStream(0xc0dec5ee);
  const make = frameWriter(random);
  const tagged = [];
  for (const shape of SHAPE_NAMES) {
    for (let i = 0; i < FRAMES_PER_SHAPE; i++) tagged.push({ shape, bytes: make[shape]() });
  }
  // Fisher-Yates from the same stream.
  for (let i = tagged.length - 1; i > 0; i--) {
    const j = random() % (i + 1);
    const t = tagged[i];
    tagged[i] = tagged[j];
    tagged[j] = t;
  }
  const byShape = Object.fromEntries(SHAPE_NAMES.map((s) => [s, tagged.filter((f) => f.shape === s).map((f) => f.bytes)]));
  return { mixed: tagged.map((f) => f.bytes), byShape };
}

/** The frames of a classic little-endian Ethernet pcap (what gen_frames.js writes), for comparing bytes. */
export function readPcapFrames(file) {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 24 || view.getUint32(0, true) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap');
  const frames = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const included = view.getUint32(at + 8, true);
    at += 16;
    frames.push(file.subarray(at, at + included));
    at += included;
  }
  return frames;
}

/**
 * UDP: the zero-copy view (field reads, checksum verification), the object
 * decoder and a binary-parser `Parser` for the same header (the layout of
 * packages/udp/test/spec.ts) as the same-run baseline; then building whole
 * Ethernet/IPv4/UDP frames with both checksums into one reused buffer.
 *
 * Frames rotate through a pool of distinct buffers with varied addresses,
 * ports and payloads (64 bytes of data), as frames from a ring would.
 *
 * Frame building is measured against a naive DataView writer (a call per
 * field, checksum loops written out: what one writes without a library,
 * the baseline): with the 14-byte Ethernet and 20-byte IPv4 headers
 * written by core's helpers (as a caller with only @wirestack/udp would;
 * the IPv4 checksum is core's internetChecksum), and, when their builds
 * exist, with @wirestack/ethernet and @wirestack/ipv4: their encoders, or
 * their views plus fillChecksum. @wirestack/udp itself may not depend on
 * them, so this composition lives here. Then @wirestack/stack's
 * UdpFrameTemplate, the generator's way: once with new data every frame
 * (the same frames as every row above, checked byte for byte), once with
 * the template's own data, whose sum it computed once (what pktgen or
 * TRex send: the same payload, other addresses, ports and ids).
 */
import { Parser } from 'binary-parser';
import { internetChecksum, writeIpv4, writeMac, writeU16 } from '@wirestack/core';
import { UdpView, decodeUdp, encodeUdp } from '@wirestack/udp';
import { compare, consume, report } from './measure.mjs';
import { writeUdpFrameNaively } from './naive-udp-frame.mjs';

const POOL = 256; // a power of two: i & (POOL - 1) picks the frame
const UDP = 34;

function ipHeader(frame, src, dst, udpLength, id) {
  frame[14] = 0x45;
  frame[15] = 0;
  writeU16(frame, 16, 20 + udpLength);
  writeU16(frame, 18, id);
  writeU16(frame, 20, 0x4000);
  frame[22] = 64;
  frame[23] = 17;
  writeU16(frame, 24, 0);
  writeIpv4(frame, 26, src);
  writeIpv4(frame, 30, dst);
  writeU16(frame, 24, internetChecksum(frame, 14, 34));
}

function frames(payloadLength) {
  const out = [];
  for (let i = 0; i < POOL; i++) {
    const src = (0x0a00_0001 + i * 7) >>> 0;
    const dst = (0xc0a8_0001 + i * 13) >>> 0;
    const payload = Uint8Array.from({ length: payloadLength }, (_, j) => (i * 31 + j) & 0xff);
    const frame = new Uint8Array(UDP + 8 + payloadLength);
    writeMac(frame, 0, 0x0200_0000_0002);
    writeMac(frame, 6, 0x0200_0000_0001);
    writeU16(frame, 12, 0x0800);
    ipHeader(frame, src, dst, 8 + payloadLength, i);
    encodeUdp({ srcPort: 40000 + i, dstPort: 53 + (i & 7), payload, pseudoHeader: { src, dst } }, frame, UDP);
    out.push({ frame, pseudoHeader: { src, dst } });
  }
  return out;
}

// The header as a binary-parser user writes it (packages/udp/test/spec.ts).
const udpParser = new Parser()
  .endianness('big')
  .uint16('srcPort')
  .uint16('dstPort')
  .uint16('length')
  .uint16('checksum')
  .buffer('payload', {
    length: function () {
      return this.length - 8;
    },
  })
  .buffer('padding', { readUntil: 'eof' });

function measureDecode(pool) {
  const mask = pool.length - 1;
  const view = new UdpView();
  for (const { frame, pseudoHeader } of pool) {
    if (decodeUdp(frame, UDP, { pseudoHeader }).checksumValid !== true) throw new Error('bad checksum in the pool');
  }
  const results = compare([
    {
      name: 'binary-parser Parser (baseline)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const p = udpParser.parse(pool[i & mask].frame.subarray(UDP));
          consume(p.srcPort + p.dstPort + p.length + p.checksum + p.payload.length);
        }
      },
    },
    {
      name: 'UdpView reset + field reads',
      run(n) {
        for (let i = 0; i < n; i++) {
          view.reset(pool[i & mask].frame, UDP);
          consume(view.srcPort + view.dstPort + view.length + view.checksum + view.payloadLength);
        }
      },
    },
    {
      name: 'UdpView reset + reads + verifyChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          const { frame, pseudoHeader } = pool[i & mask];
          view.reset(frame, UDP);
          consume(view.srcPort + view.dstPort + view.payloadLength + (view.verifyChecksum(pseudoHeader.src, pseudoHeader.dst) ? 1 : 0));
        }
      },
    },
    {
      name: 'decodeUdp (object)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const d = decodeUdp(pool[i & mask].frame, UDP);
          const h = d.header;
          consume(h.srcPort + h.dstPort + h.length + h.checksum + d.payload.length);
        }
      },
    },
    {
      name: 'decodeUdp { pseudoHeader } (verifies)',
      run(n) {
        for (let i = 0; i < n; i++) {
          const { frame, pseudoHeader } = pool[i & mask];
          const d = decodeUdp(frame, UDP, { pseudoHeader });
          consume(d.header.srcPort + d.payload.length + (d.checksumValid ? 1 : 0));
        }
      },
    },
  ]);
  report('UDP header, 64 bytes of data in Ethernet/IPv4 frames, every field read', results, {
    baseline: 'binary-parser Parser (baseline)',
    targets: { 'decodeUdp (object)': { minRatio: 10, label: '>= 10x binary-parser' } },
  });
}

/** The sibling codecs, when built; undefined otherwise (the other cases still run). */
async function siblings() {
  try {
    const [ethernet, ipv4] = await Promise.all([import('@wirestack/ethernet'), import('@wirestack/ipv4')]);
    return { ethernet, ipv4 };
  } catch {
    console.log('\n(@wirestack/ethernet or @wirestack/ipv4 not built: frame building measured with core helpers only)');
    return undefined;
  }
}

/** @wirestack/stack, when built; undefined otherwise. */
async function stackPackage() {
  try {
    return await import('@wirestack/stack');
  } catch {
    console.log('\n(@wirestack/stack not built: UdpFrameTemplate not measured)');
    return undefined;
  }
}

/** The baseline: a DataView call per field and the checksum loops written out, as without a codec library. */
function dataViewCase(out, payloads, payloadLength) {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const end = UDP + 8 + payloadLength;
  return {
    name: 'naive DataView writer (baseline)',
    run(n) {
      for (let i = 0; i < n; i++) {
        writeUdpFrameNaively(dv, out, end, 0x0200_0000_0002, 0x0200_0000_0001, i & 0xffff, (0x0a00_0001 + (i & 0xff)) >>> 0, 0xc0a8_0001, 40000 + (i & 0xff), 53, payloads[i & 15]);
        consume(out[40]);
      }
    },
  };
}

/**
 * UdpFrameTemplate: the constant part (MACs, TTL, DF, dst address, port 53)
 * built once; per frame the source address, id and source port change,
 * as the other rows' do, in one `changes` object the generator reuses.
 */
function templateCases(stack, out, payloads) {
  const template = new stack.UdpFrameTemplate({
    dstMac: 0x0200_0000_0002,
    srcMac: 0x0200_0000_0001,
    srcIp: 0x0a00_0001,
    dstIp: 0xc0a8_0001,
    srcPort: 40000,
    dstPort: 53,
    ttl: 64,
    df: true,
    payload: payloads[0],
  });
  const changes = { srcIp: 0, id: 0, srcPort: 0, payload: undefined };
  const sameData = { srcIp: 0, id: 0, srcPort: 0 };
  return [
    {
      name: 'UdpFrameTemplate.write, new data',
      run(n) {
        for (let i = 0; i < n; i++) {
          changes.srcIp = (0x0a00_0001 + (i & 0xff)) >>> 0;
          changes.id = i & 0xffff;
          changes.srcPort = 40000 + (i & 0xff);
          changes.payload = payloads[i & 15];
          consume(template.write(out, 0, changes));
        }
      },
    },
    {
      name: "UdpFrameTemplate.write, template's data",
      // Frames with the template's data (payloads[0]) only: the frames of
      // the other rows when i & 15 is 0.
      sameDataOnly: true,
      run(n) {
        for (let i = 0; i < n; i++) {
          sameData.srcIp = (0x0a00_0001 + (i & 0xff)) >>> 0;
          sameData.id = i & 0xffff;
          sameData.srcPort = 40000 + (i & 0xff);
          consume(template.write(out, 0, sameData));
        }
      },
    },
  ];
}

/**
 * Every case must build the same bytes: the frame of iteration i is left
 * in `out` by run(i + 1). Checked for a few i, on a buffer full of 0xEE
 * before each, so a byte a case forgets to write shows.
 */
function checkSameFrames(cases, out) {
  for (const last of [0, 16, 255, 272]) {
    let first;
    for (const c of cases) {
      if (c.sameDataOnly && (last & 15) !== 0) continue;
      out.fill(0xee);
      c.run(last + 1);
      if (first === undefined) first = { name: c.name, bytes: out.slice() };
      else if (!out.every((b, j) => b === first.bytes[j])) {
        throw new Error(`udp bench: '${c.name}' builds other bytes than '${first.name}' for frame ${last}`);
      }
    }
  }
}

function measureBuild(payloadLength, codecs, stack) {
  const payloads = Array.from({ length: 16 }, (_, i) => Uint8Array.from({ length: payloadLength }, (_, j) => (i + j) & 0xff));
  const out = new Uint8Array(UDP + 8 + payloadLength);
  const view = new UdpView(out, UDP);
  const check = frames(payloadLength)[0];
  const cases = [
    dataViewCase(out, payloads, payloadLength),
    {
      name: 'Ethernet + IPv4 (core helpers) + encodeUdp',
      run(n) {
        for (let i = 0; i < n; i++) {
          const src = (0x0a00_0001 + (i & 0xff)) >>> 0;
          const dst = 0xc0a8_0001;
          writeMac(out, 0, 0x0200_0000_0002);
          writeMac(out, 6, 0x0200_0000_0001);
          writeU16(out, 12, 0x0800);
          ipHeader(out, src, dst, 8 + payloadLength, i & 0xffff);
          encodeUdp({ srcPort: 40000 + (i & 0xff), dstPort: 53, payload: payloads[i & 15], pseudoHeader: { src, dst } }, out, UDP);
          consume(out[40]);
        }
      },
    },
    {
      name: 'Ethernet + IPv4 (core helpers) + UdpView + fillChecksum',
      run(n) {
        for (let i = 0; i < n; i++) {
          const src = (0x0a00_0001 + (i & 0xff)) >>> 0;
          const dst = 0xc0a8_0001;
          writeMac(out, 0, 0x0200_0000_0002);
          writeMac(out, 6, 0x0200_0000_0001);
          writeU16(out, 12, 0x0800);
          ipHeader(out, src, dst, 8 + payloadLength, i & 0xffff);
          view.srcPort = 40000 + (i & 0xff);
          view.dstPort = 53;
          view.length = 8 + payloadLength;
          out.set(payloads[i & 15], UDP + 8);
          consume(view.fillChecksum(src, dst));
        }
      },
    },
    ...(codecs === undefined ? [] : siblingCases(codecs, out, payloads, payloadLength)),
    ...(stack === undefined ? [] : templateCases(stack, out, payloads)),
  ];
  checkSameFrames(cases, out);
  const results = compare(cases);
  // Sanity: the last frame built is a valid one.
  if (decodeUdp(out, UDP).header.length !== 8 + payloadLength || check === undefined) throw new Error('bad frame');
  report(`Building Ethernet/IPv4/UDP frames with both checksums, ${payloadLength} bytes of data, into a reused buffer (same bytes from every row)`, results, {
    baseline: 'naive DataView writer (baseline)',
    targets: Object.fromEntries(results.filter((r) => !r.name.includes('baseline')).map((r) => [r.name, { minRate: 10e6, label: '>= 10 M frames/s' }])),
  });
}

function siblingCases({ ethernet, ipv4 }, out, payloads, payloadLength) {
  const ethView = new ethernet.EthernetView(out);
  const ipView = new ipv4.Ipv4View(out, 14);
  const udpView = new UdpView(out, UDP);
  const udpLength = 8 + payloadLength;
  return [
    {
      name: 'encodeEthernet + encodeIpv4 + encodeUdp',
      run(n) {
        for (let i = 0; i < n; i++) {
          const src = (0x0a00_0001 + (i & 0xff)) >>> 0;
          const dst = 0xc0a8_0001;
          ethernet.encodeEthernet({ dst: 0x0200_0000_0002, src: 0x0200_0000_0001, etherType: 0x0800, pad: false }, out, 0);
          ipv4.encodeIpv4({ protocol: 17, src, dst, id: i & 0xffff, df: true, totalLength: 20 + udpLength }, out, 14);
          encodeUdp({ srcPort: 40000 + (i & 0xff), dstPort: 53, payload: payloads[i & 15], pseudoHeader: { src, dst } }, out, UDP);
          consume(out[40]);
        }
      },
    },
    {
      name: 'EthernetView + Ipv4View + UdpView, fillChecksum x2',
      run(n) {
        for (let i = 0; i < n; i++) {
          const src = (0x0a00_0001 + (i & 0xff)) >>> 0;
          const dst = 0xc0a8_0001;
          ethView.dst = 0x0200_0000_0002;
          ethView.src = 0x0200_0000_0001;
          ethView.etherType = 0x0800;
          out[14] = 0x45; // version and IHL: fixed by the layout, not a view field
          ipView.dscp = 0;
          ipView.ecn = 0;
          ipView.totalLength = 20 + udpLength;
          ipView.id = i & 0xffff;
          ipView.reservedFlag = false; // else the bit of whatever the buffer held before stays
          ipView.df = true;
          ipView.mf = false;
          ipView.fragmentOffset = 0;
          ipView.ttl = 64;
          ipView.protocol = 17;
          ipView.src = src;
          ipView.dst = dst;
          ipView.fillChecksum();
          udpView.srcPort = 40000 + (i & 0xff);
          udpView.dstPort = 53;
          udpView.length = udpLength;
          out.set(payloads[i & 15], UDP + 8);
          consume(udpView.fillChecksum(src, dst));
        }
      },
    },
  ];
}

export default async function run() {
  measureDecode(frames(64));
  const codecs = await siblings();
  const stack = await stackPackage();
  measureBuild(18, codecs, stack); // the smallest frame, 60 bytes
  measureBuild(64, codecs, stack);
}

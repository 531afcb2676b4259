import {
  EncodeError,
  checkUint,
  checksumAdd,
  checksumAddView,
  checksumFinish,
  outputRegion,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import { ETHERNET_HEADER_LENGTH, ETHERNET_MIN_FRAME_LENGTH } from '@wirestack/ethernet';
import { IPV4_MAX_PACKET_LENGTH, IPV4_MIN_HEADER_LENGTH } from '@wirestack/ipv4';
import { UDP_HEADER_LENGTH } from '@wirestack/udp';
import { buildInto } from './builder.js';

/**
 * Ethernet II / IPv4 (no options) / UDP frames for packet generators, the
 * way pktgen, TRex and MoonGen make them: a template holds the frame once
 * (built by the builder from the codecs), the one's complement sums of the
 * words that never change, and the sum of its data; each frame is a copy
 * of it with the fields that do change written over it and both checksums
 * finished from the precomputed sums plus the new words. Every checksum is
 * the full RFC 1071 sum over its words (pieces added unfolded, then
 * folded once with core's checksumFinish), not an RFC 1624 update of the
 * previous frame's, so no frame depends on the one before it.
 */

/** Where the headers sit in the frame, as the codecs lay them out. */
const IP = ETHERNET_HEADER_LENGTH; // 14
const UDP = IP + IPV4_MIN_HEADER_LENGTH; // 34
const DATA = UDP + UDP_HEADER_LENGTH; // 42
/** The largest data: an IPv4 datagram is at most 65,535 bytes, with 28 of them headers. */
const MAX_DATA = IPV4_MAX_PACKET_LENGTH - IPV4_MIN_HEADER_LENGTH - UDP_HEADER_LENGTH;
const MAX_MAC = 0xffff_ffff_ffff;
const NO_BYTES = new Uint8Array(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));

/** What a frame is made of: the template's fields. */
export interface UdpFrameFields {
  readonly dstMac: MacAddress;
  readonly srcMac: MacAddress;
  readonly srcIp: Ipv4Address;
  readonly dstIp: Ipv4Address;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Default 64, as encodeIpv4. */
  readonly ttl?: number;
  /** IPv4 Identification, default 0. */
  readonly id?: number;
  /** Default 0. */
  readonly dscp?: number;
  /** Default 0. */
  readonly ecn?: number;
  /** Don't Fragment, default false (as encodeIpv4; Linux sets it on UDP when path MTU discovery is on). */
  readonly df?: boolean;
  /** The data after the UDP header (copied now: later changes to this array do not reach the template). Default none. */
  readonly payload?: Uint8Array;
  /** Zero-pad frames to the 60-byte Ethernet minimum, default true (as the builder does for an outermost frame). */
  readonly pad?: boolean;
}

/**
 * What differs in one frame from its template. Absent (or undefined)
 * fields keep the template's value. A generator keeps one such object
 * and changes it between frames.
 *
 * The data is the template's unless `payload` (bytes copied after the
 * headers) or `payloadLength` (that many bytes already in `out` after the
 * headers, e.g. a sequence number and timestamp the caller wrote in
 * place) is given; the UDP checksum covers whichever it is.
 */
export interface UdpFrameChanges {
  readonly srcIp?: Ipv4Address | undefined;
  readonly dstIp?: Ipv4Address | undefined;
  readonly srcPort?: number | undefined;
  readonly dstPort?: number | undefined;
  readonly id?: number | undefined;
  readonly payload?: Uint8Array | undefined;
  readonly payloadLength?: number | undefined;
}

const NO_CHANGES: UdpFrameChanges = Object.freeze({});

/**
 * A reusable Ethernet II / IPv4 / UDP frame. `new UdpFrameTemplate(fields)`
 * checks the fields and builds the frame once; `write(out, offset, changes)`
 * writes it, with `changes` applied, into `out` at `offset` and returns its
 * length. Both checksums are always right (a computed UDP checksum of 0 is
 * sent as 0xFFFF), and the bytes are those `buildInto` writes for the same
 * fields.
 *
 * Fixed per template: the MACs, TTL, DSCP/ECN, DF and padding. Per frame:
 * addresses, ports, Identification and data. Each write costs a copy of the
 * frame and a few stores, plus one pass over the data when the data is not
 * the template's (the template's data sum is computed once).
 */
export class UdpFrameTemplate {
  /** Bytes `write` writes without changes. */
  readonly length: number;
  /**
   * The frame `write` writes without changes: headers, the template's
   * data, padding. Private: the sums below are of these bytes.
   */
  private readonly frame: Uint8Array;
  /** The template's Ethernet + IPv4 + UDP headers: what a frame with other data starts with. */
  private readonly headers: Uint8Array;
  private readonly pad: boolean;
  private readonly srcIp: number;
  private readonly dstIp: number;
  private readonly srcPort: number;
  private readonly dstPort: number;
  private readonly id: number;
  private readonly payloadLength: number;
  /** The IPv4 header words no change reaches: Version/IHL/DSCP/ECN, flags/fragment offset, TTL/protocol. */
  private readonly ipFixedSum: number;
  /** The template's data, summed once. */
  private readonly payloadSum: number;
  /**
   * New data is summed 32 bits per load (checksumAddView) through `view`,
   * a DataView over `viewOf`, the `out` this template wrote its last two
   * frames with new data into: a generator reusing one buffer makes it
   * once. Any other `out` is summed byte by byte (core's checksumAdd), so
   * a ring of buffers makes none: a DataView costs more to make than it
   * saves on a short frame (reading `out.buffer` alone took 12 ns on Node
   * 20, half the byte-by-byte sum of 64 bytes). The template keeps these
   * two references to the caller's buffers.
   */
  private view: DataView = NO_VIEW;
  private viewOf: Uint8Array = NO_BYTES;
  private lastOut: Uint8Array = NO_BYTES;

  constructor(fields: UdpFrameFields) {
    const payload = checkFields(fields);
    this.pad = fields.pad !== false;
    this.srcIp = fields.srcIp;
    this.dstIp = fields.dstIp;
    this.srcPort = fields.srcPort;
    this.dstPort = fields.dstPort;
    this.id = fields.id ?? 0;
    this.payloadLength = payload.length;
    this.length = frameLengthFor(payload.length, this.pad);
    this.frame = new Uint8Array(this.length);
    buildInto(
      [
        { layer: 'ethernet', dst: fields.dstMac, src: fields.srcMac, pad: this.pad },
        {
          layer: 'ipv4',
          src: fields.srcIp,
          dst: fields.dstIp,
          id: this.id,
          ttl: fields.ttl ?? 64,
          dscp: fields.dscp ?? 0,
          ecn: fields.ecn ?? 0,
          df: fields.df === true,
        },
        { layer: 'udp', srcPort: fields.srcPort, dstPort: fields.dstPort },
      ],
      this.frame,
      0,
      payload,
    );
    this.headers = this.frame.subarray(0, DATA);
    this.ipFixedSum = checksumAdd(this.frame, IP + 6 /* FLAGS_FRAGMENT_OFFSET */, IP + 10 /* HEADER_CHECKSUM */, checksumAdd(this.frame, IP, IP + 2 /* TOTAL_LENGTH */));
    this.payloadSum = checksumAdd(this.frame, DATA, DATA + payload.length);
  }

  /**
   * Writes the frame, with `changes` applied, into `out` at `offset`, and
   * returns its length. EncodeError: 'out-of-range' for a change that does
   * not fit its field (named as in UdpFrameChanges), 'too-long' for data
   * over 65,507 bytes, 'invalid' for both `payload` and `payloadLength`,
   * 'buffer-too-small' (field 'out') when the frame does not fit; nothing
   * is written then.
   */
  write(out: Uint8Array, offset = 0, changes: UdpFrameChanges = NO_CHANGES): number {
    const srcIp = changes.srcIp ?? this.srcIp;
    const dstIp = changes.dstIp ?? this.dstIp;
    const srcPort = changes.srcPort ?? this.srcPort;
    const dstPort = changes.dstPort ?? this.dstPort;
    const id = changes.id ?? this.id;
    const payload = changes.payload;
    const inPlace = changes.payloadLength;
    const dataLength = payload !== undefined ? payload.length : inPlace !== undefined ? inPlace : this.payloadLength;
    // Every check in one expression: (x >>> 0) === x holds exactly for the
    // integers 0..2^32-1, so one comparison more bounds a 16-bit field.
    // The careful path, which names the field, runs only when it fails.
    // Offsets and limits are number literals with their names in comments
    // (CONTRIBUTING.md, "Views"): an imported constant is a load per use.
    if (
      !(
        (srcIp >>> 0) === srcIp &&
        (dstIp >>> 0) === dstIp &&
        (srcPort >>> 0) === srcPort &&
        srcPort <= 0xffff &&
        (dstPort >>> 0) === dstPort &&
        dstPort <= 0xffff &&
        (id >>> 0) === id &&
        id <= 0xffff &&
        (dataLength >>> 0) === dataLength &&
        dataLength <= 65507 /* MAX_DATA */ &&
        (payload === undefined || inPlace === undefined)
      )
    ) {
      throwChangeError(changes, srcIp, dstIp, srcPort, dstPort, id);
    }
    const end = 42 /* DATA */ + dataLength;
    const length = this.pad && end < 60 /* ETHERNET_MIN_FRAME_LENGTH */ ? 60 : end;
    if (!((offset >>> 0) === offset && offset + length <= out.length)) outputRegion(length, out, offset);

    let dataSum: number;
    if (payload === undefined && inPlace === undefined) {
      out.set(this.frame, offset);
      dataSum = this.payloadSum;
    } else {
      dataSum = this.writeData(out, offset, payload, end, length);
    }

    // IPv4: Total Length, Identification, addresses, then the header checksum.
    const o = offset;
    const totalLength = end - 14 /* IP */;
    const srcHi = srcIp >>> 16;
    const srcLo = srcIp & 0xffff;
    const dstHi = dstIp >>> 16;
    const dstLo = dstIp & 0xffff;
    const addressSum = srcHi + srcLo + dstHi + dstLo;
    out[o + 16] = totalLength >>> 8; // IP + TOTAL_LENGTH
    out[o + 17] = totalLength;
    out[o + 18] = id >>> 8; // IP + IDENTIFICATION
    out[o + 19] = id;
    out[o + 26] = srcHi >>> 8; // IP + SOURCE
    out[o + 27] = srcHi;
    out[o + 28] = srcLo >>> 8;
    out[o + 29] = srcLo;
    out[o + 30] = dstHi >>> 8; // IP + DESTINATION
    out[o + 31] = dstHi;
    out[o + 32] = dstLo >>> 8;
    out[o + 33] = dstLo;
    const ipChecksum = checksumFinish(this.ipFixedSum + totalLength + id + addressSum);
    out[o + 24] = ipChecksum >>> 8; // IP + HEADER_CHECKSUM
    out[o + 25] = ipChecksum;

    // UDP: ports and Length, then the checksum over pseudo-header, header and data.
    const udpLength = end - 34 /* UDP */;
    out[o + 34] = srcPort >>> 8; // UDP + SOURCE_PORT
    out[o + 35] = srcPort;
    out[o + 36] = dstPort >>> 8; // UDP + DESTINATION_PORT
    out[o + 37] = dstPort;
    out[o + 38] = udpLength >>> 8; // UDP + LENGTH
    out[o + 39] = udpLength;
    // The pseudo-header's protocol and length, the header's ports and Length (again), the data.
    let udpChecksum = checksumFinish(17 /* IP_PROTOCOL_UDP */ + addressSum + udpLength + srcPort + dstPort + udpLength + dataSum);
    if (udpChecksum === 0) udpChecksum = 0xffff; // 0 means "no checksum" (RFC 768)
    out[o + 40] = udpChecksum >>> 8; // UDP + CHECKSUM
    out[o + 41] = udpChecksum;
    return length;
  }

  /**
   * For a frame with other data than the template's: the header bytes no
   * change reaches, the data (copied, or in place) and the padding, and
   * returns the data's sum. The 20 bytes are stored one by one: out.set
   * is a builtin call that costs more than that for so few.
   */
  private writeData(out: Uint8Array, o: number, payload: Uint8Array | undefined, end: number, length: number): number {
    const h = this.headers;
    out[o] = h[0]!; // Ethernet: destination, source, EtherType
    out[o + 1] = h[1]!;
    out[o + 2] = h[2]!;
    out[o + 3] = h[3]!;
    out[o + 4] = h[4]!;
    out[o + 5] = h[5]!;
    out[o + 6] = h[6]!;
    out[o + 7] = h[7]!;
    out[o + 8] = h[8]!;
    out[o + 9] = h[9]!;
    out[o + 10] = h[10]!;
    out[o + 11] = h[11]!;
    out[o + 12] = h[12]!;
    out[o + 13] = h[13]!;
    out[o + 14] = h[14]!; // IPv4: Version/IHL, DSCP/ECN
    out[o + 15] = h[15]!;
    out[o + 20] = h[20]!; // IPv4: flags/fragment offset, TTL, protocol
    out[o + 21] = h[21]!;
    out[o + 22] = h[22]!;
    out[o + 23] = h[23]!;
    if (payload !== undefined) out.set(payload, o + 42 /* DATA */);
    if (end < length) out.fill(0, o + end, o + length);
    if (out === this.viewOf) return checksumAddView(this.view, o + 42 /* DATA */, o + end);
    if (out === this.lastOut) {
      // No length: a view over a resizable buffer then follows it.
      this.view = new DataView(out.buffer, out.byteOffset);
      this.viewOf = out;
    }
    this.lastOut = out;
    return checksumAdd(out, o + 42 /* DATA */, o + end);
  }
}

function frameLengthFor(dataLength: number, pad: boolean): number {
  const end = DATA + dataLength;
  return pad && end < ETHERNET_MIN_FRAME_LENGTH ? ETHERNET_MIN_FRAME_LENGTH : end;
}

/** The template's checks, each naming its field; returns the data. */
function checkFields(fields: UdpFrameFields): Uint8Array {
  checkUint(fields.dstMac, MAX_MAC, 'dstMac');
  checkUint(fields.srcMac, MAX_MAC, 'srcMac');
  checkUint(fields.srcIp, 0xffff_ffff, 'srcIp');
  checkUint(fields.dstIp, 0xffff_ffff, 'dstIp');
  checkUint(fields.srcPort, 0xffff, 'srcPort');
  checkUint(fields.dstPort, 0xffff, 'dstPort');
  if (fields.ttl !== undefined) checkUint(fields.ttl, 0xff, 'ttl');
  if (fields.id !== undefined) checkUint(fields.id, 0xffff, 'id');
  if (fields.dscp !== undefined) checkUint(fields.dscp, 0x3f, 'dscp');
  if (fields.ecn !== undefined) checkUint(fields.ecn, 0x03, 'ecn');
  checkFlag(fields.df, 'df');
  checkFlag(fields.pad, 'pad');
  const payload = fields.payload ?? NO_BYTES;
  checkDataLength(payload.length, 'payload');
  return payload;
}

function checkFlag(value: boolean | undefined, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new EncodeError('invalid', field, `${field}: ${String(value)} is not a boolean`);
  }
}

function checkDataLength(length: number, field: string): void {
  checkUint(length, Number.MAX_SAFE_INTEGER, field);
  if (length > MAX_DATA) {
    throw new EncodeError('too-long', field, `${field}: ${length} bytes of data, an IPv4/UDP datagram carries at most ${MAX_DATA}`);
  }
}

/**
 * The careful path of `write`'s checks, out of line so `write` stays small:
 * throws the EncodeError naming the first change that failed.
 */
function throwChangeError(changes: UdpFrameChanges, srcIp: number, dstIp: number, srcPort: number, dstPort: number, id: number): never {
  checkUint(srcIp, 0xffff_ffff, 'srcIp');
  checkUint(dstIp, 0xffff_ffff, 'dstIp');
  checkUint(srcPort, 0xffff, 'srcPort');
  checkUint(dstPort, 0xffff, 'dstPort');
  checkUint(id, 0xffff, 'id');
  if (changes.payload !== undefined && changes.payloadLength !== undefined) {
    throw new EncodeError('invalid', 'payloadLength', 'payloadLength: give either payload (bytes to copy) or payloadLength (bytes already in out), not both');
  }
  if (changes.payload !== undefined) checkDataLength(changes.payload.length, 'payload');
  if (changes.payloadLength !== undefined) checkDataLength(changes.payloadLength, 'payloadLength');
  throw new EncodeError('invalid', 'changes', 'changes: not a valid frame');
}

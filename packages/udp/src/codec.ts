import {
  EncodeError,
  IssueCollector,
  checkUint,
  hex,
  outputRegion,
  readU16,
  requireBytes,
  writeU16,
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  type Ipv4Address,
} from '@wirestack/core';
import { udpChecksumMatches, udpChecksumOver } from './checksum.js';
import { CHECKSUM, DESTINATION_PORT, LAYER, LENGTH, SOURCE_PORT, UDP_HEADER_LENGTH, UDP_MAX_LENGTH } from './layout.js';

/** Shared by every result without padding (zero length, so nobody can write into it). */
const NO_BYTES = new Uint8Array(0);
const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
const MAX_IPV4 = 0xffff_ffff;

/** The four header fields, as on the wire. */
export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Header + data bytes, as the sender wrote it. */
  readonly length: number;
  /** 0 when the sender computed no checksum. */
  readonly checksum: number;
}

/** The addresses of the IPv4 header around the datagram, which its checksum covers. */
export interface UdpPseudoHeader {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
}

export interface UdpDecodeOptions extends DecodeOptions {
  /**
   * The IPv4 source and destination: with them the checksum is verified
   * (unless `checksum: 'ignore'`); without them it cannot be, and
   * `checksumValid` is undefined.
   */
  readonly pseudoHeader?: UdpPseudoHeader | undefined;
  /**
   * The IP payload length (IPv4 total length - header length), when the
   * caller knows it: the UDP Length must equal it ('bad-length' otherwise).
   */
  readonly ipPayloadLength?: number | undefined;
}

export interface DecodedUdp extends Decoded<UdpHeader> {
  /**
   * Bytes after the Length field's datagram (Ethernet padding, say): not
   * UDP data. A shared empty array when there are none.
   */
  readonly padding: Uint8Array;
  /**
   * - `true` / `false`: the checksum was verified and is right / wrong
   *   (false also when the Length does not fit, so nothing can be checked);
   * - `null`: the checksum field is 0, the sender computed none;
   * - `undefined`: not verified (no `pseudoHeader`, or `checksum: 'ignore'`).
   */
  readonly checksumValid: boolean | null | undefined;
}

/** What `encodeUdp` takes: the ports, the data, and what to compute. */
export interface UdpInput {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Default: none. */
  readonly payload?: Uint8Array | undefined;
  /** Default: 8 + payload length. Give it to build a datagram that lies about its length. */
  readonly length?: number | undefined;
  /**
   * Default: computed when `pseudoHeader` is given, else 0 (no checksum).
   * An explicit value is written as is, 0 included.
   */
  readonly checksum?: number | undefined;
  /** The IPv4 addresses to compute the checksum with. */
  readonly pseudoHeader?: UdpPseudoHeader | undefined;
}

/**
 * Decodes the UDP datagram at `offset` (e.g. 34 in an untagged
 * Ethernet/IPv4 frame without options). `payload` is the data the Length
 * field covers, `padding` whatever follows it in `bytes`.
 *
 * Throws DecodeError (strict) or lists issues (lax) for:
 * - 'truncated' at `offset` (required = Length): Length runs past the bytes;
 *   lax: the payload is what is there;
 * - 'bad-length' at the Length field: Length under 8 (lax: empty payload),
 *   or Length differs from `ipPayloadLength`;
 * - 'bad-checksum' at the checksum field: wrong checksum (with `pseudoHeader`).
 * Fewer than 8 bytes is 'truncated' (required 8) in both modes.
 */
export function decodeUdp(bytes: Uint8Array, offset = 0, options?: UdpDecodeOptions): DecodedUdp {
  requireBytes(bytes, offset, UDP_HEADER_LENGTH, LAYER);
  const length = readU16(bytes, offset + LENGTH);
  const checksum = readU16(bytes, offset + CHECKSUM);
  const available = bytes.length - offset;
  // The collector is only created when there is something to report, so
  // the common case allocates just the result.
  let problems: IssueCollector | undefined;
  let end = offset + length;
  let lengthFits = true;
  if (length < UDP_HEADER_LENGTH) {
    lengthFits = false;
    end = offset + UDP_HEADER_LENGTH;
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-length',
      layer: LAYER,
      offset: offset + LENGTH,
      message: `udp at offset ${offset + LENGTH}: Length ${length} is shorter than the 8-byte header`,
    });
  } else if (length > available) {
    lengthFits = false;
    end = bytes.length;
    (problems ??= new IssueCollector(options)).report({ code: 'truncated', layer: LAYER, offset, required: length, available });
  }
  const ipPayloadLength = options?.ipPayloadLength;
  if (ipPayloadLength !== undefined && ipPayloadLength !== length) {
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-length',
      layer: LAYER,
      offset: offset + LENGTH,
      message: `udp at offset ${offset + LENGTH}: Length ${length} differs from the IP payload length ${ipPayloadLength}`,
    });
  }
  let checksumValid: boolean | null | undefined;
  const pseudo = options?.pseudoHeader;
  if (pseudo !== undefined && options?.checksum !== 'ignore') {
    if (checksum === 0) checksumValid = null;
    else if (!lengthFits) checksumValid = false;
    else {
      checksumValid = udpChecksumMatches(bytes, offset, length, pseudo.src, pseudo.dst);
      if (!checksumValid) {
        (problems ??= new IssueCollector(options)).report({
          code: 'bad-checksum',
          layer: LAYER,
          offset: offset + CHECKSUM,
          message: `udp at offset ${offset + CHECKSUM}: checksum ${hex(checksum)} is wrong, expected ${hex(udpChecksumOver(bytes, offset, end, length, pseudo.src, pseudo.dst))}`,
        });
      }
    }
  }
  return {
    header: {
      srcPort: readU16(bytes, offset + SOURCE_PORT),
      dstPort: readU16(bytes, offset + DESTINATION_PORT),
      length,
      checksum,
    },
    headerLength: UDP_HEADER_LENGTH,
    payload: bytes.subarray(offset + UDP_HEADER_LENGTH, end),
    padding: end >= bytes.length ? NO_BYTES : bytes.subarray(end),
    issues: problems === undefined ? NO_ISSUES : problems.issues,
    checksumValid,
  };
}

/**
 * Writes the datagram (header + payload) into `out` at `offset`, or a new
 * array, and returns the written bytes. Length defaults to 8 + payload
 * length; the checksum is computed when `pseudoHeader` is given (over the
 * bytes written, with the Length field's value in the pseudo-header; a
 * computed 0 is written as 0xFFFF), else 0. Explicit `length` and
 * `checksum` are written as given.
 *
 * EncodeError: 'out-of-range' for a port, length, checksum or address
 * that does not fit its field, 'too-long' when header + payload exceed
 * 65535 bytes, 'buffer-too-small' when `out` cannot hold them.
 */
export function encodeUdp(input: UdpInput, out?: Uint8Array, offset = 0): Uint8Array {
  const srcPort = checkUint(input.srcPort, 0xffff, 'srcPort');
  const dstPort = checkUint(input.dstPort, 0xffff, 'dstPort');
  const payload = input.payload ?? NO_BYTES;
  const total = UDP_HEADER_LENGTH + payload.length;
  if (total > UDP_MAX_LENGTH) {
    throw new EncodeError('too-long', 'payload', `payload: ${payload.length} bytes, a UDP datagram carries at most ${UDP_MAX_LENGTH - UDP_HEADER_LENGTH}`);
  }
  const length = input.length === undefined ? total : checkUint(input.length, UDP_MAX_LENGTH, 'length');
  const explicitChecksum = input.checksum === undefined ? undefined : checkUint(input.checksum, 0xffff, 'checksum');
  const pseudo = input.pseudoHeader;
  if (pseudo !== undefined) {
    checkUint(pseudo.src, MAX_IPV4, 'pseudoHeader.src');
    checkUint(pseudo.dst, MAX_IPV4, 'pseudoHeader.dst');
  }
  const region = outputRegion(total, out, offset);
  writeU16(region, SOURCE_PORT, srcPort);
  writeU16(region, DESTINATION_PORT, dstPort);
  writeU16(region, LENGTH, length);
  region.set(payload, UDP_HEADER_LENGTH);
  let checksum = explicitChecksum ?? 0;
  if (explicitChecksum === undefined && pseudo !== undefined) {
    checksum = udpChecksumOver(region, 0, total, length, pseudo.src, pseudo.dst);
  }
  writeU16(region, CHECKSUM, checksum);
  return region;
}

import {
  EncodeError,
  IssueCollector,
  checkUint,
  ipv4FromBytes,
  outputRegion,
  readU16,
  requireBytes,
  writeIpv4,
  writeU16,
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  type Ipv4Address,
} from '@wirestack/core';
import type { DecodedIpv4Header, Ipv4Input } from './header.js';
import {
  DESTINATION,
  DSCP_ECN,
  FLAGS_FRAGMENT_OFFSET,
  FLAG_DF,
  FLAG_MF,
  FLAG_RESERVED,
  FRAGMENT_OFFSET_MASK,
  FRAGMENT_UNIT,
  HEADER_CHECKSUM,
  IDENTIFICATION,
  IPV4_MAX_PACKET_LENGTH,
  IPV4_MIN_HEADER_LENGTH,
  MAX_FRAGMENT_OFFSET,
  OPTIONS,
  PROTOCOL,
  SOURCE,
  TOTAL_LENGTH,
  TTL,
  VERSION_IHL,
} from './layout.js';
import { headerChecksum } from './checksum.js';
import { LAYER, checkOffset } from './length.js';
import { optionsLength, readOptions, writeOptions, type Ipv4Option, type Ipv4OptionInput } from './options.js';

const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
const NO_OPTIONS: readonly Ipv4Option[] = Object.freeze([]);
/** The payload when the datagram has none: a typed array costs as much as the rest of the decode. */
const NO_PAYLOAD = new Uint8Array(0);

/**
 * Decodes the IPv4 datagram at `offset` (e.g. 14 in an untagged Ethernet
 * frame). `payload` is the data up to Total Length (a subarray of `bytes`):
 * bytes beyond it, such as Ethernet padding, belong to no layer and are
 * left out. `headerLength` is IHL x 4.
 *
 * Checks, in the order Linux's ip_rcv makes them (strict mode throws the
 * first, lax mode reports all and decodes on):
 * - version 4 ('bad-version', at `offset`);
 * - IHL at least 5 ('bad-header-length', at `offset`; lax reads 20 bytes);
 * - the IHL x 4 header bytes present ('truncated', at `offset`): thrown in
 *   lax mode too, as is a missing fixed header, since there is no header
 *   to decode;
 * - the header checksum ('bad-checksum', at offset + 10), unless
 *   `checksum: 'ignore'`; `header.checksumValid` tells either way;
 * - Total Length at least the header ('bad-length', at offset + 2) and at
 *   most the bytes present ('truncated' at `offset`, required = Total
 *   Length); in lax mode the payload then runs to the end of `bytes`;
 * - the options ('bad-option' at the offending octet: a length below 2, an
 *   option running past the header, a known option with an impossible
 *   length or pointer, a Timestamp flag other than 0, 1, 3).
 * The reserved flag is reported in `reservedFlag`, never rejected (Linux
 * accepts it too).
 */
export function decodeIpv4(bytes: Uint8Array, offset = 0, options?: DecodeOptions): Decoded<DecodedIpv4Header> {
  // One comparison for the common case; a bad offset or a short buffer takes the careful path.
  if (!((offset | 0) === offset && offset >= 0 && bytes.length - offset >= IPV4_MIN_HEADER_LENGTH)) {
    checkOffset(bytes, offset);
    requireBytes(bytes, offset, IPV4_MIN_HEADER_LENGTH, LAYER);
  }
  // Created on the first problem (or for the options), so a clean datagram
  // without options allocates only its result.
  let problems: IssueCollector | undefined;
  const first = bytes[offset + VERSION_IHL]!;
  const version = first >>> 4;
  const ihl = first & 0x0f;
  if (version !== 4) {
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-version',
      layer: LAYER,
      offset,
      message: `ipv4 at offset ${offset}: version ${version}, expected 4`,
    });
  }
  let headerLength = ihl * 4;
  if (ihl < 5) {
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-header-length',
      layer: LAYER,
      offset,
      message: `ipv4 at offset ${offset}: IHL ${ihl} is below 5 (20 bytes)`,
    });
    headerLength = IPV4_MIN_HEADER_LENGTH;
  }
  if (headerLength > IPV4_MIN_HEADER_LENGTH) requireBytes(bytes, offset, headerLength, LAYER);
  const headerEnd = offset + headerLength;

  const checksumValid = headerChecksum(bytes, offset, headerLength) === 0;
  if (!checksumValid && options?.checksum !== 'ignore') {
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-checksum',
      layer: LAYER,
      offset: offset + HEADER_CHECKSUM,
      message: `ipv4 at offset ${offset}: header checksum 0x${readU16(bytes, offset + HEADER_CHECKSUM).toString(16).padStart(4, '0')} is wrong`,
    });
  }

  const totalLength = readU16(bytes, offset + TOTAL_LENGTH);
  const available = bytes.length - offset;
  let end = offset + totalLength;
  if (totalLength < headerLength) {
    (problems ??= new IssueCollector(options)).report({
      code: 'bad-length',
      layer: LAYER,
      offset: offset + TOTAL_LENGTH,
      message: `ipv4 at offset ${offset}: total length ${totalLength} is shorter than the ${headerLength}-byte header`,
    });
    end = bytes.length;
  } else if (totalLength > available) {
    (problems ??= new IssueCollector(options)).report({ code: 'truncated', layer: LAYER, offset, required: totalLength, available });
    end = bytes.length;
  }

  const decodedOptions =
    headerLength === IPV4_MIN_HEADER_LENGTH
      ? NO_OPTIONS
      : readOptions(bytes, offset + OPTIONS, headerEnd, (problems ??= new IssueCollector(options)));

  const flagsOffset = readU16(bytes, offset + FLAGS_FRAGMENT_OFFSET);
  const tos = bytes[offset + DSCP_ECN]!;
  const header: DecodedIpv4Header = {
    version,
    ihl,
    dscp: tos >>> 2,
    ecn: tos & 0x03,
    totalLength,
    id: readU16(bytes, offset + IDENTIFICATION),
    reservedFlag: (flagsOffset & FLAG_RESERVED) !== 0,
    df: (flagsOffset & FLAG_DF) !== 0,
    mf: (flagsOffset & FLAG_MF) !== 0,
    fragmentOffset: (flagsOffset & FRAGMENT_OFFSET_MASK) * FRAGMENT_UNIT,
    ttl: bytes[offset + TTL]!,
    protocol: bytes[offset + PROTOCOL]!,
    checksum: readU16(bytes, offset + HEADER_CHECKSUM),
    src: ipv4FromBytes(bytes, offset + SOURCE),
    dst: ipv4FromBytes(bytes, offset + DESTINATION),
    options: decodedOptions,
    checksumValid,
  };
  return {
    header,
    headerLength,
    payload: end > headerEnd ? bytes.subarray(headerEnd, end) : NO_PAYLOAD,
    issues: problems === undefined || problems.issues.length === 0 ? NO_ISSUES : problems.issues,
  };
}

/**
 * The header length (IHL x 4) of the datagram at `offset`, read from its
 * first octet. Throws DecodeError 'truncated' when the 20-byte fixed header
 * is not there; the options need not be.
 */
export function ipv4HeaderLength(bytes: Uint8Array, offset = 0): number {
  checkOffset(bytes, offset);
  requireBytes(bytes, offset, IPV4_MIN_HEADER_LENGTH, LAYER);
  return (bytes[offset + VERSION_IHL]! & 0x0f) * 4;
}

/**
 * Writes the header (and `payload`, if given) into `out` at `offset`, or a
 * new array, and returns the bytes written. IHL, Total Length and the
 * checksum are computed unless given; the layout always follows the
 * content (a given `ihl` is written as is even when it disagrees with the
 * options). Throws EncodeError: 'out-of-range' for a field that does not
 * fit (fragmentOffset must be a multiple of 8 up to 65528), 'too-long' for
 * more than 40 bytes of options or a datagram over 65,535 bytes, 'invalid'
 * for an option list that cannot be written, 'buffer-too-small' when `out`
 * cannot hold it.
 */
export function encodeIpv4(input: Ipv4Input, out?: Uint8Array, offset = 0): Uint8Array {
  const options: readonly Ipv4OptionInput[] = input.options ?? NO_OPTIONS;
  const optionBytes = options.length === 0 ? 0 : optionsLength(options);
  const headerLength = IPV4_MIN_HEADER_LENGTH + ((optionBytes + 3) & ~3);
  const payload = input.payload;
  const payloadLength = payload === undefined ? 0 : payload.length;
  let totalLength: number;
  if (input.totalLength === undefined) {
    totalLength = headerLength + payloadLength;
    if (totalLength > IPV4_MAX_PACKET_LENGTH) {
      throw new EncodeError('too-long', 'payload', `payload: ${payloadLength} bytes after a ${headerLength}-byte header exceed 65,535`);
    }
  } else {
    totalLength = checkUint(input.totalLength, 0xffff, 'totalLength');
  }
  const version = input.version === undefined ? 4 : checkUint(input.version, 0x0f, 'version');
  const ihl = input.ihl === undefined ? headerLength / 4 : checkUint(input.ihl, 0x0f, 'ihl');
  const dscp = input.dscp === undefined ? 0 : checkUint(input.dscp, 0x3f, 'dscp');
  const ecn = input.ecn === undefined ? 0 : checkUint(input.ecn, 0x03, 'ecn');
  const id = input.id === undefined ? 0 : checkUint(input.id, 0xffff, 'id');
  const fragmentOffset = input.fragmentOffset === undefined ? 0 : checkFragmentOffset(input.fragmentOffset);
  const ttl = input.ttl === undefined ? 64 : checkUint(input.ttl, 0xff, 'ttl');
  const protocol = checkUint(input.protocol, 0xff, 'protocol');
  const src = checkUint(input.src, 0xffff_ffff, 'src') as Ipv4Address;
  const dst = checkUint(input.dst, 0xffff_ffff, 'dst') as Ipv4Address;
  const checksum = input.checksum === undefined ? undefined : checkUint(input.checksum, 0xffff, 'checksum');

  const region = outputRegion(headerLength + payloadLength, out, offset);
  region[VERSION_IHL] = (version << 4) | ihl;
  region[DSCP_ECN] = (dscp << 2) | ecn;
  writeU16(region, TOTAL_LENGTH, totalLength);
  writeU16(region, IDENTIFICATION, id);
  writeU16(
    region,
    FLAGS_FRAGMENT_OFFSET,
    (input.reservedFlag === true ? FLAG_RESERVED : 0) |
      (input.df === true ? FLAG_DF : 0) |
      (input.mf === true ? FLAG_MF : 0) |
      (fragmentOffset / FRAGMENT_UNIT),
  );
  region[TTL] = ttl;
  region[PROTOCOL] = protocol;
  writeU16(region, HEADER_CHECKSUM, 0);
  writeIpv4(region, SOURCE, src);
  writeIpv4(region, DESTINATION, dst);
  if (headerLength > IPV4_MIN_HEADER_LENGTH) {
    const optionsEnd = writeOptions(region, OPTIONS, options);
    // Padding is EOL octets; a new array is zeroed already, a caller's buffer may hold anything.
    if (out !== undefined) region.fill(0, optionsEnd, headerLength);
  }
  writeU16(region, HEADER_CHECKSUM, checksum ?? headerChecksum(region, 0, headerLength));
  if (payload !== undefined) region.set(payload, headerLength);
  return region;
}

function checkFragmentOffset(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FRAGMENT_OFFSET || value % FRAGMENT_UNIT !== 0) {
    throw new EncodeError(
      'out-of-range',
      'fragmentOffset',
      `fragmentOffset: ${value} is not a multiple of 8 in 0..${MAX_FRAGMENT_OFFSET} (it counts bytes)`,
    );
  }
  return value;
}

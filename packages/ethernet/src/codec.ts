import {
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
  type MacAddress,
  EncodeError,
  IssueCollector,
  checkUint,
  hex,
  macFromBytes,
  outputRegion,
  readU16,
  requireBytes,
  writeMac,
  writeU16,
} from '@wirestack/core';
import { crc32 } from './crc32.js';
import { readFcs, writeFcs } from './fcs.js';
import {
  DESTINATION_OFFSET,
  ETHERNET_FCS_LENGTH,
  ETHERNET_HEADER_LENGTH,
  ETHERNET_MIN_FRAME_LENGTH,
  LENGTH_TYPE_OFFSET,
  MAX_LENGTH_VALUE,
  MIN_ETHERTYPE,
  SOURCE_OFFSET,
} from './layout.js';

const LAYER = 'ethernet';
const MAX_MAC = 0xffff_ffff_ffff;
/** Shared by every result without padding (zero length, so nobody can write into it). */
const NO_BYTES = new Uint8Array(0);
const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
/**
 * `bytes.subarray(start, end)` without looking `subarray` up on `bytes`:
 * the payload and padding views, which are most of what an object decode
 * costs. Node 20's optimiser does not inline that property load on a typed
 * array (every call went through a load IC stub before the builtin), and
 * `Uint8Array.prototype.subarray` kept in a module variable does not help:
 * the bundler turns top-level `const` into `var`, which the optimiser
 * cannot treat as a constant, so it makes a generic call. A `const` in a
 * function scope stays one, and then the call goes straight to the builtin.
 * Same builtin, same result (a Buffer still gets a Buffer). Measured in
 * `tools/bench/src/ethernet.bench.mjs`, see the README.
 */
const subarray = ((): ((bytes: Uint8Array, start: number, end: number) => Uint8Array) => {
  const builtin = Uint8Array.prototype.subarray;
  return (bytes, start, end) => builtin.call(bytes, start, end);
})();

/** An Ethernet II frame's header: the Length/Type field is an EtherType (0x0600 and up). */
export interface EthernetIIHeader {
  readonly dst: MacAddress;
  readonly src: MacAddress;
  readonly etherType: number;
}

/** An IEEE 802.3 length frame's header: the Length/Type field is the data length (0..1500). */
export interface Ieee8023Header {
  readonly dst: MacAddress;
  readonly src: MacAddress;
  readonly length: number;
}

/** Tell the two apart with `'etherType' in header`. */
export type EthernetHeader = EthernetIIHeader | Ieee8023Header;

export interface EthernetDecodeOptions extends DecodeOptions {
  /**
   * The frame ends with its 4-byte FCS: strip it, and verify it unless
   * `checksum: 'ignore'`. Off by default, since most captures (and every
   * frame a Linux socket hands over) carry no FCS.
   */
  readonly fcs?: boolean;
}

export interface DecodedEthernet extends Decoded<EthernetHeader> {
  /**
   * Bytes after the payload and before the FCS that belong to no layer:
   * what follows an 802.3 frame's `length` bytes, or what `splitPadding`
   * cut off. Empty (a shared zero-length array) when there is none.
   */
  readonly padding: Uint8Array;
  /** The FCS read from the frame when decoding with `fcs: true`, else undefined. */
  readonly fcs: number | undefined;
}

/**
 * What `encodeEthernet` takes: a header (the object `decodeEthernet`
 * returns will do) plus the payload and how to finish the frame.
 */
export type EthernetInput = EthernetHeader & {
  /** MAC client data after the header (default: none). */
  readonly payload?: Uint8Array;
  /** Pad with zeros up to the 60-byte minimum frame (default true). */
  readonly pad?: boolean;
  /** Append the FCS (default false). */
  readonly fcs?: boolean;
};

/**
 * Decodes the Ethernet frame at bytes[offset..]. The frame runs to the end
 * of `bytes` (minus the FCS with `fcs: true`).
 *
 * - EtherType frames: `payload` is everything after the header; an upper
 *   layer that knows its own length can split off padding with
 *   `splitPadding`.
 * - Length frames (802.3): `payload` is exactly `length` bytes, `padding`
 *   the rest. Fewer than `length` bytes present is 'truncated' (lax: the
 *   payload is what is there).
 * - Length/Type 0x05DD..0x05FF is 'bad-value' (lax: read as an EtherType).
 * - A wrong FCS is 'bad-checksum' (reported first: a corrupt frame's
 *   fields mean nothing).
 */
export function decodeEthernet(bytes: Uint8Array, offset = 0, options?: EthernetDecodeOptions): DecodedEthernet {
  // The fields' offsets and limits on the path every frame takes are number
  // literals with their layout.ts name, as in the view: the bundle makes
  // each imported constant a module variable, a load and a small-integer
  // check per use (~5% of this function, measured in ethernet.bench.mjs).
  const withFcs = options?.fcs === true;
  requireBytes(bytes, offset, withFcs ? 18 /* ETHERNET_HEADER_LENGTH + ETHERNET_FCS_LENGTH */ : 14 /* ETHERNET_HEADER_LENGTH */, LAYER);
  // The collector is only created when there is something to check or
  // report, so the common case allocates just the result.
  let problems: IssueCollector | undefined;
  let end = bytes.length;
  let fcs: number | undefined;
  if (withFcs) {
    end -= ETHERNET_FCS_LENGTH;
    fcs = readFcs(bytes, end);
    problems = new IssueCollector(options);
    if (problems.verifyChecksum) {
      const computed = crc32(bytes, offset, end);
      if (computed !== fcs) {
        problems.report({
          code: 'bad-checksum',
          layer: LAYER,
          offset: end,
          message: `ethernet at offset ${end}: FCS is ${hex(fcs, 8)}, frame's CRC-32 is ${hex(computed, 8)}`,
        });
      }
    }
  }

  const dst = macFromBytes(bytes, offset /* + DESTINATION_OFFSET (0) */);
  const src = macFromBytes(bytes, offset + 6 /* SOURCE_OFFSET */);
  const value = readU16(bytes, offset + 12 /* LENGTH_TYPE_OFFSET */);
  const start = offset + 14 /* ETHERNET_HEADER_LENGTH */;
  let header: EthernetHeader;
  let payloadEnd = end;
  if (value > 0x05dc /* MAX_LENGTH_VALUE */) {
    if (value < 0x0600 /* MIN_ETHERTYPE */) {
      (problems ??= new IssueCollector(options)).report({
        code: 'bad-value',
        layer: LAYER,
        offset: offset + LENGTH_TYPE_OFFSET,
        message: `ethernet at offset ${offset + LENGTH_TYPE_OFFSET}: Length/Type ${hex(value)} is neither a length (up to 1500) nor an EtherType (0x0600 and up)`,
      });
    }
    header = { dst, src, etherType: value };
  } else {
    header = { dst, src, length: value };
    const available = end - start;
    if (value > available) {
      (problems ??= new IssueCollector(options)).report({
        code: 'truncated',
        layer: LAYER,
        offset: start,
        required: value,
        available,
      });
    } else {
      payloadEnd = start + value;
    }
  }
  return {
    header,
    headerLength: 14 /* ETHERNET_HEADER_LENGTH */,
    payload: subarray(bytes, start, payloadEnd),
    padding: payloadEnd === end ? NO_BYTES : subarray(bytes, payloadEnd, end),
    fcs,
    issues: problems === undefined ? NO_ISSUES : problems.issues,
  };
}

/**
 * Splits off as padding what follows the first `upperLength` payload bytes,
 * once the layer above has said how long it is (an IPv4 total length, an
 * ARP packet's 28 bytes). Returns a new result (the old one is unchanged);
 * the same one when `upperLength` covers the whole payload, since an upper
 * layer longer than the payload is that layer's truncation to report.
 */
export function splitPadding(decoded: DecodedEthernet, upperLength: number): DecodedEthernet {
  if (!Number.isInteger(upperLength) || upperLength < 0) {
    throw new RangeError(`splitPadding: upperLength ${upperLength} is not a non-negative integer`);
  }
  const { payload, padding } = decoded;
  if (upperLength >= payload.length) return decoded;
  // Payload and padding are adjacent in the frame, so the new padding is
  // one view over both.
  const paddingLength = payload.length - upperLength + padding.length;
  return {
    ...decoded,
    payload: subarray(payload, 0, upperLength),
    padding: new Uint8Array(payload.buffer, payload.byteOffset + upperLength, paddingLength),
  };
}

/**
 * Encodes a frame: header, payload, zero padding up to 60 bytes (unless
 * `pad: false`) and the FCS (with `fcs: true`). Writes into `out` at
 * `offset` when given and returns the bytes written (a subarray of `out`),
 * else a new array.
 *
 * Either `etherType` (0x0600..0xFFFF; 0x05DD..0x05FF are accepted too, to
 * build invalid frames) or `length` (0..1500, written as given even when it
 * does not match the payload) must be present.
 */
export function encodeEthernet(input: EthernetInput, out?: Uint8Array, offset = 0): Uint8Array {
  const dst = checkUint(input.dst, MAX_MAC, 'dst') as MacAddress;
  const src = checkUint(input.src, MAX_MAC, 'src') as MacAddress;
  const value = lengthTypeOf(input);
  const payload = input.payload ?? NO_BYTES;
  const contentEnd = ETHERNET_HEADER_LENGTH + payload.length;
  const frameEnd = input.pad === false ? contentEnd : Math.max(contentEnd, ETHERNET_MIN_FRAME_LENGTH);
  const withFcs = input.fcs === true;
  const region = outputRegion(withFcs ? frameEnd + ETHERNET_FCS_LENGTH : frameEnd, out, offset);

  writeMac(region, DESTINATION_OFFSET, dst);
  writeMac(region, SOURCE_OFFSET, src);
  writeU16(region, LENGTH_TYPE_OFFSET, value);
  region.set(payload, ETHERNET_HEADER_LENGTH);
  // A new array is zeroed already; a caller's buffer may hold anything.
  if (out !== undefined) region.fill(0, contentEnd, frameEnd);
  if (withFcs) writeFcs(region, frameEnd, crc32(region, 0, frameEnd));
  return region;
}

function lengthTypeOf(input: EthernetInput): number {
  const { etherType, length } = input as { etherType?: number; length?: number };
  if (etherType !== undefined) {
    if (length !== undefined) {
      throw new EncodeError('invalid', 'length', 'length: give either etherType (Ethernet II) or length (IEEE 802.3), not both');
    }
    if (Number.isInteger(etherType) && etherType > MAX_LENGTH_VALUE && etherType <= 0xffff) return etherType;
    throw new EncodeError(
      'out-of-range',
      'etherType',
      `etherType: ${etherType} is not an integer in 0x05dd..0xffff (1500 and below is an 802.3 length: give length instead)`,
    );
  }
  if (length === undefined) {
    throw new EncodeError('invalid', 'etherType', 'etherType: give etherType (Ethernet II) or length (IEEE 802.3)');
  }
  return checkUint(length, MAX_LENGTH_VALUE, 'length');
}

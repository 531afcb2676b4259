import {
  IssueCollector,
  checkUint,
  hex,
  outputRegion,
  readU24,
  requireBytes,
  writeU24,
  type DecodeIssue,
  type DecodeOptions,
  type Decoded,
} from '@wirestack/core';
import { FLAGS, LAYER, MAX_VNI, RESERVED1, RESERVED2, VNI, VXLAN_FLAG_I, VXLAN_HEADER_LENGTH } from './layout.js';

const NO_BYTES = new Uint8Array(0);
const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);

/** The VXLAN header's fields as on the wire. A valid one has flags 0x08 and both reserved fields 0. */
export interface VxlanHeader {
  readonly flags: number;
  /** 24-bit VXLAN Network Identifier. */
  readonly vni: number;
  /** The 24 reserved bits after the flags. */
  readonly reserved1: number;
  /** The 8 reserved bits after the VNI. */
  readonly reserved2: number;
}

/** What `encodeVxlan` takes: the VNI, and the rest only to build unusual headers. */
export interface VxlanInput {
  readonly vni: number;
  /** Default 0x08 (the I flag alone). */
  readonly flags?: number | undefined;
  /** Default 0. */
  readonly reserved1?: number | undefined;
  /** Default 0. */
  readonly reserved2?: number | undefined;
  /** The inner Ethernet frame (default: none). */
  readonly payload?: Uint8Array | undefined;
}

/**
 * Decodes the VXLAN header at `offset` (42 in an untagged
 * Ethernet/IPv4/UDP frame without IP options); `payload` is the inner
 * Ethernet frame, everything after the header (a subarray).
 *
 * Strict mode (default) throws DecodeError, lax mode lists as issues:
 * - 'bad-value' at the flags: the I flag is clear (the VNI is not valid);
 * - 'reserved' at the flags, the first or the second Reserved field: a
 *   reserved bit is set. RFC 7348 says receivers ignore these bits, but
 *   they are how extensions (GBP, GPE) announce themselves, and Linux drops
 *   such packets unless configured for the extension, so strict mode
 *   rejects them too; lax mode decodes them (the fields round-trip).
 * Fewer than 8 bytes is 'truncated' in both modes.
 */
export function decodeVxlan(bytes: Uint8Array, offset = 0, options?: DecodeOptions): Decoded<VxlanHeader> {
  requireBytes(bytes, offset, VXLAN_HEADER_LENGTH, LAYER);
  const flags = bytes[offset + FLAGS]!;
  const reserved1 = readU24(bytes, offset + RESERVED1);
  const reserved2 = bytes[offset + RESERVED2]!;
  let problems: IssueCollector | undefined;
  if (flags !== VXLAN_FLAG_I || reserved1 !== 0 || reserved2 !== 0) {
    problems = new IssueCollector(options);
    checkHeader(problems, offset, flags, reserved1, reserved2);
  }
  const start = offset + VXLAN_HEADER_LENGTH;
  return {
    header: { flags, vni: readU24(bytes, offset + VNI), reserved1, reserved2 },
    headerLength: VXLAN_HEADER_LENGTH,
    payload: start === bytes.length ? NO_BYTES : bytes.subarray(start),
    issues: problems === undefined ? NO_ISSUES : problems.issues,
  };
}

/** Reports each problem of a header that is not exactly flags 0x08 with zero reserved fields. */
export function checkHeader(problems: IssueCollector, offset: number, flags: number, reserved1: number, reserved2: number): void {
  if ((flags & VXLAN_FLAG_I) === 0) {
    problems.report({
      code: 'bad-value',
      layer: LAYER,
      offset: offset + FLAGS,
      message: `vxlan at offset ${offset + FLAGS}: flags ${hex(flags, 2)} lack the I flag (0x08), so the VNI is not valid`,
    });
  }
  if ((flags & ~VXLAN_FLAG_I) !== 0) {
    problems.report({
      code: 'reserved',
      layer: LAYER,
      offset: offset + FLAGS,
      message: `vxlan at offset ${offset + FLAGS}: reserved flag bits set in ${hex(flags, 2)}`,
    });
  }
  if (reserved1 !== 0) {
    problems.report({
      code: 'reserved',
      layer: LAYER,
      offset: offset + RESERVED1,
      message: `vxlan at offset ${offset + RESERVED1}: reserved field is ${hex(reserved1, 6)}, not 0`,
    });
  }
  if (reserved2 !== 0) {
    problems.report({
      code: 'reserved',
      layer: LAYER,
      offset: offset + RESERVED2,
      message: `vxlan at offset ${offset + RESERVED2}: reserved field is ${hex(reserved2, 2)}, not 0`,
    });
  }
}

/**
 * Writes the header and the payload (the inner frame, if given) into `out`
 * at `offset`, or a new array, and returns the written bytes. Flags default
 * to 0x08 and the reserved fields to 0; other values are written as given.
 * EncodeError 'out-of-range' for a field that does not fit,
 * 'buffer-too-small' when `out` cannot hold the bytes.
 */
export function encodeVxlan(input: VxlanInput, out?: Uint8Array, offset = 0): Uint8Array {
  const vni = checkUint(input.vni, MAX_VNI, 'vni');
  const flags = input.flags === undefined ? VXLAN_FLAG_I : checkUint(input.flags, 0xff, 'flags');
  const reserved1 = input.reserved1 === undefined ? 0 : checkUint(input.reserved1, 0xff_ffff, 'reserved1');
  const reserved2 = input.reserved2 === undefined ? 0 : checkUint(input.reserved2, 0xff, 'reserved2');
  const payload = input.payload ?? NO_BYTES;
  const region = outputRegion(VXLAN_HEADER_LENGTH + payload.length, out, offset);
  writeVxlanHeader(region, 0, flags, reserved1, vni, reserved2);
  region.set(payload, VXLAN_HEADER_LENGTH);
  return region;
}

/** Writes the 8 header bytes at `at`; values are known to fit. */
export function writeVxlanHeader(out: Uint8Array, at: number, flags: number, reserved1: number, vni: number, reserved2: number): void {
  out[at + FLAGS] = flags;
  writeU24(out, at + RESERVED1, reserved1);
  writeU24(out, at + VNI, vni);
  out[at + RESERVED2] = reserved2;
}

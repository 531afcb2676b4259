import { type CaptureInterface, type CaptureOption, type CapturePacket, LINKTYPE_ETHERNET, captureError } from './capture-types.js';
import { type PacketToWrite, PCAP_MAX_SNAPLEN, concatBytes, putU16, putU32, readU16Endian as u16, readU32Endian as u32 } from './pcap.js';

/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks (type, total
 * length, body, total length again, 32-bit aligned). A section starts with
 * a Section Header Block whose byte-order magic fixes the endianness;
 * Interface Description Blocks describe interfaces (link type, snap length,
 * if_tsresol); Enhanced (and Simple) Packet Blocks carry packets. Other
 * blocks (name resolution, statistics, custom, ...) are skipped.
 */
export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
export const IF_NAME = 2;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;
export const SHB_USERAPPL = 4;
/** A block longer than this is taken as corruption rather than buffered. */
const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

/** The state of one section as blocks are read. */
export interface PcapngSection {
  littleEndian: boolean;
  interfaces: PcapngInterfaceState[];
  options: readonly CaptureOption[];
}

export interface PcapngInterfaceState extends CaptureInterface {
  /** Seconds added to every timestamp (if_tsoffset). */
  readonly offsetSeconds: number;
  /** if_tsresol as a base and exponent: units are base^-exponent seconds. */
  readonly base: 2 | 10;
  readonly exponent: number;
}

export function isPcapngMagic(bytes: Uint8Array, at = 0): boolean {
  return u32(bytes, at, false) === BLOCK_SHB;
}

export type BlockResult =
  | { readonly kind: 'packet'; readonly packet: CapturePacket; readonly next: number }
  | { readonly kind: 'other'; readonly next: number }
  | undefined;

/**
 * Reads the block at `at`: a packet, another block (consumed, state
 * updated), or undefined when the block is not all in `bytes` yet.
 * `section` is undefined before the first SHB. `base` is the absolute
 * offset of bytes[0], for errors.
 */
export function readPcapngBlock(
  bytes: Uint8Array,
  at: number,
  state: { section: PcapngSection | undefined },
  base: number,
): BlockResult {
  if (bytes.length - at < 12) return undefined;
  const rawType = u32(bytes, at, false);
  let section = state.section;
  if (rawType === BLOCK_SHB) {
    const magicLe = u32(bytes, at + 8, true);
    let le: boolean;
    if (magicLe === BYTE_ORDER_MAGIC) le = true;
    else if (u32(bytes, at + 8, false) === BYTE_ORDER_MAGIC) le = false;
    else throw captureError('pcapng', 'bad-magic', base + at + 8, 'section header byte-order magic is not 0x1a2b3c4d');
    section = { littleEndian: le, interfaces: [], options: [] };
  } else if (section === undefined) {
    throw captureError('pcapng', 'bad-magic', base + at, 'does not start with a Section Header Block');
  }
  const le = section.littleEndian;
  const type = u32(bytes, at, le);
  const length = u32(bytes, at + 4, le);
  if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK_LENGTH) {
    throw captureError('pcapng', 'bad-length', base + at + 4, `block length ${length} is not a multiple of 4 in 12..${MAX_BLOCK_LENGTH}`);
  }
  if (bytes.length - at < length) return undefined;
  if (u32(bytes, at + length - 4, le) !== length) {
    throw captureError('pcapng', 'bad-length', base + at + length - 4, `trailing block length differs from the leading ${length}`);
  }
  const body = at + 8;
  const bodyEnd = at + length - 4;
  const next = at + length;
  switch (type) {
    case BLOCK_SHB: {
      if (bodyEnd - body < 16) throw captureError('pcapng', 'bad-length', base + at + 4, 'section header block too short');
      const major = u16(bytes, body + 4, le);
      if (major !== 1) throw captureError('pcapng', 'bad-version', base + body + 4, `section version ${major}, expected 1`);
      section.options = readOptions(bytes, body + 16, bodyEnd, le, base);
      state.section = section;
      return { kind: 'other', next };
    }
    case BLOCK_IDB: {
      if (bodyEnd - body < 8) throw captureError('pcapng', 'bad-length', base + at + 4, 'interface description block too short');
      const options = readOptions(bytes, body + 8, bodyEnd, le, base);
      section.interfaces.push(interfaceOf(u16(bytes, body, le), u32(bytes, body + 4, le), options, le));
      return { kind: 'other', next };
    }
    case BLOCK_EPB: {
      if (bodyEnd - body < 20) throw captureError('pcapng', 'bad-length', base + at + 4, 'enhanced packet block too short');
      const interfaceId = u32(bytes, body, le);
      const iface = section.interfaces[interfaceId];
      if (iface === undefined) throw captureError('pcapng', 'bad-value', base + body, `packet on interface ${interfaceId}, which no IDB described`);
      const caplen = u32(bytes, body + 12, le);
      const data = body + 20;
      if (caplen > bodyEnd - data) throw captureError('pcapng', 'bad-length', base + body + 12, `captured length ${caplen} runs past the block`);
      const time = timestamp(iface, u32(bytes, body + 4, le), u32(bytes, body + 8, le));
      return {
        kind: 'packet',
        packet: {
          data: bytes.subarray(data, data + caplen),
          originalLength: u32(bytes, body + 16, le),
          seconds: time.seconds,
          nanoseconds: time.nanoseconds,
          interfaceId,
          linkType: iface.linkType,
        },
        next,
      };
    }
    case BLOCK_SPB: {
      const iface = section.interfaces[0];
      if (iface === undefined) throw captureError('pcapng', 'bad-value', base + at, 'simple packet block before any IDB');
      const originalLength = u32(bytes, body, le);
      const available = bodyEnd - body - 4;
      const caplen = Math.min(originalLength, iface.snapLength === 0 ? originalLength : iface.snapLength, available);
      return {
        kind: 'packet',
        packet: { data: bytes.subarray(body + 4, body + 4 + caplen), originalLength, seconds: 0, nanoseconds: 0, interfaceId: 0, linkType: iface.linkType },
        next,
      };
    }
    default:
      return { kind: 'other', next };
  }
}

function readOptions(bytes: Uint8Array, at: number, end: number, le: boolean, base: number): CaptureOption[] {
  const options: CaptureOption[] = [];
  while (end - at >= 4) {
    const code = u16(bytes, at, le);
    const length = u16(bytes, at + 2, le);
    if (code === OPT_ENDOFOPT) break;
    if (at + 4 + length > end) throw captureError('pcapng', 'bad-option', base + at, `option ${code} of ${length} bytes runs past its block`);
    options.push({ code, value: bytes.slice(at + 4, at + 4 + length) });
    at += 4 + ((length + 3) & ~3);
  }
  return options;
}

function interfaceOf(linkType: number, snapLength: number, options: readonly CaptureOption[], le: boolean): PcapngInterfaceState {
  let base: 2 | 10 = 10;
  let exponent = 6;
  let offsetSeconds = 0;
  for (const o of options) {
    if (o.code === IF_TSRESOL && o.value.length >= 1) {
      const v = o.value[0]!;
      base = (v & 0x80) !== 0 ? 2 : 10;
      exponent = v & 0x7f;
    } else if (o.code === IF_TSOFFSET && o.value.length >= 8) {
      offsetSeconds = u32(o.value, le ? 4 : 0, le) * 2 ** 32 + u32(o.value, le ? 0 : 4, le);
    }
  }
  const unitsPerSecond = base ** exponent;
  return {
    linkType,
    snapLength,
    unitsPerSecond,
    fractionDigits: base === 10 && exponent <= 6 ? 6 : 9,
    options,
    offsetSeconds,
    base,
    exponent,
  };
}

/** Seconds and nanoseconds from the 64-bit timestamp in the interface's units (BigInt only beyond 2^53). */
function timestamp(iface: PcapngInterfaceState, high: number, low: number): { seconds: number; nanoseconds: number } {
  const units = iface.unitsPerSecond;
  const value = high * 2 ** 32 + low;
  if (value <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(units)) {
    const seconds = Math.floor(value / units);
    const rest = value - seconds * units;
    return { seconds: seconds + iface.offsetSeconds, nanoseconds: Math.floor((rest * 1e9) / units) };
  }
  const big = (BigInt(high) << 32n) | BigInt(low);
  const bigUnits = BigInt(iface.base) ** BigInt(iface.exponent);
  const seconds = big / bigUnits;
  const nanoseconds = ((big - seconds * bigUnits) * 1_000_000_000n) / bigUnits;
  return { seconds: Number(seconds) + iface.offsetSeconds, nanoseconds: Number(nanoseconds) };
}

export interface PcapngWriterOptions {
  /** Nanosecond timestamps (if_tsresol 9); default microseconds (if_tsresol 6, written explicitly). */
  readonly nanosecond?: boolean;
  readonly littleEndian?: boolean;
  readonly snapLength?: number;
  readonly linkType?: number;
  /** shb_userappl; default 'wirestack'. */
  readonly application?: string;
  /** if_name, when given. */
  readonly interfaceName?: string;
}

/** Writes pcapng: `header()` (SHB + one IDB) once, then `record(packet)` (an EPB) per packet. */
export class PcapngWriter {
  readonly nanosecond: boolean;
  readonly littleEndian: boolean;
  readonly snapLength: number;
  readonly linkType: number;
  private readonly application: string;
  private readonly interfaceName: string | undefined;

  constructor(options: PcapngWriterOptions = {}) {
    this.nanosecond = options.nanosecond ?? false;
    this.littleEndian = options.littleEndian ?? true;
    this.snapLength = options.snapLength ?? PCAP_MAX_SNAPLEN;
    this.linkType = options.linkType ?? LINKTYPE_ETHERNET;
    this.application = options.application ?? 'wirestack';
    this.interfaceName = options.interfaceName;
  }

  header(): Uint8Array {
    const le = this.littleEndian;
    const shbOptions = encodeOptions([{ code: SHB_USERAPPL, value: utf8(this.application) }], le);
    const shb = new Uint8Array(28 + shbOptions.length);
    putU32(shb, 0, BLOCK_SHB, le);
    putU32(shb, 4, shb.length, le);
    putU32(shb, 8, BYTE_ORDER_MAGIC, le);
    putU16(shb, 12, 1, le);
    putU16(shb, 14, 0, le);
    // Section length -1: not specified.
    putU32(shb, 16, 0xffff_ffff, le);
    putU32(shb, 20, 0xffff_ffff, le);
    shb.set(shbOptions, 24);
    putU32(shb, shb.length - 4, shb.length, le);

    const idbOpts: CaptureOption[] = [{ code: IF_TSRESOL, value: Uint8Array.of(this.nanosecond ? 9 : 6) }];
    if (this.interfaceName !== undefined) idbOpts.unshift({ code: IF_NAME, value: utf8(this.interfaceName) });
    const idbOptions = encodeOptions(idbOpts, le);
    const idb = new Uint8Array(20 + idbOptions.length);
    putU32(idb, 0, BLOCK_IDB, le);
    putU32(idb, 4, idb.length, le);
    putU16(idb, 8, this.linkType, le);
    putU32(idb, 12, this.snapLength, le);
    idb.set(idbOptions, 16);
    putU32(idb, idb.length - 4, idb.length, le);
    return concatBytes([shb, idb]);
  }

  recordLength(packet: PacketToWrite): number {
    return 32 + ((Math.min(packet.data.length, this.snapLength) + 3) & ~3);
  }

  record(packet: PacketToWrite): Uint8Array {
    const out = new Uint8Array(this.recordLength(packet));
    this.recordInto(packet, out, 0);
    return out;
  }

  /** Writes an Enhanced Packet Block into `out` at `offset`; returns its length. */
  recordInto(packet: PacketToWrite, out: Uint8Array, offset = 0): number {
    const le = this.littleEndian;
    const caplen = Math.min(packet.data.length, this.snapLength);
    const length = this.recordLength(packet);
    if (offset + length > out.length) throw new RangeError(`pcapng record needs ${length} bytes at ${offset}, buffer holds ${out.length}`);
    const ns = packet.nanoseconds ?? 0;
    const seconds = packet.seconds ?? 0;
    // Nanoseconds since 1970 pass 2^53 in 1970 + 104 days: split them exactly.
    const units = this.nanosecond ? BigInt(seconds) * 1_000_000_000n + BigInt(ns) : BigInt(seconds * 1e6 + Math.floor(ns / 1000));
    putU32(out, offset, BLOCK_EPB, le);
    putU32(out, offset + 4, length, le);
    putU32(out, offset + 8, 0, le);
    putU32(out, offset + 12, Number(units >> 32n), le);
    putU32(out, offset + 16, Number(units & 0xffff_ffffn), le);
    putU32(out, offset + 20, caplen, le);
    putU32(out, offset + 24, packet.originalLength ?? packet.data.length, le);
    out.set(caplen === packet.data.length ? packet.data : packet.data.subarray(0, caplen), offset + 28);
    out.fill(0, offset + 28 + caplen, offset + length - 4);
    putU32(out, offset + length - 4, length, le);
    return length;
  }
}

function encodeOptions(options: readonly CaptureOption[], le: boolean): Uint8Array {
  let length = 4;
  for (const o of options) length += 4 + ((o.value.length + 3) & ~3);
  const out = new Uint8Array(length);
  let at = 0;
  for (const o of options) {
    putU16(out, at, o.code, le);
    putU16(out, at + 2, o.value.length, le);
    out.set(o.value, at + 4);
    at += 4 + ((o.value.length + 3) & ~3);
  }
  return out; // ends with opt_endofopt (zeros)
}

/** A whole pcapng file of `packets`. */
export function writePcapng(packets: Iterable<PacketToWrite>, options: PcapngWriterOptions = {}): Uint8Array {
  const writer = new PcapngWriter(options);
  return concatBytes([writer.header(), ...Array.from(packets, (p) => writer.record(p))]);
}

/** UTF-8 bytes of `text` (TextEncoder is not in the ES library every runtime declares). */
function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

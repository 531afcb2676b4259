import { outputRegion } from '@wirestack/core';
import { type CaptureInterface, type CapturePacket, LINKTYPE_ETHERNET, captureError } from './capture-types.js';

/**
 * Classic pcap (libpcap's savefile format): a 24-byte file header, then per
 * packet a 16-byte record header (seconds, micro- or nanoseconds, captured
 * length, original length) and the bytes. The magic number says the byte
 * order and the resolution.
 */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAP_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
/** libpcap's largest snapshot length; a record claiming more is corrupt (and would make a reader buffer anything). */
export const PCAP_MAX_SNAPLEN = 262_144;

export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snapLength: number;
  readonly linkType: number;
}

function u32(bytes: Uint8Array, at: number, le: boolean): number {
  return le
    ? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
    : ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function u16(bytes: Uint8Array, at: number, le: boolean): number {
  return le ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

export function putU32(out: Uint8Array, at: number, value: number, le: boolean): void {
  if (le) {
    out[at] = value;
    out[at + 1] = value >>> 8;
    out[at + 2] = value >>> 16;
    out[at + 3] = value >>> 24;
  } else {
    out[at] = value >>> 24;
    out[at + 1] = value >>> 16;
    out[at + 2] = value >>> 8;
    out[at + 3] = value;
  }
}

export function putU16(out: Uint8Array, at: number, value: number, le: boolean): void {
  if (le) {
    out[at] = value;
    out[at + 1] = value >>> 8;
  } else {
    out[at] = value >>> 8;
    out[at + 1] = value;
  }
}

export { u16 as readU16Endian, u32 as readU32Endian };

/** True when `bytes` starts with a pcap magic number (either byte order, either resolution). */
export function isPcapMagic(bytes: Uint8Array, at = 0): boolean {
  const be = u32(bytes, at, false);
  const le = u32(bytes, at, true);
  return be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS || le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS;
}

/** Reads the file header at `at` (24 bytes must be there); DecodeError 'bad-magic' when it is not pcap. */
export function readPcapHeader(bytes: Uint8Array, at = 0): PcapHeader {
  if (bytes.length - at < PCAP_HEADER_LENGTH) {
    throw captureError('pcap', 'truncated', at, `file header needs 24 bytes, ${bytes.length - at} present`, { required: 24, available: bytes.length - at });
  }
  const be = u32(bytes, at, false);
  let littleEndian: boolean;
  if (be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS) littleEndian = false;
  else if (u32(bytes, at, true) === PCAP_MAGIC_MICROS || u32(bytes, at, true) === PCAP_MAGIC_NANOS) littleEndian = true;
  else throw captureError('pcap', 'bad-magic', at, `magic 0x${be.toString(16).padStart(8, '0')} is not pcap`);
  const magic = u32(bytes, at, littleEndian);
  return {
    littleEndian,
    nanosecond: magic === PCAP_MAGIC_NANOS,
    versionMajor: u16(bytes, at + 4, littleEndian),
    versionMinor: u16(bytes, at + 6, littleEndian),
    snapLength: u32(bytes, at + 16, littleEndian),
    // The upper bits hold FCS information (LINKTYPE_ values are 16 bits).
    linkType: u32(bytes, at + 20, littleEndian) & 0xffff,
  };
}

export function pcapInterface(h: PcapHeader): CaptureInterface {
  return { linkType: h.linkType, snapLength: h.snapLength, unitsPerSecond: h.nanosecond ? 1e9 : 1e6, fractionDigits: h.nanosecond ? 9 : 6, options: [] };
}

/**
 * The record at `at`, or undefined when it is not all in `bytes` yet
 * (the caller decides whether that is truncation). `base` is the absolute
 * file offset of bytes[0], for error messages.
 */
export function readPcapRecord(bytes: Uint8Array, at: number, h: PcapHeader, base: number): { packet: CapturePacket; next: number } | undefined {
  if (bytes.length - at < PCAP_RECORD_HEADER_LENGTH) return undefined;
  const le = h.littleEndian;
  const seconds = u32(bytes, at, le);
  const fraction = u32(bytes, at + 4, le);
  const caplen = u32(bytes, at + 8, le);
  const len = u32(bytes, at + 12, le);
  if (caplen > Math.max(h.snapLength, PCAP_MAX_SNAPLEN)) {
    throw captureError('pcap', 'bad-length', base + at, `record claims ${caplen} captured bytes, more than the snapshot length ${h.snapLength}`);
  }
  if (fraction >= (h.nanosecond ? 1e9 : 1e6)) {
    throw captureError('pcap', 'bad-value', base + at + 4, `timestamp fraction ${fraction} is not below one second`);
  }
  const start = at + PCAP_RECORD_HEADER_LENGTH;
  if (bytes.length - start < caplen) return undefined;
  return {
    packet: {
      data: bytes.subarray(start, start + caplen),
      originalLength: len,
      seconds,
      nanoseconds: h.nanosecond ? fraction : fraction * 1000,
      interfaceId: 0,
      linkType: h.linkType,
    },
    next: start + caplen,
  };
}

export interface PcapWriterOptions {
  /** Nanosecond timestamps (magic 0xa1b23c4d); default microseconds. */
  readonly nanosecond?: boolean;
  /** Default true (what every x86 and ARM host writes). */
  readonly littleEndian?: boolean;
  readonly snapLength?: number;
  readonly linkType?: number;
}

/** What a writer takes: the bytes, and optionally the time and the original length (default data.length). */
export interface PacketToWrite {
  readonly data: Uint8Array;
  readonly seconds?: number;
  readonly nanoseconds?: number;
  readonly originalLength?: number;
}

/**
 * Writes classic pcap: `header()` once, then `record(packet)` per packet
 * (each returns bytes to append; `recordInto` writes into a buffer).
 */
export class PcapWriter {
  readonly nanosecond: boolean;
  readonly littleEndian: boolean;
  readonly snapLength: number;
  readonly linkType: number;

  constructor(options: PcapWriterOptions = {}) {
    this.nanosecond = options.nanosecond ?? false;
    this.littleEndian = options.littleEndian ?? true;
    this.snapLength = options.snapLength ?? PCAP_MAX_SNAPLEN;
    this.linkType = options.linkType ?? LINKTYPE_ETHERNET;
  }

  header(): Uint8Array {
    const out = new Uint8Array(PCAP_HEADER_LENGTH);
    const le = this.littleEndian;
    putU32(out, 0, this.nanosecond ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, le);
    putU16(out, 4, 2, le);
    putU16(out, 6, 4, le);
    putU32(out, 16, this.snapLength, le);
    putU32(out, 20, this.linkType, le);
    return out;
  }

  /** Bytes of the record for `packet`: 16 + the captured bytes (cut to the snapshot length). */
  recordLength(packet: PacketToWrite): number {
    return PCAP_RECORD_HEADER_LENGTH + Math.min(packet.data.length, this.snapLength);
  }

  record(packet: PacketToWrite): Uint8Array {
    const out = new Uint8Array(this.recordLength(packet));
    this.recordInto(packet, out, 0);
    return out;
  }

  /** Writes the record into `out` at `offset`; returns its length. */
  recordInto(packet: PacketToWrite, out: Uint8Array, offset = 0): number {
    const caplen = Math.min(packet.data.length, this.snapLength);
    const region = outputRegion(PCAP_RECORD_HEADER_LENGTH + caplen, out, offset);
    const le = this.littleEndian;
    const ns = packet.nanoseconds ?? 0;
    putU32(region, 0, packet.seconds ?? 0, le);
    putU32(region, 4, this.nanosecond ? ns : Math.floor(ns / 1000), le);
    putU32(region, 8, caplen, le);
    putU32(region, 12, packet.originalLength ?? packet.data.length, le);
    region.set(caplen === packet.data.length ? packet.data : packet.data.subarray(0, caplen), PCAP_RECORD_HEADER_LENGTH);
    return region.length;
  }
}

/** A whole pcap file of `packets`. */
export function writePcap(packets: Iterable<PacketToWrite>, options: PcapWriterOptions = {}): Uint8Array {
  const writer = new PcapWriter(options);
  return concatBytes([writer.header(), ...Array.from(packets, (p) => writer.record(p))]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

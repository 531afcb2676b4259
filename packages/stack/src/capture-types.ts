import { DecodeError } from '@wirestack/core';

/** LINKTYPE_ETHERNET, the only link type the stack decodes. */
export const LINKTYPE_ETHERNET = 1;

/** One packet of a capture file. */
export interface CapturePacket {
  /** The captured bytes (`caplen` = data.length): a subarray of the reader's buffer, valid for good. */
  readonly data: Uint8Array;
  /** The packet's length on the wire (`len`), at least data.length unless the file lies. */
  readonly originalLength: number;
  /** Seconds since the Unix epoch. */
  readonly seconds: number;
  /** Nanoseconds within the second, 0..999,999,999 (whatever the file's resolution). */
  readonly nanoseconds: number;
  /** The interface (pcapng) it was captured on; 0 for pcap. */
  readonly interfaceId: number;
  readonly linkType: number;
}

/** An option of a pcapng block: its code and raw value. */
export interface CaptureOption {
  readonly code: number;
  readonly value: Uint8Array;
}

export interface CaptureInterface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second (1e6 for pcap and pcapng's default, 1e9 for nanosecond files, ...). */
  readonly unitsPerSecond: number;
  /** Decimal digits of the fraction worth printing (6 for microseconds, 9 for nanoseconds). */
  readonly fractionDigits: 6 | 9;
  /** pcapng IDB options (if_name, if_tsresol, ...), raw; empty for pcap. */
  readonly options: readonly CaptureOption[];
}

export interface CaptureInfo {
  readonly format: 'pcap' | 'pcapng';
  readonly littleEndian: boolean;
  /** pcap: the file's single interface; pcapng: one per Interface Description Block seen so far. */
  readonly interfaces: readonly CaptureInterface[];
  /** pcapng: the Section Header Block's options (shb_hardware, shb_os, shb_userappl, ...). */
  readonly sectionOptions: readonly CaptureOption[];
}

/** The error every reader throws: DecodeError with layer 'pcap' or 'pcapng' and the file offset. */
export function captureError(layer: 'pcap' | 'pcapng', code: string, offset: number, what: string, extra: { required?: number; available?: number } = {}): DecodeError {
  return new DecodeError({ code, layer, offset, message: `${layer} file at byte ${offset}: ${what}`, ...extra });
}

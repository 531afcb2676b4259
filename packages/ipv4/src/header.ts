import type { Ipv4Address } from '@wirestack/core';
import type { Ipv4Option, Ipv4OptionInput } from './options.js';

/**
 * An IPv4 header as plain data, every RFC 791 field named as a JSON
 * consumer expects it.
 */
export interface Ipv4Header {
  /** 4 for IPv4; lax mode decodes other values. */
  readonly version: number;
  /** Internet Header Length in 32-bit words, as on the wire (5..15). */
  readonly ihl: number;
  /** Differentiated Services Code Point (RFC 2474), the high 6 bits of the old Type of Service. */
  readonly dscp: number;
  /** Explicit Congestion Notification (RFC 3168), the low 2 bits: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  readonly ecn: number;
  /** Header plus data, in bytes. */
  readonly totalLength: number;
  /** Identification: tells the fragments of one datagram apart (RFC 6864). */
  readonly id: number;
  /** The reserved flag bit (RFC 3514's "evil bit"): must be zero, reported as it is. */
  readonly reservedFlag: boolean;
  /** Don't Fragment. */
  readonly df: boolean;
  /** More Fragments. */
  readonly mf: boolean;
  /**
   * Where this fragment's data sits in the original datagram, in BYTES:
   * 8 x the 13-bit wire value (which counts 8-byte units), so 0..65528 and
   * always a multiple of 8. tcpdump prints it the same way.
   */
  readonly fragmentOffset: number;
  readonly ttl: number;
  /** An `IpProtocol` value or any other 8-bit number. */
  readonly protocol: number;
  /** The Header Checksum as on the wire. */
  readonly checksum: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  /** The options in wire order (an 'eol' entry ends the list when padding follows); empty without options. */
  readonly options: readonly Ipv4Option[];
}

/** What `decodeIpv4` returns as `header`. */
export interface DecodedIpv4Header extends Ipv4Header {
  /** True when the header checksum is right (computed even with `checksum: 'ignore'`). */
  readonly checksumValid: boolean;
}

/**
 * What `encodeIpv4` takes. Fields that can be computed (`ihl`,
 * `totalLength`, `checksum`) are, unless given: a given value is written as
 * is, so tests can build bad packets. Other defaults: version 4, dscp/ecn 0,
 * id 0, flags clear, fragmentOffset 0, ttl 64 (Linux's default), no
 * options, no payload. Every decoded header is a valid input.
 */
export interface Ipv4Input {
  readonly version?: number;
  readonly ihl?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly totalLength?: number;
  readonly id?: number;
  readonly reservedFlag?: boolean;
  readonly df?: boolean;
  readonly mf?: boolean;
  /** In bytes, a multiple of 8 up to 65528. */
  readonly fragmentOffset?: number;
  readonly ttl?: number;
  readonly protocol: number;
  readonly checksum?: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  /** Written in order, then zero padding (EOL octets) up to a multiple of 4 bytes. */
  readonly options?: readonly Ipv4OptionInput[];
  /**
   * The data after the header, copied after it. Leave it out to write the
   * header alone (e.g. in front of a payload already in `out`): then give
   * `totalLength`, which otherwise defaults to the header's length.
   */
  readonly payload?: Uint8Array;
}

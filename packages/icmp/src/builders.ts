import {
  EncodeError,
  IPV4_ANY,
  checkUint,
  ipv4FromBytes,
  isLimitedBroadcastIpv4,
  isMulticastIpv4,
  readU16,
  type Ipv4Address,
} from '@wirestack/core';
import { decodeIcmp } from './codec.js';
import { DEFAULT_MAX_QUOTE } from './layout.js';
import type { IcmpEcho, IcmpErrorInput, IcmpInput } from './message.js';
import { QUOTED_DATA_BYTES, QUOTED_IPV4_MIN_HEADER } from './quoted.js';
import { IcmpType, TimeExceededCode, UnreachableCode, isIcmpErrorType } from './types.js';

/**
 * Builders for the messages hosts and routers send. They return inputs for
 * `encodeIcmp` (which computes the checksum); field ranges are checked when
 * the message is encoded.
 */

/** An echo request or reply as `encodeIcmp` takes it. */
export type IcmpEchoInput = Extract<IcmpInput, { readonly kind: 'echo-request' | 'echo-reply' }>;

export interface EchoRequestInit {
  readonly id: number;
  readonly seq: number;
  /** Defaults to empty. */
  readonly data?: Uint8Array;
}

export function echoRequest(init: EchoRequestInit): IcmpEchoInput {
  return { kind: 'echo-request', type: IcmpType.echoRequest, code: 0, id: init.id, seq: init.seq, data: init.data ?? new Uint8Array(0) };
}

/**
 * The reply to an echo request (RFC 792: the same identifier, sequence
 * number and data, type 0), from the decoded request or its ICMP bytes
 * (decoded strictly: DecodeError on bad bytes). EncodeError 'invalid' when
 * it is not an echo request.
 */
export function echoReply(request: IcmpEcho | Uint8Array): IcmpEchoInput {
  const echo = request instanceof Uint8Array ? decodeIcmp(request).header : request;
  if (echo.kind !== 'echo-request') {
    throw new EncodeError('invalid', 'request', `request: an echo reply answers an echo request, not a ${echo.kind} message`);
  }
  return { kind: 'echo-reply', type: IcmpType.echoReply, code: 0, id: echo.id, seq: echo.seq, data: echo.data };
}

/**
 * Why no ICMP error may be sent about a datagram (RFC 1122 3.2.2, RFC 1812
 * 4.3.2.7):
 * - 'malformed': not a whole IPv4 header (version 4, IHL >= 5, total
 *   length >= header), or an ICMP datagram too short to show its type;
 * - 'icmp-error': it is an ICMP error message (types 3, 4, 5, 11, 12);
 * - 'non-initial-fragment': fragment offset is not 0;
 * - 'broadcast-destination': sent to 255.255.255.255 or to an address the
 *   `isBroadcast` option recognises (a directed broadcast);
 * - 'multicast-destination': sent to 224.0.0.0/4;
 * - 'link-broadcast': received as a link-layer broadcast or multicast
 *   (the `linkBroadcast` option: the IPv4 bytes cannot tell);
 * - 'invalid-source': the source does not define a single host: 0.0.0.0,
 *   a broadcast, multicast or class E (240.0.0.0/4) address. Loopback
 *   sources are not refused: on a loopback interface they are one host, and
 *   Linux answers them.
 */
export type IcmpErrorRefusal =
  | 'malformed'
  | 'icmp-error'
  | 'non-initial-fragment'
  | 'broadcast-destination'
  | 'multicast-destination'
  | 'link-broadcast'
  | 'invalid-source';

/** Thrown by `errorFor` and its shorthands when RFC 1122 forbids the error; `reason` says why. */
export class IcmpErrorRefused extends EncodeError {
  constructor(readonly reason: IcmpErrorRefusal) {
    super('refused', 'offending', `offending: RFC 1122 3.2.2 forbids an ICMP error about this datagram (${reason})`);
  }
}

export interface ErrorForOptions {
  /** Next-hop MTU (destination unreachable; required for code 4, fragmentation needed). */
  readonly mtu?: number;
  /** The better first hop (redirect; required). */
  readonly gateway?: Ipv4Address;
  /** The octet in error (parameter problem; default 0). */
  readonly pointer?: number;
  /**
   * Most bytes of the offending datagram to quote. Default 548: as much as
   * RFC 1812 4.3.2.3 allows without the error datagram exceeding 576 bytes
   * (20-byte IPv4 header + 8-byte ICMP header + quote), what Linux sends.
   * Never less than the offending header (with options) + 8 bytes, which
   * RFC 792 requires.
   */
  readonly maxQuote?: number;
  /** The offending datagram arrived as a link-layer broadcast or multicast. */
  readonly linkBroadcast?: boolean;
  /** Recognises directed broadcast addresses (e.g. 10.0.0.255 on 10.0.0.0/24) as destinations or sources. */
  readonly isBroadcast?: (address: Ipv4Address) => boolean;
}

/**
 * Whether RFC 1122 3.2.2 forbids an ICMP error about `offending` (an IPv4
 * datagram from its first byte): the reason, or undefined when an error
 * may be sent. Never throws.
 */
export function icmpErrorRefusal(offending: Uint8Array, options: ErrorForOptions = {}): IcmpErrorRefusal | undefined {
  if (offending.length < QUOTED_IPV4_MIN_HEADER || offending[0]! >>> 4 !== 4) return 'malformed';
  const headerLength = (offending[0]! & 0x0f) * 4;
  if (headerLength < QUOTED_IPV4_MIN_HEADER || offending.length < headerLength || readU16(offending, 2) < headerLength) {
    return 'malformed';
  }
  if ((readU16(offending, 6) & 0x1fff) !== 0) return 'non-initial-fragment';
  if (offending[9] === 1) {
    // The type of the offending ICMP message must be readable to know it is not an error.
    if (datagramLength(offending, headerLength) <= headerLength) return 'malformed';
    if (isIcmpErrorType(offending[headerLength]!)) return 'icmp-error';
  }
  const isBroadcast = options.isBroadcast ?? ((): boolean => false);
  const dst = ipv4FromBytes(offending, 16);
  if (isLimitedBroadcastIpv4(dst) || isBroadcast(dst)) return 'broadcast-destination';
  if (isMulticastIpv4(dst)) return 'multicast-destination';
  if (options.linkBroadcast === true) return 'link-broadcast';
  const src = ipv4FromBytes(offending, 12);
  if (src === IPV4_ANY || isLimitedBroadcastIpv4(src) || isBroadcast(src) || src >>> 28 >= 0xe) return 'invalid-source';
  return undefined;
}

/** Bytes of the datagram: its total length, or what the buffer holds when that is less. */
function datagramLength(offending: Uint8Array, headerLength: number): number {
  return Math.max(Math.min(readU16(offending, 2), offending.length), headerLength);
}

/**
 * The ICMP error of `type` (3, 4, 5, 11 or 12) and `code` about
 * `offending`, an IPv4 datagram from its first byte (extra bytes after its
 * total length, e.g. Ethernet padding, are not quoted). The quote is the
 * offending header with its options and as much of the data as
 * `options.maxQuote` allows, at least 8 bytes.
 *
 * Throws IcmpErrorRefused (an EncodeError with code 'refused' and a
 * `reason`) when RFC 1122 forbids the error (see `icmpErrorRefusal`), and
 * EncodeError 'invalid' for a type that is not an error type, a redirect
 * without `gateway` or a fragmentation needed without `mtu`.
 */
export function errorFor(offending: Uint8Array, type: number, code: number, options: ErrorForOptions = {}): IcmpErrorInput {
  if (!isIcmpErrorType(type)) {
    throw new EncodeError('invalid', 'type', `type: ${type} is not an ICMP error type (3, 4, 5, 11, 12)`);
  }
  checkUint(code, 0xff, 'code');
  const refusal = icmpErrorRefusal(offending, options);
  if (refusal !== undefined) throw new IcmpErrorRefused(refusal);
  const headerLength = (offending[0]! & 0x0f) * 4;
  const maxQuote = checkUint(options.maxQuote ?? DEFAULT_MAX_QUOTE, 0xffff, 'maxQuote');
  const quoteLength = Math.min(datagramLength(offending, headerLength), Math.max(maxQuote, headerLength + QUOTED_DATA_BYTES));
  const quoted = { raw: offending.slice(0, quoteLength) };
  switch (type) {
    case IcmpType.destUnreachable:
      if (code === UnreachableCode.fragmentationNeeded && options.mtu === undefined) {
        throw new EncodeError('invalid', 'mtu', 'mtu: fragmentation needed carries the next-hop MTU (RFC 1191)');
      }
      return { kind: 'dest-unreachable', type, code, mtu: options.mtu ?? 0, quoted };
    case IcmpType.sourceQuench:
      return { kind: 'source-quench', type, code, quoted };
    case IcmpType.redirect:
      if (options.gateway === undefined) throw new EncodeError('invalid', 'gateway', 'gateway: a redirect names the gateway to use');
      return { kind: 'redirect', type, code, gateway: options.gateway, quoted };
    case IcmpType.timeExceeded:
      return { kind: 'time-exceeded', type, code, quoted };
    default:
      return { kind: 'parameter-problem', type, code, pointer: options.pointer ?? 0, quoted };
  }
}

/** Destination unreachable, fragmentation needed and DF set, with the next-hop MTU (RFC 1191). */
export function fragmentationNeeded(offending: Uint8Array, mtu: number, options: ErrorForOptions = {}): IcmpErrorInput {
  return errorFor(offending, IcmpType.destUnreachable, UnreachableCode.fragmentationNeeded, { ...options, mtu });
}

/** Time exceeded: TTL exceeded in transit (code 0), or fragment reassembly time exceeded (code 1). */
export function timeExceeded(
  offending: Uint8Array,
  code: number = TimeExceededCode.ttl,
  options: ErrorForOptions = {},
): IcmpErrorInput {
  return errorFor(offending, IcmpType.timeExceeded, code, options);
}

/** Destination unreachable, port unreachable: what a host answers a UDP datagram to a closed port. */
export function portUnreachable(offending: Uint8Array, options: ErrorForOptions = {}): IcmpErrorInput {
  return errorFor(offending, IcmpType.destUnreachable, UnreachableCode.port, options);
}

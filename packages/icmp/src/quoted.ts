import { DecodeError, ipv4FromBytes, readU16, readU32, type DecodeIssue } from '@wirestack/core';
import type { QuotedDatagram, QuotedIpv4Header, QuotedTcp, QuotedUdp } from './message.js';

/**
 * A small reader of the datagram an ICMP error quotes: the fixed 20-byte
 * IPv4 header, its options as raw bytes, and the ports of UDP/TCP.
 *
 * Why not @wirestack/ipv4: codecs depend on @wirestack/core only (the
 * layering rule), so icmp cannot import it. This reader is deliberately
 * limited to what identifies the quoted datagram; `@wirestack/stack`
 * decodes quoted datagrams fully with @wirestack/ipv4.
 *
 * It never throws: a quote is someone else's bytes, often cut short by the
 * router that sent the error. Problems become the `truncated` flag, `ip`
 * or `transport` left undefined, and (lax mode only) issues.
 */

/** Shared empty array (see NO_BYTES in codec.ts; kept here to avoid an import cycle). */
const EMPTY = new Uint8Array(0);

export const QUOTED_IPV4_MIN_HEADER = 20;
/** RFC 792: the quoted header is followed by the first 64 bits of the datagram's data. */
export const QUOTED_DATA_BYTES = 8;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

/**
 * Decodes bytes[start, end) as a quoted datagram; `start` is an offset into
 * the caller's buffer (for issues). `issues` is the lax-mode list, or
 * undefined in strict mode (nothing is recorded).
 */
export function decodeQuoted(bytes: Uint8Array, start: number, end: number, issues: DecodeIssue[] | undefined): QuotedDatagram {
  const raw = start >= end ? EMPTY : bytes.subarray(start, end);
  const available = end - start;
  if (available < QUOTED_IPV4_MIN_HEADER || bytes[start]! >>> 4 !== 4) {
    const truncated = available < QUOTED_IPV4_MIN_HEADER + QUOTED_DATA_BYTES;
    if (available >= 1 && bytes[start]! >>> 4 !== 4) {
      note(issues, 'quote-not-ipv4', start, `quoted datagram has IP version ${bytes[start]! >>> 4}, not 4`);
    } else if (truncated) {
      noteTruncated(issues, start, QUOTED_IPV4_MIN_HEADER + QUOTED_DATA_BYTES, available);
    }
    return { raw, ip: undefined, transport: undefined, truncated };
  }
  const ip = readQuotedIpv4(bytes, start, end);
  const headerLength = ip.ihl * 4;
  if (ip.ihl < 5) {
    note(issues, 'quote-bad-header-length', start, `quoted IPv4 header has IHL ${ip.ihl} (< 5)`);
  }
  // The quote is complete when it holds the header and 8 bytes of data, or
  // the whole datagram when that was shorter (e.g. a 4-byte payload).
  const wanted = Math.max(QUOTED_IPV4_MIN_HEADER, headerLength) + QUOTED_DATA_BYTES;
  const complete = Math.min(wanted, Math.max(ip.totalLength, QUOTED_IPV4_MIN_HEADER, headerLength));
  const truncated = available < complete;
  if (truncated) noteTruncated(issues, start, complete, available);
  const transport =
    ip.ihl >= 5 && ip.fragmentOffset === 0 && available >= headerLength + QUOTED_DATA_BYTES
      ? readTransport(bytes, start + headerLength, ip.protocol)
      : undefined;
  return { raw, ip, transport, truncated };
}

function readQuotedIpv4(bytes: Uint8Array, at: number, end: number): QuotedIpv4Header {
  const ihl = bytes[at]! & 0x0f;
  const flagsFragment = readU16(bytes, at + 6);
  const optionsEnd = Math.min(at + Math.max(ihl * 4, QUOTED_IPV4_MIN_HEADER), end);
  return {
    version: 4,
    ihl,
    dscp: bytes[at + 1]! >>> 2,
    ecn: bytes[at + 1]! & 0x03,
    totalLength: readU16(bytes, at + 2),
    id: readU16(bytes, at + 4),
    df: (flagsFragment & 0x4000) !== 0,
    mf: (flagsFragment & 0x2000) !== 0,
    fragmentOffset: (flagsFragment & 0x1fff) * 8,
    ttl: bytes[at + 8]!,
    protocol: bytes[at + 9]!,
    checksum: readU16(bytes, at + 10),
    src: ipv4FromBytes(bytes, at + 12),
    dst: ipv4FromBytes(bytes, at + 16),
    options: at + QUOTED_IPV4_MIN_HEADER >= optionsEnd ? EMPTY : bytes.subarray(at + QUOTED_IPV4_MIN_HEADER, optionsEnd),
  };
}

function readTransport(bytes: Uint8Array, at: number, protocol: number): QuotedUdp | QuotedTcp | undefined {
  if (protocol === IP_PROTOCOL_UDP) {
    return {
      protocol: 'udp',
      srcPort: readU16(bytes, at),
      dstPort: readU16(bytes, at + 2),
      length: readU16(bytes, at + 4),
      checksum: readU16(bytes, at + 6),
    };
  }
  if (protocol === IP_PROTOCOL_TCP) {
    return { protocol: 'tcp', srcPort: readU16(bytes, at), dstPort: readU16(bytes, at + 2), seq: readU32(bytes, at + 4) };
  }
  return undefined;
}

/** Quote problems are lax-mode issues only: they never fail the decode of the ICMP message itself. */
function note(issues: DecodeIssue[] | undefined, code: string, offset: number, message: string): void {
  issues?.push(new DecodeError({ code, layer: 'icmp', offset, message: `icmp quote at offset ${offset}: ${message}` }).toIssue());
}

function noteTruncated(issues: DecodeIssue[] | undefined, offset: number, required: number, available: number): void {
  note(issues, 'quote-truncated', offset, `${available} bytes quoted, the quoted header and 8 bytes of data need ${required}`);
}

import { EncodeError } from '@wirestack/core';
import { decodeIpv4, encodeIpv4 } from './codec.js';
import { FRAGMENT_UNIT, IPV4_MIN_HEADER_LENGTH } from './layout.js';
import { isCopiedOption, optionsLength, type Ipv4Option } from './options.js';

/**
 * Splits the datagram in `packet` (from its start up to its Total Length)
 * into fragments of at most `mtu` bytes each, as RFC 791 §3.2 ("An Example
 * Fragmentation Procedure") does:
 *
 * - a datagram that fits is returned alone (as a copy);
 * - DF set and too big: EncodeError 'dont-fragment' (field 'df'): a host
 *   or router answers with ICMP Destination Unreachable, Fragmentation
 *   Needed (RFC 1191), which is not this function's business;
 * - every fragment but the last carries a multiple of 8 data bytes;
 * - the first fragment keeps every option; the others only those with the
 *   copied flag (source routes, Router Alert, ...), padded to a multiple
 *   of 4 bytes;
 * - offsets count from the packet's own offset and the last fragment keeps
 *   the packet's MF, so an already fragmented datagram is split correctly.
 *
 * Each fragment gets a fresh checksum; other fields are copied. Throws
 * DecodeError when `packet` is not a valid datagram (checksum not checked),
 * EncodeError 'out-of-range' (field 'mtu') when `mtu` leaves no room for 8
 * bytes of data after a header. RFC 791 guarantees 68; smaller MTUs work
 * as long as 8 bytes fit.
 */
export function fragmentIpv4(packet: Uint8Array, mtu: number): Uint8Array[] {
  const { header, payload } = decodeIpv4(packet, 0, { checksum: 'ignore' });
  if (!Number.isInteger(mtu) || mtu < 0) {
    throw new EncodeError('out-of-range', 'mtu', `mtu: ${mtu} is not a non-negative integer`);
  }
  if (header.totalLength <= mtu) return [packet.slice(0, header.totalLength)];
  if (header.df) {
    throw new EncodeError('dont-fragment', 'df', `df: the datagram is ${header.totalLength} bytes, the MTU ${mtu}, and Don't Fragment is set`);
  }
  const laterOptions: readonly Ipv4Option[] = header.options.filter((o) => isCopiedOption(o.type));
  const firstChunk = dataPerFragment(mtu, header.options);
  const laterChunk = dataPerFragment(mtu, laterOptions);

  const fragments: Uint8Array[] = [];
  for (let start = 0; start < payload.length; ) {
    const first = start === 0;
    const end = Math.min(start + (first ? firstChunk : laterChunk), payload.length);
    const last = end === payload.length;
    fragments.push(
      encodeIpv4({
        version: header.version,
        dscp: header.dscp,
        ecn: header.ecn,
        id: header.id,
        reservedFlag: header.reservedFlag,
        mf: !last || header.mf,
        fragmentOffset: header.fragmentOffset + start,
        ttl: header.ttl,
        protocol: header.protocol,
        src: header.src,
        dst: header.dst,
        options: first ? header.options : laterOptions,
        payload: payload.subarray(start, end),
      }),
    );
    start = end;
  }
  return fragments;
}

/** Data bytes a fragment with these options can carry: what the MTU leaves, rounded down to 8. */
function dataPerFragment(mtu: number, options: readonly Ipv4Option[]): number {
  const headerLength = IPV4_MIN_HEADER_LENGTH + ((optionsLength(options) + 3) & ~3);
  const data = Math.floor((mtu - headerLength) / FRAGMENT_UNIT) * FRAGMENT_UNIT;
  if (data < FRAGMENT_UNIT) {
    throw new EncodeError('out-of-range', 'mtu', `mtu: ${mtu} leaves no room for 8 bytes of data after a ${headerLength}-byte header`);
  }
  return data;
}

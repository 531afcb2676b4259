import { formatIpv4, readU16 } from '@wirestack/core';
import { icmpMessageLength } from './codec.js';
import type { IcmpDestUnreachable, IcmpMessage, IcmpRedirect, IcmpTimestamp } from './message.js';
import { IP_PROTOCOL_TCP, IP_PROTOCOL_UDP } from './quoted.js';
import { IcmpType, RedirectCode, TimeExceededCode, UnreachableCode } from './types.js';

/**
 * A one-line summary in the words `tcpdump -n` uses (print-icmp.c), with
 * its "ICMP " prefix and ", length N" suffix (N: bytes of the ICMP message):
 *
 *   ICMP echo request, id 1234, seq 1, length 64
 *   ICMP 10.0.0.2 udp port 33434 unreachable, length 36
 *   ICMP 10.0.0.2 unreachable - need to frag (mtu 1280), length 556
 *   ICMP time exceeded in-transit, length 36
 *   ICMP redirect 10.0.0.9 to host 10.0.0.254, length 36
 *   ICMP type-#42, length 8
 *
 * Router advertisements (type 9) print as `type-#9`: their address list is
 * not decoded here.
 * Addresses in error messages come from the quoted datagram ('?' when the
 * quote holds no IPv4 header). `length` defaults to the bytes the message
 * encodes to (pass the real one for a timestamp or mask message that carried
 * extra bytes).
 */
export function formatIcmp(message: IcmpMessage, length: number = icmpMessageLength(message)): string {
  return `ICMP ${describe(message)}, length ${length}`;
}

function describe(m: IcmpMessage): string {
  switch (m.kind) {
    case 'echo-request':
    case 'echo-reply':
      return `echo ${m.kind === 'echo-request' ? 'request' : 'reply'}, id ${m.id}, seq ${m.seq}`;
    case 'dest-unreachable':
      return unreachable(m);
    case 'source-quench':
      return 'source quench';
    case 'redirect':
      return redirect(m);
    case 'time-exceeded':
      if (m.code === TimeExceededCode.ttl) return 'time exceeded in-transit';
      if (m.code === TimeExceededCode.reassembly) return 'ip reassembly time exceeded';
      return `time exceeded-#${m.code}`;
    case 'parameter-problem':
      return m.code === 0 ? `parameter problem - octet ${m.pointer}` : `parameter problem - code ${m.code}`;
    case 'timestamp':
      return `time stamp query id ${m.id} seq ${m.seq}`;
    case 'timestamp-reply':
      return timestampReply(m);
    case 'info-request':
      return 'information request';
    case 'info-reply':
      return 'information reply';
    case 'mask-request':
      return 'address mask request';
    case 'mask-reply':
      return `address mask is 0x${m.mask.toString(16).padStart(8, '0')}`;
    case 'unknown':
      return m.type === IcmpType.routerSolicitation ? 'router solicitation' : `type-#${m.type}`;
  }
}

/** Per code: the text around the quoted destination ('%' stands for it). */
const UNREACHABLE: readonly string[] = [
  'net % unreachable',
  'host % unreachable',
  '', // protocol: needs the quoted protocol number
  '', // port: needs the quoted transport
  '', // fragmentation needed: needs the MTU
  '% unreachable - source route failed',
  'net % unreachable - unknown',
  'host % unreachable - unknown',
  '% unreachable - source host isolated',
  'net % unreachable - admin prohibited',
  'host % unreachable - admin prohibited',
  'net % unreachable - tos prohibited',
  'host % unreachable - tos prohibited',
  'host % unreachable - admin prohibited filter',
  'host % unreachable - host precedence violation',
  'host % unreachable - precedence cutoff',
];

function unreachable(m: IcmpDestUnreachable): string {
  const ip = m.quoted.ip;
  const dst = ip === undefined ? '?' : formatIpv4(ip.dst);
  switch (m.code) {
    case UnreachableCode.protocol:
      return `${dst} protocol ${ip === undefined ? '?' : ip.protocol} unreachable`;
    case UnreachableCode.port: {
      if (ip === undefined) return `${dst} port unreachable`;
      // The destination port is read at IHL * 4 + 2 whatever the protocol, as tcpdump does.
      const at = ip.ihl * 4 + 2;
      const port = m.quoted.raw.length >= at + 2 ? String(readU16(m.quoted.raw, at)) : '?';
      const what = ip.protocol === IP_PROTOCOL_TCP ? 'tcp port' : ip.protocol === IP_PROTOCOL_UDP ? 'udp port' : `protocol ${ip.protocol} port`;
      return `${dst} ${what} ${port} unreachable`;
    }
    case UnreachableCode.fragmentationNeeded:
      return m.mtu === 0 ? `${dst} unreachable - need to frag` : `${dst} unreachable - need to frag (mtu ${m.mtu})`;
    default: {
      const text = UNREACHABLE[m.code];
      return text === undefined ? `${dst} unreachable - #${m.code}` : text.replace('%', dst);
    }
  }
}

function redirect(m: IcmpRedirect): string {
  const dst = m.quoted.ip === undefined ? '?' : formatIpv4(m.quoted.ip.dst);
  const gateway = formatIpv4(m.gateway);
  switch (m.code) {
    case RedirectCode.net:
      return `redirect ${dst} to net ${gateway}`;
    case RedirectCode.host:
      return `redirect ${dst} to host ${gateway}`;
    case RedirectCode.tosNet:
      return `redirect-tos ${dst} to net ${gateway}`;
    case RedirectCode.tosHost:
      return `redirect-tos ${dst} to host ${gateway}`;
    default:
      return `redirect-#${m.code} ${dst} to ${gateway}`;
  }
}

function timestampReply(m: IcmpTimestamp): string {
  return `time stamp reply id ${m.id} seq ${m.seq}: org ${clock(m.originate)}, recv ${clock(m.receive)}, xmit ${clock(m.transmit)}`;
}

/** Milliseconds since midnight as hh:mm:ss.mmm (hours not wrapped, as tcpdump prints them). */
function clock(ms: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}:${two(seconds % 60)}.${String(ms % 1000).padStart(3, '0')}`;
}

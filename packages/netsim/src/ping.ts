/**
 * What `host.ping()` returns, and the lines iputils ping prints for it.
 */
import { formatIpv4, type Ipv4Address } from '@wirestack/core';

export interface PingOptions {
  /** Echo requests to send (default 4). */
  readonly count?: number;
  /** ICMP data bytes per request (default 56, so 64-byte ICMP messages). */
  readonly size?: number;
  /** IPv4 TTL of the requests (default 64). */
  readonly ttl?: number;
  /** Milliseconds between requests (default 1000). */
  readonly interval?: number;
  /** Milliseconds to wait for replies after the last request (default 1000). */
  readonly wait?: number;
  /** Set Don't Fragment (ping -M do). Default false. */
  readonly dontFragment?: boolean;
  /** Called with each line ping would print, as it happens. */
  readonly print?: (line: string) => void;
}

export interface PingReply {
  readonly seq: number;
  readonly from: Ipv4Address;
  /** ICMP bytes received (header + data), as ping prints them. */
  readonly bytes: number;
  readonly ttl: number;
  /** Round-trip time in ms. */
  readonly rtt: number;
}

export interface PingError {
  readonly seq: number;
  readonly from: Ipv4Address;
  /** e.g. 'Time to live exceeded', 'Destination Port Unreachable'. */
  readonly message: string;
}

export interface PingResult {
  readonly destination: Ipv4Address;
  readonly transmitted: number;
  readonly received: number;
  /** Fraction lost, 0..1. */
  readonly loss: number;
  readonly replies: readonly PingReply[];
  readonly errors: readonly PingError[];
  /** Round-trip times of the replies in arrival order. */
  readonly rtts: readonly number[];
  /** ms from the first request to the end. */
  readonly time: number;
}

const ms = (t: number): string => t.toFixed(3);

export function formatPingHeader(dst: Ipv4Address, size: number): string {
  return `PING ${formatIpv4(dst)} (${formatIpv4(dst)}) ${size}(${size + 28}) bytes of data.`;
}

export function formatPingReply(reply: PingReply): string {
  return `${reply.bytes} bytes from ${formatIpv4(reply.from)}: icmp_seq=${reply.seq} ttl=${reply.ttl} time=${ms(reply.rtt)} ms`;
}

export function formatPingError(error: PingError): string {
  return `From ${formatIpv4(error.from)} icmp_seq=${error.seq} ${error.message}`;
}

/** The statistics block iputils ping prints at the end. */
export function formatPingSummary(result: PingResult): string[] {
  const lines = [
    `--- ${formatIpv4(result.destination)} ping statistics ---`,
    `${result.transmitted} packets transmitted, ${result.received} received, ` +
      (result.errors.length > 0 ? `+${result.errors.length} errors, ` : '') +
      `${Math.round(result.loss * 100)}% packet loss, time ${Math.round(result.time)}ms`,
  ];
  const r = result.rtts;
  if (r.length > 0) {
    const min = Math.min(...r);
    const max = Math.max(...r);
    const avg = r.reduce((a, b) => a + b, 0) / r.length;
    const mdev = Math.sqrt(r.reduce((a, b) => a + b * b, 0) / r.length - avg * avg);
    lines.push(`rtt min/avg/max/mdev = ${ms(min)}/${ms(avg)}/${ms(max)}/${ms(Number.isNaN(mdev) ? 0 : mdev)} ms`);
  }
  return lines;
}

import { bytesEqual, internetChecksum, writeU16 } from '@wirestack/core';
import { decodeIpv4 } from './codec.js';
import {
  FLAGS_FRAGMENT_OFFSET,
  FLAG_DF,
  FLAG_RESERVED,
  HEADER_CHECKSUM,
  IPV4_MAX_PACKET_LENGTH,
  TOTAL_LENGTH,
} from './layout.js';

export interface Ipv4ReassemblerOptions {
  /** Milliseconds from a datagram's first fragment until it is given up: 30,000 (Linux's ipfrag_time). */
  readonly timeout?: number;
  /** Bytes of fragments (plus bookkeeping) held at most, 4 MiB by default (Linux's ipfrag_high_thresh). */
  readonly memoryLimit?: number;
}

/**
 * Counters, named after Linux's /proc/net/snmp Ip: line where it has one.
 * A datagram given up counts once in `reasmFails` and once in its reason
 * (`reasmTimeout`, `overlaps`, `tooBig`, `evicted`, `inconsistent`).
 */
export interface Ipv4ReassemblyStats {
  /** ReasmReqds: fragments received. */
  readonly reasmReqds: number;
  /** ReasmOKs: datagrams reassembled. */
  readonly reasmOKs: number;
  /** ReasmFails: datagrams given up, for any reason. */
  readonly reasmFails: number;
  /** ReasmTimeout: datagrams not complete within the timeout. */
  readonly reasmTimeout: number;
  /** Datagrams dropped because two fragments overlap (other than exact duplicates). */
  readonly overlaps: number;
  /** Datagrams dropped because they would exceed 65,535 bytes. */
  readonly tooBig: number;
  /** Datagrams evicted, oldest first, to stay under the memory limit. */
  readonly evicted: number;
  /** Datagrams dropped because fragments disagree on where it ends. */
  readonly inconsistent: number;
  /** Fragments ignored as exact duplicates (same offset, length and data) of one held. */
  readonly duplicates: number;
  /** Fragments ignored on their own: a non-final fragment whose data is empty or not a multiple of 8 bytes. */
  readonly malformed: number;
}

type Counters = { -readonly [K in keyof Ipv4ReassemblyStats]: number };

/**
 * What memory accounting adds to the data bytes a datagram holds, an
 * estimate of V8's cost: per fragment, its record and Uint8Array with
 * backing store; per datagram, its record, fragment array, Map entry and key.
 */
export const FRAGMENT_OVERHEAD = 160;
export const DATAGRAM_OVERHEAD = 320;

const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MEMORY_LIMIT = 4 * 1024 * 1024;

interface Fragment {
  /** Data offset in the datagram, in bytes. */
  readonly start: number;
  readonly end: number;
  /** A copy: the caller's buffer may be reused after `push` returns. */
  readonly data: Uint8Array;
}

interface PendingDatagram {
  readonly key: string;
  readonly deadline: number;
  /** Neighbours in creation order (a list of our own: iterating a Map from its start walks over every deleted entry). */
  older: PendingDatagram | undefined;
  newer: PendingDatagram | undefined;
  /** Sorted by start, never overlapping. */
  readonly fragments: Fragment[];
  /** The first fragment's header (options included), once it arrived. */
  header: Uint8Array | undefined;
  /** The datagram's data length, once the final fragment (MF clear) arrived; -1 before. */
  length: number;
  /** Data bytes held. */
  received: number;
  /** Bytes accounted to this datagram. */
  memory: number;
}

/**
 * Reassembles fragmented IPv4 datagrams (RFC 791 §3.2, RFC 815), sans-I/O:
 * time is an argument (`now`, milliseconds, never going backwards) and
 * `nextDeadline()` says when to call `expire`; it reads no clock and sets
 * no timer.
 *
 * Fragments belong together when source, destination, protocol and
 * identification agree. They may arrive in any order; exact duplicates are
 * ignored; any other overlap drops the whole datagram (RFC 5722's rule for
 * IPv6, which Linux applies to IPv4 since 2018: overlaps are how
 * reassembly attacks work). A datagram is given up when it would exceed
 * 65,535 bytes, when its fragments disagree on its end, when it is not
 * complete `timeout` ms after its first fragment, or when it is the oldest
 * and memory would exceed `memoryLimit`. Accounted memory never exceeds
 * the limit once `push` returns.
 */
export class Ipv4Reassembler {
  readonly timeout: number;
  readonly memoryLimit: number;
  private readonly pending = new Map<string, PendingDatagram>();
  /** The oldest and newest datagrams: creation order, which (time not going backwards) is deadline order. */
  private oldest: PendingDatagram | undefined;
  private newest: PendingDatagram | undefined;
  private _memory = 0;
  private readonly counters: Counters = {
    reasmReqds: 0,
    reasmOKs: 0,
    reasmFails: 0,
    reasmTimeout: 0,
    overlaps: 0,
    tooBig: 0,
    evicted: 0,
    inconsistent: 0,
    duplicates: 0,
    malformed: 0,
  };

  constructor(options: Ipv4ReassemblerOptions = {}) {
    this.timeout = positive(options.timeout ?? DEFAULT_TIMEOUT, 'timeout');
    this.memoryLimit = positive(options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, 'memoryLimit');
  }

  /** Bytes accounted to the datagrams being reassembled: data, first headers and overheads. */
  get memory(): number {
    return this._memory;
  }

  /** Datagrams being reassembled. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** A snapshot of the counters. */
  get stats(): Ipv4ReassemblyStats {
    return { ...this.counters };
  }

  /** When `expire` next has something to do (the oldest datagram's deadline), or undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    return this.oldest?.deadline;
  }

  /** Gives up every datagram whose deadline is at or before `now`; returns how many. */
  expire(now: number): number {
    let expired = 0;
    for (let datagram = this.oldest; datagram !== undefined && datagram.deadline <= now; datagram = this.oldest) {
      this.drop(datagram);
      this.counters.reasmTimeout++;
      expired++;
    }
    return expired;
  }

  /**
   * Takes the datagram at `offset` in `packet` at time `now`. Returns the
   * reassembled datagram when this fragment completes one: the first
   * fragment's header (options included) with MF and the offset cleared,
   * Total Length and checksum recomputed, then all the data; a datagram
   * that is not a fragment comes back as it is (a subarray up to its Total
   * Length). Otherwise undefined. The fragment's bytes are copied, so the
   * caller may reuse `packet`.
   *
   * Throws DecodeError for a datagram strict `decodeIpv4` rejects (bad
   * checksum included): check it before, as ip_rcv does before defragmenting.
   */
  push(packet: Uint8Array, now: number, offset = 0): Uint8Array | undefined {
    const { header, headerLength, payload } = decodeIpv4(packet, offset);
    if (!header.mf && header.fragmentOffset === 0) return packet.subarray(offset, offset + header.totalLength);
    this.expire(now);
    const counters = this.counters;
    counters.reasmReqds++;
    if (header.mf && (payload.length === 0 || payload.length % 8 !== 0)) {
      counters.malformed++;
      return undefined;
    }
    const start = header.fragmentOffset;
    const end = start + payload.length;
    const key = `${header.src}>${header.dst}/${header.protocol}/${header.id}`;
    let datagram = this.pending.get(key);

    if (headerLength + end > IPV4_MAX_PACKET_LENGTH) {
      if (datagram !== undefined) this.drop(datagram);
      else counters.reasmFails++;
      counters.tooBig++;
      return undefined;
    }
    if (datagram === undefined) datagram = this.create(key, now);

    const fragments = datagram.fragments;
    const heldEnd = fragments.length === 0 ? 0 : fragments[fragments.length - 1]!.end;
    const inconsistent = header.mf
      ? datagram.length >= 0 && end > datagram.length
      : (datagram.length >= 0 && datagram.length !== end) || heldEnd > end;
    if (inconsistent) {
      this.drop(datagram);
      counters.inconsistent++;
      return undefined;
    }

    // Where the fragment goes: before the first held fragment starting at or after it.
    let lo = 0;
    let hi = fragments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fragments[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    const before = fragments[lo - 1];
    const after = fragments[lo];
    if (after !== undefined && after.start === start && after.end === end && bytesEqual(after.data, payload)) {
      counters.duplicates++;
      return undefined;
    }
    if ((before !== undefined && before.end > start) || (after !== undefined && after.start < end)) {
      this.drop(datagram);
      counters.overlaps++;
      return undefined;
    }

    fragments.splice(lo, 0, { start, end, data: payload.slice() });
    let added = payload.length + FRAGMENT_OVERHEAD;
    if (start === 0) {
      datagram.header = packet.slice(offset, offset + headerLength);
      added += headerLength;
    }
    if (!header.mf) datagram.length = end;
    datagram.received += payload.length;
    datagram.memory += added;
    this._memory += added;

    let result: Uint8Array | undefined;
    if (datagram.received === datagram.length && datagram.header !== undefined) {
      result = this.assemble(datagram, datagram.header);
    }
    this.evictOverLimit();
    return result;
  }

  /** Builds the datagram from its complete, non-overlapping fragments and forgets it. */
  private assemble(datagram: PendingDatagram, header: Uint8Array): Uint8Array | undefined {
    const headerLength = header.length;
    if (headerLength + datagram.length > IPV4_MAX_PACKET_LENGTH) {
      // Possible when the first fragment's header is longer than the others'.
      this.drop(datagram);
      this.counters.tooBig++;
      return undefined;
    }
    const out = new Uint8Array(headerLength + datagram.length);
    out.set(header, 0);
    for (const fragment of datagram.fragments) out.set(fragment.data, headerLength + fragment.start);
    writeU16(out, TOTAL_LENGTH, out.length);
    // Keep DF and the reserved bit; clear MF and the offset.
    writeU16(out, FLAGS_FRAGMENT_OFFSET, ((out[FLAGS_FRAGMENT_OFFSET]! << 8) & (FLAG_DF | FLAG_RESERVED)));
    writeU16(out, HEADER_CHECKSUM, 0);
    writeU16(out, HEADER_CHECKSUM, internetChecksum(out, 0, headerLength));
    this.forget(datagram);
    this.counters.reasmOKs++;
    return out;
  }

  /** Evicts the oldest datagrams until accounted memory is within the limit. */
  private evictOverLimit(): void {
    while (this._memory > this.memoryLimit && this.oldest !== undefined) {
      this.drop(this.oldest);
      this.counters.evicted++;
    }
  }

  private create(key: string, now: number): PendingDatagram {
    const datagram: PendingDatagram = {
      key,
      deadline: now + this.timeout,
      older: this.newest,
      newer: undefined,
      fragments: [],
      header: undefined,
      length: -1,
      received: 0,
      memory: DATAGRAM_OVERHEAD,
    };
    if (this.newest === undefined) this.oldest = datagram;
    else this.newest.newer = datagram;
    this.newest = datagram;
    this.pending.set(key, datagram);
    this._memory += DATAGRAM_OVERHEAD;
    return datagram;
  }

  /** Forgets a datagram that failed; the caller counts the reason. */
  private drop(datagram: PendingDatagram): void {
    this.forget(datagram);
    this.counters.reasmFails++;
  }

  private forget(datagram: PendingDatagram): void {
    this.pending.delete(datagram.key);
    this._memory -= datagram.memory;
    if (datagram.older === undefined) this.oldest = datagram.newer;
    else datagram.older.newer = datagram.newer;
    if (datagram.newer === undefined) this.newest = datagram.older;
    else datagram.newer.older = datagram.older;
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`Ipv4Reassembler: ${name} must be a positive number, got ${value}`);
  return value;
}

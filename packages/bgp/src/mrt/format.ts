import { formatIpv4, ipv4FromBytes, ipv4Mask, type Ipv4Address } from '@wirestack/core';
import { mergeAs4 } from '../as-path.js';
import { AFI_IPV4, AFI_IPV6 } from '../layout.js';
import type { AsPathSegment, BgpPrefix, MpReach, MpUnreach, Origin, PathAttributes } from '../messages.js';
import { formatIpv6 } from './address.js';
import type { Bgp4mpMessageRecord, Bgp4mpStateChangeRecord, MrtAddress, MrtPeer, MrtRecord, RibRecord } from './records.js';

/**
 * MRT records as `bgpdump -m` (bgpdump 1.6) prints them, one line per
 * route, so output can be diffed against bgpdump's:
 *
 *   TABLE_DUMP2|<time>|B|<peer ip>|<peer as>|<prefix>|<as path>|<origin>|<next hop>|<local pref>|<med>|<communities>|<AG|NAG>|<aggregator>|
 *   BGP4MP|<time>|A|<peer ip>|<peer as>|<prefix>|<as path>|...same fields...|
 *   BGP4MP|<time>|W|<peer ip>|<peer as>|<prefix>
 *   BGP4MP|<time>|STATE|<peer ip>|<peer as>|<old state>|<new state>
 *
 * with bgpdump's conventions: `_ET` records print `seconds.micro`; the
 * `_AP` (ADD-PATH) forms put the path identifier after the prefix; `_LOCAL`
 * marks messages the local side sent; an absent LOCAL_PREF or MED prints 0;
 * an absent ORIGIN prints INCOMPLETE and an absent next hop
 * 255.255.255.255, as bgpdump does. OPEN, NOTIFICATION, KEEPALIVE and
 * ROUTE-REFRESH messages, PEER_INDEX_TABLE and unknown records print nothing.
 */

export interface BgpdumpFormatOptions {
  /** RIB lines show the dump time ('dump', bgpdump's default) or each route's originated time ('change', `-t change`). */
  readonly time?: 'dump' | 'change';
  /** Add the large communities field after the communities (`-l`). */
  readonly largeCommunities?: boolean;
}

const ORIGIN_TEXT: Readonly<Record<Origin, string>> = { igp: 'IGP', egp: 'EGP', incomplete: 'INCOMPLETE' };
const NAMED_COMMUNITIES: ReadonlyMap<number, string> = new Map([
  [0xffff_ff01, 'no-export'],
  [0xffff_ff02, 'no-advertise'],
  [0xffff_ff03, 'local-AS'],
]);
const NO_NEXT_HOP = '255.255.255.255';

/**
 * Turns records into bgpdump lines. It remembers the last PEER_INDEX_TABLE,
 * which RIB records refer to, so feed it the records of one file in order.
 */
export class BgpdumpFormatter {
  private peers: readonly MrtPeer[] = [];
  private readonly options: BgpdumpFormatOptions;

  constructor(options: BgpdumpFormatOptions = {}) {
    this.options = options;
  }

  /** The lines of one record (none for records bgpdump -m does not print). Never throws. */
  lines(record: MrtRecord): string[] {
    switch (record.kind) {
      case 'peer-index-table':
        this.peers = record.peers;
        return [];
      case 'rib':
        return this.rib(record);
      case 'bgp4mp-message':
        return this.message(record);
      case 'bgp4mp-state-change':
        return [stateLine(record)];
      default:
        return [];
    }
  }

  private rib(r: RibRecord): string[] {
    const tag = r.addPath ? 'TABLE_DUMP2_AP' : 'TABLE_DUMP2';
    const prefix = formatPrefixOf(r.prefix.family === 'ipv4' ? formatIpv4(r.prefix.address) : formatIpv6(r.prefix.address), r.prefix.length);
    const out: string[] = [];
    for (const e of r.entries) {
      const peer = this.peers[e.peerIndex];
      if (peer === undefined) continue; // no PEER_INDEX_TABLE entry: nothing to say who sent it
      const time = this.options.time === 'change' ? e.originatedTime : r.timestamp;
      const head = `${tag}|${time}|B|${formatMrtAddress(peer.address)}|${peer.asn}|${prefix}|`;
      const pathId = r.addPath ? `${e.pathId ?? 0}|` : '';
      out.push(head + pathId + this.attributeFields(e.attributes, ribNextHop(e.attributes)));
    }
    return out;
  }

  private message(r: Bgp4mpMessageRecord): string[] {
    const m = r.message;
    if (m.type !== 'update') return [];
    // A 2-octet session's AS_PATH is shown with its AS4_PATH folded in (RFC 6793 §4.2.3).
    const attributes = r.as4 ? m.attributes : mergeAs4(m.attributes);
    const head = `${bgp4mpTag(r)}|${formatTime(r.timestamp, r.microseconds)}|`;
    const peer = `${formatMrtAddress(r.peerAddress)}|${r.peerAs}|`;
    const pathIds = r.addPath;
    const out: string[] = [];
    const withdraw = (prefix: string, pathId: number | undefined): void => {
      out.push(`${head}W|${peer}${prefix}${pathIds ? `|${pathId ?? 0}` : ''}`);
    };
    for (const p of m.withdrawn) withdraw(formatBgpPrefix(p), p.pathId);
    for (const p of mpWithdrawn(attributes.mpUnreach, pathIds)) withdraw(p.text, p.pathId);
    const announce = (prefix: string, pathId: number | undefined, nextHop: string): void => {
      out.push(`${head}A|${peer}${prefix}|${pathIds ? `${pathId ?? 0}|` : ''}${this.attributeFields(attributes, nextHop)}`);
    };
    const classicNextHop = attributes.nextHop === undefined ? NO_NEXT_HOP : formatIpv4(attributes.nextHop);
    for (const p of m.nlri) announce(formatBgpPrefix(p), p.pathId, classicNextHop);
    const mp = attributes.mpReach;
    if (mp !== undefined) {
      const nextHop = mpNextHop(mp);
      for (const p of mpAnnounced(mp, pathIds)) announce(p.text, p.pathId, nextHop);
    }
    return out;
  }

  /** `<as path>|<origin>|<next hop>|<local pref>|<med>|<communities>|[<large>|]<AG|NAG>|<aggregator>|` */
  private attributeFields(a: PathAttributes, nextHop: string): string {
    const fields = [
      a.asPath === undefined ? '' : formatAsPath(a.asPath),
      ORIGIN_TEXT[a.origin ?? 'incomplete'],
      nextHop,
      String(a.localPref ?? 0),
      String(a.med ?? 0),
      (a.communities ?? []).map(formatBgpdumpCommunity).join(' '),
    ];
    if (this.options.largeCommunities === true) {
      fields.push((a.largeCommunities ?? []).map((c) => `${c.global}:${c.local1}:${c.local2}`).join(' '));
    }
    fields.push(a.atomicAggregate === true ? 'AG' : 'NAG');
    fields.push(a.aggregator === undefined ? '' : `${a.aggregator.asn} ${formatIpv4(a.aggregator.address)}`);
    return `${fields.join('|')}|`;
  }
}

/** The bgpdump -m lines of a whole sequence of records. */
export function* bgpdumpLines(records: Iterable<MrtRecord>, options: BgpdumpFormatOptions = {}): Generator<string, void, undefined> {
  const formatter = new BgpdumpFormatter(options);
  for (const r of records) yield* formatter.lines(r);
}

function stateLine(r: Bgp4mpStateChangeRecord): string {
  const tag = r.microseconds === undefined ? 'BGP4MP' : 'BGP4MP_ET';
  return `${tag}|${formatTime(r.timestamp, r.microseconds)}|STATE|${formatMrtAddress(r.peerAddress)}|${r.peerAs}|${r.oldState}|${r.newState}`;
}

function bgp4mpTag(r: Bgp4mpMessageRecord): string {
  return `BGP4MP${r.microseconds === undefined ? '' : '_ET'}${r.local ? '_LOCAL' : ''}${r.addPath ? '_AP' : ''}`;
}

function formatTime(seconds: number, microseconds: number | undefined): string {
  return microseconds === undefined ? String(seconds) : `${seconds}.${String(microseconds).padStart(6, '0')}`;
}

export function formatMrtAddress(a: MrtAddress): string {
  return a.family === 'ipv4' ? formatIpv4(a.address) : formatIpv6(a.address);
}

function formatPrefixOf(address: string, length: number): string {
  return `${address}/${length}`;
}

function formatBgpPrefix(p: BgpPrefix): string {
  return formatPrefixOf(formatIpv4(p.address), p.length);
}

/** AS_SEQUENCE `1 2`, AS_SET `{1,2}`, AS_CONFED_SEQUENCE `(1 2)`, AS_CONFED_SET `[1,2]`, segments separated by spaces. */
export function formatAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => {
      switch (s.type) {
        case 'sequence':
          return s.asns.join(' ');
        case 'set':
          return `{${s.asns.join(',')}}`;
        case 'confed-sequence':
          return `(${s.asns.join(' ')})`;
        default:
          return `[${s.asns.join(',')}]`;
      }
    })
    .join(' ');
}

/** bgpdump names three well-known communities; every other one is `asn:value`. */
export function formatBgpdumpCommunity(c: number): string {
  return NAMED_COMMUNITIES.get(c) ?? `${c >>> 16}:${c & 0xffff}`;
}

/** A RIB entry's next hop: the abbreviated MP_REACH_NLRI's when present, else NEXT_HOP. */
function ribNextHop(a: PathAttributes): string {
  if (a.mpReach !== undefined) return mpNextHop(a.mpReach);
  return a.nextHop === undefined ? NO_NEXT_HOP : formatIpv4(a.nextHop);
}

/** The (first, global) next hop of an MP_REACH_NLRI. */
function mpNextHop(mp: MpReach): string {
  if (mp.kind === 'ipv4-unicast') return formatIpv4(mp.nextHop);
  if (mp.nextHop.length === 4) return formatIpv4(ipv4FromBytes(mp.nextHop, 0));
  if (mp.nextHop.length >= 16) return formatIpv6(mp.nextHop.subarray(0, 16));
  return NO_NEXT_HOP;
}

interface PrefixText {
  readonly text: string;
  readonly pathId: number | undefined;
}

function mpAnnounced(mp: MpReach, pathIds: boolean): PrefixText[] {
  if (mp.kind === 'ipv4-unicast') return mp.nlri.map((p) => ({ text: formatBgpPrefix(p), pathId: p.pathId }));
  return rawPrefixes(mp.afi, mp.nlri, pathIds);
}

function mpWithdrawn(mp: MpUnreach | undefined, pathIds: boolean): PrefixText[] {
  if (mp === undefined) return [];
  if (mp.kind === 'ipv4-unicast') return mp.withdrawn.map((p) => ({ text: formatBgpPrefix(p), pathId: p.pathId }));
  return rawPrefixes(mp.afi, mp.withdrawn, pathIds);
}

/**
 * NLRI of the families the BGP codec keeps as bytes (IPv6, IPv4
 * multicast), for printing only: stops quietly at the first malformed
 * prefix, and other families print nothing.
 */
function rawPrefixes(afi: number, bytes: Uint8Array, pathIds: boolean): PrefixText[] {
  if (afi !== AFI_IPV4 && afi !== AFI_IPV6) return [];
  const max = afi === AFI_IPV4 ? 32 : 128;
  const out: PrefixText[] = [];
  let o = 0;
  while (o < bytes.length) {
    let pathId: number | undefined;
    if (pathIds) {
      if (o + 4 > bytes.length) break;
      pathId = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
      o += 4;
    }
    const length = bytes[o];
    if (length === undefined || length > max) break;
    const octets = (length + 7) >>> 3;
    if (o + 1 + octets > bytes.length) break;
    const address = new Uint8Array(max / 8);
    address.set(bytes.subarray(o + 1, o + 1 + octets));
    if (length % 8 !== 0) address[octets - 1]! &= 0xff << (8 - (length % 8));
    const text = afi === AFI_IPV4 ? formatIpv4(((ipv4FromBytes(address, 0) & ipv4Mask(length)) >>> 0) as Ipv4Address) : formatIpv6(address);
    out.push({ text: formatPrefixOf(text, length), pathId });
    o += 1 + octets;
  }
  return out;
}

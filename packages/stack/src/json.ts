import { formatIpv4, formatMac, toHex, type Ipv4Address, type MacAddress } from '@wirestack/core';
import type { Ipv4Option } from '@wirestack/ipv4';
import type { DecodedIpv4Header } from '@wirestack/ipv4';
import type { CustomLayerObject, PacketLayer } from './decode.js';

/** A JSON value as the CLI prints it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * The `wirestack decode --json` form of decoded layers: one object per
 * layer with `layer` and exactly the contract's field names; numbers as
 * JSON numbers, addresses as strings (MACs `aa:bb:..`, IPv4 dotted quads,
 * other ARP addresses as colon-separated hex).
 */
export function toJsonLayers(layers: readonly (PacketLayer | CustomLayerObject)[]): JsonObject[] {
  return layers.map(toJsonLayer);
}

function toJsonLayer(l: PacketLayer | CustomLayerObject): JsonObject {
  const p = l as PacketLayer;
  switch (p.layer) {
    case 'ethernet':
      return 'etherType' in p
        ? { layer: 'ethernet', dst: mac(p.dst), src: mac(p.src), etherType: p.etherType }
        : { layer: 'ethernet', dst: mac(p.dst), src: mac(p.src), length: p.length };
    case 'vlan':
      return { layer: 'vlan', tpid: p.tpid, pcp: p.pcp, dei: p.dei, vid: p.vid, etherType: p.etherType };
    case 'arp':
      return p.kind === 'ethernet-ipv4'
        ? { layer: 'arp', htype: p.htype, ptype: p.ptype, hlen: p.hlen, plen: p.plen, op: p.op, sha: mac(p.sha), spa: ip(p.spa), tha: mac(p.tha), tpa: ip(p.tpa) }
        : { layer: 'arp', htype: p.htype, ptype: p.ptype, hlen: p.hlen, plen: p.plen, op: p.op, sha: colonHex(p.sha), spa: colonHex(p.spa), tha: colonHex(p.tha), tpa: colonHex(p.tpa) };
    case 'ipv4':
      return { layer: 'ipv4', ...ipv4Fields(p) };
    case 'icmp': {
      const o: Record<string, JsonValue> = { layer: 'icmp', type: p.type, code: p.code, checksum: p.checksum, checksumValid: p.checksumValid };
      if (p.kind === 'echo-request' || p.kind === 'echo-reply') {
        o.id = p.id;
        o.seq = p.seq;
      }
      if (p.kind === 'dest-unreachable' && p.code === 4) o.mtu = p.mtu;
      if (p.kind === 'redirect') o.gateway = ip(p.gateway);
      if ('quoted' in p) {
        const q = p.quotedHeader;
        if (q === undefined) o.quoted = null;
        else {
          const quoted: Record<string, JsonValue> = { ...ipv4Fields(q) };
          const t = p.quoted.transport;
          if (t !== undefined && t.protocol === 'udp') {
            quoted.srcPort = t.srcPort;
            quoted.dstPort = t.dstPort;
          }
          o.quoted = quoted;
        }
      }
      return o;
    }
    case 'udp':
      return {
        layer: 'udp',
        srcPort: p.srcPort,
        dstPort: p.dstPort,
        length: p.length,
        checksum: p.checksum,
        checksumValid: p.checksumValid ?? null,
      };
    case 'vxlan':
      return { layer: 'vxlan', flags: p.flags, vni: p.vni };
    case 'payload':
      return { layer: 'payload', length: p.bytes.length };
    case 'error':
      return { layer: 'error', at: p.at, code: p.code, offset: p.offset };
    default:
      return jsonSafe(l) as JsonObject;
  }
}

function ipv4Fields(h: DecodedIpv4Header): JsonObject {
  return {
    version: h.version,
    ihl: h.ihl,
    dscp: h.dscp,
    ecn: h.ecn,
    totalLength: h.totalLength,
    id: h.id,
    df: h.df,
    mf: h.mf,
    fragmentOffset: h.fragmentOffset,
    ttl: h.ttl,
    protocol: h.protocol,
    checksum: h.checksum,
    checksumValid: h.checksumValid,
    src: ip(h.src),
    dst: ip(h.dst),
    options: h.options.map(optionJson),
  };
}

/** An option as `{type, kind, ...}`: route addresses as dotted quads, unknown data as hex. */
function optionJson(o: Ipv4Option): JsonObject {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return { type: o.type, kind: o.kind };
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return { type: o.type, kind: o.kind, pointer: o.pointer, addresses: o.addresses.map(ip) };
    case 'timestamp':
      return {
        type: o.type,
        kind: o.kind,
        pointer: o.pointer,
        overflow: o.overflow,
        flag: o.flag,
        entries: o.entries.map((e) => (e.address === undefined ? { timestamp: e.timestamp } : { address: ip(e.address), timestamp: e.timestamp })),
      };
    case 'router-alert':
      return { type: o.type, kind: o.kind, value: o.value };
    case 'unknown':
      return { type: o.type, kind: o.kind, data: toHex(o.data) };
    case 'malformed':
      return { type: o.type, kind: o.kind, bytes: toHex(o.bytes) };
  }
}

function mac(m: MacAddress): string {
  return formatMac(m);
}

function ip(a: Ipv4Address): string {
  return formatIpv4(a);
}

function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A custom layer's header made JSON-safe: byte arrays as hex, undefined dropped. */
function jsonSafe(value: unknown): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') {
    const o: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as object)) if (v !== undefined) o[k] = jsonSafe(v);
    return o;
  }
  return String(value);
}

/**
 * A capture timestamp as ISO 8601 UTC with its full fraction: 6 digits
 * for microsecond captures, 9 for nanosecond ones
 * (`2026-11-22T05:35:00.123456Z`).
 */
export function formatTimestamp(seconds: number, nanoseconds: number, digits: 6 | 9 = 9): string {
  const date = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = digits === 6 ? Math.floor(nanoseconds / 1000) : nanoseconds;
  return `${date}.${String(fraction).padStart(digits, '0')}Z`;
}

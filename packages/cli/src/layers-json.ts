import { fromHex, parseIpv4, parseMac } from '@wirestack/core';
import { icmpKind } from '@wirestack/icmp';
import type { LayerInput } from '@wirestack/stack';
import { UsageError } from './io.js';

/**
 * Builder input from JSON (a file for `wirestack build`, or key=value
 * words): addresses as strings (MACs `aa:bb:..`, IPv4 dotted quads), byte
 * fields as hex, numbers as numbers. The layer objects `decode --json`
 * prints are accepted too (an ICMP `kind` follows from `type`, and a
 * payload given by `length` is that many zero bytes).
 */
const MAC_FIELDS: Readonly<Record<string, readonly string[]>> = { ethernet: ['dst', 'src'], arp: ['sha', 'tha'] };
const IP_FIELDS: Readonly<Record<string, readonly string[]>> = { ipv4: ['src', 'dst'], arp: ['spa', 'tpa'], icmp: ['gateway'] };
const BYTE_FIELDS = ['data', 'bytes', 'body', 'extensions'];
const LAYER_ALIASES: Readonly<Record<string, string>> = { ether: 'ethernet', eth: 'ethernet', ip: 'ipv4', '802.1q': 'vlan', raw: 'payload' };

export function layerFromJson(value: unknown, where: string): LayerInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${where}: a layer must be an object with "layer"`);
  const o: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const name = LAYER_ALIASES[String(o.layer)] ?? String(o.layer);
  if (!['ethernet', 'vlan', 'arp', 'ipv4', 'icmp', 'udp', 'vxlan', 'payload'].includes(name)) {
    throw new UsageError(`${where}: unknown layer ${JSON.stringify(o.layer)} (ethernet, vlan, arp, ipv4, icmp, udp, vxlan, payload)`);
  }
  o.layer = name;
  try {
    for (const k of MAC_FIELDS[name] ?? []) if (typeof o[k] === 'string') o[k] = parseMac(o[k] as string);
    for (const k of IP_FIELDS[name] ?? []) if (typeof o[k] === 'string') o[k] = parseIpv4(o[k] as string);
    for (const k of BYTE_FIELDS) if (typeof o[k] === 'string') o[k] = fromHex(o[k] as string);
    if (name === 'payload' && o.bytes === undefined) o.bytes = new Uint8Array(typeof o.length === 'number' ? o.length : 0);
    if (name === 'icmp') {
      if (o.kind === undefined && typeof o.type === 'number') o.kind = icmpKind(o.type);
      const q = o.quoted as Record<string, unknown> | undefined | null;
      if (q === null) delete o.quoted;
      else if (q !== undefined && typeof q.raw === 'string') o.quoted = { raw: fromHex(q.raw) };
    }
    if (name === 'arp' && o.kind === undefined) o.kind = typeof o.sha === 'number' ? 'ethernet-ipv4' : 'generic';
    if (name === 'ipv4' && Array.isArray(o.options)) o.options = o.options.map((opt) => optionFromJson(opt));
    if (name === 'ipv4' || name === 'icmp' || name === 'udp') delete o.checksumValid;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
  return o as unknown as LayerInput;
}

function optionFromJson(value: unknown): unknown {
  const o = { ...(value as Record<string, unknown>) };
  if (Array.isArray(o.addresses)) o.addresses = o.addresses.map((a) => (typeof a === 'string' ? parseIpv4(a) : a));
  if (Array.isArray(o.entries)) {
    o.entries = o.entries.map((e: Record<string, unknown>) => (typeof e.address === 'string' ? { ...e, address: parseIpv4(e.address) } : e));
  }
  for (const k of ['data', 'bytes']) if (typeof o[k] === 'string') o[k] = fromHex(o[k] as string);
  return o;
}

/**
 * Layers from command-line words: layers separated by `/`, each a layer
 * name then key=value pairs:
 *
 *   ether dst=02:00:00:00:00:02 src=02:00:00:00:00:01 / vlan vid=10 / ip src=10.0.0.1 dst=10.0.0.2 / icmp kind=echo-request id=1 seq=1
 *
 * Values that look like numbers (decimal or 0x hex) are numbers, true and
 * false are booleans, anything else a string (addresses, hex bytes).
 */
export function layersFromWords(words: readonly string[]): LayerInput[] {
  const groups: string[][] = [[]];
  for (const w of words) {
    if (w === '/') groups.push([]);
    else groups[groups.length - 1]!.push(w);
  }
  return groups.map((g, i) => {
    if (g.length === 0) throw new UsageError(`layer ${i + 1}: empty (layers are separated by /)`);
    const o: Record<string, unknown> = { layer: g[0] };
    for (const kv of g.slice(1)) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`layer ${i + 1} (${g[0]}): expected key=value, got ${JSON.stringify(kv)}`);
      const k = kv.slice(0, eq);
      const v = kv.slice(eq + 1);
      o[k] = /^(0x[0-9a-f]+|[0-9]+)$/i.test(v) && !BYTE_FIELDS.includes(k) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
    }
    return layerFromJson(o, `layer ${i + 1} (${g[0]})`);
  });
}

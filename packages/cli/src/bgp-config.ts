import { isParseError, parseIpv4, parseIpv4Prefix, type Ipv4Prefix } from '@wirestack/core';
import {
  checkPolicySpec,
  compilePolicy,
  isPolicySpecError,
  parseCommunity,
  parseLargeCommunity,
  type CompilePolicyOptions,
  type Origin,
  type PathAttributes,
  type Policy,
} from '@wirestack/bgp';
import type { SpeakerOptions, SpeakerPeerOptions } from '@wirestack/bgp/node';

/**
 * The `wirestack bgp --config FILE` file: JSON, checked key by key so a
 * mistake is reported with its path in the file (`peers[0].holdTime: ...`)
 * and an unknown key is an error rather than silently ignored.
 */

export interface BgpConfig {
  /** What `new BgpSpeaker(...)` takes. */
  readonly speaker: SpeakerOptions;
  /** Routes to originate once the speaker runs. */
  readonly announce: readonly { readonly prefix: Ipv4Prefix; readonly attributes: PathAttributes }[];
}

/** A mistake in the configuration, at `path` (`''` for the whole document). */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === '' ? reason : `${path}: ${reason}`);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Parses and checks the text of a configuration file. */
export function parseBgpConfig(text: string): BgpConfig {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (error) {
    throw new ConfigError('', `not JSON: ${(error as Error).message}`);
  }
  const root = object(doc, '', ['asn', 'routerId', 'clusterId', 'listen', 'localAddress', 'nextHop', 'peers', 'announce']);
  const asn = uint(root, 'asn', '', 1, 0xffff_ffff, true)!;
  const routerId = address(root, 'routerId', '', true)!;
  const listen = root['listen'] === undefined ? undefined : listenOf(root['listen'], 'listen');
  const localAddress = address(root, 'localAddress', '');
  const nextHop = address(root, 'nextHop', '');
  // what `prepend: N` and `nextHop: "self"` in declarative policies stand for
  const self: CompilePolicyOptions = { asn, nextHop: parseIpv4(nextHop ?? routerId) };
  const peers = array(root, 'peers', '', true).map((p, i) => peerOf(p, `peers[${i}]`, self));
  const clusterId = address(root, 'clusterId', '');
  peers.forEach((p, i) => {
    // RFC 4456 clients are iBGP peers
    if (p.routeReflectorClient && p.asn !== asn) throw new ConfigError(`peers[${i}].routeReflectorClient`, `only for iBGP peers (asn ${asn}), not AS ${p.asn}`);
  });
  peers.forEach((p, i) => {
    const first = peers.findIndex((q) => q.address === p.address);
    if (first !== i) throw new ConfigError(`peers[${i}].address`, `${p.address} is already peers[${first}]`);
  });
  const announce = array(root, 'announce', '').map((a, i) => announcementOf(a, `announce[${i}]`));
  return {
    speaker: {
      asn,
      routerId,
      listen: listen ?? false,
      ...(localAddress === undefined ? {} : { localAddress }),
      ...(nextHop === undefined ? {} : { nextHop }),
      ...(clusterId === undefined ? {} : { clusterId }),
      peers,
    },
    announce,
  };
}

function listenOf(value: Json, path: string): { address: string; port: number } {
  const o = object(value, path, ['address', 'port']);
  return { address: address(o, 'address', path, true)!, port: uint(o, 'port', path, 1, 0xffff) ?? 179 };
}

const PEER_KEYS = [
  'address',
  'port',
  'asn',
  'passive',
  'holdTime',
  'connectRetryTime',
  'idleHoldTime',
  'nextHopSelf',
  'import',
  'export',
  'minRouteAdvertisementInterval',
  'maxPrefixes',
  'maxPrefixesWarning',
  'maxPrefixRestart',
  'routeReflectorClient',
  'keepPrePolicy',
] as const;

function peerOf(value: Json, path: string, self: CompilePolicyOptions): SpeakerPeerOptions {
  const o = object(value, path, PEER_KEYS);
  const holdTime = uint(o, 'holdTime', path, 0, 0xffff);
  // RFC 4271 §4.2: a hold time is zero or at least three seconds
  if (holdTime !== undefined && holdTime > 0 && holdTime < 3) throw new ConfigError(`${path}.holdTime`, 'must be 0 or 3..65535');
  const optional = {
    port: uint(o, 'port', path, 1, 0xffff),
    passive: bool(o, 'passive', path),
    holdTime,
    connectRetryTime: uint(o, 'connectRetryTime', path, 1, 0xffff),
    idleHoldTime: uint(o, 'idleHoldTime', path, 0, 0xffff),
    nextHopSelf: bool(o, 'nextHopSelf', path),
    import: policy(o, 'import', path, self),
    export: policy(o, 'export', path, self),
    minRouteAdvertisementInterval: uint(o, 'minRouteAdvertisementInterval', path, 0, 0xffff),
    maxPrefixes: uint(o, 'maxPrefixes', path, 1, 0xffff_ffff),
    maxPrefixesWarning: uint(o, 'maxPrefixesWarning', path, 1, 0xffff_ffff),
    maxPrefixRestart: uint(o, 'maxPrefixRestart', path, 1, 0xffff),
    routeReflectorClient: bool(o, 'routeReflectorClient', path),
    keepPrePolicy: bool(o, 'keepPrePolicy', path),
  };
  const peer: Record<string, unknown> = { address: address(o, 'address', path, true)!, asn: uint(o, 'asn', path, 1, 0xffff_ffff, true)! };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) peer[k] = v;
  return peer as unknown as SpeakerPeerOptions;
}

/**
 * "accept", "reject", or a declarative policy object (@wirestack/bgp's
 * PolicySpec: ordered rules of match, set and action). The object is
 * checked by the bgp package's checker, whose errors name their path in
 * this file, and compiled for the speaker with our AS (`prepend: N`) and
 * next hop (`nextHop: "self"`). Absent: RFC 8212 (the engine denies
 * everything on eBGP sessions and logs why).
 */
function policy(o: JsonObject, key: string, path: string, self: CompilePolicyOptions): Policy | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === 'accept' || v === 'reject') return v;
  const at = `${path}.${key}`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(at, `must be "accept", "reject" or a policy object, not ${kind(v)}`);
  try {
    return compilePolicy(checkPolicySpec(v, at), { ...self, path: at });
  } catch (error) {
    if (isPolicySpecError(error)) throw new ConfigError(error.path, error.reason);
    throw error;
  }
}

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete'];

function announcementOf(value: Json, path: string): { prefix: Ipv4Prefix; attributes: PathAttributes } {
  const o = object(value, path, ['prefix', 'nextHop', 'origin', 'asPath', 'med', 'localPref', 'communities', 'largeCommunities']);
  const prefix = parsed(`${path}.prefix`, () => parseIpv4Prefix(string(o, 'prefix', path, true)!));
  const attributes: { -readonly [K in keyof PathAttributes]: PathAttributes[K] } = {};
  const nextHop = address(o, 'nextHop', path);
  if (nextHop !== undefined) attributes.nextHop = parseIpv4(nextHop);
  const origin = string(o, 'origin', path);
  if (origin !== undefined) {
    if (!ORIGINS.includes(origin as Origin)) throw new ConfigError(`${path}.origin`, 'must be "igp", "egp" or "incomplete"');
    attributes.origin = origin as Origin;
  }
  if (o['asPath'] !== undefined) {
    const asns = array(o, 'asPath', path).map((_, i) => uint(o['asPath'] as JsonObject, String(i), `${path}.asPath`, 0, 0xffff_ffff, true)!);
    attributes.asPath = asns.length === 0 ? [] : [{ type: 'sequence', asns }];
  }
  const med = uint(o, 'med', path, 0, 0xffff_ffff);
  if (med !== undefined) attributes.med = med;
  const localPref = uint(o, 'localPref', path, 0, 0xffff_ffff);
  if (localPref !== undefined) attributes.localPref = localPref;
  if (o['communities'] !== undefined) {
    attributes.communities = array(o, 'communities', path).map((c, i) => parsed(`${path}.communities[${i}]`, () => parseCommunity(textOf(c, `${path}.communities[${i}]`))));
  }
  if (o['largeCommunities'] !== undefined) {
    attributes.largeCommunities = array(o, 'largeCommunities', path).map((c, i) =>
      parsed(`${path}.largeCommunities[${i}]`, () => parseLargeCommunity(textOf(c, `${path}.largeCommunities[${i}]`))),
    );
  }
  return { prefix, attributes };
}

// ---- typed field readers: each names the path of what it rejects ----------------

function join(path: string, key: string): string {
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function kind(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function object(v: Json, path: string, keys: readonly string[]): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(path, `must be an object, not ${kind(v)}`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new ConfigError(join(path, k), `unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
  }
  return v;
}

function array(o: JsonObject, key: string, path: string, required = false): Json[] {
  const v = o[key];
  if (v === undefined) {
    if (required) throw new ConfigError(join(path, key), 'is required');
    return [];
  }
  if (!Array.isArray(v)) throw new ConfigError(join(path, key), `must be an array, not ${kind(v)}`);
  return v;
}

function uint(o: JsonObject, key: string, path: string, min: number, max: number, required = false): number | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) throw new ConfigError(join(path, key), 'is required');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(join(path, key), `must be an integer in ${min}..${max}, not ${kind(v)}`);
  return v;
}

function bool(o: JsonObject, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || typeof v === 'boolean') return v;
  throw new ConfigError(join(path, key), `must be true or false, not ${kind(v)}`);
}

function string(o: JsonObject, key: string, path: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) throw new ConfigError(join(path, key), 'is required');
    return undefined;
  }
  return textOf(v, join(path, key));
}

function textOf(v: Json, path: string): string {
  if (typeof v !== 'string') throw new ConfigError(path, `must be a string, not ${kind(v)}`);
  return v;
}

/** A dotted-quad field, checked here and kept as text (what BgpSpeaker takes). */
function address(o: JsonObject, key: string, path: string, required = false): string | undefined {
  const text = string(o, key, path, required);
  if (text !== undefined) parsed(join(path, key), () => parseIpv4(text));
  return text;
}

/** Runs a core/bgp text parser, turning its ParseError into a ConfigError at `path`. */
function parsed<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isParseError(error)) throw new ConfigError(path, error.message);
    throw error;
  }
}

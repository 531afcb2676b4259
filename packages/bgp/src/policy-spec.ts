import { isParseError, parseIpv4, parseIpv4Prefix, type Ipv4Address, type Ipv4Prefix } from '@wirestack/core';
import { compileAsPathRegex } from './as-path-regex.js';
import { parseCommunity, parseLargeCommunity } from './communities.js';
import { parseCommunityPattern, parseLargeCommunityPattern, type CommunityPattern, type LargeCommunityPattern } from './community-patterns.js';
import type { LargeCommunity, Origin } from './messages.js';
import { parsePrefixListEntry, prefixRangeProblem, type PrefixListEntry } from './prefix-list.js';

/**
 * The declarative policy form: plain JSON data, what an operator writes in
 * a configuration file, and its checker. `checkPolicySpec` takes untrusted
 * values and throws a PolicySpecError naming the exact path of the first
 * bad one; `compilePolicy` (declarative-policy.ts) turns a spec into a
 * PolicyFunction.
 */

/** `"10.0.0.0/8"`, `"10.0.0.0/8 ge 16 le 24"`, or `{ "prefix": "10.0.0.0/8", "ge": 16, "le": 24 }`. */
export type PrefixListEntrySpec = string | { readonly prefix: string; readonly ge?: number; readonly le?: number };

/**
 * Conditions of a rule; all given must hold. Each list holds when any of
 * its items matches the route.
 */
export interface PolicyMatchSpec {
  /** Prefix-list entries (FRR `ip prefix-list` semantics, see prefix-list.ts). */
  readonly prefixes?: readonly PrefixListEntrySpec[];
  /** Cisco/FRR-style AS-path regular expressions (see as-path-regex.ts). */
  readonly asPath?: readonly string[];
  /** AS_PATH length as the decision process counts it (an AS_SET counts 1, confederation segments 0). */
  readonly asPathLength?: { readonly min?: number; readonly max?: number };
  /** The neighbouring AS: the first ASN of a leading AS_SEQUENCE. */
  readonly firstAs?: readonly number[];
  /** The originating AS: the last ASN when the path ends in an AS_SEQUENCE (a path ending in an AS_SET has none). */
  readonly originAs?: readonly number[];
  /** Communities (`65000:1`, `no-export`, `65000:*`): the route carries at least one that matches. */
  readonly communities?: readonly string[];
  /** Large communities (`4200000001:1:2`, `4200000001:*:*`): the route carries at least one that matches. */
  readonly largeCommunities?: readonly string[];
  readonly origin?: readonly Origin[];
  /** Addresses or prefixes the NEXT_HOP lies in. */
  readonly nextHop?: readonly string[];
  /** Addresses or prefixes the peer lies in: the peer a route comes from (import) or goes to (export). */
  readonly peer?: readonly string[];
}

/** Applied in the order replace, remove, add. */
export interface CommunityEditSpec {
  /** The communities to start from instead of the route's (`[]`: none). */
  readonly replace?: readonly string[];
  /** Patterns (`*` allowed) of communities that go. */
  readonly remove?: readonly string[];
  /** Communities appended unless already present. */
  readonly add?: readonly string[];
}

export interface PolicySetSpec {
  readonly localPref?: number;
  readonly med?: number;
  readonly origin?: Origin;
  readonly communities?: CommunityEditSpec;
  readonly largeCommunities?: CommunityEditSpec;
  /** A dotted quad, or `"self"`: compilePolicy's `nextHop` option. */
  readonly nextHop?: string;
  /** A count (our AS, compilePolicy's `asn` option, that many times) or a list of ASNs put in front of the path as given. */
  readonly prepend?: number | readonly number[];
}

export type PolicyRuleAction = 'accept' | 'reject' | 'next';

/**
 * One rule (a route-map entry, a GoBGP statement): when every condition of
 * `match` holds (an absent or empty `match` always holds), `set` is
 * applied and `action` decides: accept or reject the route, or `next`:
 * go on to the following rule with the attributes as set so far.
 */
export interface PolicyRuleSpec {
  /** For the reader; not used. */
  readonly name?: string;
  readonly match?: PolicyMatchSpec;
  readonly set?: PolicySetSpec;
  readonly action: PolicyRuleAction;
}

/** Rules in order, the first that matches (and is not `next`) decides; `default` (reject) when none does. */
export interface PolicySpec {
  readonly rules: readonly PolicyRuleSpec[];
  readonly default?: 'accept' | 'reject';
}

/** A mistake in a policy spec, at `path` (`''` for the spec itself). */
export class PolicySpecError extends Error {
  override readonly name = 'PolicySpecError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === '' ? reason : `${path}: ${reason}`);
  }
}

export function isPolicySpecError(value: unknown): value is PolicySpecError {
  return value instanceof PolicySpecError;
}

/**
 * Checks an untrusted value (e.g. parsed JSON) and returns it typed, or
 * throws a PolicySpecError naming the first bad value by its path below
 * `path`, e.g. `peers[0].import.rules[2].match.prefixes[1]: le 33 is above 32`.
 */
export function checkPolicySpec(value: unknown, path = ''): PolicySpec {
  parsePolicySpec(value, path);
  return value as PolicySpec;
}

// ---- the checked form compilePolicy works from ---------------------------------------

export interface ParsedMatch {
  prefixes?: PrefixListEntry[];
  asPath?: RegExp[];
  asPathLength?: { min: number; max: number };
  firstAs?: number[];
  originAs?: number[];
  communities?: CommunityPattern[];
  largeCommunities?: LargeCommunityPattern[];
  origin?: Origin[];
  nextHop?: Ipv4Prefix[];
  peer?: Ipv4Prefix[];
}

export interface ParsedEdit<T, P> {
  replace?: T[];
  remove?: P[];
  add: T[];
}

export interface ParsedSet {
  localPref?: number;
  med?: number;
  origin?: Origin;
  communities?: ParsedEdit<number, CommunityPattern>;
  largeCommunities?: ParsedEdit<LargeCommunity, LargeCommunityPattern>;
  nextHop?: Ipv4Address | 'self';
  prepend?: { count: number } | { asns: number[] };
}

export interface ParsedRule {
  /** The rule's path, for compile-time errors. */
  path: string;
  match: ParsedMatch;
  set: ParsedSet | undefined;
  action: PolicyRuleAction;
}

export interface ParsedPolicy {
  rules: ParsedRule[];
  default: 'accept' | 'reject';
}

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete'];
const ACTIONS: readonly PolicyRuleAction[] = ['accept', 'reject', 'next'];
const MATCH_KEYS = ['prefixes', 'asPath', 'asPathLength', 'firstAs', 'originAs', 'communities', 'largeCommunities', 'origin', 'nextHop', 'peer'];
const SET_KEYS = ['localPref', 'med', 'origin', 'communities', 'largeCommunities', 'nextHop', 'prepend'];
const U32 = 0xffff_ffff;

/** Checks `value` and returns the parsed form (prefixes, communities and regular expressions compiled). */
export function parsePolicySpec(value: unknown, path: string): ParsedPolicy {
  const o = object(value, path, ['rules', 'default']);
  const rules = list(o, 'rules', path, true).map((r, i) => parseRule(r, join(join(path, 'rules'), String(i))));
  const fallback = o['default'] === undefined ? 'reject' : oneOf(o['default'], join(path, 'default'), ['accept', 'reject'] as const);
  return { rules, default: fallback };
}

function parseRule(value: unknown, path: string): ParsedRule {
  const o = object(value, path, ['name', 'match', 'set', 'action']);
  if (o['name'] !== undefined) text(o['name'], join(path, 'name'));
  if (o['action'] === undefined) throw new PolicySpecError(join(path, 'action'), 'is required');
  const action = oneOf(o['action'], join(path, 'action'), ACTIONS);
  const match = o['match'] === undefined ? {} : parseMatch(o['match'], join(path, 'match'));
  const set = o['set'] === undefined ? undefined : parseSet(o['set'], join(path, 'set'));
  if (set !== undefined && action === 'reject') throw new PolicySpecError(join(path, 'set'), 'has no effect in a rule whose action is "reject"');
  return { path, match, set, action };
}

function parseMatch(value: unknown, path: string): ParsedMatch {
  const o = object(value, path, MATCH_KEYS);
  const m: ParsedMatch = {};
  const items = <T>(key: string, each: (v: unknown, at: string) => T): T[] | undefined => {
    if (o[key] === undefined) return undefined;
    const at = join(path, key);
    const values = list(o, key, path, true);
    if (values.length === 0) throw new PolicySpecError(at, 'must not be empty (an empty list matches no route)');
    return values.map((v, i) => each(v, join(at, String(i))));
  };
  const prefixes = items('prefixes', prefixListEntry);
  if (prefixes) m.prefixes = prefixes;
  const asPath = items('asPath', (v, at) => {
    const pattern = text(v, at);
    try {
      return compileAsPathRegex(pattern);
    } catch (error) {
      throw new PolicySpecError(at, `not a valid regular expression: ${(error as Error).message}`);
    }
  });
  if (asPath) m.asPath = asPath;
  if (o['asPathLength'] !== undefined) {
    const at = join(path, 'asPathLength');
    const r = object(o['asPathLength'], at, ['min', 'max']);
    const min = r['min'] === undefined ? 0 : uint(r['min'], join(at, 'min'), 0, 0xffff);
    const max = r['max'] === undefined ? 0xffff : uint(r['max'], join(at, 'max'), 0, 0xffff);
    if (min > max) throw new PolicySpecError(at, `min ${min} is above max ${max}`);
    m.asPathLength = { min, max };
  }
  const firstAs = items('firstAs', (v, at) => uint(v, at, 0, U32));
  if (firstAs) m.firstAs = firstAs;
  const originAs = items('originAs', (v, at) => uint(v, at, 0, U32));
  if (originAs) m.originAs = originAs;
  const communities = items('communities', (v, at) => parsed(at, () => parseCommunityPattern(text(v, at))));
  if (communities) m.communities = communities;
  const large = items('largeCommunities', (v, at) => parsed(at, () => parseLargeCommunityPattern(text(v, at))));
  if (large) m.largeCommunities = large;
  const origin = items('origin', (v, at) => oneOf(v, at, ORIGINS));
  if (origin) m.origin = origin;
  const nextHop = items('nextHop', (v, at) => parsed(at, () => parseIpv4Prefix(text(v, at))));
  if (nextHop) m.nextHop = nextHop;
  const peer = items('peer', (v, at) => parsed(at, () => parseIpv4Prefix(text(v, at))));
  if (peer) m.peer = peer;
  return m;
}

function prefixListEntry(value: unknown, path: string): PrefixListEntry {
  if (typeof value === 'string') return parsed(path, () => parsePrefixListEntry(value));
  const o = object(value, path, ['prefix', 'ge', 'le']);
  if (o['prefix'] === undefined) throw new PolicySpecError(join(path, 'prefix'), 'is required');
  const prefix = parsed(join(path, 'prefix'), () => parseIpv4Prefix(text(o['prefix'], join(path, 'prefix'))));
  const ge = o['ge'] === undefined ? undefined : uint(o['ge'], join(path, 'ge'), 0, 0xff);
  const le = o['le'] === undefined ? undefined : uint(o['le'], join(path, 'le'), 0, 0xff);
  const problem = prefixRangeProblem(prefix.length, ge, le);
  if (problem !== undefined) throw new PolicySpecError(path, problem);
  return { prefix, ...(ge === undefined ? {} : { ge }), ...(le === undefined ? {} : { le }) };
}

function parseSet(value: unknown, path: string): ParsedSet {
  const o = object(value, path, SET_KEYS);
  const s: ParsedSet = {};
  if (o['localPref'] !== undefined) s.localPref = uint(o['localPref'], join(path, 'localPref'), 0, U32);
  if (o['med'] !== undefined) s.med = uint(o['med'], join(path, 'med'), 0, U32);
  if (o['origin'] !== undefined) s.origin = oneOf(o['origin'], join(path, 'origin'), ORIGINS);
  if (o['communities'] !== undefined) {
    s.communities = parseEdit(o['communities'], join(path, 'communities'), parseCommunity, parseCommunityPattern);
  }
  if (o['largeCommunities'] !== undefined) {
    s.largeCommunities = parseEdit(o['largeCommunities'], join(path, 'largeCommunities'), parseLargeCommunity, parseLargeCommunityPattern);
  }
  if (o['nextHop'] !== undefined) {
    const at = join(path, 'nextHop');
    const v = text(o['nextHop'], at);
    s.nextHop = v === 'self' ? 'self' : parsed(at, () => parseIpv4(v));
  }
  if (o['prepend'] !== undefined) {
    const at = join(path, 'prepend');
    const v = o['prepend'];
    if (Array.isArray(v)) {
      if (v.length === 0 || v.length > 255) throw new PolicySpecError(at, `must hold 1..255 ASNs, not ${v.length}`);
      s.prepend = { asns: v.map((a, i) => uint(a, join(at, String(i)), 0, U32)) };
    } else if (typeof v === 'number') s.prepend = { count: uint(v, at, 1, 255) };
    else throw new PolicySpecError(at, `must be a count 1..255 or an array of ASNs, not ${kind(v)}`);
  }
  return s;
}

function parseEdit<T, P>(value: unknown, path: string, parseOne: (t: string) => T, parsePattern: (t: string) => P): ParsedEdit<T, P> {
  const o = object(value, path, ['replace', 'remove', 'add']);
  const each = <R>(key: string, parse: (t: string) => R): R[] | undefined => {
    if (o[key] === undefined) return undefined;
    const at = join(path, key);
    return list(o, key, path, true).map((v, i) => parsed(join(at, String(i)), () => parse(text(v, join(at, String(i))))));
  };
  const edit: ParsedEdit<T, P> = { add: each('add', parseOne) ?? [] };
  const replace = each('replace', parseOne);
  if (replace) edit.replace = replace;
  const remove = each('remove', parsePattern);
  if (remove) edit.remove = remove;
  return edit;
}

// ---- readers of untrusted values: each names the path of what it rejects ----------

function join(path: string, key: string): string {
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? JSON.stringify(v) : String(v)}`;
}

function object(v: unknown, path: string, keys: readonly string[]): Readonly<Record<string, unknown>> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PolicySpecError(path, `must be an object, not ${kind(v)}`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new PolicySpecError(join(path, k), `unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
  }
  return v as Record<string, unknown>;
}

function list(o: Readonly<Record<string, unknown>>, key: string, path: string, required = false): unknown[] {
  const v = o[key];
  if (v === undefined) {
    if (required) throw new PolicySpecError(join(path, key), 'is required');
    return [];
  }
  if (!Array.isArray(v)) throw new PolicySpecError(join(path, key), `must be an array, not ${kind(v)}`);
  return v;
}

function uint(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new PolicySpecError(path, `must be an integer in ${min}..${max}, not ${kind(v)}`);
  return v;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new PolicySpecError(path, `must be a string, not ${kind(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw new PolicySpecError(path, `must be ${values.map((x) => JSON.stringify(x)).join(', ').replace(/, ([^,]*)$/, ' or $1')}, not ${kind(v)}`);
}

/** Runs a text parser, turning its ParseError into a PolicySpecError at `path`. */
function parsed<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isParseError(error)) throw new PolicySpecError(path, reasonOf(error));
    throw error;
  }
}

/** A prefix list's ge/le problem alone (the path points at the entry); otherwise the message with the input. */
function reasonOf(error: { message: string; reason: string; what: string }): string {
  return error.what === 'prefix list entry' && !error.reason.startsWith('expected') ? error.reason : error.message;
}

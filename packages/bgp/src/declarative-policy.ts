import type { Ipv4Address } from '@wirestack/core';
import { asPathLength, firstAs } from './as-path.js';
import { asPathText } from './as-path-regex.js';
import { CommunityMatcher, LargeCommunityMatcher, editList, type ListEdit } from './community-patterns.js';
import type { AsPathSegment, LargeCommunity, PathAttributes } from './messages.js';
import type { PolicyFunction, PolicyRoute } from './policy.js';
import { PrefixList } from './prefix-list.js';
import { PolicySpecError, parsePolicySpec, type ParsedMatch, type ParsedRule, type ParsedSet, type PolicyRuleAction, type PolicySpec } from './policy-spec.js';

/**
 * compilePolicy: a declarative PolicySpec (policy-spec.ts) as a
 * PolicyFunction. Everything that can be done once is: prefix lists become
 * hash tables per length, regular expressions and communities are parsed,
 * and the conditions on attributes and the set-actions remember their last
 * input. The routes of one UPDATE share one attribute object, so a rule
 * tests a regular expression and builds a changed attribute set once per
 * UPDATE, not once per prefix; a route the policy leaves unchanged costs no
 * allocation. Actions never modify the attributes they are given (interned
 * sets are shared by every route that has them): a change makes a new
 * object.
 */

export interface CompilePolicyOptions {
  /** Our AS number: what `prepend: N` puts in front of the path. */
  readonly asn?: number;
  /** Our NEXT_HOP address: what `nextHop: "self"` sets (a PolicyFunction is pure, so it must be told). */
  readonly nextHop?: Ipv4Address;
  /** Where the spec sits in a larger document, for error paths (`peers[0].import`). */
  readonly path?: string;
}

/**
 * Checks `spec` (like checkPolicySpec: a PolicySpecError names the bad
 * value's path) and compiles it. Also a PolicySpecError: `prepend: N`
 * without `options.asn`, `nextHop: "self"` without `options.nextHop`.
 */
export function compilePolicy(spec: PolicySpec, options: CompilePolicyOptions = {}): PolicyFunction {
  const parsed = parsePolicySpec(spec, options.path ?? '');
  const texts = new AsPathTexts();
  const rules = parsed.rules.map((r) => new CompiledRule(r, options, texts));
  const acceptByDefault = parsed.default === 'accept';
  return (route: PolicyRoute) => {
    let attributes = route.attributes;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (!rule.matches(route, attributes)) continue;
      if (rule.action === 'reject') return 'reject';
      attributes = rule.apply(attributes);
      if (rule.action === 'accept') return attributes === route.attributes ? 'accept' : attributes;
    }
    if (!acceptByDefault) return 'reject';
    return attributes === route.attributes ? 'accept' : attributes;
  };
}

/** The regex text of the last AS_PATH seen, shared by the rules of one policy. */
class AsPathTexts {
  private last: readonly AsPathSegment[] | undefined;
  private lastText = '';

  of(path: readonly AsPathSegment[]): string {
    if (path !== this.last) {
      this.lastText = asPathText(path);
      this.last = path;
    }
    return this.lastText;
  }
}

type AttributeTest = (a: PathAttributes) => boolean;
type Edit = (a: PathAttributes) => PathAttributes;

const NO_PATH: readonly AsPathSegment[] = [];

class CompiledRule {
  readonly action: PolicyRuleAction;
  private readonly prefixes: PrefixList | undefined;
  private readonly peers: PrefixList | undefined;
  private readonly tests: AttributeTest[];
  private readonly edits: Edit[];
  /** The attributes the tests last ran on, and their verdict. */
  private tested: PathAttributes | undefined;
  private verdict = false;
  /** The attributes the edits last ran on, and what they made. */
  private editedIn: PathAttributes | undefined;
  private editedOut: PathAttributes | undefined;

  constructor(rule: ParsedRule, options: CompilePolicyOptions, texts: AsPathTexts) {
    this.action = rule.action;
    const m = rule.match;
    this.prefixes = m.prefixes && new PrefixList(m.prefixes);
    this.peers = m.peer && addressList(m.peer);
    this.tests = attributeTests(m, texts);
    this.edits = rule.set ? edits(rule.set, options, `${rule.path}.set`) : [];
  }

  matches(route: PolicyRoute, attributes: PathAttributes): boolean {
    if (this.peers !== undefined && !this.peers.matches(route.peer, 32)) return false;
    if (this.prefixes !== undefined && !this.prefixes.matches(route.prefix.address, route.prefix.length)) return false;
    if (attributes !== this.tested) {
      const tests = this.tests;
      let ok = true;
      for (let i = 0; i < tests.length && ok; i++) ok = tests[i]!(attributes);
      this.tested = attributes;
      this.verdict = ok;
    }
    return this.verdict;
  }

  apply(attributes: PathAttributes): PathAttributes {
    if (this.edits.length === 0) return attributes;
    if (attributes !== this.editedIn) {
      let a = attributes;
      for (const edit of this.edits) a = edit(a);
      this.editedIn = attributes;
      this.editedOut = a;
    }
    return this.editedOut!;
  }
}

/** Addresses and prefixes as a list that contains an address when it lies inside one of them (query with length 32). */
function addressList(prefixes: readonly { address: Ipv4Address; length: number }[]): PrefixList {
  return new PrefixList(prefixes.map((prefix) => ({ prefix, le: 32 })));
}

function attributeTests(m: ParsedMatch, texts: AsPathTexts): AttributeTest[] {
  const tests: AttributeTest[] = [];
  if (m.origin) {
    const origins = m.origin;
    tests.push((a) => a.origin !== undefined && origins.includes(a.origin));
  }
  if (m.nextHop) {
    const list = addressList(m.nextHop);
    tests.push((a) => a.nextHop !== undefined && list.matches(a.nextHop, 32));
  }
  if (m.firstAs) {
    const wanted = new Set(m.firstAs);
    tests.push((a) => {
      const asn = firstAs(a.asPath ?? NO_PATH);
      return asn !== undefined && wanted.has(asn);
    });
  }
  if (m.originAs) {
    const wanted = new Set(m.originAs);
    tests.push((a) => {
      const path = a.asPath ?? NO_PATH;
      const last = path[path.length - 1];
      return last !== undefined && last.type === 'sequence' && wanted.has(last.asns[last.asns.length - 1]!);
    });
  }
  if (m.asPathLength) {
    const { min, max } = m.asPathLength;
    tests.push((a) => {
      const n = asPathLength(a.asPath ?? NO_PATH);
      return n >= min && n <= max;
    });
  }
  if (m.communities) {
    const matcher = new CommunityMatcher(m.communities);
    tests.push((a) => matcher.matchesAny(a.communities));
  }
  if (m.largeCommunities) {
    const matcher = new LargeCommunityMatcher(m.largeCommunities);
    tests.push((a) => matcher.matchesAny(a.largeCommunities));
  }
  // last: the dearest test
  if (m.asPath) {
    const regexes = m.asPath;
    tests.push((a) => {
      const text = texts.of(a.asPath ?? NO_PATH);
      for (const r of regexes) if (r.test(text)) return true;
      return false;
    });
  }
  return tests;
}

const sameCommunity = (x: number, y: number) => x === y;
const sameLarge = (x: LargeCommunity, y: LargeCommunity) => x.global === y.global && x.local1 === y.local1 && x.local2 === y.local2;

/** The set-actions, each returning its input when it changes nothing. */
function edits(set: ParsedSet, options: CompilePolicyOptions, path: string): Edit[] {
  const out: Edit[] = [];
  const { localPref, med, origin } = set;
  if (localPref !== undefined) out.push((a) => (a.localPref === localPref ? a : { ...a, localPref }));
  if (med !== undefined) out.push((a) => (a.med === med ? a : { ...a, med }));
  if (origin !== undefined) out.push((a) => (a.origin === origin ? a : { ...a, origin }));
  if (set.nextHop !== undefined) {
    let nextHop = set.nextHop;
    if (nextHop === 'self') {
      if (options.nextHop === undefined) throw new PolicySpecError(`${path}.nextHop`, '"self" needs compilePolicy\'s nextHop option (the address this speaker uses as next hop)');
      nextHop = options.nextHop;
    }
    const address = nextHop;
    out.push((a) => (a.nextHop === address ? a : { ...a, nextHop: address }));
  }
  if (set.communities) {
    const edit = listEdit(set.communities, (p) => new CommunityMatcher(p));
    out.push((a) => {
      const c = editList(a.communities, edit, sameCommunity);
      if (c === a.communities) return a;
      if (c !== undefined) return { ...a, communities: c };
      const { communities: _gone, ...rest } = a;
      return rest;
    });
  }
  if (set.largeCommunities) {
    const edit = listEdit(set.largeCommunities, (p) => new LargeCommunityMatcher(p));
    out.push((a) => {
      const c = editList(a.largeCommunities, edit, sameLarge);
      if (c === a.largeCommunities) return a;
      if (c !== undefined) return { ...a, largeCommunities: c };
      const { largeCommunities: _gone, ...rest } = a;
      return rest;
    });
  }
  if (set.prepend) {
    let asns: number[];
    if ('count' in set.prepend) {
      if (options.asn === undefined) throw new PolicySpecError(`${path}.prepend`, 'a count needs compilePolicy\'s asn option (the AS to prepend)');
      asns = new Array<number>(set.prepend.count).fill(options.asn);
    } else asns = set.prepend.asns;
    out.push((a) => ({ ...a, asPath: prependAsns(a.asPath ?? NO_PATH, asns) }));
  }
  return out;
}

function listEdit<T, P>(e: { replace?: T[]; remove?: P[]; add: T[] }, matcher: (patterns: P[]) => { matchesOne(c: T): boolean }): ListEdit<T> {
  return { add: e.add, ...(e.replace ? { replace: e.replace } : {}), ...(e.remove ? { remove: matcher(e.remove) } : {}) };
}

/**
 * `asns` in front of the path: joined to a leading AS_SEQUENCE, in
 * segments of at most 255 ASNs (the most one segment holds).
 */
function prependAsns(path: readonly AsPathSegment[], asns: readonly number[]): AsPathSegment[] {
  const first = path[0];
  const joined = first !== undefined && first.type === 'sequence';
  const all = joined ? [...asns, ...first.asns] : [...asns];
  const segments: AsPathSegment[] = [];
  for (let i = 0; i < all.length; i += 255) segments.push({ type: 'sequence', asns: all.slice(i, i + 255) });
  for (let i = joined ? 1 : 0; i < path.length; i++) segments.push(path[i]!);
  return segments;
}

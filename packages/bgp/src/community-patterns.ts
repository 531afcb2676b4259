import { ParseError } from '@wirestack/core';
import { parseCommunity, parseLargeCommunity } from './communities.js';
import type { LargeCommunity } from './messages.js';

/**
 * Community patterns for policy matches and removals: a community in its
 * usual text (`65000:100`, a well-known name such as `no-export`), or with
 * `*` for any value of one part (`65000:*`, `*:666`, `*:*`). Large
 * communities likewise (`4200000001:*:*`).
 */

/** A standard community pattern: matches c when (c & mask) === value. */
export interface CommunityPattern {
  readonly mask: number;
  readonly value: number;
}

/** A large community pattern; undefined parts match anything. */
export interface LargeCommunityPattern {
  readonly global: number | undefined;
  readonly local1: number | undefined;
  readonly local2: number | undefined;
}

export function parseCommunityPattern(text: string): CommunityPattern {
  const m = /^(\d{1,5}|\*):(\d{1,5}|\*)$/.exec(text);
  if (m && (m[1] === '*' || m[2] === '*')) {
    const part = (p: string) => {
      const n = Number(p);
      if (n > 0xffff) throw new ParseError('community pattern', text, 'each part must be 0..65535 or *');
      return n;
    };
    const high = m[1] === '*' ? undefined : part(m[1]!);
    const low = m[2] === '*' ? undefined : part(m[2]!);
    return { mask: ((high === undefined ? 0 : 0xffff_0000) | (low === undefined ? 0 : 0xffff)) >>> 0, value: (((high ?? 0) * 0x10000) + (low ?? 0)) >>> 0 };
  }
  return { mask: 0xffff_ffff, value: parseCommunity(text) };
}

export function parseLargeCommunityPattern(text: string): LargeCommunityPattern {
  if (!text.includes('*')) return parseLargeCommunity(text);
  const m = /^(\d{1,10}|\*):(\d{1,10}|\*):(\d{1,10}|\*)$/.exec(text);
  const parts = m ? [m[1]!, m[2]!, m[3]!].map((p) => (p === '*' ? undefined : Number(p))) : [];
  if (!m || parts.some((p) => p !== undefined && p > 0xffff_ffff)) {
    throw new ParseError('large community pattern', text, 'expected GLOBAL:LOCAL1:LOCAL2, each part 0..4294967295 or *');
  }
  return { global: parts[0], local1: parts[1], local2: parts[2] };
}

/**
 * Whether `communities` holds a community some pattern matches. Exact
 * values are looked up in a set; wildcard patterns are tried in turn.
 */
export class CommunityMatcher {
  private readonly exact: Set<number>;
  private readonly wild: CommunityPattern[];

  constructor(patterns: readonly CommunityPattern[]) {
    this.exact = new Set(patterns.filter((p) => p.mask === 0xffff_ffff).map((p) => p.value));
    this.wild = patterns.filter((p) => p.mask !== 0xffff_ffff);
  }

  matchesOne(c: number): boolean {
    if (this.exact.has(c)) return true;
    for (const p of this.wild) if (((c & p.mask) >>> 0) === p.value) return true;
    return false;
  }

  matchesAny(communities: readonly number[] | undefined): boolean {
    if (communities === undefined) return false;
    for (let i = 0; i < communities.length; i++) if (this.matchesOne(communities[i]!)) return true;
    return false;
  }
}

export class LargeCommunityMatcher {
  constructor(private readonly patterns: readonly LargeCommunityPattern[]) {}

  matchesOne(c: LargeCommunity): boolean {
    for (const p of this.patterns) {
      if ((p.global === undefined || p.global === c.global) && (p.local1 === undefined || p.local1 === c.local1) && (p.local2 === undefined || p.local2 === c.local2)) {
        return true;
      }
    }
    return false;
  }

  matchesAny(communities: readonly LargeCommunity[] | undefined): boolean {
    if (communities === undefined) return false;
    for (let i = 0; i < communities.length; i++) if (this.matchesOne(communities[i]!)) return true;
    return false;
  }
}

/** A community list edit: applied in the order replace, remove, add. */
export interface ListEdit<T> {
  /** The list to start from instead of the route's. */
  readonly replace?: readonly T[];
  /** Communities that go. */
  readonly remove?: { matchesOne(c: T): boolean };
  /** Communities appended unless already present. */
  readonly add: readonly T[];
}

/**
 * Applies an edit. Returns `list` itself when the result has the same
 * members in the same order (no new attribute object for a no-op), and
 * undefined for an empty result: an empty COMMUNITIES or LARGE_COMMUNITY
 * attribute is malformed (RFC 7606 §7.8, RFC 8092 §6), so the attribute
 * goes instead.
 */
export function editList<T>(list: readonly T[] | undefined, edit: ListEdit<T>, same: (a: T, b: T) => boolean): readonly T[] | undefined {
  let out: readonly T[] = edit.replace ?? list ?? [];
  const remove = edit.remove;
  if (remove !== undefined && anyMatch(out, remove)) out = out.filter((c) => !remove.matchesOne(c));
  let grown: T[] | undefined;
  for (const c of edit.add) {
    if (contains(grown ?? out, c, same)) continue;
    grown ??= [...out];
    grown.push(c);
  }
  if (grown !== undefined) out = grown;
  if (sameMembers(out, list ?? [], same)) return list;
  return out.length === 0 ? undefined : out;
}

function anyMatch<T>(list: readonly T[], pattern: { matchesOne(c: T): boolean }): boolean {
  for (let i = 0; i < list.length; i++) if (pattern.matchesOne(list[i]!)) return true;
  return false;
}

function contains<T>(list: readonly T[], c: T, same: (a: T, b: T) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (same(list[i]!, c)) return true;
  return false;
}

function sameMembers<T>(a: readonly T[], b: readonly T[], same: (a: T, b: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

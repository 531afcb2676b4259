import { ParseError, ipv4Mask, parseIpv4Prefix, type Ipv4Prefix } from '@wirestack/core';

/**
 * Prefix lists as FRR's `ip prefix-list` and Cisco have them: an entry
 * `p/len [ge G] [le L]` matches a route whose prefix lies inside p/len and
 * whose length is in [G, L]. G defaults to len; L defaults to 32 when G is
 * given and to len otherwise, so an entry without ge/le matches exactly
 * p/len. `len <= G <= L <= 32` (FRR insists on len < G; G = len is allowed
 * here, it only spells out the default).
 */
export interface PrefixListEntry {
  readonly prefix: Ipv4Prefix;
  readonly ge?: number;
  readonly le?: number;
}

/** The route lengths an entry admits, [min, max]. */
export function entryLengthRange(entry: PrefixListEntry): readonly [number, number] {
  const len = entry.prefix.length;
  return [entry.ge ?? len, entry.le ?? (entry.ge === undefined ? len : 32)];
}

/** Why ge/le do not fit a prefix of length `len`, or undefined when they do. */
export function prefixRangeProblem(len: number, ge: number | undefined, le: number | undefined): string | undefined {
  for (const [name, v] of [['ge', ge], ['le', le]] as const) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0) return `${name} ${v} is not a prefix length`;
    if (v > 32) return `${name} ${v} is above 32`;
    if (v < len) return `${name} ${v} is below the prefix length ${len}`;
  }
  if (ge !== undefined && le !== undefined && ge > le) return `ge ${ge} is above le ${le}`;
  return undefined;
}

const ENTRY_TEXT = /^\s*(\S+?)(?:\s+ge\s+(\d{1,3}))?(?:\s+le\s+(\d{1,3}))?\s*$/;

/**
 * Parses the text form `10.0.0.0/8`, `10.0.0.0/8 le 24`,
 * `10.0.0.0/8 ge 16 le 24` (ge before le, as FRR writes them). A bare
 * address is a /32. ParseError for anything else, host bits included.
 */
export function parsePrefixListEntry(text: string): PrefixListEntry {
  const m = ENTRY_TEXT.exec(text);
  if (!m) throw new ParseError('prefix list entry', text, 'expected "A.B.C.D/LEN", optionally followed by "ge N" and/or "le N"');
  const prefix = parseIpv4Prefix(m[1]!);
  const ge = m[2] === undefined ? undefined : Number(m[2]);
  const le = m[3] === undefined ? undefined : Number(m[3]);
  const problem = prefixRangeProblem(prefix.length, ge, le);
  if (problem !== undefined) throw new ParseError('prefix list entry', text, problem);
  return { prefix, ...(ge === undefined ? {} : { ge }), ...(le === undefined ? {} : { le }) };
}

/**
 * A compiled prefix list. A lookup costs one hash probe per distinct entry
 * length not longer than the route's, whatever the number of entries: per
 * entry length L, a map from the network (the route's address masked to L)
 * to a bit mask of the route lengths the entries at that network admit
 * (bit n-1 for length n; length 0, the default route, has its own flag as
 * only a /0 entry can admit it).
 */
export class PrefixList {
  /** Distinct entry lengths, ascending. */
  private readonly lengths: number[];
  /** Per entry in `lengths`: its netmask, and network -> admitted lengths. */
  private readonly masks: number[];
  private readonly networks: Map<number, number>[];
  private readonly admitsDefault: boolean;

  constructor(entries: readonly PrefixListEntry[]) {
    const byLength = new Map<number, Map<number, number>>();
    let admitsDefault = false;
    for (const entry of entries) {
      const { address, length } = entry.prefix;
      const problem = prefixRangeProblem(length, entry.ge, entry.le);
      if (problem !== undefined) throw new RangeError(`prefix list entry ${address}/${length}: ${problem}`);
      if ((address & ~ipv4Mask(length)) !== 0) throw new RangeError(`prefix list entry ${address}/${length}: host bits are set`);
      const [min, max] = entryLengthRange(entry);
      if (min === 0) admitsDefault = true;
      let bits = 0;
      for (let n = Math.max(min, 1); n <= max; n++) bits |= 1 << (n - 1);
      if (bits === 0) continue;
      let networks = byLength.get(length);
      if (!networks) byLength.set(length, (networks = new Map()));
      // keys as int32: small integers hash and compare faster than heap numbers
      networks.set(address | 0, (networks.get(address | 0) ?? 0) | bits);
    }
    this.lengths = [...byLength.keys()].sort((a, b) => a - b);
    this.masks = this.lengths.map(ipv4Mask);
    this.networks = this.lengths.map((l) => byLength.get(l)!);
    this.admitsDefault = admitsDefault;
  }

  /** Whether some entry matches the route prefix `address/length` (host bits beyond `length` are ignored). */
  matches(address: number, length: number): boolean {
    if (length === 0) return this.admitsDefault;
    const bit = 1 << (length - 1);
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      if (lengths[i]! > length) return false;
      const bits = this.networks[i]!.get(address & this.masks[i]!);
      if (bits !== undefined && (bits & bit) !== 0) return true;
    }
    return false;
  }
}

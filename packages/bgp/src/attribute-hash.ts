import type { AsPathSegment, LargeCommunity, Origin, PathAttributes } from './messages.js';

/**
 * A structural hash and equality for attribute sets, so interning needs no
 * encoding (a full table interns several hundred thousand sets; encoding
 * each to compare it showed in profiles). Two sets are equal when every
 * attribute holds the same values; key order of the objects does not
 * matter, absent and undefined are the same, and so are
 * `atomicAggregate: false` and no ATOMIC_AGGREGATE.
 */


/** One 32-bit word into the hash, as MurmurHash3 does (a weaker mix made sets collide in a full table). */
export function mix(h: number, v: number): number {
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function hashValue(h: number, v: unknown): number {
  switch (typeof v) {
    case 'number':
      // uint32 values mostly; the high part keeps larger numbers apart
      return mix(mix(h, v >>> 0), (v / 4294967296) | 0);
    case 'string':
      for (let i = 0; i < v.length; i++) h = mix(h, v.charCodeAt(i));
      return mix(h, 0x5f);
    case 'boolean':
      return mix(h, v ? 0x74 : 0x66);
    case 'object': {
      if (v === null) return mix(h, 0x6e);
      if (v instanceof Uint8Array) {
        h = mix(h, v.length);
        for (let i = 0; i < v.length; i++) h = mix(h, v[i]!);
        return h;
      }
      if (Array.isArray(v)) {
        h = mix(h, 0x5b + v.length);
        for (const x of v) h = hashValue(h, x);
        return h;
      }
      const o = v as Record<string, unknown>;
      // AS_PATH segments are most of what a full table interns: hash them without sorting keys
      if (typeof o['type'] === 'string' && Array.isArray(o['asns']) && Object.keys(o).length === 2) {
        return hashValue(hashValue(hashValue(h, 'asns'), o['asns']), o['type']);
      }
      for (const k of Object.keys(o).sort()) {
        if (o[k] === undefined) continue;
        h = hashValue(hashValue(h, k), o[k]);
      }
      return mix(h, 0x7d);
    }
    default:
      return mix(h, 0x75);
  }
}

function equalValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalValue(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) if (!equalValue(x[k], y[k])) return false;
  for (const k of Object.keys(y)) if (x[k] === undefined && y[k] !== undefined) return false;
  return true;
}

/** A number as the hash sees it: uint32 values (most attributes) in one step, others in two. */
function mixNumber(h: number, v: number): number {
  return v >>> 0 === v ? mix(h, v) : mix(mix(h, v >>> 0), ((v / 4294967296) | 0) ^ 0x5bd1e995);
}

function hashNumbers(h: number, list: readonly number[]): number {
  h = mix(h, list.length);
  for (let i = 0; i < list.length; i++) h = mixNumber(h, list[i]!);
  return h;
}

function hashPath(h: number, path: readonly AsPathSegment[]): number {
  h = mix(h, path.length);
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    h = hashNumbers(mix(h, SEGMENT_CODE[s.type]), s.asns);
  }
  return h;
}

/**
 * LARGE_COMMUNITY values by their three fields (the generic walk sorted
 * each object's keys). Sets equal under `attributesEqual` hash alike: it
 * compares the same fields, and a value with other fields holds them
 * undefined or is unequal anyway.
 */
function hashLarge(h: number, list: readonly LargeCommunity[]): number {
  h = mix(h, list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    h = mixNumber(mixNumber(mixNumber(h, c.global), c.local1), c.local2);
  }
  return h;
}

const SEGMENT_CODE: Readonly<Record<AsPathSegment['type'], number>> = { sequence: 2, set: 1, 'confed-sequence': 3, 'confed-set': 4 };
const ORIGIN_CODE: Readonly<Record<Origin, number>> = { igp: 0, egp: 1, incomplete: 2 };

/**
 * The attributes of a full table are mostly ORIGIN, AS_PATH, NEXT_HOP, MED,
 * LOCAL_PREF and COMMUNITIES: those are hashed and compared by code written
 * for their shapes (a full table interns hundreds of thousands of sets, and
 * the generic walk with its Object.keys arrays showed in profiles); the
 * rarer attributes go through the generic walk. Every attribute is read
 * by name: a keyed load a[name] over objects of many shapes (sets hold
 * different attributes) is several times slower.
 */
export function hashAttributes(a: PathAttributes): number {
  let h = 0x811c9dc5;
  if (a.origin !== undefined) h = mix(h, 0x100 + (ORIGIN_CODE[a.origin] ?? 3));
  if (a.asPath !== undefined) h = hashPath(mix(h, 0x200), a.asPath);
  if (a.nextHop !== undefined) h = mixNumber(mix(h, 0x300), a.nextHop);
  if (a.med !== undefined) h = mixNumber(mix(h, 0x400), a.med);
  if (a.localPref !== undefined) h = mixNumber(mix(h, 0x500), a.localPref);
  if (a.communities !== undefined) h = hashNumbers(mix(h, 0x600), a.communities);
  if (a.atomicAggregate === true) h = mix(h, 0x700);
  if (a.aggregator !== undefined) h = hashValue(mix(h, 0x1000), a.aggregator);
  if (a.originatorId !== undefined) h = mixNumber(mix(h, 0x1001), a.originatorId);
  if (a.clusterList !== undefined) h = hashNumbers(mix(h, 0x1002), a.clusterList);
  if (a.mpReach !== undefined) h = hashValue(mix(h, 0x1003), a.mpReach);
  if (a.mpUnreach !== undefined) h = hashValue(mix(h, 0x1004), a.mpUnreach);
  if (a.extendedCommunities !== undefined) h = hashValue(mix(h, 0x1005), a.extendedCommunities);
  if (a.as4Path !== undefined) h = hashPath(mix(h, 0x1006), a.as4Path);
  if (a.as4Aggregator !== undefined) h = hashValue(mix(h, 0x1007), a.as4Aggregator);
  if (a.largeCommunities !== undefined) h = hashLarge(mix(h, 0x1008), a.largeCommunities);
  if (a.unknown !== undefined) h = hashValue(mix(h, 0x1009), a.unknown);
  return finish(h);
}

/** MurmurHash3's final avalanche: every input bit reaches every output bit. */
export function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function numbersEqual(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function pathsEqual(a: readonly AsPathSegment[] | undefined, b: readonly AsPathSegment[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.type !== b[i]!.type || !numbersEqual(a[i]!.asns, b[i]!.asns)) return false;
  }
  return true;
}

export function attributesEqual(a: PathAttributes, b: PathAttributes): boolean {
  if (a === b) return true;
  if (
    a.origin !== b.origin ||
    a.nextHop !== b.nextHop ||
    a.med !== b.med ||
    a.localPref !== b.localPref ||
    (a.atomicAggregate === true) !== (b.atomicAggregate === true) ||
    !pathsEqual(a.asPath, b.asPath) ||
    !numbersEqual(a.communities, b.communities)
  ) {
    return false;
  }
  return (
    a.originatorId === b.originatorId &&
    numbersEqual(a.clusterList, b.clusterList) &&
    pathsEqual(a.as4Path, b.as4Path) &&
    equalValue(a.aggregator, b.aggregator) &&
    equalValue(a.mpReach, b.mpReach) &&
    equalValue(a.mpUnreach, b.mpUnreach) &&
    equalValue(a.extendedCommunities, b.extendedCommunities) &&
    equalValue(a.as4Aggregator, b.as4Aggregator) &&
    equalValue(a.largeCommunities, b.largeCommunities) &&
    equalValue(a.unknown, b.unknown)
  );
}

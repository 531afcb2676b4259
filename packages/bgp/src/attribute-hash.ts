import type { PathAttributes } from './messages.js';

/**
 * A structural hash and equality for attribute sets, so interning needs no
 * encoding (a full table interns several hundred thousand sets; encoding
 * each to compare it showed in profiles). Two sets are equal when every
 * attribute holds the same values; key order of the objects does not
 * matter, absent and undefined are the same, and so are
 * `atomicAggregate: false` and no ATOMIC_AGGREGATE.
 */

const FIELDS = [
  'origin',
  'asPath',
  'nextHop',
  'med',
  'localPref',
  'aggregator',
  'communities',
  'originatorId',
  'clusterList',
  'mpReach',
  'mpUnreach',
  'extendedCommunities',
  'as4Path',
  'as4Aggregator',
  'largeCommunities',
  'unknown',
] as const satisfies readonly (keyof PathAttributes)[];

/** One 32-bit word into the hash, as MurmurHash3 does (a weaker mix made sets collide in a full table). */
function mix(h: number, v: number): number {
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

export function hashAttributes(a: PathAttributes): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < FIELDS.length; i++) {
    const v = a[FIELDS[i]!];
    if (v !== undefined) h = hashValue(mix(h, i), v);
  }
  if (a.atomicAggregate === true) h = mix(h, 0x41);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function attributesEqual(a: PathAttributes, b: PathAttributes): boolean {
  if (a === b) return true;
  if ((a.atomicAggregate === true) !== (b.atomicAggregate === true)) return false;
  for (const f of FIELDS) if (!equalValue(a[f], b[f])) return false;
  return true;
}

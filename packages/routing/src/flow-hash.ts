/**
 * The flow an ECMP choice is made for. Linux hashes (source, destination)
 * by default (fib_multipath_hash_policy 0) and adds protocol and ports
 * under policy 1; we hash whatever is given, so a flow sticks to one member.
 */
export interface Flow {
  readonly src?: number;
  readonly dst: number;
  readonly protocol?: number;
  readonly sport?: number;
  readonly dport?: number;
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A uint32 hash of the flow's fields under `seed` (pick one per router to avoid polarisation). */
export function flowHash(flow: Flow, seed = 0): number {
  let h = mix(seed ^ 0x2545f491);
  h = mix(h ^ (flow.src ?? 0));
  h = mix(h ^ flow.dst);
  if (flow.protocol !== undefined) h = mix(h ^ flow.protocol);
  if (flow.sport !== undefined || flow.dport !== undefined) h = mix(h ^ (((flow.sport ?? 0) << 16) | (flow.dport ?? 0)));
  return h >>> 0;
}

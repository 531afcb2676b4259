import type { Ipv4Address } from '@wirestack/core';
import { RouteError } from './errors.js';
import { ROUTE_TYPE_NUMBERS, routeTypeOf, type RouteType } from './names.js';
import type { NextHop, NextHopInput } from './route.js';

/**
 * What forwarding needs to know about a route, interned: its type, its
 * preferred source and its next hops (an ECMP group when there are
 * several). A million BGP routes share a few hundred of these, so the RIB
 * stores one small index per route and the FIB stores the same index as
 * its value.
 */
export interface NextHopEntry {
  readonly index: number;
  readonly type: RouteType;
  /** RTN_* number of `type`. */
  readonly typeNumber: number;
  readonly prefsrc: Ipv4Address | undefined;
  readonly nexthops: readonly NextHop[];
  /** Sum of the weights, for the weighted choice of an ECMP member. */
  readonly totalWeight: number;
}

interface Slot {
  entry: NextHopEntry;
  key: string | number;
  refs: number;
}

/**
 * Interned next-hop entries with reference counts. Index 0 is never used
 * (a FIB answers 0 for "no route"); freed indices are reused, so indices
 * stay small enough for the FIB's 15-bit values as long as fewer than
 * 32768 distinct entries are alive.
 */
export class NextHopTable {
  private readonly slots: (Slot | undefined)[] = [undefined];
  private readonly byKey = new Map<string | number, number>();
  private readonly free: number[] = [];

  /** Live entries. */
  get size(): number {
    return this.byKey.size;
  }

  /** The highest index handed out so far + 1. */
  get indexLimit(): number {
    return this.slots.length;
  }

  /** True when `index` is a live entry. */
  has(index: number): boolean {
    return this.slots[index] !== undefined;
  }

  get(index: number): NextHopEntry {
    const slot = this.slots[index];
    if (slot === undefined) throw new RangeError(`no next-hop entry ${index}`);
    return slot.entry;
  }

  /**
   * The index of the entry for (type, prefsrc, next hops), creating it
   * with one reference or adding one. Next hops are validated here.
   */
  acquire(typeNumber: number, prefsrc: number, nexthops: readonly NextHopInput[]): number {
    const key = entryKey(typeNumber, prefsrc, nexthops);
    const found = this.byKey.get(key);
    if (found !== undefined) {
      this.slots[found]!.refs++;
      return found;
    }
    const normalized = nexthops.map(normalizeNextHop);
    let total = 0;
    for (const nh of normalized) total += nh.weight;
    const index = this.free.pop() ?? this.slots.length;
    const entry: NextHopEntry = {
      index,
      type: routeTypeOf(typeNumber),
      typeNumber,
      prefsrc: prefsrc === 0 ? undefined : (prefsrc as Ipv4Address),
      nexthops: normalized,
      totalWeight: total,
    };
    this.slots[index] = { entry, key, refs: 1 };
    this.byKey.set(key, index);
    return index;
  }

  /** Adds a reference to an existing entry. */
  retain(index: number): void {
    this.slots[index]!.refs++;
  }

  /** Drops a reference; the entry is freed at zero. */
  release(index: number): void {
    const slot = this.slots[index]!;
    if (--slot.refs > 0) return;
    this.byKey.delete(slot.key);
    this.slots[index] = undefined;
    this.free.push(index);
  }

  /**
   * The ECMP member for a flow hash (uint32), by weight: member i takes a
   * share weight_i / total of the hash space, as Linux's upper bounds do.
   */
  static choose(entry: NextHopEntry, hash: number): NextHop | undefined {
    const nexthops = entry.nexthops;
    if (nexthops.length <= 1) return nexthops[0];
    let point = (hash >>> 0) % entry.totalWeight;
    for (const nh of nexthops) {
      if (point < nh.weight) return nh;
      point -= nh.weight;
    }
    return nexthops[nexthops.length - 1];
  }
}

function normalizeNextHop(nh: NextHopInput): NextHop {
  const weight = nh.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new RouteError('invalid', `weight ${weight} is not in 1..256`);
  if (nh.gateway === undefined && nh.ifindex === undefined) {
    throw new RouteError('invalid', 'a next hop needs a gateway or a device');
  }
  if (nh.gateway !== undefined && (!Number.isInteger(nh.gateway) || nh.gateway < 0 || nh.gateway > 0xffff_ffff)) {
    throw new RouteError('invalid', `gateway ${nh.gateway}`);
  }
  const out: { gateway?: Ipv4Address; ifindex?: number; weight: number; onlink: boolean } = {
    weight,
    onlink: nh.onlink === true,
  };
  if (nh.gateway !== undefined) out.gateway = nh.gateway;
  if (nh.ifindex !== undefined) out.ifindex = nh.ifindex;
  return out;
}

/**
 * The interning key. The common case (one next hop, weight 1, no prefsrc,
 * not onlink, device index below 2^20) gets a numeric key, cheaper to make
 * and hash than a string when a million routes are loaded.
 */
function entryKey(typeNumber: number, prefsrc: number, nexthops: readonly NextHopInput[]): string | number {
  if (nexthops.length === 1 && prefsrc === 0 && typeNumber === ROUTE_TYPE_NUMBERS.unicast) {
    const nh = nexthops[0]!;
    const ifindex = nh.ifindex ?? 0;
    if ((nh.weight ?? 1) === 1 && nh.onlink !== true && ifindex < 0x10_0000 && Number.isInteger(ifindex) && ifindex >= 0) {
      const gw = nh.gateway === undefined ? 0x1_0000_0000 : nh.gateway; // no gateway != 0.0.0.0
      return gw * 0x10_0000 + ifindex;
    }
  }
  let key = `${typeNumber}|${prefsrc}`;
  for (const nh of nexthops) {
    key += `|${nh.gateway ?? '-'}/${nh.ifindex ?? '-'}/${nh.weight ?? 1}/${nh.onlink === true ? 1 : 0}`;
  }
  return key;
}

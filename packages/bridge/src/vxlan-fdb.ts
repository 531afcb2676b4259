/**
 * The FDB of a VXLAN port, as a Linux vxlan device keeps it (`bridge fdb
 * ... dev vxlan1 self`): inner destination MAC → the remote VTEPs to send
 * to. The all-zero MAC holds the default destinations, used for every MAC
 * without an entry of its own, broadcast and multicast included: that list
 * is head-end replication of BUM traffic. Entries are learned from
 * decapsulated traffic (inner source MAC → outer source IP) and age out.
 *
 * A Map keyed by MAC: the bridge consults it only for frames that leave
 * through a VXLAN port, and its entries are few next to the bridge FDB.
 */
import type { Ipv4Address, MacAddress } from '@wirestack/core';

/** Where a frame is sent over the underlay: the VTEP's address, the VNI and UDP port to use. */
export interface VxlanRemote {
  readonly ip: Ipv4Address;
  readonly vni: number;
  readonly port: number;
}

export type VxlanEntryState = 'dynamic' | 'static' | 'permanent';

export interface VxlanEntry {
  readonly mac: MacAddress;
  remotes: VxlanRemote[];
  state: VxlanEntryState;
  /** Last time (ms) traffic from this MAC arrived, for dynamic entries. */
  seen: number;
}

/** Configuration of a VXLAN port, as `ip link add vxlan1 type vxlan id 42 dstport 4789 ...`. */
export interface VxlanOptions {
  /** The VNI of this device (`id`): frames it receives carry it, and remotes default to it. */
  readonly vni: number;
  /** UDP destination port for remotes that do not give one (`dstport`; default 4789, the IANA port). */
  readonly dstPort?: number;
  /** Learn inner source MAC → remote VTEP from received traffic (default true, as `ip link add ... type vxlan` does). */
  readonly learning?: boolean;
  /** Age of learned entries in ms (`ageing`, default 300 000; 0 = never). */
  readonly ageingTime?: number;
  /** Most learned entries (`maxaddress`; default 65 536, 0 = no limit as in Linux). */
  readonly maxAddresses?: number;
}

export const VXLAN_PORT = 4789;
export const NO_REMOTES: readonly VxlanRemote[] = Object.freeze([]);

export class VxlanFdb {
  readonly vni: number;
  readonly dstPort: number;
  readonly learning: boolean;
  ageingTime: number;
  readonly maxAddresses: number;
  readonly entries = new Map<number, VxlanEntry>();
  learned = 0;

  constructor(options: VxlanOptions) {
    this.vni = options.vni;
    this.dstPort = options.dstPort ?? VXLAN_PORT;
    this.learning = options.learning ?? true;
    this.ageingTime = options.ageingTime ?? 300_000;
    this.maxAddresses = options.maxAddresses ?? 65_536;
  }

  isExpired(entry: VxlanEntry, now: number): boolean {
    return entry.state === 'dynamic' && this.ageingTime > 0 && now - entry.seen >= this.ageingTime;
  }

  /** The live entry for `mac`, or undefined (an expired dynamic entry is as good as gone). */
  live(mac: number, now: number): VxlanEntry | undefined {
    const e = this.entries.get(mac);
    return e !== undefined && !this.isExpired(e, now) ? e : undefined;
  }

  /**
   * Where a frame to `dst` goes: the remotes of its own entry, else those
   * of the all-zero default entry, else none (the kernel drops it).
   */
  resolve(dst: number, now: number): readonly VxlanRemote[] {
    const own = this.live(dst, now);
    if (own !== undefined) return own.remotes;
    return this.entries.get(0)?.remotes ?? NO_REMOTES;
  }

  delete(mac: number): void {
    const e = this.entries.get(mac);
    if (e === undefined) return;
    if (e.state === 'dynamic') this.learned--;
    this.entries.delete(mac);
  }

  /** Removes expired dynamic entries; returns how many and the earliest expiry left (Infinity if none). */
  collect(now: number): { removed: number; next: number } {
    let removed = 0;
    let next = Infinity;
    if (this.ageingTime <= 0) return { removed, next };
    for (const [mac, e] of this.entries) {
      if (e.state !== 'dynamic') continue;
      const expiry = e.seen + this.ageingTime;
      if (now >= expiry) {
        this.entries.delete(mac);
        this.learned--;
        removed++;
      } else if (expiry < next) next = expiry;
    }
    return { removed, next };
  }
}

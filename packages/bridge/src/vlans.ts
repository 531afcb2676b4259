/**
 * Per-port VLAN membership as `bridge vlan` keeps it: the VIDs a port
 * belongs to, which of them leave the port untagged, and the PVID (the VID
 * given to untagged and priority-tagged frames arriving on the port; 0 =
 * none, so such frames are dropped). One byte of flags per VID.
 */
import { BridgeError } from './errors.js';

export const VLAN_MEMBER = 1;
export const VLAN_UNTAGGED = 2;
/** VIDs 1..4094 can be configured; 0 marks priority tags and 4095 is reserved. */
export const VID_MIN = 1;
export const VID_MAX = 4094;

/** One VLAN of a port, as `bridge vlan show` lists it. */
export interface PortVlan {
  readonly vid: number;
  /** Untagged and priority-tagged frames arriving on the port are classified into this VLAN. */
  readonly pvid: boolean;
  /** Frames of this VLAN leave the port without a tag ("Egress Untagged"). */
  readonly untagged: boolean;
}

export interface VlanFlags {
  readonly pvid?: boolean;
  readonly untagged?: boolean;
}

export class PortVlans {
  readonly flags = new Uint8Array(4096);
  pvid = 0;
  /** soleUntagged()'s answer, or -2 when it has to be worked out again. */
  private sole = 0;

  /**
   * `bridge vlan add vid N [pvid] [untagged]`. Re-adding an existing VID
   * sets its flags to exactly the ones given, as the kernel does: adding
   * without `pvid` a VID that was the PVID clears the PVID.
   */
  add(vid: number, options: VlanFlags): void {
    checkVid(vid);
    this.flags[vid] = VLAN_MEMBER | (options.untagged ? VLAN_UNTAGGED : 0);
    this.sole = -2;
    if (options.pvid) this.pvid = vid;
    else if (this.pvid === vid) this.pvid = 0;
  }

  /** `bridge vlan del vid N`; false when the port was not a member. */
  delete(vid: number): boolean {
    checkVid(vid);
    if (this.flags[vid] === 0) return false;
    this.flags[vid] = 0;
    this.sole = -2;
    if (this.pvid === vid) this.pvid = 0;
    return true;
  }

  /**
   * The one VID that leaves this port untagged, 0 when none does, -1 when
   * several do. Ports have at most one (an access port's VLAN, a trunk's
   * native VLAN) nearly always, so the bridge's fast path keeps it in a
   * word per port instead of reading `flags` per frame.
   */
  soleUntagged(): number {
    if (this.sole === -2) {
      let sole = 0;
      for (let vid = VID_MIN; vid <= VID_MAX; vid++) {
        if ((this.flags[vid]! & VLAN_UNTAGGED) === 0) continue;
        if (sole !== 0) {
          sole = -1;
          break;
        }
        sole = vid;
      }
      this.sole = sole;
    }
    return this.sole;
  }

  has(vid: number): boolean {
    return (this.flags[vid]! & VLAN_MEMBER) !== 0;
  }

  list(): PortVlan[] {
    const out: PortVlan[] = [];
    for (let vid = VID_MIN; vid <= VID_MAX; vid++) {
      const f = this.flags[vid]!;
      if (f !== 0) out.push({ vid, pvid: this.pvid === vid, untagged: (f & VLAN_UNTAGGED) !== 0 });
    }
    return out;
  }

  vids(): number[] {
    const out: number[] = [];
    for (let vid = VID_MIN; vid <= VID_MAX; vid++) if (this.flags[vid] !== 0) out.push(vid);
    return out;
  }
}

export function checkVid(vid: number): number {
  if (!Number.isInteger(vid) || vid < VID_MIN || vid > VID_MAX) {
    throw new BridgeError('invalid', `VID ${vid} is not in ${VID_MIN}..${VID_MAX}`);
  }
  return vid;
}

/**
 * What the bridge decided for one frame. The bridge owns a single
 * BridgeDecision and rewrites it on every call to `receive`, so deciding
 * allocates nothing; read it (or copy what you need) before the next call.
 */
import type { MacAddress } from '@wirestack/core';
import { macOf } from './fdb-table.js';
import { NO_REMOTES, type VxlanRemote } from './vxlan-fdb.js';

/**
 * - 'forward': known unicast, send out of `port`;
 * - 'flood': unknown unicast, broadcast or multicast, send out of every
 *   port in `floodPorts[0 .. floodCount)` except `exclude`;
 * - 'local': addressed to the bridge itself (one of its own or a permanent
 *   address), deliver to the bridge device only;
 * - 'trap': a link-local frame (01:80:c2:00:00:0x: STP, LACP, LLDP, 802.1X...)
 *   that a bridge never forwards: hand it to whatever control protocol
 *   runs on the ingress port;
 * - 'drop': see `reason`.
 */
export type BridgeAction = 'forward' | 'flood' | 'local' | 'trap' | 'drop';

/**
 * Why a frame was dropped:
 * - 'port-state': the ingress port is disabled, blocking or listening, or
 *   learning (which learns the source, then drops);
 * - 'invalid-source': a multicast or all-zero source MAC (never learned, never forwarded);
 * - 'truncated': a VLAN tag is announced but cut off;
 * - 'vlan-ingress': VLAN filtering: the frame's VLAN is not allowed on the
 *   ingress port, or it is untagged and the port has no PVID;
 * - 'same-port': known unicast whose destination is behind the ingress
 *   port (and the port is not in hairpin mode);
 * - 'egress': the destination port is not forwarding or not in the VLAN,
 *   or (for 'local') the bridge itself is not in the VLAN;
 * - 'pause': an 802.3x PAUSE frame (01:80:c2:00:00:01), consumed by the MAC;
 * - 'no-vtep': known unicast to a VXLAN port with no remote for it and no default;
 * - 'vxlan-conflict': traffic from a remote VTEP whose source MAC has a
 *   static entry pointing at another VTEP (Linux drops these too).
 */
export type DropReason =
  | 'port-state'
  | 'invalid-source'
  | 'truncated'
  | 'vlan-ingress'
  | 'same-port'
  | 'egress'
  | 'pause'
  | 'no-vtep'
  | 'vxlan-conflict';

const NO_PORTS = new Int32Array(0);
const NO_FLAGS = new Uint8Array(0);

export class BridgeDecision {
  action: BridgeAction = 'drop';
  /** Set when `action` is 'drop'. */
  reason: DropReason | undefined = undefined;
  /** The port the frame arrived on (0 = sent by the bridge device itself). */
  ingressPort = 0;
  /** The VLAN the frame was classified into: its tag's VID, or the PVID; 0 when VLAN filtering is off. */
  vid = 0;
  /** The frame carried a tag of the bridge's VLAN protocol (a priority tag included). */
  tagged = false;
  /** 'forward': the egress port. -1 otherwise. */
  port = -1;
  /** 'forward': the frame leaves `port` untagged (VLAN filtering on and the VLAN is untagged there). */
  untagged = false;
  /** 'forward' out of a VXLAN port: the remote VTEPs to send a copy to. */
  remotes: readonly VxlanRemote[] = NO_REMOTES;
  /**
   * A copy also goes up to the bridge device: for 'local', and for flooded
   * broadcast and multicast when the bridge itself is in the VLAN.
   */
  local = false;
  /** The copy for the bridge device leaves untagged (the VLAN is untagged on the bridge itself). */
  localUntagged = false;
  /**
   * 'flood': the ports of the VLAN that take this kind of traffic, a
   * precomputed array shared between decisions: only the first
   * `floodCount` are valid, and `exclude` is among them when it is set.
   */
  floodPorts: Int32Array = NO_PORTS;
  floodCount = 0;
  /** 'flood': parallel to `floodPorts`: 1 when the frame leaves that port untagged. */
  floodUntagged: Uint8Array = NO_FLAGS;
  /** 'flood': the ingress port, which gets no copy, or -1 when it does (hairpin mode). */
  exclude = -1;
  /** The destination MAC split as the FDB keys it (read `dst`). */
  dstHi = 0;
  dstLo = 0;

  get dst(): MacAddress {
    return macOf(this.dstHi, this.dstLo) as MacAddress;
  }

  /**
   * The egress ports as a new array: [port] for 'forward', the flood set
   * without `exclude` for 'flood', [] otherwise. Allocates: for tests and
   * tools; hot paths walk `floodPorts` themselves.
   */
  egressPorts(): number[] {
    if (this.action === 'forward') return [this.port];
    if (this.action !== 'flood') return [];
    const out: number[] = [];
    for (let i = 0; i < this.floodCount; i++) {
      const p = this.floodPorts[i]!;
      if (p !== this.exclude) out.push(p);
    }
    return out;
  }

  /**
   * @internal Clears the per-frame fields. `floodPorts` and `floodUntagged`
   * are left as they were: they are meaningful only with action 'flood',
   * which sets them (and `floodCount` is 0 otherwise).
   */
  reset(port: number): void {
    this.action = 'drop';
    this.reason = undefined;
    this.ingressPort = port;
    this.vid = 0;
    this.tagged = false;
    this.port = -1;
    this.untagged = false;
    // Compared first: storing an object costs a write barrier, and the
    // field is nearly always NO_REMOTES already.
    if (this.remotes !== NO_REMOTES) this.remotes = NO_REMOTES;
    this.local = false;
    this.localUntagged = false;
    this.floodCount = 0;
    this.exclude = -1;
  }
}

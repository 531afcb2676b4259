/**
 * A learning bridge as the Linux bridge driver behaves (net/bridge), sans
 * I/O: frames go in with the time, decisions come out, and nothing here
 * reads a clock or sends anything. See the README for the behaviours
 * reproduced and where they differ from the kernel.
 */
import { type Ipv4Address, type MacAddress, formatMac, isMulticastMac, macFromBytes } from '@wirestack/core';
import type { EthernetView } from '@wirestack/ethernet';
import { TPID_8021AD, TPID_8021Q } from '@wirestack/vlan';
import {
  C_DELIVERED,
  C_DROPPED,
  C_FLOODED,
  C_FORWARDED,
  C_LEARNED,
  C_LEARN_LIMIT,
  C_MOVED,
  C_OWN_SOURCE,
  C_REMOTE_LEARNED,
  C_REMOTE_LIMIT,
  C_REMOTE_MOVED,
  C_TRANSMITTED,
  C_TRAPPED,
  C_VLAN_FILTERED,
  COUNTER_NAMES,
  type PortCounters,
  clearPort,
  snapshot,
} from './counters.js';
import { BridgeDecision, type DropReason } from './decision.js';
import { retagFrame } from './egress.js';
import { BridgeError } from './errors.js';
import { FLAG_LOCAL, FLAG_STATIC, FLAG_STICKY, FdbTable, keyHi, macHi16, macLo32, macOf } from './fdb-table.js';
import { formatBridgeEntry, formatVxlanEntry } from './fdb-show.js';
import {
  FLAG_BCAST_FLOOD,
  FLAG_FLOOD,
  FLAG_HAIRPIN,
  FLAG_LEARNING,
  FLAG_MCAST_FLOOD,
  PORT_STATES,
  type PortInfo,
  type PortOptions,
  type PortRecord,
  type PortSettings,
  STATE_DISABLED,
  STATE_FORWARDING,
  STATE_LEARNING,
  stateCode,
} from './ports.js';
import { PortVlans, type PortVlan, VLAN_MEMBER, VLAN_UNTAGGED, type VlanFlags, checkVid } from './vlans.js';
import { NO_REMOTES, VxlanFdb, type VxlanEntryState, type VxlanRemote } from './vxlan-fdb.js';

/** Ports per bridge, as the kernel's BR_MAX_PORTS (port numbers are 10 bits); index 0 is the bridge itself. */
export const MAX_PORTS = 1024;

export interface BridgeOptions {
  /** The bridge device's name in listings (default 'br0'). */
  readonly name?: string;
  /** The bridge device's own MAC: frames to it are delivered locally ('local'). */
  readonly mac?: MacAddress;
  /** `vlan_filtering` (default false: VLANs are ignored, tags pass through untouched, FDB keys have VID 0). */
  readonly vlanFiltering?: boolean;
  /** `vlan_protocol`: the TPID of the tags the bridge filters on, 0x8100 (default) or 0x88a8. */
  readonly vlanProtocol?: number;
  /** `default_pvid`: the VLAN new ports (and the bridge itself) join as PVID, untagged (default 1; 0 = none). */
  readonly defaultPvid?: number;
  /** `ageing_time` in ms (default 300 000 = 300 s; 0 = learned entries never age). */
  readonly ageingTime?: number;
  /** Most dynamic entries in the FDB (default 65 536; 0 = no limit, the kernel's default). */
  readonly maxLearned?: number;
  /** Least time in ms between two ageing sweeps (default 1000); lookups honour expiry exactly regardless. */
  readonly gcInterval?: number;
  /** Seed of the FDB hash; give a random one where source MACs may be chosen by an attacker. */
  readonly hashSeed?: number;
}

/** One entry of the bridge FDB, as `fdbEntries` lists it. */
export interface FdbEntry {
  readonly mac: MacAddress;
  /** 0 when VLAN filtering is off (or for an entry that applies to untagged traffic of an unfiltered bridge). */
  readonly vlan: number;
  readonly port: number;
  /** The port's name (the bridge's own for port 0). */
  readonly dev: string;
  /** 'dynamic' = learned; 'static' = added, forwarded to its port; 'permanent' = added or own, delivered locally. */
  readonly state: 'dynamic' | 'static' | 'permanent';
  readonly sticky: boolean;
  /** Dynamic entries: ms since the MAC was last seen. */
  readonly age: number | undefined;
}

export interface FdbAddOptions {
  readonly mac: MacAddress;
  readonly port: number;
  /** Omitted: VID 0 and every VLAN of the port, as `bridge fdb add` without `vlan` does. */
  readonly vlan?: number;
  /**
   * 'static' forwards frames to the port; 'permanent' makes the address
   * local: frames to it are delivered to the bridge, not forwarded
   * (iproute2's default when neither word is given).
   */
  readonly state: 'static' | 'permanent';
  /** The entry never moves to another port (`sticky`). */
  readonly sticky?: boolean;
}

export interface VxlanFdbAddOptions {
  /** Inner destination MAC; 00:00:00:00:00:00 for the default (BUM) destinations. */
  readonly mac: MacAddress;
  /** The remote VTEP (`dst`). */
  readonly dst: Ipv4Address;
  /** `vni` to send with (default: the port's VNI). */
  readonly vni?: number;
  /** `port`: UDP destination port (default: the port's dstPort). */
  readonly dstPort?: number;
  /** Default 'permanent', as iproute2. */
  readonly state?: 'static' | 'permanent';
}

/** How `fdbAdd`/`vxlanFdbAdd` treat an existing entry, as the `bridge fdb` verbs do. */
export type FdbAddMode = 'add' | 'replace' | 'append';

const FLOOD_UNKNOWN = 0;
const FLOOD_MULTICAST = 1;
const FLOOD_BROADCAST = 2;
const FLOOD_KIND_FLAG = [FLAG_FLOOD, FLAG_MCAST_FLOOD, FLAG_BCAST_FLOOD];

interface FloodSet {
  readonly ports: Int32Array;
  readonly untagged: Uint8Array;
  readonly count: number;
}

/** `Bridge.fastPorts` bits (written as literals in `receive`). */
const FAST_INGRESS = 1;
const FAST_EGRESS = 2;
const FAST_HAIRPIN = 4;

/** Link-local group addresses 01:80:c2:00:00:00..0f, split as the FDB keys MACs. */
const LINK_LOCAL_HI = 0x0180;
const LINK_LOCAL_LO = 0xc2000000 | 0;
const PAUSE_LO = LINK_LOCAL_LO | 1;
const BROADCAST_LO = -1;

export class Bridge {
  readonly name: string;
  readonly mac: MacAddress | undefined;
  readonly vlanProtocol: number;
  readonly defaultPvid: number;
  private vlanFiltering_: boolean;
  private ageingTime_: number;
  readonly maxLearned: number;
  readonly gcInterval: number;

  /** The bridge FDB. */
  private readonly table: FdbTable;
  /** Dynamic entries in the table, total and per port. */
  private learnedTotal = 0;
  private readonly learnedOn = new Int32Array(MAX_PORTS);
  private readonly portMax = new Int32Array(MAX_PORTS);
  private readonly stateOf = new Uint8Array(MAX_PORTS);
  private readonly flagsOf = new Uint8Array(MAX_PORTS);
  private readonly pvidOf = new Int32Array(MAX_PORTS);
  /**
   * What `receive`'s fast path needs of a port in one word: FAST_INGRESS
   * (1: a port, not the bridge, forwarding with learning on), FAST_EGRESS
   * (2: a port forwarding, not a VXLAN port, with at most one VLAN
   * untagged), FAST_HAIRPIN (4), that untagged VID (bits 4-15; 0 = none,
   * or VLAN filtering is off) and the PVID (bits 16-27).
   * Rebuilt by `invalidate` on every configuration change.
   */
  private readonly fastPorts = new Int32Array(MAX_PORTS);
  private readonly records: (PortRecord | undefined)[] = new Array<PortRecord | undefined>(MAX_PORTS).fill(undefined);
  /** Per port, its VLAN flags by VID (the same array its PortVlans holds). */
  private readonly vlanFlagsOf: Uint8Array[] = [];
  private readonly vxlanOf: (VxlanFdb | undefined)[] = new Array<VxlanFdb | undefined>(MAX_PORTS).fill(undefined);
  private readonly counterValues = new Float64Array(COUNTER_NAMES.length * MAX_PORTS);
  /** Learning refused because of the bridge-wide limit (`fdb_n_learned` at `fdb_max_learned`). */
  private bridgeLimitHits = 0;
  /** Flood sets by kind and VID, built on first use and dropped on any configuration change. */
  private readonly floodCache: (FloodSet | undefined)[] = new Array<FloodSet | undefined>(3 * 4096).fill(undefined);
  /** No dynamic entry (bridge or VXLAN FDB) expires before this; Infinity when there is none. */
  private gcDeadline = Infinity;
  private lastGc = -Infinity;
  /** The latest time the engine has been given. */
  private now_ = 0;
  private readonly decision = new BridgeDecision();

  constructor(options: BridgeOptions = {}) {
    this.name = options.name ?? 'br0';
    this.mac = options.mac;
    this.vlanFiltering_ = options.vlanFiltering ?? false;
    this.vlanProtocol = options.vlanProtocol ?? TPID_8021Q;
    if (this.vlanProtocol !== TPID_8021Q && this.vlanProtocol !== TPID_8021AD) {
      throw new BridgeError('invalid', `vlanProtocol must be 0x8100 or 0x88a8`);
    }
    this.defaultPvid = options.defaultPvid ?? 1;
    if (this.defaultPvid !== 0) checkVid(this.defaultPvid);
    this.ageingTime_ = checkNonNegative(options.ageingTime ?? 300_000, 'ageingTime');
    this.maxLearned = checkNonNegative(options.maxLearned ?? 65_536, 'maxLearned');
    this.gcInterval = checkNonNegative(options.gcInterval ?? 1000, 'gcInterval');
    this.table = new FdbTable(64, options.hashSeed ?? 0);
    if (this.mac !== undefined) checkUnicast(this.mac, 'mac');
    this.attach(0, { name: this.name, ...(this.mac !== undefined ? { mac: this.mac } : {}) }, 'bridge');
  }

  get vlanFiltering(): boolean {
    return this.vlanFiltering_;
  }

  get ageingTime(): number {
    return this.ageingTime_;
  }

  /** The latest `now` the bridge has been given. */
  get now(): number {
    return this.now_;
  }

  // ---------------------------------------------------------------- ports

  /** `ip link set dev X master br0`: returns the new port's index (the lowest free, from 1). */
  addPort(options: PortOptions): number {
    if (this.portByName(options.name) !== undefined) throw new BridgeError('exists', `port ${options.name} exists`);
    let index = 1;
    while (index < MAX_PORTS && this.records[index] !== undefined) index++;
    if (index === MAX_PORTS) throw new BridgeError('limit', `a bridge has at most ${MAX_PORTS - 1} ports`);
    if (options.mac !== undefined) checkUnicast(options.mac, 'mac');
    this.attach(index, options, options.vxlan !== undefined ? 'vxlan' : 'port');
    this.setPort(index, options);
    return index;
  }

  /** `ip link set dev X nomaster`: the port and every FDB entry on it go. */
  removePort(port: number): void {
    this.record(port);
    if (port === 0) throw new BridgeError('invalid', 'the bridge device itself cannot be removed');
    this.deleteEntries((p) => p === port, true);
    this.learnedOn[port] = 0;
    this.records[port] = undefined;
    this.vxlanOf[port] = undefined;
    this.stateOf[port] = STATE_DISABLED;
    this.flagsOf[port] = 0;
    this.pvidOf[port] = 0;
    clearPort(this.counterValues, MAX_PORTS, port);
    this.invalidate();
  }

  /**
   * `bridge link set dev X ...` / `ip link set dev X type bridge_slave ...`.
   * Disabling a port flushes its learned entries, as the kernel does when a
   * port goes down.
   */
  setPort(port: number, settings: PortSettings): void {
    this.record(port);
    if (port === 0) throw new BridgeError('invalid', 'the bridge device has no port settings');
    let flags = this.flagsOf[port]!;
    const set = (bit: number, value: boolean | undefined): void => {
      if (value !== undefined) flags = value ? flags | bit : flags & ~bit;
    };
    set(FLAG_LEARNING, settings.learning);
    set(FLAG_FLOOD, settings.flood);
    set(FLAG_MCAST_FLOOD, settings.multicastFlood);
    set(FLAG_BCAST_FLOOD, settings.broadcastFlood);
    set(FLAG_HAIRPIN, settings.hairpin);
    this.flagsOf[port] = flags;
    if (settings.maxLearned !== undefined) this.portMax[port] = checkNonNegative(settings.maxLearned, 'maxLearned');
    if (settings.state !== undefined) {
      const code = stateCode(settings.state);
      this.stateOf[port] = code;
      if (code === STATE_DISABLED) this.deleteEntries((p) => p === port, false);
    }
    this.invalidate();
  }

  port(port: number): PortInfo {
    const rec = this.record(port);
    const flags = this.flagsOf[port]!;
    return {
      index: port,
      name: rec.name,
      kind: rec.kind,
      mac: rec.mac,
      state: PORT_STATES[this.stateOf[port]!]!,
      learning: (flags & FLAG_LEARNING) !== 0,
      flood: (flags & FLAG_FLOOD) !== 0,
      multicastFlood: (flags & FLAG_MCAST_FLOOD) !== 0,
      broadcastFlood: (flags & FLAG_BCAST_FLOOD) !== 0,
      hairpin: (flags & FLAG_HAIRPIN) !== 0,
      maxLearned: this.portMax[port]!,
      learnedEntries: this.learnedOn[port]!,
      pvid: rec.vlans.pvid,
      vni: rec.vxlan?.vni,
    };
  }

  /** Every port, the bridge device (index 0) first. */
  ports(): PortInfo[] {
    const out: PortInfo[] = [];
    for (let p = 0; p < MAX_PORTS; p++) if (this.records[p] !== undefined) out.push(this.port(p));
    return out;
  }

  portByName(name: string): number | undefined {
    for (let p = 0; p < MAX_PORTS; p++) if (this.records[p]?.name === name) return p;
    return undefined;
  }

  portCounters(port: number): PortCounters {
    this.record(port);
    return snapshot(this.counterValues, MAX_PORTS, port);
  }

  /** Counters summed over every port, and the FDB's state. */
  counters(): PortCounters & { readonly bridgeLearnLimit: number } {
    return { ...snapshot(this.counterValues, MAX_PORTS, -1), bridgeLearnLimit: this.bridgeLimitHits };
  }

  /** Size of the FDB: entries (all kinds), dynamic ones, slots and bytes held. */
  fdbStats(): { entries: number; learned: number; capacity: number; bytes: number } {
    return {
      entries: this.table.size,
      learned: this.learnedTotal,
      capacity: this.table.capacity,
      bytes: this.table.byteLength,
    };
  }

  // ---------------------------------------------------------------- bridge settings

  /** `ip link set br0 type bridge vlan_filtering 0|1`. Entries stay; they are keyed by the VID they were learned in. */
  setVlanFiltering(on: boolean): void {
    this.vlanFiltering_ = on;
    this.invalidate();
  }

  /**
   * `ip link set br0 type bridge ageing_time` (ms; 0 = never). Takes effect
   * at once, for entries already learned too: like the kernel, which runs
   * its garbage collection right away, it sweeps at the latest `now`.
   */
  setAgeingTime(ms: number): void {
    this.ageingTime_ = checkNonNegative(ms, 'ageingTime');
    this.sweep(this.now_);
  }

  // ---------------------------------------------------------------- VLANs

  /** `bridge vlan add dev X vid N [pvid] [untagged]` (port 0: `dev br0 self`). */
  vlanAdd(port: number, vid: number, flags: VlanFlags = {}): void {
    const rec = this.record(port);
    rec.vlans.add(vid, flags);
    this.pvidOf[port] = rec.vlans.pvid;
    if (rec.mac !== undefined) this.addLocal(rec.mac, vid, port);
    this.invalidate();
  }

  /** `bridge vlan del dev X vid N`: also drops the port's learned entries in that VLAN, as the kernel does. */
  vlanDel(port: number, vid: number): void {
    const rec = this.record(port);
    if (!rec.vlans.delete(vid)) throw new BridgeError('not-found', `${rec.name} is not in VLAN ${vid}`);
    this.pvidOf[port] = rec.vlans.pvid;
    if (rec.mac !== undefined) this.removeLocal(rec.mac, vid, port);
    this.deleteEntries((p, v) => p === port && v === vid, false);
    this.invalidate();
  }

  /** `bridge vlan show dev X`. */
  vlans(port: number): PortVlan[] {
    return this.record(port).vlans.list();
  }

  // ---------------------------------------------------------------- frames

  /**
   * A frame arrived on `port` at time `now` (ms). Port 0 is the bridge
   * device itself: the host sending through the bridge (no learning, no
   * local copy). The view must be positioned at the Ethernet header (its
   * `reset` has checked the 14 bytes); the frame runs to the end of
   * `view.bytes`.
   *
   * Returns the bridge's one reusable decision: read it before the next call.
   */
  receive(port: number, frame: EthernetView, now: number): BridgeDecision {
    // The fast path: known unicast between two forwarding ports (or back
    // to the ingress port: 'same-port'), the source already learnt on this
    // port and alive. It decides exactly what `receiveFrame` would
    // (test/fast-path.test.ts holds it to that), and hands every other
    // frame to it before changing anything but an idempotent refresh of
    // the source's last-seen time. It is kept short because each frame's
    // two FDB reads usually miss the cache: the fewer instructions a frame
    // takes, the sooner the CPU reaches the next frame's reads while the
    // last ones are still outstanding. Constants are literals (named in
    // comments): imported constants are module variables, a load and a
    // check each in optimised code, and calls are written out (V8 inlines
    // by call counts, and these sites are cold while the table is learnt).
    const info = this.fastPorts[port];
    const table = this.table;
    if (info === undefined || (info & 1) /* FAST_INGRESS */ === 0) return this.receiveFrame(port, frame, now);
    if (now !== table.epochNow) {
      // A new time starts an epoch (see FdbTable), as in receiveFrame.
      if (now > this.now_) this.now_ = now;
      table.newEpoch(now);
    }
    const bytes = frame.bytes;
    const o = frame.offset;
    // The header's words as the FDB keys them, and the tag's TPID and TCI.
    // A frame at the start of its buffer (how netsim and most callers pass
    // them) is read at constant indices: V8 then compiles each read to a
    // bounds check and a load, where `o + k` adds an addition, an overflow
    // check and a sign extension (about 4% of the time per frame in the
    // benchmark).
    let dHi, dLo, sHi, sLo;
    let tpid = -1;
    let tci = 0;
    const filtering = this.vlanFiltering_;
    if (o === 0) {
      dHi = (bytes[0]! << 8) | bytes[1]!;
      dLo = (bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!;
      sHi = (bytes[6]! << 8) | bytes[7]!;
      sLo = (bytes[8]! << 24) | (bytes[9]! << 16) | (bytes[10]! << 8) | bytes[11]!;
      if (filtering && bytes.length >= 18) {
        tpid = (bytes[12]! << 8) | bytes[13]!;
        tci = (bytes[14]! << 8) | bytes[15]!;
      }
    } else {
      dHi = (bytes[o]! << 8) | bytes[o + 1]!;
      dLo = (bytes[o + 2]! << 24) | (bytes[o + 3]! << 16) | (bytes[o + 4]! << 8) | bytes[o + 5]!;
      sHi = (bytes[o + 6]! << 8) | bytes[o + 7]!;
      sLo = (bytes[o + 8]! << 24) | (bytes[o + 9]! << 16) | (bytes[o + 10]! << 8) | bytes[o + 11]!;
      if (filtering && bytes.length - o >= 18) {
        tpid = (bytes[o + 12]! << 8) | bytes[o + 13]!;
        tci = (bytes[o + 14]! << 8) | bytes[o + 15]!;
      }
    }
    // Group bit of either address (multicast source, flooded or link-local
    // destination), or an all-zero source.
    if (((dHi | sHi) & 0x0100) !== 0 || (sHi | sLo) === 0) return this.receiveFrame(port, frame, now);
    let vid = 0;
    let tagged = false;
    if (filtering) {
      // Shorter than a tagged header: receiveFrame tells a cut-off tag
      // ('truncated') from an untagged frame.
      if (tpid < 0) return this.receiveFrame(port, frame, now);
      if (tpid === this.vlanProtocol) {
        vid = tci & 0x0fff;
        tagged = true;
      }
      if (vid === 0) vid = info >>> 16; // the PVID
      // No PVID: receiveFrame's to drop. Whether the port is in the VLAN
      // needs no check here: a dynamic entry for the source on this port
      // in this VLAN (the only case handled here) proves it, because
      // entries are learnt only in VLANs their port is in, and `vlanDel`
      // deletes a port's entries in the VLAN it leaves.
      if (vid === 0) return this.receiveFrame(port, frame, now);
    }
    const rows = table.rows;
    const mask = table.mask;
    const seed = table.seed;
    const shi = (vid << 16) | sHi;
    const dhi = (vid << 16) | dHi;
    // fdbHash, written out (V8 left the calls out of line here).
    const sh = Math.imul(Math.imul(sLo ^ seed, 0x9e3779b1) ^ shi, 0x85ebca6b);
    const dh = Math.imul(Math.imul(dLo ^ seed, 0x9e3779b1) ^ dhi, 0x85ebca6b);
    let slot = (sh ^ (sh >>> 16)) & mask;
    let dslot = (dh ^ (dh >>> 16)) & mask;
    // Both home slots are read before either is branched on, so that their
    // cache misses overlap.
    let k = rows[slot * 3]!;
    let dk = rows[dslot * 3]!;
    while (k !== shi || rows[slot * 3 + 1] !== sLo) {
      if (k === -1 /* EMPTY */) return this.receiveFrame(port, frame, now);
      slot = (slot + 1) & mask;
      k = rows[slot * 3]!;
    }
    const stamp = table.stamp;
    const ageing = this.ageingTime_;
    // Last-seen times of entries not refreshed in this epoch: from the ring
    // when their epoch is one of the last 1024 (the ring's hot end), else
    // from `times`. Which one is a branch on the entry's stamp that the CPU
    // predicts well either way: with many frames per epoch the ring is
    // read; with a new `now` every frame (a fine-grained clock), `times`,
    // whose address is known before the stamp arrives, so the read overlaps
    // the slot's own cache miss instead of following it.
    const m = rows[slot * 3 + 2]!;
    // meta = (port | current stamp): a dynamic entry on this port already
    // refreshed at this very `now`. Otherwise: dynamic on this port and
    // alive gets refreshed here; anything else (new, moved, static, local,
    // expired) is learnSource's.
    if (m !== (port | stamp)) {
      if ((m & 0x1fff) /* KEEP_MASK */ !== port) return this.receiveFrame(port, frame, now);
      if (ageing !== 0) {
        const s = m >>> 13; /* STAMP_SHIFT */
        const seen = s !== 0 && (((stamp >>> 13) - s) & table.ringMask) < 1024 ? table.ring[s]! : table.times[slot]!;
        if (now - seen >= ageing) return this.receiveFrame(port, frame, now);
      }
      rows[slot * 3 + 2] = port | stamp;
      table.times[slot] = now;
    }
    while (dk !== dhi || rows[dslot * 3 + 1] !== dLo) {
      if (dk === -1 /* EMPTY */) return this.receiveFrame(port, frame, now);
      dslot = (dslot + 1) & mask;
      dk = rows[dslot * 3]!;
    }
    const dm = rows[dslot * 3 + 2]!;
    const to = dm & 0x3ff; /* PORT_MASK */
    // Static and local entries are receiveFrame's.
    if ((dm & 0x1c00) /* flags */ !== 0) return this.receiveFrame(port, frame, now);
    if (ageing !== 0 && (dm & ~0x1fff) !== stamp) {
      const s = dm >>> 13;
      const seen = s !== 0 && (((stamp >>> 13) - s) & table.ringMask) < 1024 ? table.ring[s]! : table.times[dslot]!;
      if (now - seen >= ageing) return this.receiveFrame(port, frame, now);
    }
    const d = this.decision;
    const c = this.counterValues;
    if (to === port) {
      // Both hosts behind the ingress port: 'same-port', unless hairpin
      // mode is on there (receiveFrame's). Common enough on shared
      // segments (1 frame in 64 in the benchmark) to be decided here.
      if ((info & 4) /* FAST_HAIRPIN */ !== 0) return this.receiveFrame(port, frame, now);
      d.reset(port);
      d.reason = 'same-port';
      d.vid = vid;
      d.tagged = tagged;
      d.dstHi = dHi;
      d.dstLo = dLo;
      c[port] = c[port]! + 1; // C_DROPPED
      return d;
    }
    // The egress port forwards, is not a VXLAN port, and at most one of
    // its VLANs is untagged (FAST_EGRESS); it is in the VLAN, being where
    // a dynamic entry of the VLAN lives (see above). With filtering on,
    // the frame leaves untagged if the VLAN is that one (bits 4-15).
    const eg = this.fastPorts[to]!;
    if ((eg & 2) /* FAST_EGRESS */ === 0) return this.receiveFrame(port, frame, now);
    const untagged = filtering && ((eg >>> 4) & 0xfff) === vid;
    // Every field of the decision, each written once: what reset() and a
    // 'forward' set. Calling reset() then overwriting measured 5% slower
    // (V8 kept both stores), and a method doing this was not inlined here.
    // test/fast-path.test.ts compares every field with receiveFrame's.
    d.action = 'forward';
    d.reason = undefined;
    d.ingressPort = port;
    d.vid = vid;
    d.tagged = tagged;
    d.port = to;
    d.untagged = untagged;
    if (d.remotes !== NO_REMOTES) d.remotes = NO_REMOTES;
    d.local = false;
    d.localUntagged = false;
    d.floodCount = 0;
    d.exclude = -1;
    d.dstHi = dHi;
    d.dstLo = dLo;
    // Counter-major: counter * MAX_PORTS (1024) + port.
    c[2048 + port] = c[2048 + port]! + 1; // C_FORWARDED
    c[6144 + to] = c[6144 + to]! + 1; // C_TRANSMITTED
    return d;
  }

  /** Every frame `receive`'s fast path does not take: the complete decision. */
  private receiveFrame(port: number, frame: EthernetView, now: number): BridgeDecision {
    if (this.records[port] === undefined) throw noSuchPort(port);
    if (now > this.now_) this.now_ = now;
    const table = this.table;
    // A new time starts an epoch (see FdbTable): whatever this frame
    // learns or refreshes is stamped with it.
    if (now !== table.epochNow) table.newEpoch(now);
    const d = this.decision;
    d.reset(port);
    const bytes = frame.bytes;
    const o = frame.offset;
    // The four halves of the addresses, as the FDB keys them: reading bytes
    // into int32 words avoids building 48-bit doubles on the hot path.
    const dHi = (bytes[o]! << 8) | bytes[o + 1]!;
    const dLo = (bytes[o + 2]! << 24) | (bytes[o + 3]! << 16) | (bytes[o + 4]! << 8) | bytes[o + 5]!;
    const sHi = (bytes[o + 6]! << 8) | bytes[o + 7]!;
    const sLo = (bytes[o + 8]! << 24) | (bytes[o + 9]! << 16) | (bytes[o + 10]! << 8) | bytes[o + 11]!;
    d.dstHi = dHi;
    d.dstLo = dLo;
    if ((sHi & 0x0100) !== 0 || (sHi | sLo) === 0) return this.drop(d, port, 'invalid-source');
    const state = this.stateOf[port]!;
    if (dHi === LINK_LOCAL_HI && (dLo & ~0xf) === LINK_LOCAL_LO && port !== 0) {
      return this.linkLocal(d, port, state, bytes, o, sHi, sLo, now);
    }
    if (state !== STATE_FORWARDING && state !== STATE_LEARNING) return this.drop(d, port, 'port-state');
    let vid = 0;
    if (this.vlanFiltering_) {
      vid = this.classify(port, bytes, o, d);
      if (vid < 0) return this.filtered(d, port, vid);
      d.vid = vid;
    }

    // Learning (br_fdb_update), then the destination lookup. The common
    // case of this has been `receive`'s fast path; here every case goes
    // through the table's accessors and the helpers.
    if ((this.flagsOf[port]! & FLAG_LEARNING) !== 0 && port !== 0) {
      const shi = keyHi(sHi, vid);
      this.learnSource(port, shi, sLo, now, table.find(shi, sLo));
    }
    if (state === STATE_LEARNING) return this.drop(d, port, 'port-state');

    if ((dHi & 0x0100) !== 0) {
      return this.flood(d, port, vid, dHi === 0xffff && dLo === BROADCAST_LO ? FLOOD_BROADCAST : FLOOD_MULTICAST, port !== 0);
    }
    const dslot = table.find(keyHi(dHi, vid), dLo);
    if (dslot < 0) return this.flood(d, port, vid, FLOOD_UNKNOWN, false);
    const flags = table.flagsAt(dslot);
    if ((flags & FLAG_LOCAL) !== 0 && port !== 0) return this.deliver(d, port, vid);
    if (flags === 0 && this.expired(table.seenAt(dslot), now)) return this.flood(d, port, vid, FLOOD_UNKNOWN, false);
    return this.forward(d, port, table.portAt(dslot), vid, now);
  }

  /**
   * A frame decapsulated by a VXLAN port, from the remote VTEP `remote`
   * (the outer source address). Learns inner source MAC → remote in the
   * port's VXLAN FDB first, as a Linux vxlan device does (a static entry
   * for that MAC pointing elsewhere drops the frame: 'vxlan-conflict'),
   * then bridges it as `receive` does.
   */
  receiveFromVtep(port: number, frame: EthernetView, now: number, remote: Ipv4Address): BridgeDecision {
    const vx = this.vxlan(port);
    const mac = macFromBytes(frame.bytes, frame.offset + 6);
    if (vx.learning && mac !== 0 && !isMulticastMac(mac)) {
      if (now > this.now_) this.now_ = now;
      const e = vx.entries.get(mac);
      if (e !== undefined && !vx.isExpired(e, now)) {
        const first = e.remotes[0];
        if (first === undefined || first.ip !== remote) {
          if (e.state !== 'dynamic') {
            const d = this.decision;
            d.reset(port);
            return this.drop(d, port, 'vxlan-conflict');
          }
          e.remotes = [{ ip: remote, vni: vx.vni, port: vx.dstPort }];
          this.count(C_REMOTE_MOVED, port);
        }
        if (e.state === 'dynamic') e.seen = now;
      } else if (e !== undefined) {
        // Expired but not yet swept: learned afresh in place.
        e.remotes = [{ ip: remote, vni: vx.vni, port: vx.dstPort }];
        e.seen = now;
        this.count(C_REMOTE_LEARNED, port);
      } else if (vx.maxAddresses > 0 && vx.learned >= vx.maxAddresses) {
        this.count(C_REMOTE_LIMIT, port);
      } else {
        vx.entries.set(mac, { mac, remotes: [{ ip: remote, vni: vx.vni, port: vx.dstPort }], state: 'dynamic', seen: now });
        vx.learned++;
        this.count(C_REMOTE_LEARNED, port);
        if (vx.ageingTime > 0 && now + vx.ageingTime < this.gcDeadline) this.gcDeadline = now + vx.ageingTime;
      }
    }
    return this.receive(port, frame, now);
  }

  /**
   * The remote VTEPs a frame to `dst` leaving VXLAN port `port` goes to:
   * the entry for `dst`, else the all-zero default entry (head-end
   * replication of BUM traffic), else none. The array is the bridge's own:
   * do not modify it.
   */
  vxlanRemotes(port: number, dst: MacAddress): readonly VxlanRemote[] {
    return this.vxlan(port).resolve(dst, this.now_);
  }

  /**
   * The frame as it leaves `port` in VLAN `vid` (a decision's `vid`): with
   * VLAN filtering on, tagged or untagged as the VLAN is configured there
   * (a priority tag becomes a real one), using @wirestack/vlan's push and
   * pop; with it off, unchanged. Returns `frame` itself when nothing
   * changes, else a new array. Port 0 gives the copy for the bridge device.
   */
  egressFrame(frame: Uint8Array, port: number, vid: number): Uint8Array {
    this.record(port);
    if (!this.vlanFiltering_) return frame;
    const untagged = (this.vlanFlagsOf[port]![vid]! & VLAN_UNTAGGED) !== 0;
    return retagFrame(frame, vid, untagged, this.vlanProtocol);
  }

  // ---------------------------------------------------------------- time

  /**
   * Time passes: sweeps out learned entries (bridge and VXLAN FDBs) whose
   * age reached the ageing time, when one may be due. Returns how many went.
   * Lookups already ignore expired entries; the sweep frees their room.
   */
  advance(now: number): number {
    if (now > this.now_) this.now_ = now;
    if (now < this.gcDeadline) return 0;
    return this.sweep(now);
  }

  /** When `advance` next has work to do, or undefined when no learned entry can age. */
  nextDeadline(): number | undefined {
    return this.gcDeadline === Infinity ? undefined : this.gcDeadline;
  }

  // ---------------------------------------------------------------- FDB

  /**
   * `bridge fdb add|replace MAC dev X [vlan N] master static|permanent
   * [sticky]`. 'add' throws BridgeError 'exists' when an entry for (MAC,
   * VID) is there, learned ones included; 'replace' overwrites it.
   */
  fdbAdd(entry: FdbAddOptions, mode: Exclude<FdbAddMode, 'append'> = 'add'): void {
    const rec = this.record(entry.port);
    checkUnicast(entry.mac, 'mac');
    if (entry.port === 0 && entry.state !== 'permanent') {
      throw new BridgeError('invalid', 'entries on the bridge device itself are permanent');
    }
    const vids = this.entryVids(rec, entry.vlan);
    const hi = macHi16(entry.mac);
    const lo = macLo32(entry.mac);
    if (mode === 'add') {
      for (const vid of vids) {
        if (this.table.find(keyHi(hi, vid), lo) >= 0) {
          throw new BridgeError('exists', `${formatMacShort(entry.mac)} vlan ${vid} is in the FDB (use 'replace')`);
        }
      }
    }
    const flags = (entry.state === 'permanent' ? FLAG_LOCAL | FLAG_STATIC : FLAG_STATIC) | (entry.sticky ? FLAG_STICKY : 0);
    for (const vid of vids) {
      let slot = this.table.find(keyHi(hi, vid), lo);
      if (slot >= 0) this.forgetDynamic(slot);
      else slot = this.table.insert(keyHi(hi, vid), lo);
      this.table.setPort(slot, entry.port);
      this.table.setFlags(slot, flags);
      this.table.setSeen(slot, this.now_);
    }
  }

  /**
   * `bridge fdb del MAC dev X [vlan N] master`: without a VLAN, VID 0 and
   * every VLAN of the port. Only entries pointing at `port` go; BridgeError
   * 'not-found' when there was none. Returns how many went.
   */
  fdbDel(entry: { readonly mac: MacAddress; readonly port: number; readonly vlan?: number }): number {
    const rec = this.record(entry.port);
    const vids = this.entryVids(rec, entry.vlan);
    let removed = 0;
    for (const vid of vids) {
      const slot = this.table.find(keyHi(macHi16(entry.mac), vid), macLo32(entry.mac));
      if (slot < 0 || this.table.portAt(slot) !== entry.port) continue;
      this.removeSlot(slot);
      removed++;
    }
    if (removed === 0) throw new BridgeError('not-found', `${formatMacShort(entry.mac)} is not in the FDB on ${rec.name}`);
    return removed;
  }

  /** Removes learned entries, of one port or all (`bridge fdb flush dev X dynamic`). Returns how many. */
  fdbFlush(port?: number): number {
    if (port !== undefined) this.record(port);
    return this.deleteEntries((p) => port === undefined || p === port, false);
  }

  /** The live entry for (MAC, VID), if any. */
  fdbLookup(mac: MacAddress, vlan = 0): FdbEntry | undefined {
    const slot = this.table.find(keyHi(macHi16(mac), vlan), macLo32(mac));
    if (slot < 0) return undefined;
    return this.entryAt(slot);
  }

  /** Every live entry of the bridge FDB, by port, MAC and VLAN. */
  fdbEntries(): FdbEntry[] {
    const out: FdbEntry[] = [];
    for (let s = 0; s < this.table.capacity; s++) {
      if (this.table.isEmpty(s)) continue;
      const e = this.entryAt(s);
      if (e !== undefined) out.push(e);
    }
    return out.sort((a, b) => a.port - b.port || a.mac - b.mac || a.vlan - b.vlan);
  }

  /**
   * `bridge fdb show`: one line per entry, the bridge FDB ("02:42:ac:11:00:02
   * dev veth0 vlan 1 master br0") then each VXLAN port's own
   * ("00:00:00:00:00:00 dev vxlan1 dst 192.168.1.2 self permanent"), port by port.
   */
  fdbShow(): string[] {
    const bridgeEntries = this.fdbEntries();
    const lines: string[] = [];
    let i = 0;
    for (let p = 0; p < MAX_PORTS; p++) {
      const rec = this.records[p];
      if (rec === undefined) continue;
      for (; i < bridgeEntries.length && bridgeEntries[i]!.port === p; i++) lines.push(formatBridgeEntry(bridgeEntries[i]!, this.name));
      if (rec.vxlan !== undefined) {
        for (const e of this.vxlanFdbEntries(p)) lines.push(...formatVxlanEntry(e, rec.name, rec.vxlan));
      }
    }
    return lines;
  }

  // ---------------------------------------------------------------- VXLAN FDB

  /**
   * `bridge fdb add|replace|append MAC dev vxlan1 dst IP [vni N] [port P]
   * [static|permanent]` (the device's own FDB, `self`):
   * - 'add' creates; BridgeError 'exists' when the MAC has an entry;
   * - 'replace' creates, or replaces the entry's first remote (not for the
   *   all-zero or a multicast MAC when absent: 'unsupported', as the kernel);
   * - 'append' adds a remote to the all-zero or a multicast MAC's list
   *   (head-end replication); a remote already listed is left alone.
   */
  vxlanFdbAdd(port: number, entry: VxlanFdbAddOptions, mode: FdbAddMode = 'add'): void {
    const vx = this.vxlan(port);
    checkMacValue(entry.mac);
    const remote: VxlanRemote = {
      ip: entry.dst,
      vni: checkRange(entry.vni ?? vx.vni, 0xff_ffff, 'vni'),
      port: checkRange(entry.dstPort ?? vx.dstPort, 0xffff, 'dstPort'),
    };
    const state: VxlanEntryState = entry.state ?? 'permanent';
    const group = entry.mac === 0 || isMulticastMac(entry.mac);
    const existing = vx.entries.get(entry.mac);
    if (existing === undefined) {
      if (mode === 'replace' && group) {
        throw new BridgeError('unsupported', `replace cannot create the entry of ${formatMacShort(entry.mac)}: use add or append`);
      }
      vx.entries.set(entry.mac, { mac: entry.mac, remotes: [remote], state, seen: this.now_ });
      return;
    }
    if (mode === 'add') throw new BridgeError('exists', `${formatMacShort(entry.mac)} is in the FDB of ${this.record(port).name}`);
    if (mode === 'append' && !group) {
      throw new BridgeError('unsupported', `append applies to the all-zero and multicast MACs only`);
    }
    if (existing.state === 'dynamic') vx.learned--;
    existing.state = state;
    if (mode === 'replace') existing.remotes = [remote, ...existing.remotes.slice(1)];
    else if (!existing.remotes.some((r) => sameRemote(r, remote))) existing.remotes = [...existing.remotes, remote];
  }

  /**
   * `bridge fdb del MAC dev vxlan1 [dst IP [vni N] [port P]]`: one remote
   * (the entry goes with its last), or the whole entry. BridgeError
   * 'not-found' when nothing matched.
   */
  vxlanFdbDel(port: number, entry: { readonly mac: MacAddress; readonly dst?: Ipv4Address; readonly vni?: number; readonly dstPort?: number }): void {
    const vx = this.vxlan(port);
    const e = vx.entries.get(entry.mac);
    if (e === undefined) throw new BridgeError('not-found', `${formatMacShort(entry.mac)} is not in the FDB of ${this.record(port).name}`);
    if (entry.dst === undefined) {
      vx.delete(entry.mac);
      return;
    }
    const match = (r: VxlanRemote): boolean =>
      r.ip === entry.dst && (entry.vni === undefined || r.vni === entry.vni) && (entry.dstPort === undefined || r.port === entry.dstPort);
    const kept = e.remotes.filter((r) => !match(r));
    if (kept.length === e.remotes.length) throw new BridgeError('not-found', `no such remote for ${formatMacShort(entry.mac)}`);
    if (kept.length === 0) vx.delete(entry.mac);
    else e.remotes = kept;
  }

  /** The live entries of a VXLAN port's FDB, by MAC (the all-zero default first). */
  vxlanFdbEntries(port: number): { mac: MacAddress; remotes: readonly VxlanRemote[]; state: VxlanEntryState; age: number | undefined }[] {
    const vx = this.vxlan(port);
    const now = this.now_;
    return [...vx.entries.values()]
      .filter((e) => !vx.isExpired(e, now))
      .sort((a, b) => a.mac - b.mac)
      .map((e) => ({ mac: e.mac, remotes: [...e.remotes], state: e.state, age: e.state === 'dynamic' ? now - e.seen : undefined }));
  }

  // ---------------------------------------------------------------- internals

  private attach(index: number, options: PortOptions, kind: PortRecord['kind']): void {
    const vlans = new PortVlans();
    const vxlan = options.vxlan !== undefined ? new VxlanFdb(checkVxlan(options.vxlan)) : undefined;
    const rec: PortRecord = { index, name: options.name, kind, mac: options.mac, vlans, vxlan };
    this.records[index] = rec;
    this.vlanFlagsOf[index] = vlans.flags;
    this.vxlanOf[index] = vxlan;
    this.stateOf[index] = STATE_FORWARDING;
    this.flagsOf[index] = index === 0 ? 0 : FLAG_LEARNING | FLAG_FLOOD | FLAG_MCAST_FLOOD | FLAG_BCAST_FLOOD;
    this.portMax[index] = 0;
    this.learnedOn[index] = 0;
    clearPort(this.counterValues, MAX_PORTS, index);
    if (options.mac !== undefined) this.addLocal(options.mac, 0, index);
    if (this.defaultPvid !== 0) this.vlanAdd(index, this.defaultPvid, { pvid: true, untagged: true });
    this.invalidate();
  }

  private record(port: number): PortRecord {
    const rec = Number.isInteger(port) ? this.records[port] : undefined;
    if (rec === undefined) throw noSuchPort(port);
    return rec;
  }

  private vxlan(port: number): VxlanFdb {
    const rec = this.record(port);
    if (rec.vxlan === undefined) throw new BridgeError('invalid', `${rec.name} is not a VXLAN port`);
    return rec.vxlan;
  }

  /**
   * The VID a frame belongs to: its tag's VID, or the port's PVID for an
   * untagged or priority-tagged frame (802.1Q; the kernel's
   * br_allowed_ingress); 0 with VLAN filtering off. -1: a tag is cut off;
   * -2: the VLAN is not allowed on the port.
   */
  private classify(port: number, bytes: Uint8Array, o: number, d: BridgeDecision): number {
    if (!this.vlanFiltering_) return 0;
    let vid = 0;
    if (((bytes[o + 12]! << 8) | bytes[o + 13]!) === this.vlanProtocol) {
      if (bytes.length - o < 18) return -1;
      vid = ((bytes[o + 14]! & 0x0f) << 8) | bytes[o + 15]!;
      d.tagged = true;
    }
    if (vid === 0) vid = this.pvidOf[port]!;
    // VID 4095 is never a member, so reserved-VID frames are filtered here.
    if (vid === 0 || (this.vlanFlagsOf[port]![vid]! & VLAN_MEMBER) === 0) return -2;
    return vid;
  }

  private expired(seen: number, now: number): boolean {
    const ageing = this.ageingTime_;
    return ageing > 0 && now - seen >= ageing;
  }

  /**
   * br_fdb_update, beyond the refresh `receive` does inline: learn (source
   * MAC, VID) → port, the key split as the table keys it; `found` is its
   * slot or -1. A local address as source is counted and ignored; a known
   * MAC on another port moves unless sticky (static entries move too, as in the kernel). New
   * entries respect the bridge-wide and per-port limits; a move onto a port
   * at its limit deletes the entry, so traffic to that MAC floods rather
   * than going to the port it left.
   */
  private learnSource(port: number, hi: number, lo: number, now: number, found: number): void {
    const table = this.table;
    let slot = found;
    if (slot >= 0) {
      const flags = table.flagsAt(slot);
      if ((flags & FLAG_LOCAL) !== 0) {
        this.count(C_OWN_SOURCE, port);
        return;
      }
      const from = table.portAt(slot);
      if ((flags & FLAG_STATIC) !== 0) {
        if (from !== port && (flags & FLAG_STICKY) === 0) {
          table.setPort(slot, port);
          this.count(C_MOVED, port);
        }
        return;
      }
      const wasExpired = this.expired(table.seenAt(slot), now);
      if (from !== port) {
        const max = this.portMax[port]!;
        if (max !== 0 && this.learnedOn[port]! >= max) {
          this.removeSlot(slot);
          this.count(C_LEARN_LIMIT, port);
          return;
        }
        this.learnedOn[from] = this.learnedOn[from]! - 1;
        this.learnedOn[port] = this.learnedOn[port]! + 1;
        table.setPort(slot, port);
        this.count(wasExpired ? C_LEARNED : C_MOVED, port);
      } else if (wasExpired) {
        this.count(C_LEARNED, port);
      }
      table.setSeen(slot, now);
      return;
    }
    if (this.atLimit(port)) {
      // Expired entries still hold room until swept: sweep (at most once
      // per gcInterval) before refusing.
      if (now >= this.gcDeadline) this.sweep(now);
      if (this.atLimit(port)) {
        if (this.maxLearned !== 0 && this.learnedTotal >= this.maxLearned) this.bridgeLimitHits++;
        this.count(C_LEARN_LIMIT, port);
        return;
      }
    }
    slot = table.insert(hi, lo);
    table.setPort(slot, port);
    table.setSeen(slot, now);
    this.learnedTotal++;
    this.learnedOn[port] = this.learnedOn[port]! + 1;
    this.count(C_LEARNED, port);
    const ageing = this.ageingTime_;
    if (ageing > 0 && now + ageing < this.gcDeadline) this.gcDeadline = now + ageing;
  }

  /** Link-local control frames are never forwarded; the protocol on the port (STP, LACP, LLDP, 802.1X) gets them in any state but disabled. */
  private linkLocal(d: BridgeDecision, port: number, state: number, bytes: Uint8Array, o: number, sHi: number, sLo: number, now: number): BridgeDecision {
    if (state === STATE_DISABLED) return this.drop(d, port, 'port-state');
    const vid = this.classify(port, bytes, o, d);
    if (vid >= 0 && (state === STATE_FORWARDING || state === STATE_LEARNING) && (this.flagsOf[port]! & FLAG_LEARNING) !== 0) {
      const hi = keyHi(sHi, vid);
      this.learnSource(port, hi, sLo, now, this.table.find(hi, sLo));
    }
    if (d.dstLo === PAUSE_LO) return this.drop(d, port, 'pause');
    d.action = 'trap';
    this.count(C_TRAPPED, port);
    return d;
  }

  private filtered(d: BridgeDecision, port: number, code: number): BridgeDecision {
    if (code === -1) return this.drop(d, port, 'truncated');
    this.count(C_VLAN_FILTERED, port);
    return this.drop(d, port, 'vlan-ingress');
  }

  private count(counter: number, port: number): void {
    const i = counter * MAX_PORTS + port;
    this.counterValues[i] = this.counterValues[i]! + 1;
  }

  private atLimit(port: number): boolean {
    const max = this.portMax[port]!;
    return (this.maxLearned !== 0 && this.learnedTotal >= this.maxLearned) || (max !== 0 && this.learnedOn[port]! >= max);
  }

  private drop(d: BridgeDecision, port: number, reason: DropReason): BridgeDecision {
    d.action = 'drop';
    d.reason = reason;
    this.count(C_DROPPED, port);
    return d;
  }

  /** To the bridge device itself, if it is in the VLAN (br_pass_frame_up checks the bridge's own VLANs). */
  private deliver(d: BridgeDecision, port: number, vid: number): BridgeDecision {
    if (this.vlanFiltering_) {
      const self = this.vlanFlagsOf[0]![vid]!;
      if ((self & VLAN_MEMBER) === 0) return this.drop(d, port, 'egress');
      d.localUntagged = (self & VLAN_UNTAGGED) !== 0;
    }
    d.action = 'local';
    d.local = true;
    this.count(C_DELIVERED, port);
    return d;
  }

  private forward(d: BridgeDecision, port: number, to: number, vid: number, now: number): BridgeDecision {
    if (to === port && (this.flagsOf[port]! & FLAG_HAIRPIN) === 0) return this.drop(d, port, 'same-port');
    if (this.stateOf[to] !== STATE_FORWARDING) return this.drop(d, port, 'egress');
    if (this.vlanFiltering_) {
      const f = this.vlanFlagsOf[to]![vid]!;
      if ((f & VLAN_MEMBER) === 0) return this.drop(d, port, 'egress');
      d.untagged = (f & VLAN_UNTAGGED) !== 0;
    }
    const vx = this.vxlanOf[to];
    if (vx !== undefined) {
      d.remotes = vx.resolve(macOf(d.dstHi, d.dstLo), now);
      if (d.remotes.length === 0) return this.drop(d, port, 'no-vtep');
    }
    d.action = 'forward';
    d.port = to;
    this.count(C_FORWARDED, port);
    this.count(C_TRANSMITTED, to);
    return d;
  }

  private flood(d: BridgeDecision, port: number, vid: number, kind: number, withLocal: boolean): BridgeDecision {
    const set = this.floodCache[kind * 4096 + vid] ?? this.buildFloodSet(kind, vid);
    d.action = 'flood';
    d.floodPorts = set.ports;
    d.floodUntagged = set.untagged;
    d.floodCount = set.count;
    d.exclude = (this.flagsOf[port]! & FLAG_HAIRPIN) !== 0 ? -1 : port;
    if (withLocal) {
      if (!this.vlanFiltering_) d.local = true;
      else {
        const self = this.vlanFlagsOf[0]![vid]!;
        d.local = (self & VLAN_MEMBER) !== 0;
        d.localUntagged = (self & VLAN_UNTAGGED) !== 0;
      }
    }
    this.count(C_FLOODED, port);
    return d;
  }

  /** The forwarding ports of a VLAN that take this kind of flooded traffic (br_flood's should_deliver). */
  private buildFloodSet(kind: number, vid: number): FloodSet {
    const flag = FLOOD_KIND_FLAG[kind]!;
    const ports: number[] = [];
    const untagged: number[] = [];
    for (let p = 1; p < MAX_PORTS; p++) {
      if (this.records[p] === undefined || this.stateOf[p] !== STATE_FORWARDING || (this.flagsOf[p]! & flag) === 0) continue;
      const f = this.vlanFlagsOf[p]![vid]!;
      if (this.vlanFiltering_ && (f & VLAN_MEMBER) === 0) continue;
      ports.push(p);
      untagged.push(this.vlanFiltering_ && (f & VLAN_UNTAGGED) !== 0 ? 1 : 0);
    }
    const set: FloodSet = { ports: Int32Array.from(ports), untagged: Uint8Array.from(untagged), count: ports.length };
    this.floodCache[kind * 4096 + vid] = set;
    return set;
  }

  private invalidate(): void {
    this.floodCache.fill(undefined);
    for (let p = 0; p < MAX_PORTS; p++) {
      const rec = this.records[p];
      const forwarding = p !== 0 && rec !== undefined && this.stateOf[p] === STATE_FORWARDING;
      const untagged = rec === undefined || !this.vlanFiltering_ ? 0 : rec.vlans.soleUntagged();
      this.fastPorts[p] =
        (forwarding && (this.flagsOf[p]! & FLAG_LEARNING) !== 0 ? FAST_INGRESS : 0) |
        (forwarding && this.vxlanOf[p] === undefined && untagged >= 0 ? FAST_EGRESS : 0) |
        ((this.flagsOf[p]! & FLAG_HAIRPIN) !== 0 ? FAST_HAIRPIN : 0) |
        (Math.max(untagged, 0) << 4) |
        (this.pvidOf[p]! << 16);
    }
  }

  /** Removes every expired learned entry from the bridge and VXLAN FDBs; schedules the next sweep. */
  private sweep(now: number): number {
    const table = this.table;
    let removed = 0;
    let next = Infinity;
    const ageing = this.ageingTime_;
    if (ageing > 0) {
      // Backward-shift deletion moves later entries into the freed slot,
      // so a slot is examined again after a removal.
      for (let s = 0; s < table.capacity; ) {
        if (table.isEmpty(s) || (table.flagsAt(s) & FLAG_STATIC) !== 0) {
          s++;
          continue;
        }
        const expiry = table.seenAt(s) + ageing;
        if (now >= expiry) {
          this.removeSlot(s);
          removed++;
        } else {
          if (expiry < next) next = expiry;
          s++;
        }
      }
    }
    for (const vx of this.vxlanOf) {
      if (vx === undefined) continue;
      const r = vx.collect(now);
      removed += r.removed;
      if (r.next < next) next = r.next;
    }
    this.lastGc = now;
    this.gcDeadline = next === Infinity ? Infinity : Math.max(next, this.lastGc + this.gcInterval);
    return removed;
  }

  /** Deletes entries whose (port, VID) match; static and local ones only when `all`. */
  private deleteEntries(match: (port: number, vid: number) => boolean, all: boolean): number {
    const table = this.table;
    let removed = 0;
    for (let s = 0; s < table.capacity; ) {
      if (!table.isEmpty(s) && (all || (table.flagsAt(s) & FLAG_STATIC) === 0) && match(table.portAt(s), table.hiAt(s) >>> 16)) {
        this.removeSlot(s);
        removed++;
      } else s++;
    }
    return removed;
  }

  private removeSlot(slot: number): void {
    this.forgetDynamic(slot);
    this.table.removeAt(slot);
  }

  /** Un-counts a dynamic entry about to be removed or made static. */
  private forgetDynamic(slot: number): void {
    if ((this.table.flagsAt(slot) & FLAG_STATIC) === 0) {
      this.learnedTotal--;
      this.learnedOn[this.table.portAt(slot)] = this.learnedOn[this.table.portAt(slot)]! - 1;
    }
  }

  /** A local address of a port (or the bridge): replaces a learned entry for it, keeps an existing local one. */
  private addLocal(mac: MacAddress, vid: number, port: number): void {
    const hi = keyHi(macHi16(mac), vid);
    const lo = macLo32(mac);
    let slot = this.table.find(hi, lo);
    if (slot >= 0) {
      if ((this.table.flagsAt(slot) & FLAG_LOCAL) !== 0) return;
      this.forgetDynamic(slot);
    } else slot = this.table.insert(hi, lo);
    this.table.setPort(slot, port);
    this.table.setFlags(slot, FLAG_LOCAL | FLAG_STATIC);
  }

  private removeLocal(mac: MacAddress, vid: number, port: number): void {
    const slot = this.table.find(keyHi(macHi16(mac), vid), macLo32(mac));
    if (slot >= 0 && (this.table.flagsAt(slot) & FLAG_LOCAL) !== 0 && this.table.portAt(slot) === port) this.table.removeAt(slot);
  }

  private entryVids(rec: PortRecord, vlan: number | undefined): number[] {
    if (vlan === undefined) return [0, ...rec.vlans.vids()];
    if (vlan === 0) return [0];
    checkVid(vlan);
    if (!rec.vlans.has(vlan)) throw new BridgeError('invalid', `VLAN ${vlan} is not configured on ${rec.name}`);
    return [vlan];
  }

  private entryAt(slot: number): FdbEntry | undefined {
    const table = this.table;
    const flags = table.flagsAt(slot);
    const seen = table.seenAt(slot);
    const dynamic = (flags & FLAG_STATIC) === 0;
    if (dynamic && this.expired(seen, this.now_)) return undefined;
    const port = table.portAt(slot);
    const hi = table.hiAt(slot);
    return {
      mac: macOf(hi, table.loAt(slot)) as MacAddress,
      vlan: hi >>> 16,
      port,
      dev: this.records[port]?.name ?? '?',
      state: dynamic ? 'dynamic' : (flags & FLAG_LOCAL) !== 0 ? 'permanent' : 'static',
      sticky: (flags & FLAG_STICKY) !== 0,
      age: dynamic ? this.now_ - seen : undefined,
    };
  }
}

function noSuchPort(port: number): BridgeError {
  return new BridgeError('no-such-port', `no port ${port} on this bridge`);
}

function checkNonNegative(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw new BridgeError('invalid', `${field} must be a finite number >= 0, not ${value}`);
  return value;
}

function checkRange(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new BridgeError('invalid', `${field} ${value} is not in 0..${max}`);
  return value;
}

function checkMacValue(mac: number): void {
  checkRange(mac, 0xffff_ffff_ffff, 'mac');
}

function checkUnicast(mac: MacAddress, field: string): void {
  checkMacValue(mac);
  if (mac === 0 || isMulticastMac(mac)) throw new BridgeError('invalid', `${field} must be a unicast, non-zero MAC`);
}

function checkVxlan(options: NonNullable<PortOptions['vxlan']>): NonNullable<PortOptions['vxlan']> {
  checkRange(options.vni, 0xff_ffff, 'vni');
  if (options.dstPort !== undefined) checkRange(options.dstPort, 0xffff, 'dstPort');
  if (options.ageingTime !== undefined) checkNonNegative(options.ageingTime, 'ageingTime');
  if (options.maxAddresses !== undefined) checkNonNegative(options.maxAddresses, 'maxAddresses');
  return options;
}

function sameRemote(a: VxlanRemote, b: VxlanRemote): boolean {
  return a.ip === b.ip && a.vni === b.vni && a.port === b.port;
}

function formatMacShort(mac: number): string {
  return formatMac(mac as MacAddress);
}

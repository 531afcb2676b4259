import { formatIpv4, type Ipv4Address } from '@wirestack/core';
import type { Rib } from '@wirestack/routing';
import { firstAs, splitAs4 } from './as-path.js';
import { attributesForPropagation, encodeAttributes } from './attributes.js';
import { decodeMessage, decodeUpdate, encodeMessage, type DecodedUpdate } from './codec.js';
import { DECISION_STEPS, decide, type Candidate, type DecisionOptions, type DecisionStepName, type RouteSource } from './decision.js';
import { isBgpError } from './errors.js';
import { BgpFramer } from './framer.js';
import {
  collisionWinner,
  eventForError,
  eventForMessage,
  expiredFsmTimer,
  initialFsmState,
  nextFsmDeadline,
  stepFsm,
  type BgpState,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
} from './fsm.js';
import type { AsPathSegment, BgpCodecOptions, BgpMessage, BgpPrefix, Capability, PathAttributes } from './messages.js';
import { AdjRibOut } from './adj-rib-out.js';
import { UpdateSlice } from './packer.js';
import { OUTPUT_SLICE, PeerOutput, keysBySet } from './peer-output.js';
import { applyPolicy, effectivePolicy, type Policy } from './policy.js';
import { NextHopResolver, type RibInstallOptions } from './install.js';
import { PrefixSlots, SlotTable } from './prefix-slots.js';
import { ChangedKeys } from './changed-keys.js';
import { AttributeStore, type ReceivedOctets } from './attribute-store.js';
import { prefixKey, prefixOfKey } from './nlri.js';
import { RouteTable } from './rib.js';
import { receivedAttributes } from './received-attributes.js';
import { reflectedAttributes, reflectionLoop, reflects } from './route-reflection.js';
import { listedKeys, withinPrefix, type RouteQuery } from './route-query.js';
import { announcedKeys, decodeUpdatePrefixKeys, updateSections, withdrawnKeys, type UpdateKeys, type UpdateSections } from './update.js';
import { MessageType, TYPE_OFFSET } from './layout.js';

/**
 * The sans-I/O BGP speaker: peers with their FSMs and connections, the
 * Adj-RIBs-In, the Loc-RIB with the decision process, the Adj-RIBs-Out
 * and UPDATE packing. It reads no clock and opens no socket: the driver
 * (src/transport) feeds it connection events, bytes and the time, and
 * carries out the actions it queues (connect, write, close).
 *
 * Sending is paced by the driver, so a full table goes out at the speed
 * the peer reads it, in bounded memory. What a peer is still to be sent
 * is kept as prefix keys, not messages (peer-output.ts): the initial
 * table as a cursor over the Loc-RIB (End-of-RIB after its last UPDATE),
 * later changes in a queue where a prefix is at most once, so a prefix
 * that changes while the peer is slow goes out once, as it then is.
 * UPDATEs are packed from these in slices of about OUTPUT_SLICE octets
 * (one write action each): one per peer at the end of every input (data,
 * tick, announce, ...), and one per `output(now)` while `outputPending`
 * says more is waiting. When a connection's socket buffer is full the
 * driver calls `writable(connection, false, now)`, and nothing more is
 * packed for it until `writable(connection, true, now)`; changes keep
 * coalescing meanwhile. KEEPALIVEs and NOTIFICATIONs never wait: they are
 * queued when due, paused or not (behind what was already written). The
 * node driver (transport/speaker.ts) reports socket.write's return value
 * and 'drain', and calls `output` from setImmediate, so timers and other
 * peers are served between slices. MRAI (`minRouteAdvertisementInterval`)
 * holds advertisements, not withdrawals, and shows in `nextDeadline`.
 */

export interface PeerConfig {
  readonly address: Ipv4Address;
  /** TCP port to connect to (default 179). */
  readonly port?: number;
  readonly asn: number;
  /** Only accept connections from this peer. */
  readonly passive?: boolean;
  /** Hold time to offer, seconds (default 90). */
  readonly holdTime?: number;
  readonly connectRetryTime?: number;
  /** Put our own address in NEXT_HOP even towards iBGP peers. */
  readonly nextHopSelf?: boolean;
  readonly import?: Policy;
  readonly export?: Policy;
  /**
   * MinRouteAdvertisementInterval (RFC 4271 §9.2.1.1), seconds: after
   * advertising routes to this peer, wait this long (times a jitter of
   * 0.75..1, §10) before advertising again; changes meanwhile are
   * coalesced and go out together. Withdrawals are never delayed. Default
   * 0 (send at once): BIRD and GoBGP have no MRAI and FRR's data-centre
   * profile sets 0; the RFC's suggested 30 s for eBGP and 5 s for iBGP
   * slow convergence more than they save on today's links and CPUs.
   */
  readonly minRouteAdvertisementInterval?: number;
  /** Cease / Maximum Number of Prefixes Reached (6/1, RFC 4486) when the Adj-RIB-In would exceed this. */
  readonly maxPrefixes?: number;
  /** Log a warning once when the Adj-RIB-In reaches this many routes (default: 90% of maxPrefixes). */
  readonly maxPrefixesWarning?: number;
  /**
   * Seconds (1..65535) the session stays down after the max-prefix Cease
   * before it restarts by itself (FRR's `maximum-prefix N restart M`).
   * Without it, the session stays down until `resetPeer` (or a restart
   * of the speaker), as FRR's default and BIRD's `receive limit` do: a peer
   * that sends too much would send it again.
   */
  readonly maxPrefixRestart?: number;
  /** Seconds before the first automatic restart after a failure (default 5, doubling per flap). */
  readonly idleHoldTime?: number;
  /**
   * A route reflector client (RFC 4456; iBGP peers only): routes from
   * non-client iBGP peers are reflected to it, and its routes to every
   * iBGP peer.
   */
  readonly routeReflectorClient?: boolean;
  /**
   * Keep the peer's routes as received, before import policy (soft
   * reconfiguration inbound, BIRD's `import table`), so a changed import
   * policy (`setPolicy`) is applied without asking the peer, and
   * `routes({ peer, prePolicy: true })` shows them. Off by default: it
   * holds a second table of the peer's routes.
   */
  readonly keepPrePolicy?: boolean;
}

export interface EngineConfig {
  readonly asn: number;
  readonly routerId: Ipv4Address;
  /** The address this speaker puts in NEXT_HOP when it is the next hop (default: routerId). */
  readonly nextHop?: Ipv4Address;
  /** The CLUSTER_ID of RFC 4456 a route reflector puts in CLUSTER_LIST (default: routerId). */
  readonly clusterId?: Ipv4Address;
  readonly peers: readonly PeerConfig[];
  readonly decision?: DecisionOptions;
  /** Uniform random numbers in [0, 1) for timer jitter. */
  readonly random: () => number;
  /**
   * A routing table to install best routes into (protocol bgp, the next hop
   * as gateway) and to check next hops against: a route whose next hop the
   * table cannot reach is not eligible, and the metric of the route that
   * reaches it is the IGP cost of RFC 4271 §9.1.2.2 (e).
   */
  readonly rib?: Rib;
  /** Where and how routes are installed into `rib` (default: table main, metric 20). */
  readonly install?: RibInstallOptions;
  /**
   * Emit a 'route' event per change of best route (default true). A full
   * table is a million of them: a driver that only needs counts (the CLI,
   * a route server) turns them off and saves their allocation.
   */
  readonly routeEvents?: boolean;
}

export type EngineAction =
  | { readonly type: 'connect'; readonly connection: number; readonly address: Ipv4Address; readonly port: number }
  | { readonly type: 'write'; readonly connection: number; readonly bytes: Uint8Array }
  | { readonly type: 'close'; readonly connection: number };

/** A route of a RIB: its prefix, attributes and where it came from. */
export interface Route {
  readonly prefix: BgpPrefix;
  readonly attributes: PathAttributes;
  readonly source: RouteSource;
}

/** A Loc-RIB route, with the decision step that made it the best one. */
export interface BestRoute extends Route {
  readonly decidedBy: DecisionStepName | 'only-route';
}

/** What `setPolicy` changes: a key given replaces that policy (undefined: back to the default, RFC 8212's deny on eBGP); an absent key leaves it. */
export interface PolicyChange {
  readonly import?: Policy | undefined;
  readonly export?: Policy | undefined;
}

export type EngineEvent =
  | { readonly type: 'state'; readonly peer: Ipv4Address; readonly from: BgpState; readonly to: BgpState }
  | { readonly type: 'route'; readonly prefix: BgpPrefix; readonly best: BestRoute | undefined }
  | { readonly type: 'notification'; readonly peer: Ipv4Address; readonly direction: 'sent' | 'received'; readonly code: number; readonly subcode: number }
  | { readonly type: 'log'; readonly peer?: Ipv4Address; readonly message: string };

export interface PeerCounters {
  /** Prefixes announced to us (NLRI and MP_REACH). */
  readonly received: number;
  /** Routes in the Adj-RIB-In after import policy. */
  readonly accepted: number;
  /** Routes in the Adj-RIB-Out. */
  readonly advertised: number;
  /** Routes in the Adj-RIB-In before import policy (only with `keepPrePolicy`). */
  readonly prePolicy?: number;
}

interface Connection {
  readonly id: number;
  readonly initiatedLocally: boolean;
  readonly framer: BgpFramer;
  /** A socket exists (connected or connecting). */
  open: boolean;
}

interface Peer {
  /** 1.. in configuration order; 0 is our own routes (the Loc-RIB stores this, not the source object). */
  readonly index: number;
  /** Replaced (not changed) by `setPolicy`. */
  config: PeerConfig;
  readonly external: boolean;
  readonly fsmConfig: FsmConfig;
  fsm: FsmState;
  /** The connection the FSM runs on. */
  connection: Connection | undefined;
  /** A second connection during collision detection (RFC 4271 §6.8), with its own FSM. */
  rival: { connection: Connection; fsm: FsmState } | undefined;
  readonly adjIn: RouteTable;
  /** The routes as received, before import policy (`keepPrePolicy`). */
  readonly adjInPre: RouteTable | undefined;
  /** Which route went to the peer for each prefix (adj-rib-out.ts). */
  readonly adjOut: AdjRibOut;
  received: number;
  /** The FSM state right after an UPDATE restarted the hold timer, and when (see `message`). */
  holdRestartFsm: FsmState | undefined;
  holdRestartAt: number;
  /** RFC 8212 logs once per direction. */
  warned: Set<string>;
}

const LOCAL_ADDRESS = 0 as Ipv4Address;

export class BgpEngine {
  private readonly store = new AttributeStore();
  private readonly peers = new Map<number, Peer>();
  private readonly byConnection = new Map<number, Peer>();
  /**
   * Loc-RIB: prefix key -> attribute-set id of the best route, with its
   * source (peer index, 0 for local) and deciding step packed in the extra
   * column: no object per route.
   */
  private readonly locRib: SlotTable;
  private readonly peerList: Peer[] = [];
  private readonly resolver: NextHopResolver | undefined;
  private readonly local: RouteTable;
  private readonly localSource: RouteSource;
  private readonly actions: EngineAction[] = [];
  private readonly events: EngineEvent[] = [];
  /** Prefixes whose best route changed since the last flush to the peers (ChangedKeys). */
  private dirty = new ChangedKeys();
  /** The batch the last flush handed out, emptied, for the next one (none while a flush runs). */
  private spareDirty: ChangedKeys | undefined;
  /** Per peer index: what is still to be sent to the peer (see peer-output.ts). */
  private readonly outputs: PeerOutput[] = [];
  /** Connections whose driver reported a full socket buffer (`writable`). */
  private readonly paused = new Set<number>();
  /** The latest time an input carried, for work that comes without one (announce, withdraw, routing-table changes). */
  private clock = 0;
  private nextConnection = 1;

  /** The prefixes' slots, shared by the Loc-RIB and every RouteTable: one hash lookup per prefix (PrefixSlots). */
  private readonly slots = new PrefixSlots();

  constructor(private readonly config: EngineConfig) {
    this.locRib = new SlotTable(this.slots);
    this.local = new RouteTable(this.store, this.slots);
    this.localSource = { kind: 'local', address: LOCAL_ADDRESS, bgpId: config.routerId, external: false };
    // Graceful restart with no families: End-of-RIB aware, helper only (RFC 4724 §3); extended messages (RFC 8654).
    const capabilities: Capability[] = [
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'route-refresh' },
      { kind: 'extended-message' },
      { kind: 'graceful-restart', restarted: false, notification: false, restartTime: 120, families: [] },
    ];
    this.peerList.length = 1; // index 0: our own routes
    for (const p of config.peers) {
      const index = this.peers.size + 1;
      const external = p.asn !== config.asn;
      checkPeerConfig(p, external, config.asn);
      const fsmConfig: FsmConfig = {
        localAs: config.asn,
        bgpId: config.routerId,
        peerAs: p.asn,
        capabilities,
        random: config.random,
        ...(p.holdTime === undefined ? {} : { holdTime: p.holdTime }),
        ...(p.connectRetryTime === undefined ? {} : { connectRetryTime: p.connectRetryTime }),
        ...(p.passive === undefined ? {} : { passive: p.passive }),
        ...(p.idleHoldTime === undefined ? {} : { idleHoldTime: p.idleHoldTime }),
      };
      this.peers.set(p.address, {
        index,
        config: p,
        external,
        fsmConfig,
        fsm: initialFsmState(fsmConfig),
        connection: undefined,
        rival: undefined,
        adjIn: new RouteTable(this.store, this.slots),
        adjInPre: p.keepPrePolicy ? new RouteTable(this.store, this.slots) : undefined,
        adjOut: new AdjRibOut(this.store, this.slots),
        received: 0,
        holdRestartFsm: undefined,
        holdRestartAt: 0,
        warned: new Set(),
      });
      this.peerList[index] = this.peers.get(p.address)!;
    }
    if (config.rib) {
      this.resolver = new NextHopResolver(config.rib, config.install ?? {}, () => this.nextHopsChanged());
      this.decisionOptions = { ...config.decision, igpCost: config.decision?.igpCost ?? ((nh) => this.resolver!.cost(nh)) };
    } else this.decisionOptions = config.decision ?? {};
  }

  private readonly decisionOptions: DecisionOptions;
  /** RFC 4456 CLUSTER_ID. */
  private get clusterId(): Ipv4Address {
    return this.config.clusterId ?? this.config.routerId;
  }

  /**
   * The routing table changed in a way that changes a next hop's
   * reachability or cost: every prefix is decided again (the number of
   * next hops is small, but which prefixes use one is not indexed).
   */
  private nextHopsChanged(): void {
    const keys = new Set<number>();
    this.local.forEach((key) => keys.add(key));
    for (const peer of this.peers.values()) peer.adjIn.forEach((key) => keys.add(key));
    for (const key of keys) this.decidePrefix(key);
    this.flush();
  }

  /** Actions queued since the last call, in order. */
  takeActions(): EngineAction[] {
    return this.actions.splice(0);
  }

  takeEvents(): EngineEvent[] {
    return this.events.splice(0);
  }

  /** Starts every peer (ManualStart; passive ones listen only). */
  start(now: number): void {
    for (const peer of this.peers.values()) this.fsmEvent(peer, { type: 'ManualStart' }, now);
  }

  /** Cease to every peer (Administrative Shutdown, with an optional RFC 9003 communication). */
  stop(now: number, communication?: string): void {
    for (const peer of this.peers.values()) {
      if (peer.rival) this.rivalEvent(peer, { type: 'ManualStop' }, now);
      this.fsmEvent(peer, communication === undefined ? { type: 'ManualStop' } : { type: 'ManualStop', communication }, now);
    }
  }

  /** Resets one peer's session: Cease / Administrative Reset, then a fresh start. */
  resetPeer(address: Ipv4Address, now: number): void {
    const peer = this.peers.get(address);
    if (!peer) return;
    this.fsmEvent(peer, { type: 'ManualStop', subcode: 4 }, now);
    this.fsmEvent(peer, { type: 'ManualStart' }, now);
  }

  /** The earliest time `tick` has work. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const peer of this.peers.values()) {
      for (const d of [nextFsmDeadline(peer.fsm), peer.rival ? nextFsmDeadline(peer.rival.fsm) : undefined, this.advertiseDeadline(peer)]) {
        if (d !== undefined && (next === undefined || d < next)) next = d;
      }
    }
    return next;
  }

  /** Fires every timer due by `now`. */
  tick(now: number): void {
    for (const peer of this.peers.values()) {
      for (let e = expiredFsmTimer(peer.fsm, now); e; e = expiredFsmTimer(peer.fsm, now)) this.fsmEvent(peer, e, now);
      if (peer.rival) for (let e = expiredFsmTimer(peer.rival.fsm, now); e && peer.rival; e = expiredFsmTimer(peer.rival.fsm, now)) this.rivalEvent(peer, e, now);
    }
    // MRAI rounds that are due, and whatever the timers changed
    this.flush(now);
  }

  /**
   * The driver's socket for `connection` cannot take more for now (false:
   * socket.write returned false) or has drained (true). No UPDATEs are
   * packed for a connection that cannot take them; drained, it gets the
   * next slice at once.
   */
  writable(connection: number, writable: boolean, now: number): void {
    this.clock = now;
    if (!writable) {
      if (this.byConnection.has(connection)) this.paused.add(connection);
      return;
    }
    if (this.paused.delete(connection)) this.flush(now);
  }

  /**
   * True when a connection that takes data has UPDATEs waiting beyond the
   * slices packed so far (MRAI-held ones do not count: `nextDeadline` has
   * them). The driver then calls `output` once it has served its other
   * work.
   */
  get outputPending(): boolean {
    for (const peer of this.peerList) {
      if (peer !== undefined && this.canSend(peer) && this.outputs[peer.index]?.ready(this.clock)) return true;
    }
    return false;
  }

  /** Packs the next slice of UPDATEs for every connection that takes data and has routes waiting. */
  output(now: number): void {
    this.flush(now);
  }

  /** An outgoing connection the engine asked for is up. */
  connected(connection: number, now: number): void {
    const peer = this.byConnection.get(connection);
    if (!peer || peer.connection?.id !== connection) return;
    this.fsmEvent(peer, { type: 'Tcp_CR_Acked' }, now);
  }

  /**
   * A peer connected to us. Returns false when the connection is refused
   * (unknown peer, Idle, or a session already Established); the engine has
   * then queued nothing for it and the driver closes it.
   */
  accepted(connection: number, remote: Ipv4Address, now: number): boolean {
    const peer = this.peers.get(remote);
    if (!peer) return false;
    const conn: Connection = { id: connection, initiatedLocally: false, framer: new BgpFramer(), open: true };
    switch (peer.fsm.state) {
      case 'Idle':
      case 'Established':
        return false;
      case 'Connect':
      case 'Active':
        // take the incoming connection, abandon our own attempt
        if (peer.connection?.open) this.close(peer.connection);
        this.bind(peer, conn);
        this.fsmEvent(peer, { type: 'TcpConnectionConfirmed' }, now);
        return true;
      default: {
        if (peer.rival) return false;
        const fsmConfig: FsmConfig = { ...peer.fsmConfig, passive: true, autoRestart: false };
        this.byConnection.set(connection, peer);
        peer.rival = { connection: conn, fsm: initialFsmState(fsmConfig) };
        this.rivalEvent(peer, { type: 'ManualStart_with_PassiveTcpEstablishment' }, now);
        this.rivalEvent(peer, { type: 'TcpConnectionConfirmed' }, now);
        return true;
      }
    }
  }

  /** The connection failed or closed. */
  closed(connection: number, now: number): void {
    const peer = this.byConnection.get(connection);
    this.byConnection.delete(connection);
    if (!peer) return;
    if (peer.rival?.connection.id === connection) {
      peer.rival.connection.open = false;
      this.rivalEvent(peer, { type: 'TcpConnectionFails' }, now);
    } else if (peer.connection?.id === connection) {
      peer.connection.open = false;
      this.fsmEvent(peer, { type: 'TcpConnectionFails' }, now);
    }
  }

  /** Bytes arrived on a connection. */
  data(connection: number, bytes: Uint8Array, now: number): void {
    const peer = this.byConnection.get(connection);
    const conn = peer && this.connectionOf(peer, connection);
    if (!peer || !conn) return;
    let frames: Uint8Array[];
    try {
      frames = conn.framer.push(bytes);
    } catch (error) {
      this.undecodable(peer, connection, error, now);
      this.flush(now);
      return;
    }
    for (const frame of frames) {
      // an earlier message of this chunk may have closed the connection
      if (!this.connectionOf(peer, connection)) break;
      this.message(peer, connection, frame, now);
    }
    this.flush(now);
  }

  private connectionOf(peer: Peer, id: number): Connection | undefined {
    if (peer.connection?.id === id) return peer.connection;
    if (peer.rival?.connection.id === id) return peer.rival.connection;
    return undefined;
  }

  /** Feeds an event to the FSM of whichever connection `id` is (the peer's or the rival). */
  private connectionEvent(peer: Peer, id: number, event: FsmEvent, now: number): void {
    if (peer.rival?.connection.id === id) this.rivalEvent(peer, event, now);
    else if (peer.connection?.id === id) this.fsmEvent(peer, event, now);
  }

  private message(peer: Peer, id: number, frame: Uint8Array, now: number): void {
    const fsm = peer.rival?.connection.id === id ? peer.rival.fsm : peer.fsm;
    const options: BgpCodecOptions = fsm.session?.receive ?? {};
    if (frame[TYPE_OFFSET] === MessageType.UPDATE) {
      if (!this.importKnownUpdate(peer, id, frame, options, now)) this.updateMessage(peer, id, frame, options, now);
      return;
    }
    let decoded;
    try {
      decoded = decodeMessage(frame, 0, options);
    } catch (error) {
      this.undecodable(peer, id, error, now);
      return;
    }
    const m = decoded.message;
    if (m.type === 'notification') {
      this.events.push({ type: 'notification', peer: peer.config.address, direction: 'received', code: m.code, subcode: m.subcode });
    }
    if (m.type === 'open' && this.collision(peer, id, m.bgpId, now)) return;
    this.stepForMessage(peer, id, eventForMessage(m), now);
    if (peer.connection?.id !== id || peer.fsm.state !== 'Established') return;
    if (m.type === 'route-refresh' && m.afi === 1 && m.safi === 1 && m.subtype === 0) {
      // every route again, even those the Adj-RIB-Out says the peer has; withdrawals still waiting stay queued
      this.sendTable(peer, { endOfRib: true, resend: true });
    }
  }

  /** Bytes that did not frame or decode: their BgpError's NOTIFICATION resets the connection (anything else is a bug, rethrown). */
  private undecodable(peer: Peer, id: number, error: unknown, now: number): void {
    if (!isBgpError(error)) throw error;
    this.connectionEvent(peer, id, eventForError(error.notification), now);
  }

  /** An UPDATE that importKnownUpdate did not take: decoded with its prefixes as keys (decodeUpdate), checked, imported. */
  private updateMessage(peer: Peer, id: number, frame: Uint8Array, options: BgpCodecOptions, now: number): void {
    let decoded: DecodedUpdate;
    try {
      decoded = decodeUpdate(frame, 0, options);
    } catch (error) {
      this.undecodable(peer, id, error, now);
      return;
    }
    if (decoded.handling === 'afisafi-disable') {
      // IPv4 unicast is the only family: disabling it leaves nothing, so reset (RFC 4760 §7 allows it)
      const error = decoded.errors.find((e) => e.handling === 'afisafi-disable')!;
      this.connectionEvent(peer, id, { type: 'UpdateMsgErr', notification: error.notification }, now);
      return;
    }
    this.stepForMessage(peer, id, UPDATE_EVENT, now);
    if (peer.connection?.id !== id || peer.fsm.state !== 'Established') return;
    for (const e of decoded.errors) this.events.push({ type: 'log', peer: peer.config.address, message: e.message });
    this.importUpdate(peer, decoded.update, decoded.handling === 'treat-as-withdraw', now, decoded.errors.length === 0 ? frame : undefined);
  }

  /** Feeds the FSM the event a message makes (KeepAliveMsg, UpdateMsg, ...: `eventForMessage`). */
  private stepForMessage(peer: Peer, id: number, event: FsmEvent | undefined, now: number): void {
    // In Established an UPDATE only restarts the hold timer, to the same deadline for every message of
    // one `data` call: step the FSM once per `now`. Its states are immutable, so the same state object
    // means no other event came in between.
    const onSession = event?.type === 'UpdateMsg' && peer.connection?.id === id;
    const repeat = onSession && peer.fsm.state === 'Established' && peer.fsm === peer.holdRestartFsm && peer.holdRestartAt === now;
    if (event && !repeat) {
      this.connectionEvent(peer, id, event, now);
      if (onSession) {
        peer.holdRestartFsm = peer.fsm;
        peer.holdRestartAt = now;
      }
    }
  }

  /**
   * An UPDATE on the Established session whose path-attribute octets are
   * those of a set the store keeps as octets from this kind of session
   * (AttributeStore.findReceived): the same octets import as the same set,
   * so only the prefixes are decoded. Returns false for anything else (the
   * full decode then deals with it, errors included).
   */
  private importKnownUpdate(peer: Peer, id: number, frame: Uint8Array, options: BgpCodecOptions, now: number): boolean {
    if (peer.connection?.id !== id || peer.fsm.state !== 'Established') return false;
    let setId: number;
    let prefixes: ReturnType<typeof decodeUpdatePrefixKeys>;
    try {
      const sections = updateSections(frame, 0, frame.length);
      // only octets that came with NLRI are kept: an UPDATE without NLRI is checked differently (RFC 4271 §5)
      if (sections.nlriStart === sections.end) return false;
      setId = this.store.findReceived(this.receivedOctets(peer, options, frame, sections));
      if (setId < 0) return false;
      prefixes = decodeUpdatePrefixKeys(frame, sections, options);
    } catch (error) {
      if (isBgpError(error)) return false;
      throw error;
    }
    this.stepForMessage(peer, id, UPDATE_EVENT, now);
    if (peer.connection?.id !== id || peer.fsm.state !== 'Established') return true;
    // our own reference while importing: the withdrawals may drop the set's last route
    this.store.retain(setId);
    this.importPrefixes(peer, prefixes.withdrawn, prefixes.nlri, setId, now);
    this.store.release(setId);
    return true;
  }

  /**
   * RFC 4271 §6.8: an OPEN arrived while the peer has two connections. The
   * connection initiated by the higher BGP Identifier stays, the other gets
   * OpenCollisionDump (Cease 6/7); a session already Established keeps its
   * connection. Returns true when the OPEN's own connection was dumped.
   */
  private collision(peer: Peer, id: number, remoteId: number, now: number): boolean {
    const rival = peer.rival;
    if (!rival) return false;
    const onRival = rival.connection.id === id;
    const other = onRival ? peer.fsm.state : rival.fsm.state;
    if (onRival && other === 'Established') {
      this.rivalEvent(peer, { type: 'OpenCollisionDump' }, now);
      return true;
    }
    if (other !== 'OpenSent' && other !== 'OpenConfirm') {
      // no collision after all: the other connection is gone or never got far
      if (onRival) this.promoteRival(peer);
      return false;
    }
    const keep = collisionWinner(this.config.routerId, remoteId);
    const rivalWins = (keep === 'locally-initiated') === rival.connection.initiatedLocally;
    if (rivalWins) {
      this.fsmEvent(peer, { type: 'OpenCollisionDump' }, now);
      this.promoteRival(peer);
      return !onRival;
    }
    this.rivalEvent(peer, { type: 'OpenCollisionDump' }, now);
    return onRival;
  }

  /** The rival connection and its FSM become the peer's. */
  private promoteRival(peer: Peer): void {
    const rival = peer.rival;
    if (!rival) return;
    if (peer.connection) this.close(peer.connection);
    const from = peer.fsm.state;
    peer.rival = undefined;
    peer.connection = rival.connection;
    peer.fsm = rival.fsm;
    if (from !== peer.fsm.state) this.events.push({ type: 'state', peer: peer.config.address, from, to: peer.fsm.state });
  }

  private bind(peer: Peer, conn: Connection): void {
    peer.connection = conn;
    this.byConnection.set(conn.id, peer);
  }

  private close(conn: Connection): void {
    if (!conn.open) return;
    conn.open = false;
    this.byConnection.delete(conn.id);
    this.actions.push({ type: 'close', connection: conn.id });
  }

  private write(conn: Connection | undefined, message: BgpMessage | Uint8Array, options: BgpCodecOptions, peer: Peer): void {
    if (!conn?.open) return;
    if (!(message instanceof Uint8Array) && message.type === 'notification') {
      this.events.push({ type: 'notification', peer: peer.config.address, direction: 'sent', code: message.code, subcode: message.subcode });
    }
    const bytes = message instanceof Uint8Array ? message : encodeMessage(message, options);
    this.actions.push({ type: 'write', connection: conn.id, bytes });
  }

  /** Steps the rival connection's FSM; it never connects and is dropped once it leaves the handshake. */
  private rivalEvent(peer: Peer, event: FsmEvent, now: number): void {
    const rival = peer.rival;
    if (!rival) return;
    const step = stepFsm({ ...peer.fsmConfig, passive: true, autoRestart: false }, rival.fsm, event, now);
    rival.fsm = step.state;
    for (const a of step.actions) {
      if (a.type === 'send') this.write(rival.connection, a.message, step.state.session?.send ?? {}, peer);
      else if (a.type === 'disconnect') this.close(rival.connection);
    }
    if (rival.fsm.state === 'Idle' && peer.rival === rival) {
      this.close(rival.connection);
      peer.rival = undefined;
    }
  }

  private fsmEvent(peer: Peer, event: FsmEvent, now: number): void {
    this.clock = now;
    const step = stepFsm(peer.fsmConfig, peer.fsm, event, now);
    peer.fsm = step.state;
    for (const a of step.actions) {
      switch (a.type) {
        case 'connect': {
          const conn: Connection = { id: this.nextConnection++, initiatedLocally: true, framer: new BgpFramer(), open: true };
          this.bind(peer, conn);
          this.actions.push({ type: 'connect', connection: conn.id, address: peer.config.address, port: peer.config.port ?? 179 });
          break;
        }
        case 'disconnect':
          if (peer.connection) this.close(peer.connection);
          break;
        case 'send':
          this.write(peer.connection, a.message, step.state.session?.send ?? {}, peer);
          break;
        case 'state':
          this.events.push({ type: 'state', peer: peer.config.address, from: a.from, to: a.to });
          if (a.to === 'Established') this.sessionUp(peer);
          if (a.from === 'Established') this.sessionDown(peer);
          break;
      }
    }
  }

  /** Connection ids are the engine's; a driver that accepts a socket asks for one here. */
  newConnectionId(): number {
    return this.nextConnection++;
  }

  private sessionUp(peer: Peer): void {
    const receive = peer.fsm.session?.receive;
    if (peer.connection && receive?.extendedMessage) peer.connection.framer.extendedMessage = true;
    peer.received = 0;
    this.sendTable(peer, { endOfRib: true, resend: false });
  }

  private sessionDown(peer: Peer): void {
    peer.adjInPre?.clear();
    // the loop warnings are per session
    peer.warned.delete('originator-id');
    peer.warned.delete('cluster-list');
    const keys = peer.adjIn.clear();
    peer.adjOut.clear();
    this.outputs[peer.index]?.clear();
    if (peer.connection) this.paused.delete(peer.connection.id);
    for (const key of keys) this.decidePrefix(key);
    this.flush();
  }

  // ---- routes in -----------------------------------------------------------------

  /**
   * A decoded UPDATE. `frame` is given when it decoded without error: a
   * new set is then kept as its octets (AttributeStore), which the next
   * UPDATE carrying the same octets finds without this (importKnownUpdate).
   */
  private importUpdate(peer: Peer, update: UpdateKeys, treatAsWithdraw: boolean, now: number, frame?: Uint8Array): void {
    const withdrawn = withdrawnKeys(update, treatAsWithdraw);
    const announced = treatAsWithdraw ? NO_KEYS : announcedKeys(update);
    const options = peer.fsm.session?.receive ?? {};
    const attributes = announced.length === 0 ? undefined : this.importAttributes(peer, update.attributes, options);
    let setId: number | undefined;
    if (attributes !== undefined) {
      const a = update.attributes;
      // the octets of an UPDATE with MP attributes hold prefixes too: that set is kept as an object
      const keep = frame !== undefined && update.nlri.length > 0 && a.mpReach === undefined && a.mpUnreach === undefined;
      setId = keep ? this.store.internReceived(this.receivedOctets(peer, options, frame, updateSections(frame, 0, frame.length))) : this.store.intern(attributes);
    }
    this.importPrefixes(peer, withdrawn, announced, setId, now);
    if (setId !== undefined) this.store.release(setId);
  }

  /** The path-attribute octets of an UPDATE from `peer`, as the store keeps and finds them. */
  private receivedOctets(peer: Peer, options: BgpCodecOptions, frame: Uint8Array, sections: UpdateSections): ReceivedOctets {
    return { bytes: frame, start: sections.attributesStart, end: sections.nlriStart, fourOctetAs: options.fourOctetAs === true, external: peer.external, peerAs: peer.config.asn };
  }

  /**
   * Withdraws `withdrawn` and stores `announced` (prefix keys) with the interned set
   * `setId` through the import policy (undefined: the announced routes are
   * treated as withdrawn: AS loop, wrong first AS).
   */
  private importPrefixes(peer: Peer, withdrawn: readonly number[], announced: readonly number[], setId: number | undefined, now: number): void {
    const pre = peer.adjInPre;
    // indexed loops: a for-of here allocated an iterator result per prefix (a full table is millions of them)
    for (let i = 0; i < withdrawn.length; i++) {
      const key = withdrawn[i]!;
      pre?.delete(key);
      if (peer.adjIn.delete(key)) this.decidePrefix(key);
    }
    if (announced.length === 0) return;
    peer.received += announced.length;
    const policy = effectivePolicy(peer.config.import, peer.external);
    if (peer.config.import === undefined && peer.external) this.warnOnce(peer, 'import');
    // read (perhaps decoded: AttributeStore) only for a policy function, the one policy that looks at it
    const attributes = setId === undefined || typeof policy !== 'function' ? undefined : this.store.get(setId);
    for (let i = 0; i < announced.length; i++) {
      const key = announced[i]!;
      if (pre !== undefined) {
        if (setId === undefined) pre.delete(key);
        else pre.setId(key, setId);
      }
      let changed: boolean;
      // 'accept' stores the set as received for every prefix; a function may change it per prefix
      if (setId !== undefined && policy === 'accept') changed = peer.adjIn.setId(key, setId);
      else changed = attributes === undefined ? peer.adjIn.delete(key) : this.importThrough(peer, policy, key, setId!, attributes);
      if (changed) this.decidePrefix(key);
      if (changed && this.overLimit(peer, now)) break;
    }
  }

  /**
   * Stores in `peer`'s Adj-RIB-In what the import policy makes of `key`'s
   * route with set `id` (`attributes`, the set as read): that set when the
   * policy returns it unchanged (a set kept as received octets is not
   * found again by structure), the changed attributes as a set of their
   * own, nothing when it rejects the route. Returns true when the
   * Adj-RIB-In changed.
   */
  private importThrough(peer: Peer, policy: Policy, key: number, id: number, attributes: PathAttributes): boolean {
    const accepted = applyPolicy(policy, { prefix: prefixOfKey(key), attributes, peer: peer.config.address });
    if (accepted === undefined) return peer.adjIn.delete(key);
    return accepted === attributes ? peer.adjIn.setId(key, id) : peer.adjIn.set(key, accepted);
  }

  /**
   * Max-prefix: a warning once at the threshold, and at the limit Cease 6/1
   * with the data RFC 4486 §4 gives it (AFI, SAFI, the upper bound); the
   * session restarts after `maxPrefixRestart` seconds, or stays down until
   * `resetPeer` without it. Returns true when it stopped the session.
   */
  private overLimit(peer: Peer, now: number): boolean {
    const max = peer.config.maxPrefixes;
    if (max === undefined) return false;
    const count = peer.adjIn.size;
    const warning = peer.config.maxPrefixesWarning ?? Math.floor(max * 0.9);
    if (count >= warning && !peer.warned.has('max-prefix')) {
      peer.warned.add('max-prefix');
      this.events.push({ type: 'log', peer: peer.config.address, message: `${count} prefixes reach the warning threshold ${warning} (limit ${max})` });
    }
    if (count <= max) return false;
    const data = new Uint8Array(7);
    data[1] = 1; // AFI IPv4
    data[2] = 1; // SAFI unicast
    data[3] = max >>> 24;
    data[4] = max >>> 16;
    data[5] = max >>> 8;
    data[6] = max;
    const restart = peer.config.maxPrefixRestart;
    const then = restart === undefined ? 'the session stays down until it is reset (resetPeer)' : `restarting in ${restart} s`;
    this.events.push({ type: 'log', peer: peer.config.address, message: `more than ${max} prefixes: Cease / Maximum Number of Prefixes Reached; ${then}` });
    peer.warned.delete('max-prefix');
    this.fsmEvent(peer, { type: 'AutomaticStop', subcode: 1, data, restartAfter: restart ?? 'never' }, now);
    return true;
  }

  /** The attributes as stored, or undefined when the routes must be ignored (loop, wrong first AS, RFC 4456 loop). */
  private importAttributes(peer: Peer, attributes: PathAttributes, options: BgpCodecOptions): PathAttributes | undefined {
    const a = receivedAttributes(attributes, { fourOctetAs: options.fourOctetAs === true, external: peer.external });
    const path = a.asPath ?? [];
    if (path.some((s) => s.asns.includes(this.config.asn))) return undefined; // AS loop (RFC 4271 §9.1.2)
    if (peer.external) {
      // RFC 7606 §7.2 / RFC 4271 §6.3: the first AS of an eBGP route is the peer's
      if (firstAs(path) !== peer.config.asn) {
        this.events.push({ type: 'log', peer: peer.config.address, message: `first AS of AS_PATH is not ${peer.config.asn}: treated as withdrawn` });
        return undefined;
      }
    } else {
      const loop = reflectionLoop(a, this.config.routerId, this.clusterId);
      if (loop !== undefined) {
        this.logOnce(peer, loop, loop === 'originator-id' ? 'ORIGINATOR_ID is our router id' : `CLUSTER_LIST holds our cluster id ${formatIpv4(this.clusterId)}`);
        return undefined;
      }
    }
    return a;
  }

  /** RFC 4456 §8 loops: logged once per session, the routes treated as withdrawn. */
  private logOnce(peer: Peer, what: string, why: string): void {
    if (peer.warned.has(what)) return;
    peer.warned.add(what);
    this.events.push({ type: 'log', peer: peer.config.address, message: `${why}: routes treated as withdrawn (RFC 4456 §8; logged once per session)` });
  }

  private warnOnce(peer: Peer, direction: 'import' | 'export'): void {
    if (peer.warned.has(direction)) return;
    peer.warned.add(direction);
    this.events.push({
      type: 'log',
      peer: peer.config.address,
      message: `RFC 8212: eBGP peer AS${peer.config.asn} has no ${direction} policy, so no routes are ${direction === 'import' ? 'accepted from' : 'sent to'} it`,
    });
  }

  /** Re-runs the decision process for one prefix and records a change of best route. */
  private decidePrefix(key: number): void {
    // the usual case while a table arrives, one route for the prefix: no candidate objects, no decision to run
    let onlyId: number | undefined;
    let onlyPeer: Peer | undefined;
    let found = this.local.idOf(key) === undefined ? 0 : 2;
    for (let i = 1; i < this.peerList.length && found < 2; i++) {
      const id = this.peerList[i]!.adjIn.idOf(key);
      if (id === undefined) continue;
      found++;
      onlyId = id;
      onlyPeer = this.peerList[i];
    }
    if (found === 1 && (!this.resolver || this.resolver.reachable(this.store.get(onlyId!).nextHop))) {
      this.setBest(key, onlyId!, onlyPeer!.index * 16);
      return;
    }
    const candidates: (Candidate & { attrId: number; index: number })[] = [];
    const localId = this.local.idOf(key);
    if (localId !== undefined) candidates.push({ source: this.localSource, attributes: this.store.get(localId), attrId: localId, index: 0 });
    for (const peer of this.peerList) {
      if (peer === undefined) continue;
      const id = peer.adjIn.idOf(key);
      if (id === undefined) continue;
      const attributes = this.store.get(id);
      // next-hop reachability (RFC 4271 §9.1.2): a route the routing table cannot reach is not eligible
      if (this.resolver && !this.resolver.reachable(attributes.nextHop)) continue;
      candidates.push({ source: this.sourceOf(peer), attributes, attrId: id, index: peer.index });
    }
    const decision = decide(candidates, this.decisionOptions);
    if (!decision) this.setBest(key, undefined, 0);
    else {
      const best = decision.best as Candidate & { attrId: number; index: number };
      this.setBest(key, best.attrId, best.index * 16 + STEP_INDEX.get(decision.decidedBy)!);
    }
  }

  /** Records the best route of `key` (attribute set, source index * 16 + step), or its absence; reports a change. */
  private setBest(key: number, attrId: number | undefined, extra: number): void {
    const oldId = this.locRib.get(key);
    const oldExtra = this.locRib.extra(key);
    if (attrId === undefined) {
      if (oldId === undefined) return;
      this.locRib.delete(key);
      this.store.release(oldId);
    } else {
      if (oldId === attrId && oldExtra >> 4 === extra >> 4) {
        if (oldExtra !== extra) this.locRib.set(key, oldId, extra);
        return;
      }
      this.store.retain(attrId);
      if (oldId !== undefined) this.store.release(oldId);
      this.locRib.set(key, attrId, extra);
    }
    this.dirty.add(key, attrId === undefined ? -1 : extra >> 4);
    this.bestChanges++;
    if (this.resolver === undefined && this.config.routeEvents === false) return;
    const best = this.bestRouteByKey(key);
    this.resolver?.install(key, best?.source.kind === 'peer' ? best.attributes.nextHop : undefined);
    if (this.config.routeEvents !== false) this.events.push({ type: 'route', prefix: best?.prefix ?? prefixOfKey(key), best });
  }

  private bestChanges = 0;

  /** Changes of best route so far (a counter that moves even when routeEvents is off). */
  get locRibChanges(): number {
    return this.bestChanges;
  }

  private readonly sources = new Map<Peer, RouteSource>();
  private sourceOf(peer: Peer): RouteSource {
    let s = this.sources.get(peer);
    const bgpId = peer.fsm.session?.remoteOpen.bgpId ?? (0 as Ipv4Address);
    if (!s || s.bgpId !== bgpId) {
      s = { kind: 'peer', address: peer.config.address, bgpId, external: peer.external };
      this.sources.set(peer, s);
    }
    return s;
  }

  /** The source a Loc-RIB entry's extra column names. */
  private sourceOfIndex(index: number): RouteSource {
    const peer = this.peerList[index];
    return peer === undefined ? this.localSource : this.sourceOf(peer);
  }

  // ---- routes out ----------------------------------------------------------------

  /** The attributes to send `peer` for the best route, or undefined to send nothing. */
  private exportAttributes(peer: Peer, key: number): PathAttributes | undefined {
    const attrId = this.locRib.get(key);
    if (attrId === undefined) return undefined;
    const sourceIndex = this.locRib.extra(key) >> 4;
    const best = { source: this.sourceOfIndex(sourceIndex) };
    if (best.source.kind === 'peer' && best.source.address === peer.config.address) return undefined; // not back to its source
    // iBGP to iBGP: split horizon (RFC 4271 §9.2), unless route reflection allows it (RFC 4456 §6)
    const reflected = best.source.kind === 'peer' && !best.source.external && !peer.external;
    if (reflected && !reflects(this.peerList[sourceIndex]?.config.routeReflectorClient === true, peer.config.routeReflectorClient === true)) return undefined;
    let a = attributesForPropagation(this.store.get(attrId));
    const self = this.config.nextHop ?? this.config.routerId;
    if (peer.external) {
      const { localPref: _l, originatorId: _o, clusterList: _c, med, ...rest } = a;
      // RFC 4271 §5.1.4: a MED learnt from one AS is not passed to another
      a = best.source.kind === 'local' && med !== undefined ? { ...rest, med } : rest;
      a = { ...a, nextHop: self };
    } else {
      a = { ...a, localPref: a.localPref ?? this.config.decision?.defaultLocalPref ?? 100 };
      // a reflected route keeps its NEXT_HOP (RFC 4456 §10): next-hop-self is for our own and eBGP routes (FRR without `force`)
      if (reflected) a = reflectedAttributes(a, best.source.bgpId, this.clusterId);
      else if (peer.config.nextHopSelf || a.nextHop === undefined) a = { ...a, nextHop: self };
    }
    if (a.origin === undefined) a = { ...a, origin: 'igp' };
    const policy = effectivePolicy(peer.config.export, peer.external);
    if (peer.config.export === undefined && peer.external) this.warnOnce(peer, 'export');
    const out = applyPolicy(policy, { prefix: prefixOfKey(key), attributes: a, peer: peer.config.address });
    if (out === undefined || !peer.external) return out;
    // Towards eBGP our AS goes in front after the policy (as FRR applies an outbound route-map before it),
    // so a policy sees the path as we learnt it and its own prepends end up behind ours; and no LOCAL_PREF
    // leaves the AS, whatever the policy set (RFC 4271 §5.1.5).
    const { localPref: _l, ...sent } = out;
    return { ...sent, asPath: prepend(sent.asPath ?? [], this.config.asn) };
  }

  /**
   * Starts a pass over the whole Loc-RIB for `peer`: the initial table
   * (End-of-RIB after it), or, with `resend` (also the routes the
   * Adj-RIB-Out says the peer has), the table again for a ROUTE-REFRESH
   * or a new export policy (the Adj-RIB-Out records which route went out,
   * not the attributes it went out with). The slices go out from `flush`.
   */
  private sendTable(peer: Peer, pass: { readonly endOfRib: boolean; readonly resend: boolean }): void {
    this.outputOf(peer).startTable(keysBySet(this.locRib), pass);
  }

  private outputOf(peer: Peer): PeerOutput {
    return (this.outputs[peer.index] ??= new PeerOutput((peer.config.minRouteAdvertisementInterval ?? 0) * 1000));
  }

  /** The peer's connection takes data: it is open and its driver has not said it is full. */
  private canSend(peer: Peer): boolean {
    const conn = peer.connection;
    return conn !== undefined && conn.open && !this.paused.has(conn.id);
  }

  /** When MRAI lets the changes waiting for `peer` go, if any wait on a connection that takes data. */
  private advertiseDeadline(peer: Peer): number | undefined {
    const out = this.outputs[peer.index];
    return out !== undefined && peer.fsm.state === 'Established' && this.canSend(peer) ? out.waitingUntil() : undefined;
  }

  /**
   * Hands the prefixes whose best route changed to every Established peer,
   * and packs a slice for each peer whose connection takes data and that
   * has something to send.
   */
  private flush(now = this.clock): void {
    this.clock = now;
    const changed = this.dirty;
    // a batch of its own: a policy function called from here may announce, which flushes again
    if (changed.count > 0) {
      this.dirty = this.spareDirty ?? new ChangedKeys();
      this.spareDirty = undefined;
    }
    for (const peer of this.peerList) {
      if (peer === undefined || peer.fsm.state !== 'Established') continue;
      const out = this.outputOf(peer);
      const writable = this.canSend(peer);
      const changes = changed.count === 0 ? NO_KEYS : this.changesFor(peer, changed);
      // the usual case, nothing waiting and no MRAI: the changes go straight into the slice, no queue
      const direct = changes.length > 0 && writable && out.interval === 0 && out.changes.size === 0;
      if (changes.length > 0 && !direct) this.enqueue(peer, out, changes);
      if (direct || (writable && out.ready(now))) this.sendSlice(peer, out, now, direct ? changes : undefined);
    }
    if (changed.count > 0) {
      changed.count = 0;
      this.spareDirty = changed;
    }
  }

  /**
   * The changed keys that may concern `peer`: not those whose new best
   * route came from the peer itself while it has nothing from us for them
   * (no route goes back to its source, and there is nothing to withdraw),
   * told from the batch's sources without a Loc-RIB lookup. A key that
   * changed more than once since the last flush has its latest source in
   * its last entry, so an earlier entry skipped here loses nothing.
   */
  private changesFor(peer: Peer, changed: ChangedKeys): number[] {
    const { keys, sources, count } = changed;
    const out: number[] = [];
    for (let i = 0; i < count; i++) if (sources[i] !== peer.index || peer.adjOut.has(keys[i]!)) out.push(keys[i]!);
    return out;
  }

  /** Queues changed prefixes for `peer`; with MRAI, withdrawals apart, since they do not wait for it. */
  private enqueue(peer: Peer, out: PeerOutput, keys: readonly number[]): void {
    if (out.interval === 0) {
      for (const key of keys) out.changes.push(key);
      return;
    }
    const memo = this.exportMemo(peer);
    for (const key of keys) {
      const what = this.pending(peer, key, memo);
      if (what === WITHDRAW) out.withdrawals.push(key);
      else if (what === ADVERTISE) out.changes.push(key);
    }
  }

  /**
   * Packs one slice of UPDATEs for `peer` (OUTPUT_SLICE octets, give or
   * take a message) and queues it as one write: withdrawals (with MRAI),
   * `fresh` changes (those that do not fit are queued), the waiting
   * changes when MRAI lets them go, then the table pass, with End-of-RIB
   * after the pass's last UPDATE.
   */
  private sendSlice(peer: Peer, out: PeerOutput, now: number, fresh?: readonly number[]): void {
    const options = peer.fsm.session?.send ?? {};
    const slice = new UpdateSlice(options);
    const memo = this.exportMemo(peer);
    while (slice.length < OUTPUT_SLICE && out.withdrawals.size > 0) {
      const key = out.withdrawals.shift()!;
      const what = this.pending(peer, key, memo);
      if (what === WITHDRAW) {
        peer.adjOut.delete(key);
        slice.withdraw(key);
      } else if (what === ADVERTISE) out.changes.push(key); // announced again meanwhile: it waits for its round
    }
    if (fresh !== undefined) {
      let i = 0;
      for (; i < fresh.length && slice.length < OUTPUT_SLICE; i++) this.offer(peer, slice, fresh[i]!, memo, false);
      if (i < fresh.length) this.enqueue(peer, out, fresh.slice(i));
    }
    if (out.openRound(now, this.config.random)) {
      for (let key: number | undefined; slice.length < OUTPUT_SLICE && (key = out.nextChange()) !== undefined; ) this.offer(peer, slice, key, memo, false);
    }
    const table = out.table;
    if (table !== undefined) {
      while (slice.length < OUTPUT_SLICE && out.tableAt < table.length) this.offer(peer, slice, table[out.tableAt++]!, memo, out.resend);
    }
    if (slice.length > 0) this.write(peer.connection, slice.pack(), options, peer);
    if (table !== undefined && out.tableAt >= table.length && out.endTable()) this.write(peer.connection, END_OF_RIB, {}, peer);
    for (const id of this.pendingRelease.splice(0)) this.store.release(id);
  }

  /**
   * Adds to the slice what `peer` needs for `key` now, and records it in
   * the Adj-RIB-Out. The checks that need no export work come first: the
   * usual prefix of a table being passed on is a route the peer has not
   * got, or has got already.
   */
  private offer(peer: Peer, slice: UpdateSlice, key: number, memo: ExportMemo | undefined, resend: boolean): void {
    const adjOut = peer.adjOut;
    const bestId = this.locRib.get(key);
    if (bestId === undefined) {
      if (adjOut.delete(key)) slice.withdraw(key);
      return;
    }
    const source = this.locRib.extra(key) >> 4;
    if (source === peer.index && !adjOut.has(key)) return; // not back to its source, and nothing to withdraw there
    if (!resend && adjOut.holds(key, bestId, source)) return;
    const attributes = this.exportOf(peer, key, bestId, source, memo);
    if (attributes === undefined) {
      if (adjOut.delete(key)) slice.withdraw(key);
      return;
    }
    adjOut.set(key, bestId, source);
    slice.announce(key, this.exportGroup(bestId, source, attributes, memo), attributes);
  }

  /** What `key` needs towards `peer` now: WITHDRAW, ADVERTISE, or NOTHING (see `offer`). */
  private pending(peer: Peer, key: number, memo: ExportMemo | undefined): number {
    const adjOut = peer.adjOut;
    const bestId = this.locRib.get(key);
    if (bestId === undefined) return adjOut.has(key) ? WITHDRAW : NOTHING;
    const source = this.locRib.extra(key) >> 4;
    if (source === peer.index && !adjOut.has(key)) return NOTHING;
    if (adjOut.holds(key, bestId, source)) return NOTHING;
    if (this.exportOf(peer, key, bestId, source, memo) !== undefined) return ADVERTISE;
    return adjOut.has(key) ? WITHDRAW : NOTHING;
  }

  /** The attributes `peer` gets for `key`'s best route (Loc-RIB set `bestId` from `source`), or undefined for none. */
  private exportOf(peer: Peer, key: number, bestId: number, source: number, memo: ExportMemo | undefined): PathAttributes | undefined {
    if (memo === undefined) return this.exportAttributes(peer, key);
    const memoKey = bestId * this.peerList.length + source;
    let attributes = memo.get(memoKey);
    if (attributes === undefined) {
      attributes = this.exportAttributes(peer, key) ?? null;
      memo.set(memoKey, attributes);
    }
    return attributes ?? undefined;
  }

  /**
   * Which prefixes of a slice share one UPDATE: those of one (Loc-RIB set,
   * source) when the export does not depend on the prefix (the memo's
   * key), else those whose exported attributes are equal (interned for
   * the slice only).
   */
  private exportGroup(bestId: number, source: number, attributes: PathAttributes, memo: ExportMemo | undefined): number {
    if (memo !== undefined) return bestId * this.peerList.length + source;
    const id = this.store.intern(attributes);
    this.pendingRelease.push(id);
    return id;
  }

  /**
   * Without a policy function the exported attributes depend only on the
   * best route's set and source, not on the prefix: a memo (per slice)
   * computes them once per pair.
   */
  private exportMemo(peer: Peer): ExportMemo | undefined {
    const policy = peer.config.export;
    return policy === undefined || typeof policy === 'string' ? new Map() : undefined;
  }

  /** References `exportGroup` took for one slice. */
  private readonly pendingRelease: number[] = [];

  // ---- API -----------------------------------------------------------------------

  /**
   * Originates a route (ORIGIN IGP and an empty AS_PATH unless given;
   * NEXT_HOP defaults to ours). `now` (for MRAI) defaults to the time of
   * the latest input.
   */
  announce(prefix: BgpPrefix, attributes: PathAttributes = {}, now = this.clock): void {
    const key = prefixKey(prefix.address, prefix.length);
    const a: PathAttributes = { origin: 'igp', asPath: [], nextHop: this.config.nextHop ?? this.config.routerId, ...attributes };
    encodeAttributes(a, { fourOctetAs: true }); // EncodeError now for values that cannot go on the wire
    if (this.local.set(key, a)) this.decidePrefix(key);
    this.flush(now);
  }

  withdraw(prefix: BgpPrefix, now = this.clock): void {
    const key = prefixKey(prefix.address, prefix.length);
    if (this.local.delete(key)) this.decidePrefix(key);
    this.flush(now);
  }

  bestRoute(prefix: BgpPrefix): BestRoute | undefined {
    return this.bestRouteByKey(prefixKey(prefix.address, prefix.length));
  }

  private bestRouteByKey(key: number): BestRoute | undefined {
    const attrId = this.locRib.get(key);
    if (attrId === undefined) return undefined;
    const extra = this.locRib.extra(key);
    return { prefix: prefixOfKey(key), attributes: this.store.get(attrId), source: this.sourceOfIndex(extra >> 4), decidedBy: STEP_NAMES[extra & 15]! };
  }

  /**
   * The best routes (of one peer, for a prefix: see `RouteQuery`) as an
   * array, or with `prePolicy` a peer's routes as received. For a whole
   * table, `eachRoute` yields them one at a time instead.
   */
  routes(query?: RouteQuery & { readonly prePolicy?: false }): BestRoute[];
  routes(query: RouteQuery): Route[];
  routes(query: RouteQuery = {}): Route[] {
    return [...this.eachRoute(query)];
  }

  /**
   * `routes` one at a time, in no particular order ('covering': shortest
   * first): no array of route objects. The matching prefixes are noted when
   * iteration starts (a number each); each route is read when it is
   * yielded, so one removed meanwhile is skipped and one changed is seen as
   * it is then. An unknown peer has no routes.
   */
  eachRoute(query?: RouteQuery & { readonly prePolicy?: false }): Generator<BestRoute, void, undefined>;
  eachRoute(query: RouteQuery): Generator<Route, void, undefined>;
  *eachRoute(query: RouteQuery = {}): Generator<Route, void, undefined> {
    const peer = query.peer === undefined ? undefined : this.peers.get(query.peer);
    if (query.peer !== undefined && peer === undefined) return;
    if (query.prePolicy) {
      if (peer === undefined) throw new TypeError('routes({ prePolicy: true }) needs a peer');
      const pre = peer.adjInPre;
      if (pre === undefined) throw new TypeError(`peer ${formatIpv4(peer.config.address)} does not keep its routes before import policy (keepPrePolicy)`);
      const source = this.sourceOf(peer);
      for (const key of matchingKeys(query, (fn) => pre.forEach(fn))) {
        const id = pre.idOf(key);
        if (id !== undefined) yield { prefix: prefixOfKey(key), attributes: this.store.get(id), source };
      }
      return;
    }
    const index = peer?.index;
    const scan = (fn: (key: number) => void) =>
      this.locRib.forEach((key, _id, extra) => {
        if (index === undefined || extra >> 4 === index) fn(key);
      });
    for (const key of matchingKeys(query, scan)) {
      if (index !== undefined && this.locRib.extra(key) >> 4 !== index) continue;
      const route = this.bestRouteByKey(key);
      if (route !== undefined) yield route;
    }
  }

  /**
   * Changes a peer's import and/or export policy while it runs. A new
   * import policy is applied to the routes kept before import policy
   * (`keepPrePolicy`); without them the peer is asked to send its routes
   * again with a ROUTE-REFRESH (RFC 2918) when it advertised the
   * capability, else the new policy applies to what it sends from now on
   * (logged; `resetPeer` applies it to all). A new export policy re-sends
   * the peer what changed. Effects go out at once, as with `announce`.
   */
  setPolicy(address: Ipv4Address, change: PolicyChange, now: number): void {
    const peer = this.peers.get(address);
    if (!peer) throw new RangeError(`no peer ${formatIpv4(address)}`);
    const { import: _i, export: _e, ...rest } = peer.config;
    const imp = 'import' in change ? change.import : peer.config.import;
    const exp = 'export' in change ? change.export : peer.config.export;
    peer.config = { ...rest, ...(imp === undefined ? {} : { import: imp }), ...(exp === undefined ? {} : { export: exp }) };
    // RFC 8212's explanation is due again if a default policy is back
    if ('import' in change) peer.warned.delete('import');
    if ('export' in change) peer.warned.delete('export');
    if (peer.fsm.state !== 'Established') return;
    if ('import' in change) this.reimport(peer, now);
    if ('export' in change && peer.fsm.state === 'Established') this.sendTable(peer, { endOfRib: false, resend: true });
    this.flush();
  }

  /** A new import policy on an Established session (see `setPolicy`). */
  private reimport(peer: Peer, now: number): void {
    const pre = peer.adjInPre;
    const address = peer.config.address;
    if (pre === undefined) {
      const session = peer.fsm.session;
      if (session?.remoteOpen.capabilities.some((c) => c.kind === 'route-refresh' || c.kind === 'enhanced-route-refresh')) {
        this.write(peer.connection, { type: 'route-refresh', afi: 1, safi: 1, subtype: 0 }, session.send, peer);
        this.events.push({ type: 'log', peer: address, message: 'import policy changed: ROUTE-REFRESH sent for the routes again' });
      } else {
        this.events.push({
          type: 'log',
          peer: address,
          message: 'import policy changed: the peer has no route-refresh capability and keepPrePolicy is off, so the policy applies to routes it sends from now on (resetPeer applies it to all)',
        });
      }
      return;
    }
    const policy = effectivePolicy(peer.config.import, peer.external);
    if (peer.config.import === undefined && peer.external) this.warnOnce(peer, 'import');
    const changed: number[] = [];
    pre.forEach((key, id) => {
      if (this.importThrough(peer, policy, key, id, this.store.get(id))) changed.push(key);
    });
    for (const key of changed) this.decidePrefix(key);
    this.overLimit(peer, now);
  }

  peerState(address: Ipv4Address): BgpState | undefined {
    return this.peers.get(address)?.fsm.state;
  }

  counters(address: Ipv4Address): PeerCounters | undefined {
    const peer = this.peers.get(address);
    if (!peer) return undefined;
    const counters = { received: peer.received, accepted: peer.adjIn.size, advertised: peer.adjOut.size };
    return peer.adjInPre === undefined ? counters : { ...counters, prePolicy: peer.adjInPre.size };
  }

  /** Routes in the Loc-RIB (best routes). */
  get locRibSize(): number {
    return this.locRib.size;
  }

  /** Distinct interned attribute sets (all RIBs share them). */
  get attributeSets(): number {
    return this.store.size;
  }
}

/** Configuration mistakes the engine cannot run with, named with the peer. */
function checkPeerConfig(p: PeerConfig, external: boolean, asn: number): void {
  const where = `peer ${formatIpv4(p.address)}`;
  if (p.routeReflectorClient && external) throw new RangeError(`${where}: routeReflectorClient is for iBGP peers only (its AS ${p.asn} is not our AS ${asn})`);
  const restart = p.maxPrefixRestart;
  if (restart !== undefined && !(restart >= 1 && restart <= 65535)) throw new RangeError(`${where}: maxPrefixRestart must be 1..65535 seconds, not ${restart}`);
  const mrai = p.minRouteAdvertisementInterval;
  if (mrai !== undefined && !(mrai >= 0 && mrai <= 65535)) throw new RangeError(`${where}: minRouteAdvertisementInterval must be 0..65535 seconds, not ${mrai}`);
}

/**
 * The keys of the routes `query` names by prefix, noted before any is
 * yielded. `scan` calls its argument with every key of the table that
 * passes the table's own filter (the peer, for the Loc-RIB).
 */
function matchingKeys(query: RouteQuery, scan: (fn: (key: number) => void) => void): number[] {
  const listed = query.prefix === undefined ? undefined : listedKeys(query.prefix, query.match);
  if (listed !== undefined) return listed;
  const keys: number[] = [];
  const within = query.prefix === undefined ? undefined : withinPrefix(query.prefix);
  scan((key) => {
    if (within === undefined || within(key)) keys.push(key);
  });
  return keys;
}

/** The deciding step as a number in the Loc-RIB's extra column. */
const STEP_NAMES: readonly (DecisionStepName | 'only-route')[] = ['only-route', ...DECISION_STEPS.map((s) => s.name)];
const STEP_INDEX = new Map(STEP_NAMES.map((name, i) => [name, i]));

const NO_KEYS: readonly number[] = [];
/** What every UPDATE is to the FSM (`eventForMessage`), made once: UPDATEs are decoded without a BgpMessage (importKnownUpdate, updateMessage). */
const UPDATE_EVENT: FsmEvent = { type: 'UpdateMsg' };

/** RFC 4724 §2: the End-of-RIB marker for IPv4 unicast, an empty UPDATE. */
const END_OF_RIB = encodeMessage({ type: 'update', withdrawn: [], attributes: {}, nlri: [] });

/** What a prefix needs towards a peer (`pending`). */
const NOTHING = 0;
const WITHDRAW = 1;
const ADVERTISE = 2;

/** Exported attributes by (Loc-RIB set, source) for one slice, null for none: see `exportMemo`. */
type ExportMemo = Map<number, PathAttributes | null>;

/** Our AS in front of the path (RFC 4271 §5.1.2), in the leading AS_SEQUENCE when it has room. */
function prepend(path: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  const first = path[0];
  if (first && first.type === 'sequence' && first.asns.length < 255) return [{ type: 'sequence', asns: [asn, ...first.asns] }, ...path.slice(1)];
  return [{ type: 'sequence', asns: [asn] }, ...path];
}

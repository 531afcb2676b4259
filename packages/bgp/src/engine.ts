import type { Ipv4Address } from '@wirestack/core';
import type { Rib } from '@wirestack/routing';
import { firstAs, mergeAs4, splitAs4 } from './as-path.js';
import { attributesForPropagation, encodeAttributes } from './attributes.js';
import { decodeMessage, encodeMessage } from './codec.js';
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
import type { AsPathSegment, BgpCodecOptions, BgpMessage, BgpPrefix, Capability, PathAttributes, UpdateMessage } from './messages.js';
import { packAnnouncements, packWithdrawals, type AnnouncementGroup } from './packer.js';
import { applyPolicy, effectivePolicy, type Policy } from './policy.js';
import { NextHopResolver, type RibInstallOptions } from './install.js';
import { PrefixTable } from './prefix-table.js';
import { AttributeStore, RouteTable, prefixKey, prefixOfKey } from './rib.js';
import { announcedPrefixes, withdrawnPrefixes } from './update.js';

/**
 * The sans-I/O BGP speaker: peers with their FSMs and connections, the
 * Adj-RIBs-In, the Loc-RIB with the decision process, the Adj-RIBs-Out
 * and UPDATE packing. It reads no clock and opens no socket: the driver
 * (src/transport) feeds it connection events, bytes and the time, and
 * carries out the actions it queues (connect, write, close).
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
  /** Cease / Maximum Number of Prefixes Reached (6/1, RFC 4486) when the Adj-RIB-In would exceed this. */
  readonly maxPrefixes?: number;
  /** Log a warning once when the Adj-RIB-In reaches this many routes (default: 90% of maxPrefixes). */
  readonly maxPrefixesWarning?: number;
  /** Seconds before the first automatic restart after a failure, max-prefix included (default 5, doubling per flap). */
  readonly idleHoldTime?: number;
}

export interface EngineConfig {
  readonly asn: number;
  readonly routerId: Ipv4Address;
  /** The address this speaker puts in NEXT_HOP when it is the next hop (default: routerId). */
  readonly nextHop?: Ipv4Address;
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
}

export type EngineAction =
  | { readonly type: 'connect'; readonly connection: number; readonly address: Ipv4Address; readonly port: number }
  | { readonly type: 'write'; readonly connection: number; readonly bytes: Uint8Array }
  | { readonly type: 'close'; readonly connection: number };

export interface BestRoute {
  readonly prefix: BgpPrefix;
  readonly attributes: PathAttributes;
  readonly source: RouteSource;
  readonly decidedBy: DecisionStepName | 'only-route';
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
  readonly config: PeerConfig;
  readonly external: boolean;
  readonly fsmConfig: FsmConfig;
  fsm: FsmState;
  /** The connection the FSM runs on. */
  connection: Connection | undefined;
  /** A second connection during collision detection (RFC 4271 §6.8), with its own FSM. */
  rival: { connection: Connection; fsm: FsmState } | undefined;
  readonly adjIn: RouteTable;
  readonly adjOut: RouteTable;
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
  private readonly locRib = new PrefixTable();
  private readonly peerList: Peer[] = [];
  private readonly resolver: NextHopResolver | undefined;
  private readonly local: RouteTable;
  private readonly localSource: RouteSource;
  private readonly actions: EngineAction[] = [];
  private readonly events: EngineEvent[] = [];
  /**
   * Prefixes whose best route changed since the last flush to the peers.
   * Repeats are harmless (the Adj-RIB-Out sees no change the second time),
   * and a plain array of doubles boxes nothing, where a Set of keys above
   * 2^31 allocates one number per route.
   */
  private dirty: number[] = [];
  private nextConnection = 1;

  constructor(private readonly config: EngineConfig) {
    this.local = new RouteTable(this.store);
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
        adjIn: new RouteTable(this.store),
        adjOut: new RouteTable(this.store),
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
      for (const d of [nextFsmDeadline(peer.fsm), peer.rival ? nextFsmDeadline(peer.rival.fsm) : undefined]) {
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
      if (!isBgpError(error)) throw error;
      this.connectionEvent(peer, connection, eventForError(error.notification), now);
      this.flush();
      return;
    }
    for (const frame of frames) {
      // an earlier message of this chunk may have closed the connection
      if (!this.connectionOf(peer, connection)) break;
      this.message(peer, connection, frame, now);
    }
    this.flush();
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
    let decoded;
    try {
      decoded = decodeMessage(frame, 0, options);
    } catch (error) {
      if (!isBgpError(error)) throw error;
      this.connectionEvent(peer, id, eventForError(error.notification), now);
      return;
    }
    const m = decoded.message;
    if (m.type === 'notification') {
      this.events.push({ type: 'notification', peer: peer.config.address, direction: 'received', code: m.code, subcode: m.subcode });
    }
    if (m.type === 'open' && this.collision(peer, id, m.bgpId, now)) return;
    if (m.type === 'update' && decoded.handling === 'afisafi-disable') {
      // IPv4 unicast is the only family: disabling it leaves nothing, so reset (RFC 4760 §7 allows it)
      const error = decoded.errors.find((e) => e.handling === 'afisafi-disable')!;
      this.connectionEvent(peer, id, { type: 'UpdateMsgErr', notification: error.notification }, now);
      return;
    }
    const event = eventForMessage(m);
    // In Established an UPDATE only restarts the hold timer, to the same deadline for every message of
    // one `data` call: step the FSM once per `now`. Its states are immutable, so the same state object
    // means no other event came in between.
    const onSession = m.type === 'update' && peer.connection?.id === id;
    const repeat = onSession && peer.fsm.state === 'Established' && peer.fsm === peer.holdRestartFsm && peer.holdRestartAt === now;
    if (event && !repeat) {
      this.connectionEvent(peer, id, event, now);
      if (onSession) {
        peer.holdRestartFsm = peer.fsm;
        peer.holdRestartAt = now;
      }
    }
    if (peer.connection?.id !== id || peer.fsm.state !== 'Established') return;
    if (m.type === 'update') {
      for (const e of decoded.errors) this.events.push({ type: 'log', peer: peer.config.address, message: e.message });
      this.importUpdate(peer, m, decoded.handling === 'treat-as-withdraw', now);
    } else if (m.type === 'route-refresh' && m.afi === 1 && m.safi === 1 && m.subtype === 0) {
      peer.adjOut.clear();
      this.sendTable(peer);
    }
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
    this.sendTable(peer);
  }

  private sessionDown(peer: Peer): void {
    const keys = peer.adjIn.clear();
    peer.adjOut.clear();
    for (const key of keys) this.decidePrefix(key);
    this.flush();
  }

  // ---- routes in -----------------------------------------------------------------

  private importUpdate(peer: Peer, update: UpdateMessage, treatAsWithdraw: boolean, now: number): void {
    const options = peer.fsm.session?.receive ?? {};
    for (const p of withdrawnPrefixes(update, treatAsWithdraw)) {
      const key = prefixKey(p.address, p.length);
      if (peer.adjIn.delete(key)) this.decidePrefix(key);
    }
    if (treatAsWithdraw) return;
    const announced = announcedPrefixes(update);
    if (announced.length === 0) return;
    peer.received += announced.length;
    const attributes = this.importAttributes(peer, update, options);
    const policy = effectivePolicy(peer.config.import, peer.external);
    if (peer.config.import === undefined && peer.external) this.warnOnce(peer, 'import');
    // 'accept' and 'reject' give every prefix of the UPDATE the same result: intern the set once
    const shared = attributes !== undefined && policy === 'accept' ? this.store.intern(attributes) : undefined;
    for (const prefix of announced) {
      const key = prefixKey(prefix.address, prefix.length);
      let changed: boolean;
      if (shared !== undefined) changed = peer.adjIn.setId(key, shared);
      else {
        const accepted = attributes && applyPolicy(policy, { prefix, attributes, peer: peer.config.address });
        changed = accepted ? peer.adjIn.set(key, accepted) : peer.adjIn.delete(key);
      }
      if (changed) this.decidePrefix(key);
      if (changed && this.overLimit(peer, now)) break;
    }
    if (shared !== undefined) this.store.release(shared);
  }

  /**
   * Max-prefix: a warning once at the threshold, and at the limit Cease 6/1
   * with the data RFC 4486 §4 gives it (AFI, SAFI, the upper bound); the
   * session restarts after the idle-hold time. Returns true when it stopped
   * the session.
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
    this.events.push({ type: 'log', peer: peer.config.address, message: `more than ${max} prefixes: Cease / Maximum Number of Prefixes Reached` });
    peer.warned.delete('max-prefix');
    this.fsmEvent(peer, { type: 'AutomaticStop', subcode: 1, data }, now);
    return true;
  }

  /** The attributes as stored, or undefined when the routes must be ignored (loop, wrong first AS). */
  private importAttributes(peer: Peer, update: UpdateMessage, options: BgpCodecOptions): PathAttributes | undefined {
    let a: PathAttributes = options.fourOctetAs ? update.attributes : mergeAs4(update.attributes);
    const { mpReach, mpUnreach: _u, ...rest } = a;
    a = rest;
    if (a.nextHop === undefined && mpReach?.kind === 'ipv4-unicast') a = { ...a, nextHop: mpReach.nextHop };
    const path = a.asPath ?? [];
    if (path.some((s) => s.asns.includes(this.config.asn))) return undefined; // AS loop (RFC 4271 §9.1.2)
    if (peer.external) {
      // RFC 7606 §7.2 / RFC 4271 §6.3: the first AS of an eBGP route is the peer's
      if (firstAs(path) !== peer.config.asn) {
        this.events.push({ type: 'log', peer: peer.config.address, message: `first AS of AS_PATH is not ${peer.config.asn}: treated as withdrawn` });
        return undefined;
      }
      // RFC 7606 §7.5: LOCAL_PREF from an external peer is discarded
      if (a.localPref !== undefined) {
        const { localPref: _l, ...noPref } = a;
        a = noPref;
      }
    }
    return a;
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
    this.dirty.push(key);
    const best = this.bestRouteByKey(key);
    this.resolver?.install(key, best?.source.kind === 'peer' ? best.attributes.nextHop : undefined);
    this.events.push({ type: 'route', prefix: best?.prefix ?? prefixOfKey(key), best });
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
    const best = { source: this.sourceOfIndex(this.locRib.extra(key) >> 4) };
    if (best.source.kind === 'peer' && best.source.address === peer.config.address) return undefined; // not back to its source
    if (best.source.kind === 'peer' && !best.source.external && !peer.external) return undefined; // iBGP split horizon
    let a = attributesForPropagation(this.store.get(attrId));
    const self = this.config.nextHop ?? this.config.routerId;
    if (peer.external) {
      const { localPref: _l, originatorId: _o, clusterList: _c, med, ...rest } = a;
      // RFC 4271 §5.1.4: a MED learnt from one AS is not passed to another
      a = best.source.kind === 'local' && med !== undefined ? { ...rest, med } : rest;
      a = { ...a, asPath: prepend(a.asPath ?? [], this.config.asn), nextHop: self };
    } else {
      a = { ...a, localPref: a.localPref ?? this.config.decision?.defaultLocalPref ?? 100 };
      if (peer.config.nextHopSelf || a.nextHop === undefined) a = { ...a, nextHop: self };
    }
    if (a.origin === undefined) a = { ...a, origin: 'igp' };
    const policy = effectivePolicy(peer.config.export, peer.external);
    if (peer.config.export === undefined && peer.external) this.warnOnce(peer, 'export');
    return applyPolicy(policy, { prefix: prefixOfKey(key), attributes: a, peer: peer.config.address });
  }

  /** Sends the whole Loc-RIB to a peer whose session just came up, then End-of-RIB. */
  private sendTable(peer: Peer): void {
    this.sendChanges(peer, this.locRib.keyList());
    this.write(peer.connection, END_OF_RIB, {}, peer);
  }

  /** Sends the changes for `keys` to every Established peer. */
  private flush(): void {
    if (this.dirty.length === 0) return;
    const keys = this.dirty;
    this.dirty = [];
    for (const peer of this.peers.values()) if (peer.fsm.state === 'Established') this.sendChanges(peer, keys);
  }

  private sendChanges(peer: Peer, keys: Iterable<number>): void {
    const options = peer.fsm.session?.send ?? {};
    const groups = new Map<number, BgpPrefix[]>();
    const withdrawals: BgpPrefix[] = [];
    // Without a policy function the exported set depends only on the best route's set and source: intern it once.
    const memo = typeof peer.config.export === 'function' ? undefined : new Map<number, number | undefined>();
    for (const key of keys) {
      let id: number | undefined;
      const bestId = this.locRib.get(key);
      const sourceIndex = this.locRib.extra(key) >> 4;
      // nothing goes back to the peer a route came from, and nothing was sent for it before: skip the export work
      if (bestId !== undefined && sourceIndex === peer.index && peer.adjOut.idOf(key) === undefined) continue;
      const memoKey = memo && bestId !== undefined ? bestId * this.peerList.length + sourceIndex : undefined;
      if (memo && memoKey !== undefined && memo.has(memoKey)) id = memo.get(memoKey);
      else {
        const attrs = this.exportAttributes(peer, key);
        id = attrs === undefined ? undefined : this.store.intern(attrs);
        if (memo && memoKey !== undefined) memo.set(memoKey, id);
        else if (id !== undefined) this.pendingRelease.push(id);
      }
      if (id === undefined) {
        if (peer.adjOut.delete(key)) withdrawals.push(prefixOfKey(key));
        continue;
      }
      if (!peer.adjOut.setId(key, id)) continue;
      let list = groups.get(id);
      if (!list) groups.set(id, (list = []));
      list.push(prefixOfKey(key));
    }
    const announcement: AnnouncementGroup[] = [...groups].map(([id, prefixes]) => {
      const attributes = this.store.get(id);
      return { attributes: options.fourOctetAs ? attributes : splitAs4(attributes), prefixes };
    });
    for (const bytes of packWithdrawals(withdrawals, options)) this.write(peer.connection, bytes, options, peer);
    for (const bytes of packAnnouncements(announcement, options)) this.write(peer.connection, bytes, options, peer);
    // the references the memo and the per-prefix interning held
    if (memo) for (const id of memo.values()) if (id !== undefined) this.store.release(id);
    for (const id of this.pendingRelease.splice(0)) this.store.release(id);
  }

  private readonly pendingRelease: number[] = [];

  // ---- API -----------------------------------------------------------------------

  /** Originates a route (ORIGIN IGP and an empty AS_PATH unless given; NEXT_HOP defaults to ours). */
  announce(prefix: BgpPrefix, attributes: PathAttributes = {}): void {
    const key = prefixKey(prefix.address, prefix.length);
    const a: PathAttributes = { origin: 'igp', asPath: [], nextHop: this.config.nextHop ?? this.config.routerId, ...attributes };
    encodeAttributes(a, { fourOctetAs: true }); // EncodeError now for values that cannot go on the wire
    if (this.local.set(key, a)) this.decidePrefix(key);
    this.flush();
  }

  withdraw(prefix: BgpPrefix): void {
    const key = prefixKey(prefix.address, prefix.length);
    if (this.local.delete(key)) this.decidePrefix(key);
    this.flush();
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

  /** Every best route, or those learnt from one peer. */
  routes(filter: { peer?: Ipv4Address } = {}): BestRoute[] {
    const out: BestRoute[] = [];
    for (const key of this.locRib.keyList()) {
      const r = this.bestRouteByKey(key)!;
      if (filter.peer === undefined || (r.source.kind === 'peer' && r.source.address === filter.peer)) out.push(r);
    }
    return out;
  }

  peerState(address: Ipv4Address): BgpState | undefined {
    return this.peers.get(address)?.fsm.state;
  }

  counters(address: Ipv4Address): PeerCounters | undefined {
    const peer = this.peers.get(address);
    return peer && { received: peer.received, accepted: peer.adjIn.size, advertised: peer.adjOut.size };
  }

  get locRibSize(): number {
    return this.locRib.size;
  }

  /** Distinct interned attribute sets (all RIBs share them). */
  get attributeSets(): number {
    return this.store.size;
  }
}

/** The deciding step as a number in the Loc-RIB's extra column. */
const STEP_NAMES: readonly (DecisionStepName | 'only-route')[] = ['only-route', ...DECISION_STEPS.map((s) => s.name)];
const STEP_INDEX = new Map(STEP_NAMES.map((name, i) => [name, i]));

/** RFC 4724 §2: the End-of-RIB marker for IPv4 unicast, an empty UPDATE. */
const END_OF_RIB = encodeMessage({ type: 'update', withdrawn: [], attributes: {}, nlri: [] });

/** Our AS in front of the path (RFC 4271 §5.1.2), in the leading AS_SEQUENCE when it has room. */
function prepend(path: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  const first = path[0];
  if (first && first.type === 'sequence' && first.asns.length < 255) return [{ type: 'sequence', asns: [asn, ...first.asns] }, ...path.slice(1)];
  return [{ type: 'sequence', asns: [asn] }, ...path];
}

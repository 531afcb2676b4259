import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { formatIpv4, parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import type { Rib } from '@wirestack/routing';
import { BgpEngine, type BestRoute, type EngineEvent, type PeerConfig, type PeerCounters, type PolicyChange, type Route } from '../engine.js';
import type { PrefixMatch, RouteQuery } from '../route-query.js';
import type { RibInstallOptions } from '../install.js';
import type { DecisionOptions } from '../decision.js';
import type { BgpState } from '../fsm.js';
import type { BgpPrefix, PathAttributes } from '../messages.js';
import type { Policy } from '../policy.js';

/**
 * The node:net driver around BgpEngine: it listens and connects, feeds the
 * engine bytes and the time (Date.now), arms one timer for the engine's
 * next deadline, and carries out its actions. The only place in the
 * package with sockets and timers. Writes respect backpressure: when
 * socket.write returns false the engine is told (`writable`) and packs
 * no further UPDATEs for that peer until 'drain'; each further slice of a
 * table is packed from setImmediate.
 */

export interface SpeakerPeerOptions extends Omit<PeerConfig, 'address'> {
  /** The peer's address, dotted quad. */
  readonly address: string;
}

export interface SpeakerOptions {
  readonly asn: number;
  /** BGP Identifier, dotted quad. */
  readonly routerId: string;
  /** Where to accept connections (port 179 by default); false to never listen. */
  readonly listen?: { readonly address: string; readonly port?: number } | false;
  /** Source address of outgoing connections (default: the listen address). */
  readonly localAddress?: string;
  /** NEXT_HOP this speaker announces for itself (default: routerId). */
  readonly nextHop?: string;
  /** RFC 4456 CLUSTER_ID when reflecting routes to `routeReflectorClient` peers, dotted quad (default: routerId). */
  readonly clusterId?: string;
  readonly peers: readonly SpeakerPeerOptions[];
  readonly decision?: DecisionOptions;
  /** Random source for timer jitter (default Math.random). */
  readonly random?: () => number;
  /** A routing table for best routes and next-hop checks (see EngineConfig.rib). */
  readonly rib?: Rib;
  /** Table and metric of the installed routes (default main, 20). */
  readonly install?: RibInstallOptions;
  /** 'route' events per change of best route (default true; see EngineConfig.routeEvents). */
  readonly routeEvents?: boolean;
}

export type SpeakerEvent = EngineEvent;
type Listener = (event: SpeakerEvent) => void;

/** `RouteQuery` with the peer as a dotted quad and the prefix as text (`'198.51.100.0/24'`) or a prefix. */
export interface SpeakerRouteQuery {
  readonly peer?: string;
  readonly prefix?: string | BgpPrefix;
  readonly match?: PrefixMatch;
  readonly prePolicy?: boolean;
}

function toPrefix(prefix: string | BgpPrefix): BgpPrefix {
  return typeof prefix === 'string' ? parseIpv4Prefix(prefix) : prefix;
}

function toQuery(q: SpeakerRouteQuery): RouteQuery {
  return {
    ...(q.peer === undefined ? {} : { peer: parseIpv4(q.peer) }),
    ...(q.prefix === undefined ? {} : { prefix: toPrefix(q.prefix) }),
    ...(q.match === undefined ? {} : { match: q.match }),
    ...(q.prePolicy === undefined ? {} : { prePolicy: q.prePolicy }),
  };
}

export class BgpSpeaker {
  readonly engine: BgpEngine;
  private readonly options: SpeakerOptions;
  private readonly sockets = new Map<number, Socket>();
  private server: Server | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt: number | undefined;
  private readonly listeners = new Set<Listener>();
  private stopped = false;

  constructor(options: SpeakerOptions) {
    this.options = options;
    const peers: PeerConfig[] = options.peers.map((p) => ({ ...p, address: parseIpv4(p.address) }));
    this.engine = new BgpEngine({
      asn: options.asn,
      routerId: parseIpv4(options.routerId),
      ...(options.nextHop === undefined ? {} : { nextHop: parseIpv4(options.nextHop) }),
      ...(options.clusterId === undefined ? {} : { clusterId: parseIpv4(options.clusterId) }),
      ...(options.rib === undefined ? {} : { rib: options.rib }),
      ...(options.install === undefined ? {} : { install: options.install }),
      ...(options.routeEvents === undefined ? {} : { routeEvents: options.routeEvents }),
      peers,
      ...(options.decision === undefined ? {} : { decision: options.decision }),
      random: options.random ?? Math.random,
    });
    // a change to the routing table may move best routes (next hops): the engine reacts inside the
    // table's notification, and what it queued is carried out here
    this.unsubscribeRib = options.rib?.subscribe(() => {
      if (this.pumpQueued) return;
      this.pumpQueued = true;
      queueMicrotask(() => {
        this.pumpQueued = false;
        if (!this.stopped) this.pump();
      });
    });
  }

  private readonly unsubscribeRib: (() => void) | undefined;
  /** One pump per burst of routing-table changes (a full table installs a million routes). */
  private pumpQueued = false;
  /** Connections whose socket.write returned false: the engine packs nothing more for them until 'drain'. */
  private readonly full = new Set<number>();
  /** An `engine.output` is scheduled (setImmediate): the next slice of UPDATEs, after timers and other sockets had their turn. */
  private outputQueued = false;
  /** The read buffer of the connections this speaker opens (see `received`). */
  private readonly readBuffer = new Uint8Array(64 * 1024);

  /** Starts listening (when configured) and starts every peer. */
  async start(): Promise<void> {
    const listen = this.options.listen;
    if (listen !== false && listen !== undefined) {
      const server = createServer((socket) => this.accept(socket));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port ?? 179, listen.address, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    this.engine.start(Date.now());
    this.pump();
  }

  /** Cease (Administrative Shutdown) to every peer, then closes everything. */
  async stop(communication?: string): Promise<void> {
    this.engine.stop(Date.now(), communication);
    this.pump();
    this.stopped = true;
    this.unsubscribeRib?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const closing = [...this.sockets.values()].map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.destroyed) return resolve();
          s.once('close', () => resolve());
          s.end();
          setTimeout(() => s.destroy(), 1000).unref();
        }),
    );
    await Promise.all(closing);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  announce(prefix: string | BgpPrefix, attributes: PathAttributes = {}): void {
    this.engine.announce(toPrefix(prefix), attributes, Date.now());
    this.pump();
  }

  withdraw(prefix: string | BgpPrefix): void {
    this.engine.withdraw(toPrefix(prefix), Date.now());
    this.pump();
  }

  bestRoute(prefix: string | BgpPrefix): BestRoute | undefined {
    return this.engine.bestRoute(toPrefix(prefix));
  }

  /** Best routes (or with `prePolicy` a peer's routes as received): see `BgpEngine.routes`. */
  routes(query?: SpeakerRouteQuery & { readonly prePolicy?: false }): BestRoute[];
  routes(query: SpeakerRouteQuery): Route[];
  routes(query: SpeakerRouteQuery = {}): Route[] {
    return this.engine.routes(toQuery(query));
  }

  /** `routes` one at a time, for a whole table: see `BgpEngine.eachRoute`. */
  eachRoute(query?: SpeakerRouteQuery & { readonly prePolicy?: false }): Generator<BestRoute, void, undefined>;
  eachRoute(query: SpeakerRouteQuery): Generator<Route, void, undefined>;
  eachRoute(query: SpeakerRouteQuery = {}): Generator<Route, void, undefined> {
    return this.engine.eachRoute(toQuery(query));
  }

  /** Routes in the Loc-RIB. */
  get locRibSize(): number {
    return this.engine.locRibSize;
  }

  /** Changes of best route so far: how a caller that turned routeEvents off sees routes move. */
  get locRibChanges(): number {
    return this.engine.locRibChanges;
  }

  /** Changes a peer's import and/or export policy while it runs: see `BgpEngine.setPolicy`. */
  setPolicy(address: string, change: PolicyChange): void {
    this.engine.setPolicy(parseIpv4(address), change, Date.now());
    this.pump();
  }

  /** Cease / Administrative Reset to one peer, then a fresh start (also what brings back a peer stopped by max-prefix). */
  resetPeer(address: string): void {
    this.engine.resetPeer(parseIpv4(address), Date.now());
    this.pump();
  }

  peerState(address: string): BgpState | undefined {
    return this.engine.peerState(parseIpv4(address));
  }

  counters(address: string): PeerCounters | undefined {
    return this.engine.counters(parseIpv4(address));
  }

  /** Calls `listener` for every event; returns a function that removes it. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The events as an async iterator (ends when the loop that reads it breaks). */
  async *events(): AsyncGenerator<SpeakerEvent> {
    const queue: SpeakerEvent[] = [];
    let wake: (() => void) | undefined;
    const off = this.on((e) => {
      queue.push(e);
      wake?.();
    });
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      off();
    }
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const remote = socket.remoteAddress?.replace(/^::ffff:/, '');
    let address: Ipv4Address | undefined;
    try {
      address = remote === undefined ? undefined : parseIpv4(remote);
    } catch {
      address = undefined;
    }
    const id = this.engine.newConnectionId();
    if (this.stopped || address === undefined || !this.engine.accepted(id, address, Date.now())) {
      socket.destroy();
      return;
    }
    this.attach(id, socket);
    this.pump();
  }

  private attach(id: number, socket: Socket): void {
    this.sockets.set(id, socket);
    socket.on('data', (chunk: Uint8Array) => this.received(id, chunk));
    socket.on('drain', () => {
      if (!this.full.delete(id)) return;
      this.engine.writable(id, true, Date.now());
      this.pump();
    });
    socket.on('error', () => {
      // 'close' follows and reports it
    });
    socket.on('close', () => {
      this.full.delete(id);
      if (this.sockets.get(id) !== socket) return;
      this.sockets.delete(id);
      this.engine.closed(id, Date.now());
      this.pump();
    });
  }

  /**
   * Bytes from a socket. The engine is done with them when `data` returns
   * (it copies what it keeps), which is what lets connections we open read
   * into one reused buffer.
   */
  private received(id: number, chunk: Uint8Array): void {
    this.engine.data(id, chunk, Date.now());
    this.pump();
  }

  /** Carries out the engine's actions, delivers its events, re-arms the timer. */
  private pump(): void {
    for (const action of this.engine.takeActions()) {
      switch (action.type) {
        case 'connect': {
          if (this.stopped) break;
          const local = this.options.localAddress ?? (this.options.listen ? this.options.listen.address : undefined);
          const id = action.connection;
          const socket = createConnection({
            host: formatIpv4(action.address),
            port: action.port,
            ...(local === undefined ? {} : { localAddress: local }),
            // reads land in one buffer the speaker reuses, not a new one per read: a full table is
            // ~100 MB of reads, whose buffers would otherwise linger as garbage in the process's RSS
            onread: {
              buffer: this.readBuffer,
              callback: (length: number, buffer: Uint8Array) => {
                this.received(id, buffer.subarray(0, length));
                return true;
              },
            },
          });
          socket.setNoDelay(true);
          this.attach(action.connection, socket);
          socket.once('connect', () => {
            this.engine.connected(action.connection, Date.now());
            this.pump();
          });
          break;
        }
        case 'write': {
          const socket = this.sockets.get(action.connection);
          // false: the socket buffers more than its high-water mark; the engine waits for 'drain'
          if (socket && !socket.write(action.bytes) && !this.full.has(action.connection)) {
            this.full.add(action.connection);
            this.engine.writable(action.connection, false, Date.now());
          }
          break;
        }
        case 'close': {
          const socket = this.sockets.get(action.connection);
          this.sockets.delete(action.connection);
          socket?.end();
          if (socket) setTimeout(() => socket.destroy(), 1000).unref();
          break;
        }
      }
    }
    for (const event of this.engine.takeEvents()) for (const l of this.listeners) l(event);
    this.arm();
    this.scheduleOutput();
  }

  /**
   * More UPDATEs wait for connections that take data: pack the next slice
   * from setImmediate, after the event loop has served timers and other
   * sockets, so a table being sent never starves keepalives and hold
   * timers.
   */
  private scheduleOutput(): void {
    if (this.outputQueued || this.stopped || !this.engine.outputPending) return;
    this.outputQueued = true;
    setImmediate(() => {
      this.outputQueued = false;
      if (this.stopped) return;
      this.engine.output(Date.now());
      this.pump();
    });
  }

  private arm(): void {
    if (this.stopped) return;
    const deadline = this.engine.nextDeadline();
    if (deadline === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = deadline;
    if (deadline === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.engine.tick(Date.now());
      this.pump();
    }, Math.max(0, deadline - Date.now()));
  }
}

export type { Policy };

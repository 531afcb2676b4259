import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { formatIpv4, parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import type { Rib } from '@wirestack/routing';
import { BgpEngine, type BestRoute, type EngineEvent, type PeerConfig, type PeerCounters } from '../engine.js';
import type { RibInstallOptions } from '../install.js';
import type { DecisionOptions } from '../decision.js';
import type { BgpState } from '../fsm.js';
import type { BgpPrefix, PathAttributes } from '../messages.js';
import type { Policy } from '../policy.js';

/**
 * The node:net driver around BgpEngine: it listens and connects, feeds the
 * engine bytes and the time (Date.now), arms one timer for the engine's
 * next deadline, and carries out its actions. The only place in the
 * package with sockets and timers.
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
  readonly peers: readonly SpeakerPeerOptions[];
  readonly decision?: DecisionOptions;
  /** Random source for timer jitter (default Math.random). */
  readonly random?: () => number;
  /** A routing table for best routes and next-hop checks (see EngineConfig.rib). */
  readonly rib?: Rib;
  /** Table and metric of the installed routes (default main, 20). */
  readonly install?: RibInstallOptions;
}

export type SpeakerEvent = EngineEvent;
type Listener = (event: SpeakerEvent) => void;

function toPrefix(prefix: string | BgpPrefix): BgpPrefix {
  return typeof prefix === 'string' ? parseIpv4Prefix(prefix) : prefix;
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
      ...(options.rib === undefined ? {} : { rib: options.rib }),
      ...(options.install === undefined ? {} : { install: options.install }),
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
    this.engine.announce(toPrefix(prefix), attributes);
    this.pump();
  }

  withdraw(prefix: string | BgpPrefix): void {
    this.engine.withdraw(toPrefix(prefix));
    this.pump();
  }

  bestRoute(prefix: string | BgpPrefix): BestRoute | undefined {
    return this.engine.bestRoute(toPrefix(prefix));
  }

  routes(filter: { peer?: string } = {}): BestRoute[] {
    return this.engine.routes(filter.peer === undefined ? {} : { peer: parseIpv4(filter.peer) });
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
    socket.on('data', (chunk: Uint8Array) => {
      this.engine.data(id, chunk, Date.now());
      this.pump();
    });
    socket.on('error', () => {
      // 'close' follows and reports it
    });
    socket.on('close', () => {
      if (this.sockets.get(id) !== socket) return;
      this.sockets.delete(id);
      this.engine.closed(id, Date.now());
      this.pump();
    });
  }

  /** Carries out the engine's actions, delivers its events, re-arms the timer. */
  private pump(): void {
    for (const action of this.engine.takeActions()) {
      switch (action.type) {
        case 'connect': {
          if (this.stopped) break;
          const local = this.options.localAddress ?? (this.options.listen ? this.options.listen.address : undefined);
          const socket = createConnection({
            host: formatIpv4(action.address),
            port: action.port,
            ...(local === undefined ? {} : { localAddress: local }),
          });
          socket.setNoDelay(true);
          this.attach(action.connection, socket);
          socket.once('connect', () => {
            this.engine.connected(action.connection, Date.now());
            this.pump();
          });
          break;
        }
        case 'write':
          this.sockets.get(action.connection)?.write(action.bytes);
          break;
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

import { formatIpv4Prefix, parseIpv4, type Ipv4Address } from '@wirestack/core';
import {
  BgpEngine,
  BgpFramer,
  buildOpen,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type BgpPrefix,
  type Capability,
  type EngineConfig,
  type EngineEvent,
  type PathAttributes,
} from '../src/index.js';

/**
 * One engine under test and its peers played by the test: each peer
 * connects to the engine (the engine's peers are passive), sends its OPEN
 * and KEEPALIVE as bytes, then UPDATEs the test writes; what the engine
 * writes to each peer is framed, decoded and applied to that peer's view
 * of the routes it was sent. A manual clock; nothing else runs.
 */

const OPTIONS = { fourOctetAs: true };

export interface ScriptedPeer {
  readonly address: Ipv4Address;
  readonly connection: number;
  readonly framer: BgpFramer;
  /** Every message the engine wrote to this peer, decoded, in order. */
  readonly received: BgpMessage[];
  /** The routes the engine announced to this peer and has not withdrawn, by prefix text. */
  readonly routes: Map<string, PathAttributes>;
  /** False once the engine closed the connection (the peer stays for inspection until it connects again). */
  open: boolean;
}

export class ScriptedPeers {
  now = 0;
  readonly engine: BgpEngine;
  readonly events: EngineEvent[] = [];
  private readonly peers = new Map<Ipv4Address, ScriptedPeer>();

  constructor(config: Omit<EngineConfig, 'random'>) {
    this.engine = new BgpEngine({ ...config, random: () => 1 });
    this.engine.start(this.now);
    this.pump();
  }

  /**
   * The peer at `address` connects and brings the session to Established
   * with `bgpId` in its OPEN (4-octet AS, and route refresh unless
   * `capabilities` says otherwise).
   */
  establish(address: string, asn: number, bgpId: string, capabilities: readonly Capability[] = [{ kind: 'route-refresh' }]): ScriptedPeer {
    const a = parseIpv4(address);
    const connection = this.engine.newConnectionId();
    if (!this.engine.accepted(connection, a, this.now)) throw new Error(`${address} refused`);
    const peer: ScriptedPeer = { address: a, connection, framer: new BgpFramer(), received: [], routes: new Map(), open: true };
    this.peers.set(a, peer);
    this.pump();
    this.send(address, buildOpen({ asn, holdTime: 90, bgpId: parseIpv4(bgpId), capabilities }));
    this.send(address, { type: 'keepalive' });
    if (this.engine.peerState(a) !== 'Established') throw new Error(`${address} is ${this.engine.peerState(a)}`);
    return peer;
  }

  /** A message from the peer at `address`. */
  send(address: string, message: BgpMessage): void {
    const peer = this.peer(address);
    this.engine.data(peer.connection, encodeMessage(message, OPTIONS), this.now);
    this.pump();
  }

  /** An UPDATE announcing `prefixes` with `attributes` from the peer at `address`. */
  announce(address: string, prefixes: readonly BgpPrefix[], attributes: PathAttributes): void {
    this.send(address, { type: 'update', withdrawn: [], attributes, nlri: [...prefixes] });
  }

  withdraw(address: string, prefixes: readonly BgpPrefix[]): void {
    this.send(address, { type: 'update', withdrawn: [...prefixes], attributes: {}, nlri: [] });
  }

  peer(address: string): ScriptedPeer {
    const peer = this.peers.get(parseIpv4(address));
    if (!peer) throw new Error(`no scripted peer ${address}`);
    return peer;
  }

  /** The routes the engine has sent the peer at `address`, by prefix text. */
  routesAt(address: string): Map<string, PathAttributes> {
    return this.peer(address).routes;
  }

  /** The log messages the engine produced (for one peer, when given). */
  logs(address?: string): string[] {
    const a = address === undefined ? undefined : parseIpv4(address);
    return this.events.flatMap((e) => (e.type === 'log' && (a === undefined || e.peer === a) ? [e.message] : []));
  }

  /** Advances the clock, firing the engine's timers in order. */
  advance(until: number): void {
    for (let d = this.engine.nextDeadline(); d !== undefined && d <= until; d = this.engine.nextDeadline()) {
      this.now = Math.max(this.now, d);
      this.engine.tick(this.now);
      this.pump();
    }
    this.now = until;
  }

  /** Carries out the engine's actions: writes reach the scripted peers, closes end them, connects fail. */
  pump(): void {
    for (let actions = this.engine.takeActions(); actions.length > 0; actions = this.engine.takeActions()) this.perform(actions);
    this.events.push(...this.engine.takeEvents());
  }

  private perform(actions: ReturnType<BgpEngine['takeActions']>): void {
    this.events.push(...this.engine.takeEvents());
    for (const action of actions) {
      const peer = [...this.peers.values()].find((p) => p.connection === action.connection);
      if (action.type === 'connect') {
        this.engine.closed(action.connection, this.now); // nobody listens: the test's peers connect themselves
      } else if (action.type === 'write' && peer) {
        for (const frame of peer.framer.push(action.bytes)) {
          const m = decodeMessage(frame, 0, OPTIONS).message;
          peer.received.push(m);
          if (m.type !== 'update') continue;
          for (const p of m.withdrawn) peer.routes.delete(formatIpv4Prefix(p));
          for (const p of m.nlri) peer.routes.set(formatIpv4Prefix(p), m.attributes);
        }
      } else if (action.type === 'close' && peer) {
        peer.open = false;
        this.engine.closed(action.connection, this.now);
      }
    }
  }
}

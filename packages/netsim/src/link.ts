/**
 * A veth-like pair: two ends, each plugged into a device port. A frame sent
 * into one end comes out of the other after `latency` ms, unless it is
 * longer than the link's MTU (plus the Ethernet header and one VLAN tag) or
 * lost (probability `loss`, drawn from the network's seeded random source).
 * Delivery always goes through the scheduler, even with zero latency, so a
 * device never re-enters itself and same-time frames keep their order.
 */
import type { Capture } from './capture.js';
import type { Scheduler } from './scheduler.js';

/** Something a link end plugs into: a host interface, a bridge port. */
export interface FramePort {
  readonly name: string;
  /** A frame arrived from the wire. */
  input(frame: Uint8Array): void;
  /** Where this port's frames go; set by `Link`. */
  wire: LinkEnd | undefined;
}

export interface LinkOptions {
  /** One-way delay in ms (default 0). */
  readonly latency?: number;
  /** Probability in [0, 1) that a frame is lost (default 0). */
  readonly loss?: number;
  /** Largest payload after the Ethernet header (default 1500); longer frames are dropped. */
  readonly mtu?: number;
}

export interface LinkStats {
  sent: number;
  delivered: number;
  lost: number;
  tooBig: number;
}

/** Ethernet header plus one 802.1Q tag: what a frame may add to the MTU. */
const L2_ALLOWANCE = 18;

export class LinkEnd {
  peer!: LinkEnd;
  constructor(
    private readonly link: Link,
    readonly port: FramePort,
  ) {}

  /** Puts `frame` on the wire towards the other end. Do not modify `frame` afterwards: it is not copied. */
  send(frame: Uint8Array): void {
    this.link.carry(this, frame);
  }
}

export class Link {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly latency: number;
  readonly loss: number;
  readonly mtu: number;
  readonly stats: LinkStats = { sent: 0, delivered: 0, lost: 0, tooBig: 0 };
  private readonly taps: Capture[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: () => number,
    portA: FramePort,
    portB: FramePort,
    options: LinkOptions = {},
  ) {
    if (portA.wire !== undefined || portB.wire !== undefined) throw new Error(`netsim: ${portA.name} or ${portB.name} is already linked`);
    this.latency = options.latency ?? 0;
    this.loss = options.loss ?? 0;
    this.mtu = options.mtu ?? 1500;
    this.a = new LinkEnd(this, portA);
    this.b = new LinkEnd(this, portB);
    this.a.peer = this.b;
    this.b.peer = this.a;
    portA.wire = this.a;
    portB.wire = this.b;
  }

  /** Records every frame put on the link, both directions, as it is sent. */
  tap(capture: Capture): Capture {
    this.taps.push(capture);
    return capture;
  }

  carry(from: LinkEnd, frame: Uint8Array): void {
    const now = this.scheduler.now();
    this.stats.sent++;
    for (const t of this.taps) t.record(now, frame);
    if (frame.length > this.mtu + L2_ALLOWANCE) {
      this.stats.tooBig++;
      return;
    }
    if (this.loss > 0 && this.random() < this.loss) {
      this.stats.lost++;
      return;
    }
    // Not copied: frames are immutable once sent (devices build a new array per
    // frame, and a router copies before it decrements the TTL).
    const to = from.peer.port;
    this.scheduler.at(now + this.latency, () => {
      this.stats.delivered++;
      to.input(frame);
    });
  }
}

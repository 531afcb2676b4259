/**
 * A bridge device (br0) driving the @wirestack/bridge engine: ports that
 * links plug into, VXLAN devices enslaved as VXLAN ports, and the engine's
 * decisions carried out (forward, flood, VXLAN remotes), with its ageing
 * timer on the scheduler.
 */
import { Bridge, type BridgeOptions, type VxlanOptions, type VxlanRemote } from '@wirestack/bridge';
import type { Ipv4Address } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import type { Capture } from './capture.js';
import type { FramePort, LinkEnd } from './link.js';
import type { Scheduler, TimerHandle } from './scheduler.js';

/** What a bridge port hands frames to on egress. */
export interface BridgeSlave {
  transmit(frame: Uint8Array, remotes: readonly VxlanRemote[]): void;
}

/** A bridge port a link plugs into (`ip link set vethX master br0`). */
export class BridgePort implements FramePort, BridgeSlave {
  wire: LinkEnd | undefined = undefined;
  readonly taps: Capture[] = [];

  constructor(
    private readonly bridge: BridgeDevice,
    readonly name: string,
    readonly index: number,
  ) {}

  input(frame: Uint8Array): void {
    this.record(frame);
    this.bridge.receive(this.index, frame);
  }

  transmit(frame: Uint8Array): void {
    this.record(frame);
    this.wire?.send(frame);
  }

  tap(capture: Capture): Capture {
    this.taps.push(capture);
    return capture;
  }

  private record(frame: Uint8Array): void {
    if (this.taps.length === 0) return;
    const now = this.bridge.scheduler.now();
    for (const t of this.taps) t.record(now, frame);
  }
}

export class BridgeDevice {
  readonly engine: Bridge;
  private readonly slaves = new Map<number, BridgeSlave>();
  private readonly view = new EthernetView();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(
    readonly scheduler: Scheduler,
    options: BridgeOptions = {},
  ) {
    this.engine = new Bridge(options);
  }

  get name(): string {
    return this.engine.port(0).name;
  }

  /** A port for a link. */
  addPort(name: string): BridgePort {
    const index = this.engine.addPort({ name });
    const port = new BridgePort(this, name, index);
    this.slaves.set(index, port);
    return port;
  }

  /** Enslaves a VXLAN device: a VXLAN port in the engine. Used by VxlanDevice.attach. */
  addVxlanPort(name: string, vxlan: VxlanOptions, slave: BridgeSlave): number {
    const index = this.engine.addPort({ name, vxlan });
    this.slaves.set(index, slave);
    return index;
  }

  receive(port: number, frame: Uint8Array): void {
    if (frame.length < 14) return;
    this.dispatch(this.engine.receive(port, this.view.reset(frame), this.scheduler.now()), frame);
  }

  receiveFromVtep(port: number, frame: Uint8Array, remote: Ipv4Address): void {
    if (frame.length < 14) return;
    this.dispatch(this.engine.receiveFromVtep(port, this.view.reset(frame), this.scheduler.now(), remote), frame);
  }

  /** `bridge fdb show`. */
  fdbShow(): string[] {
    return this.engine.fdbShow();
  }

  private dispatch(d: ReturnType<Bridge['receive']>, frame: Uint8Array): void {
    const engine = this.engine;
    if (d.action === 'forward') {
      const out = engine.egressFrame(frame, d.port, d.vid);
      this.slaves.get(d.port)?.transmit(out, d.remotes);
    } else if (d.action === 'flood') {
      const dst = d.dst;
      const vid = d.vid;
      // The decision is the engine's and is reused: take the ports first.
      const ports = d.egressPorts();
      for (const p of ports) {
        const slave = this.slaves.get(p);
        if (slave === undefined) continue;
        const remotes = slave instanceof BridgePort ? [] : engine.vxlanRemotes(p, dst);
        slave.transmit(engine.egressFrame(frame, p, vid), remotes);
      }
    }
    this.armTimer();
  }

  private armTimer(): void {
    const deadline = this.engine.nextDeadline();
    if (deadline === undefined || deadline >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = deadline;
    this.timer = this.scheduler.at(
      deadline,
      () => {
        this.timerAt = Infinity;
        this.timer = undefined;
        this.engine.advance(this.scheduler.now());
        this.armTimer();
      },
      { background: true },
    );
  }
}

/**
 * Frames seen at a tap point (an interface or a link), with their virtual
 * time. A Capture is what `tap()` fills; `lines()` prints it tcpdump-style.
 */
import { LINUX_VXLAN_PORT } from '@wirestack/vxlan';
import { type FormatFrameOptions, type Registry, defaultRegistry, formatFrame, writePcap } from '@wirestack/stack';
import { VXLAN_LAB_PORT } from './labs.js';

export interface CapturedFrame {
  /** Milliseconds on the network's scheduler. */
  readonly time: number;
  /** A copy of the frame, Ethernet header first. */
  readonly frame: Uint8Array;
}

export class Capture {
  readonly frames: CapturedFrame[] = [];
  /** Called for every frame as it is captured (e.g. to print a live trace). */
  onFrame: ((record: CapturedFrame) => void) | undefined = undefined;

  constructor(readonly name: string) {}

  record(time: number, frame: Uint8Array): void {
    const record = { time, frame: frame.slice() };
    this.frames.push(record);
    this.onFrame?.(record);
  }

  /**
   * One `tcpdump -n`-style line per frame (stack's `formatFrame`), prefixed
   * with the time in seconds. Defaults: no link-level header (`link: true`
   * prints it, as `tcpdump -e`), VXLAN read on 4789, 8472 and the labs'
   * 9527, and the frame inside VXLAN on a second line, indented under
   * the first line's text.
   */
  lines(options: FormatFrameOptions = {}): string[] {
    const settings: FormatFrameOptions = { registry: traceRegistry(), link: false, encapsulated: 'newline', ...options };
    return this.frames.map((f) => {
      const time = `${(f.time / 1000).toFixed(6)} `;
      return time + formatFrame(f.frame, settings).replaceAll('\n', `\n${' '.repeat(time.length)}`);
    });
  }

  /** The capture as a pcap file (LINKTYPE_ETHERNET, nanosecond timestamps) that tcpdump and tshark read. */
  toPcap(): Uint8Array {
    return writePcap(
      this.frames.map((f) => {
        const ns = Math.round(f.time * 1e6);
        return { data: f.frame, seconds: Math.floor(ns / 1e9), nanoseconds: ns % 1e9 };
      }),
      { nanosecond: true },
    );
  }

  clear(): void {
    this.frames.length = 0;
  }
}

let registry: Registry | undefined;

/** Built on first use: labs.ts (VXLAN_LAB_PORT) imports this module through network.ts. */
function traceRegistry(): Registry {
  registry ??= defaultRegistry.withUdpPort(LINUX_VXLAN_PORT, 'vxlan').withUdpPort(VXLAN_LAB_PORT, 'vxlan');
  return registry;
}

/**
 * Frames seen at a tap point (an interface or a link), with their virtual
 * time. A Capture is what `tap()` fills; `lines()` prints it tcpdump-style.
 */
import { writePcap } from '@wirestack/stack';
import { formatFrame, type FormatFrameOptions } from './trace.js';

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

  /** One `tcpdump -n`-style line per frame, prefixed with the time in seconds. */
  lines(options?: FormatFrameOptions): string[] {
    return this.frames.map((f) => `${(f.time / 1000).toFixed(6)} ${formatFrame(f.frame, options)}`);
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

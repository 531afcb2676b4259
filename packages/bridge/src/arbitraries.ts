/**
 * fast-check arbitraries for driving a bridge: frames between a small pool
 * of hosts (so sources repeat and get learned, and destinations hit the
 * FDB), and sequences of frame and time events. Import from
 * `@wirestack/bridge/arbitraries`; fast-check is an optional peer
 * dependency that the main entry never loads.
 *
 * Frames are written byte by byte here, independently of the codecs.
 */
import * as fc from 'fast-check';
import { MAC_BROADCAST, type MacAddress, writeMac } from '@wirestack/core';
import { unicastMac } from '@wirestack/core/arbitraries';

export interface BridgeFrame {
  readonly dst: MacAddress;
  readonly src: MacAddress;
  /** The 802.1Q tag's VID (0 = a priority tag); undefined for an untagged frame. */
  readonly vid: number | undefined;
  /** A 60-byte frame (64 with the tag): dst, src, [0x8100 + TCI], IPv4 ethertype, zero payload. */
  readonly bytes: Uint8Array;
}

/** Builds the bytes of a BridgeFrame. */
export function bridgeFrameBytes(dst: MacAddress, src: MacAddress, vid?: number, pcp = 0): Uint8Array {
  const tagged = vid !== undefined;
  const bytes = new Uint8Array(tagged ? 64 : 60);
  writeMac(bytes, 0, dst);
  writeMac(bytes, 6, src);
  let at = 12;
  if (tagged) {
    bytes[12] = 0x81;
    bytes[13] = 0x00;
    bytes[14] = (pcp << 5) | (vid >>> 8);
    bytes[15] = vid & 0xff;
    at = 16;
  }
  bytes[at] = 0x08;
  bytes[at + 1] = 0x00;
  return bytes;
}

/** `count` distinct unicast MACs. */
export function macPool(count: number): fc.Arbitrary<MacAddress[]> {
  return fc.uniqueArray(unicastMac().filter((m) => m !== 0), { minLength: count, maxLength: count });
}

export interface BridgeFrameOptions {
  /** Hosts to draw sources and unicast destinations from. */
  readonly hosts: readonly MacAddress[];
  /** VIDs for tagged frames; frames are untagged when empty (default []). */
  readonly vids?: readonly number[];
}

/**
 * A frame from one host of the pool to another host, to broadcast, or to
 * a multicast group; tagged with one of `vids` (or a priority tag) or not.
 */
export function bridgeFrame(options: BridgeFrameOptions): fc.Arbitrary<BridgeFrame> {
  const host = fc.constantFrom(...options.hosts);
  const dst = fc.oneof(
    { weight: 6, arbitrary: host },
    { weight: 1, arbitrary: fc.constant(MAC_BROADCAST) },
    { weight: 1, arbitrary: fc.constant(0x01005e000001 as MacAddress) },
  );
  const vids = options.vids ?? [];
  const vid: fc.Arbitrary<number | undefined> =
    vids.length === 0 ? fc.constant(undefined) : fc.oneof(fc.constantFrom(...vids), fc.constant(0), fc.constant(undefined));
  return fc.tuple(dst, host, vid).map(([d, s, v]) => ({ dst: d, src: s, vid: v, bytes: bridgeFrameBytes(d, s, v) }));
}

export type BridgeEvent =
  | { readonly kind: 'frame'; readonly port: number; readonly frame: BridgeFrame }
  | { readonly kind: 'advance'; readonly ms: number };

export interface BridgeEventOptions extends BridgeFrameOptions {
  /** Ports frames arrive on: 1..ports. */
  readonly ports: number;
  /** Longest step of time (ms) in an 'advance' event (default 400 000, beyond the default ageing time). */
  readonly maxAdvance?: number;
}

/** Frames arriving on random ports, with time passing between them. */
export function bridgeEvents(options: BridgeEventOptions & { readonly maxLength?: number }): fc.Arbitrary<BridgeEvent[]> {
  const frame = fc.record({
    kind: fc.constant('frame' as const),
    port: fc.integer({ min: 1, max: options.ports }),
    frame: bridgeFrame(options),
  });
  const advance = fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: options.maxAdvance ?? 400_000 }) });
  return fc.array(fc.oneof({ weight: 5, arbitrary: frame }, { weight: 1, arbitrary: advance }), {
    maxLength: options.maxLength ?? 100,
  });
}

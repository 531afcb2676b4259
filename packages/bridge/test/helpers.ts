import { type MacAddress, parseMac } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { bridgeFrameBytes } from '../src/arbitraries.js';
import type { Bridge, BridgeDecision } from '../src/index.js';

export const mac = (text: string): MacAddress => parseMac(text);

const view = new EthernetView();

/** Sends a frame dst <- src (optionally 802.1Q-tagged) into `port` and returns a copy of the decision's main fields. */
export function send(
  bridge: Bridge,
  port: number,
  dst: MacAddress | string,
  src: MacAddress | string,
  now: number,
  vid?: number,
): Outcome {
  const bytes = bridgeFrameBytes(typeof dst === 'string' ? mac(dst) : dst, typeof src === 'string' ? mac(src) : src, vid);
  return outcome(bridge.receive(port, view.reset(bytes), now));
}

export interface Outcome {
  action: string;
  reason: string | undefined;
  ports: number[];
  vid: number;
  local: boolean;
}

export function outcome(d: BridgeDecision): Outcome {
  return { action: d.action, reason: d.reason, ports: d.egressPorts().sort((a, b) => a - b), vid: d.vid, local: d.local };
}

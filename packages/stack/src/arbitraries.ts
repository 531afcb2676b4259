/**
 * fast-check arbitraries for whole frames, composed from the codecs'
 * arbitraries. Import from `@wirestack/stack/arbitraries`; fast-check is an
 * optional peer dependency the main entry never loads.
 *
 * Frames are realistic enough for peers to dissect them (tshark): every
 * IPv4 datagram is whole (no fragments), UDP on 4789 carries VXLAN and
 * nothing else does.
 */
import * as fc from 'fast-check';
import { macAddress } from '@wirestack/core/arbitraries';
import { vlanStackTag } from '@wirestack/vlan/arbitraries';
import { arpPacket } from '@wirestack/arp/arbitraries';
import { ipv4Header } from '@wirestack/ipv4/arbitraries';
import { icmpMessage } from '@wirestack/icmp/arbitraries';
import { udpPort } from '@wirestack/udp/arbitraries';
import { vni } from '@wirestack/vxlan/arbitraries';
import type { IcmpInput } from '@wirestack/icmp';
import type { Ipv4Option } from '@wirestack/ipv4';
import { build, type LayerInput } from './builder.js';

/** A frame, the layers it was built from (builder inputs) and its bytes. */
export interface FrameSample {
  readonly layers: readonly LayerInput[];
  readonly bytes: Uint8Array;
}

export interface FrameOptions {
  /** VLAN tags on the outer frame, at most (default 2). */
  readonly maxTags?: number;
  /** Allow VXLAN (with an inner frame) inside (default true). */
  readonly vxlan?: boolean;
  /** Largest UDP/unknown-protocol payload (default 64). */
  readonly maxPayload?: number;
  /**
   * Only what real stacks send, for differential tests against peers
   * (tshark gives up on a datagram whose options it cannot parse): IPv4
   * options of the interpreted kinds, each at most once, and ARP's common
   * operations. Default false: any valid frame.
   */
  readonly forPeers?: boolean;
}

const PEER_ARP_OPS = [1, 2, 3, 4, 8, 9];

const ICMP_OR_UDP = new Set([1, 17]);

function ipv4Layer(protocol: number | undefined, forPeers: boolean): fc.Arbitrary<LayerInput> {
  return ipv4Header().map((h) => {
    const { protocol: randomProtocol, ...rest } = forPeers ? { ...h, options: peerOptions(h.options) } : h;
    // Whole datagrams only: a fragment's upper layer is not decoded.
    const base = { layer: 'ipv4' as const, ...rest, mf: false, fragmentOffset: 0 };
    if (protocol !== undefined) return base;
    return { ...base, protocol: ICMP_OR_UDP.has(randomProtocol) ? 253 : randomProtocol };
  });
}

/** The options a peer parses: no unknown kinds, no type twice. */
function peerOptions(options: readonly Ipv4Option[]): Ipv4Option[] {
  const seen = new Set<number>();
  return options.filter((o) => {
    if (o.kind === 'unknown' || o.kind === 'malformed' || (o.kind !== 'nop' && o.kind !== 'eol' && seen.has(o.type))) return false;
    seen.add(o.type);
    return true;
  });
}

function icmpLayer(): fc.Arbitrary<LayerInput> {
  return icmpMessage().map((m) => {
    // Let the builder compute the checksum.
    const { checksum: _c, checksumValid: _v, ...input } = m as IcmpInput & { checksumValid?: boolean };
    return { layer: 'icmp', ...(input as IcmpInput) } as LayerInput;
  });
}

function payload(max: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength: max });
}

function port(): fc.Arbitrary<number> {
  return udpPort().filter((p) => p !== 4789);
}

/** What rides in an Ethernet frame after its tags: ARP, or IPv4 with ICMP, UDP (maybe VXLAN) or another protocol. */
function body(options: Required<FrameOptions>, depth: number): fc.Arbitrary<LayerInput[]> {
  const peers = options.forPeers;
  const arp = fc
    .tuple(arpPacket(), fc.constantFrom(...PEER_ARP_OPS))
    .map(([p, op]) => [{ layer: 'arp', ...p, op: peers ? op : p.op } as LayerInput]);
  const icmp = fc.tuple(ipv4Layer(1, peers), icmpLayer()).map((ls) => ls);
  const udp = fc
    .tuple(ipv4Layer(17, peers), port(), port(), payload(options.maxPayload))
    .map(([ip, srcPort, dstPort, bytes]): LayerInput[] => [ip, { layer: 'udp', srcPort, dstPort }, { layer: 'payload', bytes }]);
  const other = fc.tuple(ipv4Layer(undefined, peers), payload(options.maxPayload)).map(([ip, bytes]): LayerInput[] => [ip, { layer: 'payload', bytes }]);
  const choices: fc.Arbitrary<LayerInput[]>[] = [arp, icmp, udp, other];
  if (options.vxlan && depth === 0) {
    const vxlan = fc
      // The source port from the ephemeral range, as Linux picks it (a well-known one would lure peers into another dissector).
      .tuple(ipv4Layer(17, peers), fc.integer({ min: 49152, max: 65535 }), vni(), frameLayers({ ...options, maxTags: 0 }, depth + 1))
      .map(([ip, srcPort, v, inner]): LayerInput[] => [ip, { layer: 'udp', srcPort }, { layer: 'vxlan', vni: v }, ...inner]);
    choices.push(vxlan);
  }
  return fc.oneof(...choices);
}

function frameLayers(options: Required<FrameOptions>, depth: number): fc.Arbitrary<LayerInput[]> {
  return fc
    .tuple(
      macAddress(),
      macAddress(),
      fc.array(vlanStackTag(), { maxLength: options.maxTags }),
      body(options, depth),
    )
    .map(([dst, src, tags, rest]): LayerInput[] => [
      { layer: 'ethernet', dst, src },
      ...tags.map((t): LayerInput => ({ layer: 'vlan', tpid: t.tpid, pcp: t.pcp, dei: t.dei, vid: t.vid })),
      ...rest,
    ]);
}

/** Builder inputs for a whole frame: Ethernet, 0..2 VLAN tags, then ARP / IPv4+ICMP / IPv4+UDP / IPv4+UDP+VXLAN+inner frame / IPv4+other. */
export function frameInput(options: FrameOptions = {}): fc.Arbitrary<LayerInput[]> {
  return frameLayers({ maxTags: options.maxTags ?? 2, vxlan: options.vxlan ?? true, maxPayload: options.maxPayload ?? 64, forPeers: options.forPeers ?? false }, 0);
}

/** A whole valid frame and what it was built from. */
export function frame(options: FrameOptions = {}): fc.Arbitrary<FrameSample> {
  return frameInput(options).map((layers) => ({ layers, bytes: build(layers) }));
}

/** A valid frame cut short or with bytes flipped: lax decoding must not throw, strict only DecodeError. */
export function damagedFrame(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    frame().chain((f) => fc.integer({ min: 0, max: f.bytes.length }).map((n) => f.bytes.slice(0, n))),
    frame().chain((f) =>
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
        const b = f.bytes.slice();
        for (const [at, v] of flips) b[at % b.length] = v;
        return b;
      }),
    ),
  );
}

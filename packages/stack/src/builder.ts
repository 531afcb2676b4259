import { EncodeError, type Ipv4Address, type MacAddress } from '@wirestack/core';
import { encodeEthernet } from '@wirestack/ethernet';
import { encodeVlanTag } from '@wirestack/vlan';
import { encodeArp, type ArpInput, type EthernetIpv4ArpInput } from '@wirestack/arp';
import { encodeIpv4, type Ipv4Input } from '@wirestack/ipv4';
import { encodeIcmp, type IcmpInput } from '@wirestack/icmp';
import { encodeUdp, udpChecksum } from '@wirestack/udp';
import { encodeVxlan, type VxlanInput } from '@wirestack/vxlan';

/**
 * The builder's input: one object per layer, outermost first, tagged by
 * `layer` like decodePacket's output (whose objects are valid inputs).
 * Fields that can be computed (ethertypes, IP protocol, the VXLAN port,
 * lengths, checksums) are, unless given: explicit values win, so tests can
 * build bad packets.
 */
export interface EthernetLayerInput {
  readonly layer: 'ethernet';
  readonly dst: MacAddress;
  readonly src: MacAddress;
  /** Default: from the next layer (its TPID for a VLAN tag, 0x0806 ARP, 0x0800 IPv4). */
  readonly etherType?: number;
  /** An IEEE 802.3 length instead of an ethertype. */
  readonly length?: number;
  /** Zero-pad to 60 bytes: default true for the outermost frame, false for frames inside VXLAN. */
  readonly pad?: boolean;
  /** Append the FCS (default false). */
  readonly fcs?: boolean;
}

export interface VlanLayerInput {
  readonly layer: 'vlan';
  /** Written into the previous layer's ethertype field unless that one is given: default 0x8100. */
  readonly tpid?: number;
  readonly pcp?: number;
  readonly dei?: boolean;
  readonly vid: number;
  /** Default: from the next layer. */
  readonly etherType?: number;
}

export type ArpLayerInput = { readonly layer: 'arp' } & (ArpInput | (Omit<EthernetIpv4ArpInput, 'kind'> & { readonly kind?: 'ethernet-ipv4' }));

export type Ipv4LayerInput = { readonly layer: 'ipv4' } & Omit<Ipv4Input, 'payload' | 'protocol'> & {
  /** Default: from the next layer (1 ICMP, 17 UDP). */
  readonly protocol?: number;
};

/** An ICMP message; for echo messages without `data` the builder's payload is the data. */
export type IcmpLayerInput = { readonly layer: 'icmp' } & IcmpInput;

export interface UdpLayerInput {
  readonly layer: 'udp';
  readonly srcPort: number;
  /** Default 4789 when VXLAN follows. */
  readonly dstPort?: number;
  /** Default: 8 + what follows. */
  readonly length?: number;
  /** Default: computed with the enclosing IPv4 header's pseudo-header (0 without one). */
  readonly checksum?: number;
}

export type VxlanLayerInput = { readonly layer: 'vxlan' } & Omit<VxlanInput, 'payload'>;

/** Raw bytes after the last header. */
export interface PayloadLayerInput {
  readonly layer: 'payload';
  readonly bytes: Uint8Array;
}

export type LayerInput =
  | EthernetLayerInput
  | VlanLayerInput
  | ArpLayerInput
  | Ipv4LayerInput
  | IcmpLayerInput
  | UdpLayerInput
  | VxlanLayerInput
  | PayloadLayerInput;

const NO_BYTES = new Uint8Array(0);
const IPV4_PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, udp: 17 };
const VXLAN_PORT = 4789;

/**
 * Encodes `layers` (and `payload` after them) into `out` at `offset` and
 * returns the number of bytes written. Nothing is allocated for the frame:
 * reuse `out` across calls in a generator. EncodeError 'buffer-too-small'
 * when it does not fit, other EncodeErrors from the layers' encoders.
 */
export function buildInto(layers: readonly LayerInput[], out: Uint8Array, offset = 0, payload?: Uint8Array): number {
  const n = layers.length;
  let data = payload ?? NO_BYTES;
  let count = n;
  const last = layers[n - 1];
  if (last !== undefined && last.layer === 'payload') {
    if (payload !== undefined) throw new EncodeError('invalid', 'payload', 'payload: given both as a payload layer and as an argument');
    data = last.bytes;
    count = n - 1;
  }
  if (count === 0) throw new EncodeError('invalid', 'layers', 'layers: nothing to build');

  // Phase 1, outside in: where each header starts. The terminal layers
  // (ARP, ICMP, the payload) are written right away: their length is theirs.
  const starts = new Array<number>(count + 1);
  let at = offset;
  let end = offset;
  for (let i = 0; i < count; i++) {
    const l = layers[i]!;
    starts[i] = at;
    switch (l.layer) {
      case 'ethernet':
        at += 14;
        break;
      case 'vlan':
        at += 4;
        break;
      case 'udp':
      case 'vxlan':
        at += 8;
        break;
      case 'ipv4':
        at += ipv4HeaderLengthOf(l);
        break;
      case 'arp':
      case 'icmp':
        if (i !== count - 1) throw new EncodeError('invalid', `layers[${i + 1}]`, `layers[${i + 1}]: nothing can follow ${l.layer}`);
        break;
      case 'payload':
        throw new EncodeError('invalid', `layers[${i}]`, `layers[${i}]: a payload layer must be the last`);
      default:
        throw new EncodeError('invalid', `layers[${i}]`, `layers[${i}]: unknown layer '${(l as { layer: unknown }).layer}'`);
    }
  }
  const innermost = layers[count - 1]!;
  if (innermost.layer === 'arp') {
    if (data.length > 0) throw new EncodeError('invalid', 'payload', 'payload: nothing follows ARP');
    const { layer: _, ...arp } = innermost;
    end = at + encodeArp((arp.kind === undefined ? { ...arp, kind: 'ethernet-ipv4' } : arp) as ArpInput, out, at).length;
  } else if (innermost.layer === 'icmp') {
    const { layer: _, ...icmp } = innermost;
    let input = icmp as IcmpInput;
    if (data.length > 0) {
      if ((input.kind !== 'echo-request' && input.kind !== 'echo-reply') || input.data !== undefined) {
        throw new EncodeError('invalid', 'payload', 'payload: after ICMP only an echo message without data takes a payload (as its data)');
      }
      input = { ...input, data };
    }
    end = at + encodeIcmp(input, out, at).length;
  } else {
    if (at + data.length > out.length) {
      throw new EncodeError('buffer-too-small', 'out', `out: need ${at + data.length - offset} bytes at offset ${offset}, buffer holds ${out.length}`);
    }
    out.set(data, at);
    end = at + data.length;
  }

  // Phase 2, inside out: each header now knows what it carries.
  for (let i = count - 1; i >= 0; i--) {
    const l = layers[i]!;
    const o = starts[i]!;
    const next = i + 1 < count ? layers[i + 1] : undefined;
    switch (l.layer) {
      case 'ethernet': {
        const pad = l.pad ?? !insideVxlan(layers, i);
        const header =
          l.length !== undefined
            ? { dst: l.dst, src: l.src, length: l.length }
            : { dst: l.dst, src: l.src, etherType: l.etherType ?? etherTypeOf(next, i) };
        end = o + encodeEthernet({ ...header, payload: out.subarray(o + 14, end), pad, fcs: l.fcs === true }, out, o).length;
        break;
      }
      case 'vlan':
        encodeVlanTag({ pcp: l.pcp ?? 0, dei: l.dei ?? false, vid: l.vid, etherType: l.etherType ?? etherTypeOf(next, i) }, out, o);
        break;
      case 'ipv4': {
        const { layer: _, ...ip } = l;
        encodeIpv4({ ...ip, protocol: l.protocol ?? protocolOf(next, i), totalLength: l.totalLength ?? end - o }, out, o);
        break;
      }
      case 'udp': {
        const dstPort = l.dstPort ?? (next?.layer === 'vxlan' ? VXLAN_PORT : undefined);
        if (dstPort === undefined) throw new EncodeError('invalid', `layers[${i}].dstPort`, `layers[${i}].dstPort: required unless VXLAN follows`);
        const real = end - o;
        encodeUdp({ srcPort: l.srcPort, dstPort, length: l.length ?? real, checksum: l.checksum ?? 0 }, out, o);
        if (l.checksum === undefined) {
          const ip = enclosingIpv4(layers, i);
          if (ip !== undefined) {
            const value = udpChecksum(out, o, real, ip.src, ip.dst);
            out[o + 6] = value >>> 8;
            out[o + 7] = value;
          }
        }
        break;
      }
      case 'vxlan': {
        const { layer: _, ...vx } = l;
        encodeVxlan(vx, out, o);
        break;
      }
      default:
        break; // arp, icmp: written in phase 1
    }
  }
  return end - offset;
}

/** A scratch buffer for `build`: large enough for any frame (65,535 bytes of IPv4 plus headers, nested). */
let scratch: Uint8Array | undefined;

/** Builds a new frame from `layers` (and `payload`): `buildInto` into a scratch buffer, then a copy. */
export function build(layers: readonly LayerInput[], payload?: Uint8Array): Uint8Array {
  scratch ??= new Uint8Array(256 * 1024);
  const length = buildInto(layers, scratch, 0, payload);
  return scratch.slice(0, length);
}

function ipv4HeaderLengthOf(l: Ipv4LayerInput): number {
  if (l.options === undefined || l.options.length === 0) return 20;
  // Options have many shapes: let the encoder lay them out once.
  return encodeIpv4({ src: l.src, dst: l.dst, protocol: 0, options: l.options }).length;
}

function etherTypeOf(next: LayerInput | undefined, i: number): number {
  switch (next?.layer) {
    case 'vlan':
      return next.tpid ?? 0x8100;
    case 'arp':
      return 0x0806;
    case 'ipv4':
      return 0x0800;
    default:
      throw new EncodeError('invalid', `layers[${i}].etherType`, `layers[${i}].etherType: required before ${next?.layer ?? 'a payload'}`);
  }
}

function protocolOf(next: LayerInput | undefined, i: number): number {
  const protocol = next === undefined ? undefined : IPV4_PROTOCOLS[next.layer];
  if (protocol === undefined) throw new EncodeError('invalid', `layers[${i}].protocol`, `layers[${i}].protocol: required before ${next?.layer ?? 'a payload'}`);
  return protocol;
}

function insideVxlan(layers: readonly LayerInput[], i: number): boolean {
  for (let j = i - 1; j >= 0; j--) if (layers[j]!.layer === 'vxlan') return true;
  return false;
}

function enclosingIpv4(layers: readonly LayerInput[], i: number): { src: Ipv4Address; dst: Ipv4Address } | undefined {
  const prev = layers[i - 1];
  return prev !== undefined && prev.layer === 'ipv4' ? prev : undefined;
}

type Fields<L extends LayerInput> = L extends unknown ? Omit<L, 'layer'> : never;

/**
 * The fluent form: `ether({...}).vlan({...}).ipv4({...}).udp({...})
 * .vxlan({...}).ether({...}).ipv4({...}).icmp({...}).build()`. Builders are
 * immutable values: each step returns a new one, so a prefix can be shared.
 */
export class PacketBuilder {
  constructor(readonly layers: readonly LayerInput[] = []) {}

  private add(layer: LayerInput): PacketBuilder {
    return new PacketBuilder([...this.layers, layer]);
  }

  ether(fields: Fields<EthernetLayerInput>): PacketBuilder {
    return this.add({ layer: 'ethernet', ...fields });
  }

  vlan(fields: Fields<VlanLayerInput>): PacketBuilder {
    return this.add({ layer: 'vlan', ...fields });
  }

  arp(fields: Fields<ArpLayerInput>): PacketBuilder {
    return this.add({ layer: 'arp', ...fields } as ArpLayerInput);
  }

  ipv4(fields: Fields<Ipv4LayerInput>): PacketBuilder {
    return this.add({ layer: 'ipv4', ...fields });
  }

  icmp(fields: Fields<IcmpLayerInput>): PacketBuilder {
    return this.add({ layer: 'icmp', ...fields } as IcmpLayerInput);
  }

  udp(fields: Fields<UdpLayerInput>): PacketBuilder {
    return this.add({ layer: 'udp', ...fields });
  }

  vxlan(fields: Fields<VxlanLayerInput>): PacketBuilder {
    return this.add({ layer: 'vxlan', ...fields });
  }

  payload(bytes: Uint8Array): PacketBuilder {
    return this.add({ layer: 'payload', bytes });
  }

  build(): Uint8Array {
    return build(this.layers);
  }

  buildInto(out: Uint8Array, offset = 0): number {
    return buildInto(this.layers, out, offset);
  }
}

/** Starts a fluent frame with its Ethernet header. */
export function ether(fields: Fields<EthernetLayerInput>): PacketBuilder {
  return new PacketBuilder().ether(fields);
}

import { DecodeError, isDecodeError, type DecodeErrorCode, type HeaderView } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { VlanTagView } from '@wirestack/vlan';
import { ArpView } from '@wirestack/arp';
import { Ipv4View } from '@wirestack/ipv4';
import { IcmpView } from '@wirestack/icmp';
import { UdpView } from '@wirestack/udp';
import { VxlanView } from '@wirestack/vxlan';
import { type LayerName, type NextKey, type Registry, defaultRegistry } from './registry.js';
import {
  DEFAULT_MAX_LAYERS,
  ETHERNET_HEADER,
  MAX_8023_LENGTH,
  UDP_HEADER,
  VLAN_TAG,
  VXLAN_HEADER,
  type VerifyLevel,
} from './walk.js';

/**
 * One decoded layer of the last `parse`. Slots are preallocated and reused:
 * read them before the next `parse`.
 */
export class LayerSlot {
  layer: LayerName = 'ethernet';
  /** Where the header starts in the frame. */
  offset = 0;
  headerLength = 0;
  /**
   * Where this layer's bytes end (header + what it carries): IPv4 Total
   * Length, UDP Length and 802.3 lengths narrow it, so trailing padding is
   * outside. Views run to the end of the frame; this is the bound to use.
   */
  end = 0;
  /** For a VLAN tag: the TPID that announced it (the ethertype before it). */
  tpid = 0;
  /** The view, re-pointed at this layer (undefined for a custom layer: see `custom`). */
  view: HeaderView | undefined = undefined;
  /** A custom layer's decoded header. */
  custom: Readonly<Record<string, unknown>> | undefined = undefined;
}

export interface StackParserOptions {
  readonly registry?: Registry;
  /** 'strict' (default) throws DecodeError for the first problem; 'lax' records it in `error*` and stops there. */
  readonly mode?: 'strict' | 'lax';
  /** Checksums to verify (default 'all'). */
  readonly verify?: VerifyLevel;
  /** Layers walked at most (default 32). */
  readonly maxLayers?: number;
}

// Layers by number inside the walk: a switch on small integers and typed
// lookup tables beat string compares and Map lookups on the hot path.
const NONE = -1;
const ETHERNET = 0;
const VLAN = 1;
const ARP = 2;
const IPV4 = 3;
const ICMP = 4;
const UDP = 5;
const VXLAN = 6;
const BUILTIN_CODES: Readonly<Record<string, number>> = { ethernet: ETHERNET, vlan: VLAN, arp: ARP, ipv4: IPV4, icmp: ICMP, udp: UDP, vxlan: VXLAN };
const BUILTIN_NAMES: readonly LayerName[] = ['ethernet', 'vlan', 'arp', 'ipv4', 'icmp', 'udp', 'vxlan'];

/** A view pool per layer kind: frames nest (VXLAN), so each kind needs one view per depth. */
class Pool<V> {
  private readonly views: V[] = [];
  used = 0;
  constructor(private readonly make: () => V) {}
  take(): V {
    if (this.used === this.views.length) this.views.push(this.make());
    return this.views[this.used++]!;
  }
}

/**
 * Decodes whole frames into preallocated views, gopacket's
 * DecodingLayerParser idea: `parse(frame)` fills `layers[0..count)` and
 * allocates nothing per packet (views are pooled per depth and reused).
 *
 * The walk starts at Ethernet and follows the registry's bindings; it
 * stops at the first layer it does not know, leaving the rest as payload
 * (`payloadOffset`..`payloadEnd`). An IPv4 fragment stops the walk too:
 * its upper layer is incomplete (reassemble first, e.g. with
 * Ipv4Reassembler).
 *
 * Strict mode throws DecodeError for a truncated header, a bad length or
 * version, or (per `verify`) a bad checksum. Lax mode never throws for bad
 * input: it keeps the layers decoded so far, stops at the layer that
 * failed and names it in `errorLayer`/`errorCode`/`errorOffset`. In lax
 * mode problems a layer can carry on with (a bad checksum, a Total Length
 * beyond the capture) are not errors: the walk goes on, clamped to the
 * bytes present.
 */
export class StackParser {
  readonly registry: Registry;
  readonly lax: boolean;
  readonly verify: VerifyLevel;
  readonly maxLayers: number;
  readonly layers: LayerSlot[];
  /** Layers decoded by the last `parse`. */
  count = 0;
  /** Undecoded bytes after the last layer: [payloadOffset, payloadEnd); empty when the last layer ends the frame's content. */
  payloadOffset = 0;
  payloadEnd = 0;
  /** Lax mode: the layer that failed ('' when none), the problem and where. */
  errorLayer: string = '';
  errorCode: DecodeErrorCode = '';
  errorOffset = 0;

  /** Next layer codes by ethertype, IP protocol and UDP port (NONE: unbound). */
  private readonly byEtherType = new Int16Array(0x10000).fill(NONE);
  private readonly byIpProtocol = new Int16Array(0x100).fill(NONE);
  private readonly byUdpPort = new Int16Array(0x10000).fill(NONE);
  /** Layer names by code: the built-in ones (0..6), then the registry's custom layers. */
  private readonly names: LayerName[] = [...BUILTIN_NAMES];
  private readonly ethernet = new Pool(() => new EthernetView());
  private readonly vlan = new Pool(() => new VlanTagView());
  private readonly arp = new Pool(() => new ArpView());
  private readonly ipv4 = new Pool(() => new Ipv4View());
  private readonly icmp = new Pool(() => new IcmpView());
  private readonly udp = new Pool(() => new UdpView());
  private readonly vxlan = new Pool(() => new VxlanView());

  constructor(options: StackParserOptions = {}) {
    this.registry = options.registry ?? defaultRegistry;
    this.lax = options.mode === 'lax';
    this.verify = options.verify ?? 'all';
    this.maxLayers = options.maxLayers ?? DEFAULT_MAX_LAYERS;
    this.layers = Array.from({ length: this.maxLayers }, () => new LayerSlot());
    const b = this.registry.bindings();
    for (const [key, layer] of b.etherTypes) this.byEtherType[key] = this.code(layer);
    for (const [key, layer] of b.ipProtocols) this.byIpProtocol[key] = this.code(layer);
    for (const [key, layer] of b.udpPorts) this.byUdpPort[key] = this.code(layer);
  }

  private code(layer: LayerName): number {
    const builtin = BUILTIN_CODES[layer];
    if (builtin !== undefined) return builtin;
    let i = this.names.indexOf(layer);
    if (i < 0) i = this.names.push(layer) - 1;
    return i;
  }

  private udpNext(dstPort: number, srcPort: number): number {
    const byDst = this.byUdpPort[dstPort]!;
    return byDst !== NONE ? byDst : this.byUdpPort[srcPort]!;
  }

  /** True when the last parse stopped at a layer it could not decode (lax mode). */
  get failed(): boolean {
    return this.errorLayer !== '';
  }

  // The walk's state between the per-layer steps: the next header's offset,
  // the end of the current layer's bytes, the last ethertype (a VLAN tag's
  // TPID) and the last IPv4 header (the UDP pseudo-header).
  private offset = 0;
  private end = 0;
  private key = 0;
  private ip: Ipv4View | undefined = undefined;

  /** Parses `frame`; returns the number of layers (also in `count`). */
  parse(frame: Uint8Array): number {
    this.count = 0;
    this.errorLayer = '';
    this.errorCode = '';
    this.errorOffset = 0;
    this.ethernet.used = this.vlan.used = this.arp.used = this.ipv4.used = 0;
    this.icmp.used = this.udp.used = this.vxlan.used = 0;
    this.offset = 0;
    this.end = frame.length;
    this.key = 0;
    this.ip = undefined;
    let next = ETHERNET;
    try {
      while (next !== NONE) {
        if (this.count === this.maxLayers) {
          const name = this.names[next]!;
          const error = new DecodeError({ code: 'too-many-layers', layer: name, offset: this.offset, message: `${name} at offset ${this.offset}: more than ${this.maxLayers} layers` });
          if (!this.lax) throw error;
          this.fail(error);
          break;
        }
        const slot = this.layers[this.count]!;
        slot.layer = this.names[next]!;
        slot.offset = this.offset;
        slot.tpid = 0;
        slot.custom = undefined;
        // One method per layer: each gets V8's inlining budget of its own
        // (one function walking every layer runs out of it, and then every
        // view getter is a real call).
        switch (next) {
          case ETHERNET:
            next = this.stepEthernet(frame, slot);
            break;
          case VLAN:
            next = this.stepVlan(frame, slot);
            break;
          case ARP:
            next = this.stepArp(frame, slot);
            break;
          case IPV4:
            next = this.stepIpv4(frame, slot);
            break;
          case ICMP:
            next = this.stepIcmp(frame, slot);
            break;
          case UDP:
            next = this.stepUdp(frame, slot);
            break;
          case VXLAN:
            next = this.stepVxlan(frame, slot);
            break;
          default:
            next = this.stepCustom(frame, slot);
        }
        slot.end = this.end;
        this.count++;
        // A layer that reached the end has nothing more to dispatch.
        if (this.offset > this.end) this.offset = this.end;
      }
    } catch (error) {
      if (!this.lax || !isDecodeError(error)) throw error;
      this.fail(error);
    }
    this.payloadOffset = this.offset;
    this.payloadEnd = this.end;
    return this.count;
  }

  private stepEthernet(frame: Uint8Array, slot: LayerSlot): number {
    const offset = this.offset;
    const v = this.ethernet.take().reset(frame, offset);
    slot.view = v;
    slot.headerLength = ETHERNET_HEADER;
    const type = v.etherType;
    this.offset = offset + ETHERNET_HEADER;
    if (type > MAX_8023_LENGTH) {
      this.key = type;
      return this.byEtherType[type]!;
    }
    if (this.offset + type <= this.end) this.end = this.offset + type;
    else this.problem(new DecodeError({ code: 'truncated', layer: 'ethernet', offset: this.offset, required: type, available: this.end - this.offset }));
    return NONE;
  }

  private stepVlan(frame: Uint8Array, slot: LayerSlot): number {
    const v = this.vlan.take().reset(frame, this.offset);
    slot.view = v;
    slot.headerLength = VLAN_TAG;
    slot.tpid = this.key;
    const type = v.etherType;
    this.key = type;
    this.offset += VLAN_TAG;
    return this.byEtherType[type]!;
  }

  private stepArp(frame: Uint8Array, slot: LayerSlot): number {
    const v = this.arp.take().reset(frame, this.offset);
    slot.view = v;
    slot.headerLength = v.headerLength;
    this.offset += v.headerLength;
    this.end = this.offset; // what follows is padding
    return NONE;
  }

  private stepIpv4(frame: Uint8Array, slot: LayerSlot): number {
    const offset = this.offset;
    const v = this.ipv4.take().reset(frame, offset);
    slot.view = v;
    this.ip = v;
    const headerLength = v.headerLength;
    slot.headerLength = headerLength;
    if (v.version !== 4) this.problem(new DecodeError({ code: 'bad-version', layer: 'ipv4', offset }));
    if (v.ihl < 5) this.problem(new DecodeError({ code: 'bad-header-length', layer: 'ipv4', offset }));
    if (this.verify !== 'none' && !v.verifyChecksum()) {
      this.problem(new DecodeError({ code: 'bad-checksum', layer: 'ipv4', offset: offset + 10 }));
    }
    const totalLength = v.totalLength;
    if (totalLength < headerLength) {
      this.problem(new DecodeError({ code: 'bad-length', layer: 'ipv4', offset: offset + 2 }));
    } else if (offset + totalLength > this.end) {
      this.problem(new DecodeError({ code: 'truncated', layer: 'ipv4', offset, required: totalLength, available: this.end - offset }));
    } else {
      this.end = offset + totalLength;
    }
    this.offset = offset + headerLength;
    // A fragment's upper layer is incomplete: the rest is payload.
    return v.isFragment ? NONE : this.byIpProtocol[v.protocol]!;
  }

  private stepIcmp(frame: Uint8Array, slot: LayerSlot): number {
    const offset = this.offset;
    const v = this.icmp.take().reset(frame, offset, this.end - offset);
    slot.view = v;
    slot.headerLength = v.headerLength;
    if (this.verify === 'all' && !v.verifyChecksum()) {
      this.problem(new DecodeError({ code: 'bad-checksum', layer: 'icmp', offset: offset + 2 }));
    }
    this.offset = this.end; // the message runs to the end of the IP payload
    return NONE;
  }

  private stepUdp(frame: Uint8Array, slot: LayerSlot): number {
    const offset = this.offset;
    const v = this.udp.take().reset(frame, offset);
    slot.view = v;
    slot.headerLength = UDP_HEADER;
    const length = v.length;
    if (length < UDP_HEADER) {
      this.problem(new DecodeError({ code: 'bad-length', layer: 'udp', offset: offset + 4 }));
    } else if (offset + length > this.end) {
      this.problem(new DecodeError({ code: 'truncated', layer: 'udp', offset, required: length, available: this.end - offset }));
    } else {
      this.end = offset + length;
      const ip = this.ip;
      if (this.verify === 'all' && ip !== undefined && v.checksum !== 0 && v.verifyChecksum(ip.src, ip.dst) === false) {
        this.problem(new DecodeError({ code: 'bad-checksum', layer: 'udp', offset: offset + 6 }));
      }
    }
    this.offset = offset + UDP_HEADER;
    return this.udpNext(v.dstPort, v.srcPort);
  }

  private stepVxlan(frame: Uint8Array, slot: LayerSlot): number {
    const offset = this.offset;
    const v = this.vxlan.take().reset(frame, offset);
    slot.view = v;
    slot.headerLength = VXLAN_HEADER;
    if (v.flags !== 0x08 || v.reserved1 !== 0 || v.reserved2 !== 0) {
      this.problem(new DecodeError({ code: v.hasVni ? 'reserved' : 'bad-value', layer: 'vxlan', offset }));
    }
    this.offset = offset + VXLAN_HEADER;
    return ETHERNET;
  }

  private stepCustom(frame: Uint8Array, slot: LayerSlot): number {
    const codec = this.registry.customLayer(slot.layer);
    if (codec === undefined) throw new TypeError(`no codec for layer '${slot.layer}'`);
    const decoded = codec.decode(frame, this.offset, this.end, this.lax ? { mode: 'lax' } : undefined);
    slot.view = undefined;
    slot.custom = decoded.header;
    slot.headerLength = decoded.headerLength;
    this.offset += decoded.headerLength;
    return decoded.next === undefined ? NONE : this.follow(decoded.next);
  }

  /** Where a custom layer's key leads. */
  private follow(k: NextKey): number {
    if ('etherType' in k) return this.byEtherType[k.etherType & 0xffff]!;
    if ('ipProtocol' in k) return this.byIpProtocol[k.ipProtocol & 0xff]!;
    if ('udpPort' in k) return this.byUdpPort[k.udpPort & 0xffff]!;
    return this.code(k.layer);
  }

  /** A problem a layer can carry on with: thrown in strict mode, ignored (the walk is clamped) in lax mode. */
  private problem(error: DecodeError): void {
    if (!this.lax) throw error;
  }

  private fail(error: DecodeError): void {
    this.errorLayer = error.layer;
    this.errorCode = error.code;
    this.errorOffset = error.offset;
  }
}

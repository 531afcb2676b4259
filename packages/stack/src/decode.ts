import { DecodeError, isDecodeError, type DecodeIssue, type DecodeOptions } from '@wirestack/core';
import { decodeEthernet, type EthernetHeader } from '@wirestack/ethernet';
import { decodeVlanTag } from '@wirestack/vlan';
import { decodeArp, type ArpPacket } from '@wirestack/arp';
import { decodeIpv4, type DecodedIpv4Header } from '@wirestack/ipv4';
import { decodeIcmp, type IcmpMessage } from '@wirestack/icmp';
import { decodeUdp, type UdpHeader } from '@wirestack/udp';
import { decodeVxlan, type VxlanHeader } from '@wirestack/vxlan';
import { type LayerName, type NextKey, type Registry, defaultRegistry } from './registry.js';
import { DEFAULT_MAX_LAYERS, type VerifyLevel } from './walk.js';

/** Problems lax mode found in a layer it could still decode (absent when none). */
interface WithIssues {
  readonly issues?: readonly DecodeIssue[];
}

export type EthernetLayer = { readonly layer: 'ethernet' } & EthernetHeader & WithIssues;
/** One VLAN tag: its TPID (the ethertype before it), TCI fields and the ethertype after it. */
export interface VlanLayer extends WithIssues {
  readonly layer: 'vlan';
  readonly tpid: number;
  readonly pcp: number;
  readonly dei: boolean;
  readonly vid: number;
  readonly etherType: number;
}
export type ArpLayer = { readonly layer: 'arp' } & ArpPacket & WithIssues;
export type Ipv4Layer = { readonly layer: 'ipv4' } & DecodedIpv4Header & WithIssues;
/**
 * An ICMP message; for error messages `quotedHeader` is the quoted IPv4
 * header decoded fully by @wirestack/ipv4 (lax), when the quote holds one.
 */
export type IcmpLayer = { readonly layer: 'icmp' } & IcmpMessage & WithIssues & {
  readonly quotedHeader?: DecodedIpv4Header;
};
export type UdpLayer = { readonly layer: 'udp' } & UdpHeader &
  WithIssues & {
    /** true/false: verified; null: the checksum field is 0; undefined: not verified. */
    readonly checksumValid: boolean | null | undefined;
  };
export type VxlanLayer = { readonly layer: 'vxlan' } & VxlanHeader & WithIssues;
/** What follows the last layer the walk knows (a subarray of the frame). */
export interface PayloadLayer {
  readonly layer: 'payload';
  readonly bytes: Uint8Array;
}
/** Lax mode: the layer that could not be decoded; the walk stops there. */
export interface ErrorLayer {
  readonly layer: 'error';
  readonly at: string;
  readonly code: string;
  readonly offset: number;
  readonly message: string;
}
/** A custom layer's header, as its codec returned it. */
export type CustomLayerObject = { readonly layer: string } & Readonly<Record<string, unknown>>;

export type PacketLayer =
  | EthernetLayer
  | VlanLayer
  | ArpLayer
  | Ipv4Layer
  | IcmpLayer
  | UdpLayer
  | VxlanLayer
  | PayloadLayer
  | ErrorLayer;

export interface DecodePacketOptions {
  readonly registry?: Registry;
  /** 'strict' (default) throws DecodeError; 'lax' decodes what is there, lists issues per layer and ends with an 'error' layer where a header cannot be read. */
  readonly mode?: 'strict' | 'lax';
  /** Checksums to verify (default 'all'); `checksumValid` fields tell either way. */
  readonly verify?: VerifyLevel;
  readonly maxLayers?: number;
}

/**
 * Decodes a whole frame into header objects tagged by `layer`, outermost
 * first, for humans and tests. The walk is StackParser's (same registry,
 * same stops); this one uses each codec's `decode*` and allocates freely.
 */
export function decodePacket(frame: Uint8Array, options: DecodePacketOptions = {}): (PacketLayer | CustomLayerObject)[] {
  const registry = options.registry ?? defaultRegistry;
  const lax = options.mode === 'lax';
  const verify = options.verify ?? 'all';
  const maxLayers = options.maxLayers ?? DEFAULT_MAX_LAYERS;
  const codecOptions = (check: boolean): DecodeOptions => ({ mode: lax ? 'lax' : 'strict', checksum: check ? 'verify' : 'ignore' });
  const out: (PacketLayer | CustomLayerObject)[] = [];
  let next: LayerName | undefined = 'ethernet';
  let offset = 0;
  let end = frame.length;
  let key = 0;
  let ip: DecodedIpv4Header | undefined;
  // Codecs decode up to the end of the array they are given; a narrowed
  // layer (IPv4 Total Length, UDP Length) hands its upper layers a subarray
  // of the same buffer from 0, so offsets stay offsets into the frame.
  const upTo = (e: number): Uint8Array => (e === frame.length ? frame : frame.subarray(0, e));
  try {
    while (next !== undefined) {
      if (out.length === maxLayers) {
        throw new DecodeError({ code: 'too-many-layers', layer: next, offset, message: `${next} at offset ${offset}: more than ${maxLayers} layers` });
      }
      const layer: LayerName = next;
      next = undefined;
      switch (layer) {
        case 'ethernet': {
          const d = decodeEthernet(upTo(end), offset, codecOptions(true));
          out.push(tagged('ethernet', d.header, d.issues) as EthernetLayer);
          offset += d.headerLength;
          if ('etherType' in d.header) {
            key = d.header.etherType;
            next = registry.etherType(key);
          } else {
            end = Math.min(end, offset + d.header.length);
          }
          break;
        }
        case 'vlan': {
          const d = decodeVlanTag(upTo(end), offset, codecOptions(true));
          const { pcp, dei, vid, etherType } = d.header;
          out.push({ layer: 'vlan', tpid: key, pcp, dei, vid, etherType });
          key = etherType;
          offset += d.headerLength;
          next = registry.etherType(key);
          break;
        }
        case 'arp': {
          const d = decodeArp(upTo(end), offset, codecOptions(true));
          out.push(tagged('arp', d.header, d.issues) as ArpLayer);
          offset += d.headerLength;
          end = offset;
          break;
        }
        case 'ipv4': {
          const d = decodeIpv4(upTo(end), offset, codecOptions(verify !== 'none'));
          out.push(tagged('ipv4', d.header, d.issues) as Ipv4Layer);
          ip = d.header;
          const h = d.header;
          if (h.totalLength >= d.headerLength && offset + h.totalLength <= end) end = offset + h.totalLength;
          offset += d.headerLength;
          if (!h.mf && h.fragmentOffset === 0) next = registry.ipProtocol(h.protocol);
          break;
        }
        case 'icmp': {
          const d = decodeIcmp(upTo(end), offset, codecOptions(verify === 'all'));
          const message = d.header;
          let quotedHeader: DecodedIpv4Header | undefined;
          if ('quoted' in message && message.quoted.ip !== undefined) {
            try {
              quotedHeader = decodeIpv4(message.quoted.raw, 0, { mode: 'lax' }).header;
            } catch (error) {
              if (!isDecodeError(error)) throw error;
            }
          }
          const object = tagged('icmp', message, d.issues);
          out.push((quotedHeader === undefined ? object : { ...object, quotedHeader }) as IcmpLayer);
          offset = end;
          break;
        }
        case 'udp': {
          const d = decodeUdp(upTo(end), offset, {
            ...codecOptions(verify === 'all'),
            pseudoHeader: ip === undefined ? undefined : { src: ip.src, dst: ip.dst },
          });
          const object = { layer: 'udp' as const, ...d.header, checksumValid: d.checksumValid };
          out.push(d.issues.length === 0 ? object : { ...object, issues: d.issues });
          const h = d.header;
          if (h.length >= 8 && offset + h.length <= end) end = offset + h.length;
          offset += d.headerLength;
          next = registry.udpPort(h.dstPort, h.srcPort);
          break;
        }
        case 'vxlan': {
          const d = decodeVxlan(upTo(end), offset, codecOptions(true));
          out.push(tagged('vxlan', d.header, d.issues) as VxlanLayer);
          offset += d.headerLength;
          next = 'ethernet';
          break;
        }
        default: {
          const codec = registry.customLayer(layer);
          if (codec === undefined) throw new TypeError(`no codec for layer '${layer}'`);
          const d = codec.decode(frame, offset, end, lax ? { mode: 'lax' } : undefined);
          out.push({ ...d.header, layer });
          offset += d.headerLength;
          if (d.next !== undefined) next = follow(registry, d.next);
        }
      }
      if (offset > end) offset = end;
    }
  } catch (error) {
    if (!lax || !isDecodeError(error)) throw error;
    out.push({ layer: 'error', at: error.layer, code: error.code, offset: error.offset, message: error.message });
    return out;
  }
  if (offset < end) out.push({ layer: 'payload', bytes: frame.subarray(offset, end) });
  return out;
}

function tagged<L extends string, H extends object>(layer: L, header: H, issues: readonly DecodeIssue[]): { layer: L } & H & WithIssues {
  return issues.length === 0 ? { layer, ...header } : { layer, ...header, issues };
}

function follow(registry: Registry, k: NextKey): LayerName | undefined {
  if ('etherType' in k) return registry.etherType(k.etherType);
  if ('ipProtocol' in k) return registry.ipProtocol(k.ipProtocol);
  if ('udpPort' in k) return registry.udpPort(k.udpPort, -1);
  return k.layer;
}


import type { DecodeOptions } from '@wirestack/core';

/** The layers the stack knows out of the box. */
export type BuiltinLayer = 'ethernet' | 'vlan' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'vxlan';

/** What a key binds to: a built-in layer or the name of a custom layer registered with `withLayer`. */
export type LayerName = BuiltinLayer | (string & {});

/** Where a custom layer says dispatch goes next: a key in one of the tables, or a layer directly. */
export type NextKey =
  | { readonly etherType: number }
  | { readonly ipProtocol: number }
  | { readonly udpPort: number }
  | { readonly layer: LayerName };

/**
 * A user's codec, bound on an ethertype, IP protocol or UDP port. `decode`
 * reads the header at `offset` (the layer runs to `end`) and throws
 * DecodeError when it cannot; `next` is where dispatch continues (omit to
 * stop: the rest is payload).
 */
export interface CustomLayer {
  readonly name: string;
  decode(
    bytes: Uint8Array,
    offset: number,
    end: number,
    options: DecodeOptions | undefined,
  ): { readonly header: Readonly<Record<string, unknown>>; readonly headerLength: number; readonly next?: NextKey | undefined };
}

const BUILTIN: ReadonlySet<string> = new Set(['ethernet', 'vlan', 'arp', 'ipv4', 'icmp', 'udp', 'vxlan']);

/**
 * Binds next layers by key: ethertype -> layer, IPv4 protocol -> layer,
 * UDP port -> layer. A value, not a global: parsers take one, and the
 * `with*` methods return a new registry (the default one never changes).
 *
 *   const mine = defaultRegistry.withUdpPort(8472, 'vxlan').withUdpPort(9527, 'vxlan');
 */
export class Registry {
  private constructor(
    private readonly etherTypes: ReadonlyMap<number, LayerName>,
    private readonly ipProtocols: ReadonlyMap<number, LayerName>,
    private readonly udpPorts: ReadonlyMap<number, LayerName>,
    private readonly custom: ReadonlyMap<string, CustomLayer>,
  ) {}

  /** A registry with no bindings at all (everything after Ethernet is payload). */
  static empty(): Registry {
    return new Registry(new Map(), new Map(), new Map(), new Map());
  }

  /** Dispatch for an ethertype (or VLAN tag's inner ethertype), or undefined when unbound. */
  etherType(value: number): LayerName | undefined {
    return this.etherTypes.get(value);
  }

  ipProtocol(value: number): LayerName | undefined {
    return this.ipProtocols.get(value);
  }

  /** Dispatch for a UDP datagram: the destination port's binding, else the source port's (replies). */
  udpPort(dstPort: number, srcPort: number): LayerName | undefined {
    return this.udpPorts.get(dstPort) ?? this.udpPorts.get(srcPort);
  }

  /** The custom layer registered under `name`, if any. */
  customLayer(name: string): CustomLayer | undefined {
    return this.custom.get(name);
  }

  /** The bindings, for listing (e.g. `wirestack decode --help`). */
  bindings(): { etherTypes: [number, LayerName][]; ipProtocols: [number, LayerName][]; udpPorts: [number, LayerName][] } {
    return { etherTypes: [...this.etherTypes], ipProtocols: [...this.ipProtocols], udpPorts: [...this.udpPorts] };
  }

  withEtherType(value: number, layer: LayerName): Registry {
    return new Registry(bind(this.etherTypes, value, 0xffff, this.checkLayer(layer)), this.ipProtocols, this.udpPorts, this.custom);
  }

  withIpProtocol(value: number, layer: LayerName): Registry {
    return new Registry(this.etherTypes, bind(this.ipProtocols, value, 0xff, this.checkLayer(layer)), this.udpPorts, this.custom);
  }

  withUdpPort(port: number, layer: LayerName): Registry {
    return new Registry(this.etherTypes, this.ipProtocols, bind(this.udpPorts, port, 0xffff, this.checkLayer(layer)), this.custom);
  }

  /** Removes a UDP port binding (e.g. to see VXLAN on 4789 as plain UDP). */
  withoutUdpPort(port: number): Registry {
    const ports = new Map(this.udpPorts);
    ports.delete(port);
    return new Registry(this.etherTypes, this.ipProtocols, ports, this.custom);
  }

  /** Registers a custom layer, so keys can be bound to its name. */
  withLayer(layer: CustomLayer): Registry {
    if (BUILTIN.has(layer.name) || layer.name === 'payload' || layer.name === 'error') {
      throw new TypeError(`withLayer: '${layer.name}' is a built-in layer name`);
    }
    const custom = new Map(this.custom);
    custom.set(layer.name, layer);
    return new Registry(this.etherTypes, this.ipProtocols, this.udpPorts, custom);
  }

  private checkLayer(layer: LayerName): LayerName {
    if (!BUILTIN.has(layer) && !this.custom.has(layer)) {
      throw new TypeError(`unknown layer '${layer}': register it with withLayer first`);
    }
    return layer;
  }

  /** @internal the registry every parser uses unless given another */
  static createDefault(): Registry {
    return new Registry(
      new Map<number, LayerName>([
        [0x8100, 'vlan'],
        [0x88a8, 'vlan'],
        [0x9100, 'vlan'],
        [0x9200, 'vlan'],
        [0x0806, 'arp'],
        [0x0800, 'ipv4'],
      ]),
      new Map<number, LayerName>([
        [1, 'icmp'],
        [17, 'udp'],
      ]),
      new Map<number, LayerName>([[4789, 'vxlan']]),
      new Map(),
    );
  }
}

function bind(table: ReadonlyMap<number, LayerName>, key: number, max: number, layer: LayerName): Map<number, LayerName> {
  if (!Number.isInteger(key) || key < 0 || key > max) throw new RangeError(`binding key ${key} is not an integer in 0..${max}`);
  const next = new Map(table);
  next.set(key, layer);
  return next;
}

/**
 * The default bindings: ethertypes 0x8100/0x88a8/0x9100/0x9200 -> vlan,
 * 0x0806 -> arp, 0x0800 -> ipv4; IP protocols 1 -> icmp, 17 -> udp; UDP
 * port 4789 -> vxlan (and vxlan is always followed by ethernet).
 */
export const defaultRegistry: Registry = Registry.createDefault();

import { RouteError } from './errors.js';

/**
 * Interface names and indices, as `ip link` numbers them. Routes store
 * the index; text (`dev eth0`) uses the name. Index 1 is the loopback `lo`,
 * which `ip route get` reports for local destinations.
 */
export class Interfaces {
  private readonly byName = new Map<string, number>();
  private readonly names: (string | undefined)[] = [];
  private nextIndex = 1;

  static readonly LOOPBACK = 1;

  constructor() {
    this.add('lo', Interfaces.LOOPBACK);
  }

  /** Registers an interface; the index defaults to the next unused one. */
  add(name: string, index?: number): number {
    if (name.length === 0 || /\s/.test(name)) throw new RouteError('invalid', `bad interface name ${JSON.stringify(name)}`);
    if (this.byName.has(name)) throw new RouteError('exists', `interface ${name}`);
    const ifindex = index ?? this.nextIndex;
    if (!Number.isInteger(ifindex) || ifindex < 1 || ifindex > 0x7fff_ffff) {
      throw new RouteError('invalid', `interface index ${ifindex}`);
    }
    if (this.names[ifindex] !== undefined) throw new RouteError('exists', `interface index ${ifindex}`);
    this.byName.set(name, ifindex);
    this.names[ifindex] = name;
    if (ifindex >= this.nextIndex) this.nextIndex = ifindex + 1;
    return ifindex;
  }

  /** The index of `name`, registering it when it is new. */
  ensure(name: string): number {
    return this.byName.get(name) ?? this.add(name);
  }

  indexOf(name: string): number | undefined {
    return this.byName.get(name);
  }

  nameOf(ifindex: number): string | undefined {
    return this.names[ifindex];
  }

  has(ifindex: number): boolean {
    return this.names[ifindex] !== undefined;
  }

  /** `[index, name]` pairs in index order. */
  list(): [number, string][] {
    const out: [number, string][] = [];
    this.names.forEach((name, i) => {
      if (name !== undefined) out.push([i, name]);
    });
    return out;
  }
}

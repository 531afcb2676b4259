import { ParseError } from './errors.js';

/**
 * Addresses are numbers inside the library: a MAC is a uint48, an IPv4
 * address a uint32, each branded so the two cannot be mixed up. Strings
 * appear only at the edges (parse/format).
 */
export type MacAddress = number & { readonly __brand: 'MacAddress' };
export type Ipv4Address = number & { readonly __brand: 'Ipv4Address' };

const TWO_32 = 0x1_0000_0000;
export const MAC_BROADCAST = 0xffff_ffff_ffff as MacAddress;
export const MAC_ZERO = 0 as MacAddress;
export const IPV4_ANY = 0 as Ipv4Address;
export const IPV4_BROADCAST = 0xffff_ffff as Ipv4Address;

/** Brands a number as a MAC after checking it is a uint48. */
export function asMac(value: number): MacAddress {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff_ffff) {
    throw new RangeError(`not a 48-bit MAC address value: ${value}`);
  }
  return value as MacAddress;
}

/** Brands a number as an IPv4 address after checking it is a uint32. */
export function asIpv4(value: number): Ipv4Address {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`not a 32-bit IPv4 address value: ${value}`);
  }
  return value as Ipv4Address;
}

export function macFromBytes(bytes: Uint8Array, offset = 0): MacAddress {
  const hi = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const lo =
    ((bytes[offset + 2]! << 24) | (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!) >>> 0;
  return (hi * TWO_32 + lo) as MacAddress;
}

export function writeMac(bytes: Uint8Array, offset: number, mac: MacAddress): void {
  const hi = Math.floor(mac / TWO_32);
  const lo = mac >>> 0; // ToUint32 is modulo 2^32: the low 32 bits of a uint48
  bytes[offset] = hi >>> 8;
  bytes[offset + 1] = hi;
  bytes[offset + 2] = lo >>> 24;
  bytes[offset + 3] = lo >>> 16;
  bytes[offset + 4] = lo >>> 8;
  bytes[offset + 5] = lo;
}

export function macToBytes(mac: MacAddress): Uint8Array {
  const out = new Uint8Array(6);
  writeMac(out, 0, mac);
  return out;
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case colon form: `02:42:ac:11:00:02`. */
export function formatMac(mac: MacAddress): string {
  const hi = Math.floor(mac / TWO_32);
  const lo = mac >>> 0;
  return `${HEX2[hi >>> 8]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 0xff]}:${HEX2[(lo >>> 8) & 0xff]}:${HEX2[lo & 0xff]}`;
}

const MAC_COLON = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i;
const MAC_HYPHEN = /^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$/i;
const MAC_CISCO = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;

/**
 * Accepts `aa:bb:cc:dd:ee:ff`, `aa-bb-cc-dd-ee-ff` (two hex digits per
 * octet) and Cisco's dotted `aabb.ccdd.eeff`, in either case.
 */
export function parseMac(text: string): MacAddress {
  const m = MAC_COLON.exec(text) ?? MAC_HYPHEN.exec(text);
  let digits: string;
  if (m) digits = m.slice(1).join('');
  else {
    const c = MAC_CISCO.exec(text);
    if (!c) {
      throw new ParseError('MAC address', text, 'expected aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff');
    }
    digits = c.slice(1).join('');
  }
  return parseInt(digits, 16) as MacAddress;
}

export function isBroadcastMac(mac: MacAddress): boolean {
  return mac === MAC_BROADCAST;
}

/** Group bit (I/G, least significant bit of the first octet); broadcast is multicast too. */
export function isMulticastMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 0x01) !== 0;
}

export function isUnicastMac(mac: MacAddress): boolean {
  return !isMulticastMac(mac);
}

/** U/L bit (second least significant bit of the first octet). */
export function isLocallyAdministeredMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 0x02) !== 0;
}

export function ipv4FromBytes(bytes: Uint8Array, offset = 0): Ipv4Address {
  return (((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0) as Ipv4Address;
}

export function writeIpv4(bytes: Uint8Array, offset: number, address: Ipv4Address): void {
  bytes[offset] = address >>> 24;
  bytes[offset + 1] = address >>> 16;
  bytes[offset + 2] = address >>> 8;
  bytes[offset + 3] = address;
}

export function formatIpv4(address: Ipv4Address): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4_DOTTED = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * Strict dotted quad: four decimal octets 0..255 without leading zeros
 * (`010.0.0.1` is rejected: inet_aton would read it as octal).
 */
export function parseIpv4(text: string): Ipv4Address {
  const m = IPV4_DOTTED.exec(text);
  if (!m) {
    throw new ParseError('IPv4 address', text, 'expected a dotted quad a.b.c.d with decimal octets 0..255');
  }
  return ((Number(m[1]) * 0x100_0000 + (Number(m[2]) << 16)) + (Number(m[3]) << 8) + Number(m[4])) as Ipv4Address;
}

/** An IPv4 prefix such as 10.244.1.0/24. */
export interface Ipv4Prefix {
  readonly address: Ipv4Address;
  readonly length: number;
}

/** Netmask for a prefix length 0..32, as a uint32. */
export function ipv4Mask(length: number): number {
  return length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0;
}

/**
 * Parses `a.b.c.d/len` (or a bare address as /32). Host bits must be zero
 * unless `allowHostBits` is set (then they are kept, as in `10.0.0.1/24`
 * for an interface address).
 */
export function parseIpv4Prefix(text: string, options: { allowHostBits?: boolean } = {}): Ipv4Prefix {
  const slash = text.indexOf('/');
  const address = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  let length = 32;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^(3[0-2]|[12]?[0-9])$/.test(lenText)) {
      throw new ParseError('IPv4 prefix', text, 'prefix length must be 0..32');
    }
    length = Number(lenText);
  }
  if (!options.allowHostBits && (address & ~ipv4Mask(length)) !== 0) {
    throw new ParseError('IPv4 prefix', text, 'host bits are set');
  }
  return { address, length };
}

export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.address)}/${prefix.length}`;
}

/** 224.0.0.0/4 */
export function isMulticastIpv4(address: Ipv4Address): boolean {
  return address >>> 28 === 0xe;
}

/** 255.255.255.255 */
export function isLimitedBroadcastIpv4(address: Ipv4Address): boolean {
  return address === IPV4_BROADCAST;
}

/** 127.0.0.0/8 */
export function isLoopbackIpv4(address: Ipv4Address): boolean {
  return address >>> 24 === 127;
}

import {
  DecodeError,
  EncodeError,
  checkUint,
  writeIpv4,
  writeMac,
  writeU16,
  type HeaderView,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import {
  arpPacketLength,
} from './layout.js';
import { LAYER, requireArpPacket } from './length.js';

// Hot path: direct byte reads and literal offsets (CONTRIBUTING.md, "Views").
const EMPTY = new Uint8Array(0);
const MAX_MAC = 0xffff_ffff_ffff;
const MAX_IPV4 = 0xffff_ffff;
const TWO_32 = 0x1_0000_0000;

/**
 * Zero-copy accessors over an ARP packet in place, for hot paths: reading
 * and writing fields allocates nothing (except the `*Bytes` subarrays), and
 * `reset` re-points the view at the next packet.
 *
 * `reset` checks that the whole packet (fixed part and the address fields
 * hlen/plen announce) fits, and fixes the layout (hlen, plen) for the life
 * of the view: the lengths have no setters, so every getter stays inside the
 * checked bounds.
 *
 * The numeric address accessors (`sha`, `spa`, `tha`, `tpa`) exist for the
 * Ethernet/IPv4 layout only (`kind === 'ethernet-ipv4'`); on a generic packet
 * they throw (DecodeError 'unsupported' for reads, EncodeError 'invalid' for
 * writes) rather than read bytes of other fields. The `*Bytes` accessors work
 * for every layout.
 */
export class ArpView implements HeaderView {
  private _bytes: Uint8Array = EMPTY;
  private _offset = 0;
  private _hlen = 0;
  private _plen = 0;
  private _headerLength = 0;
  private _ethernetIpv4 = false;

  /** Without bytes the view is detached (headerLength 0) until `reset`. */
  constructor(bytes?: Uint8Array, offset = 0) {
    if (bytes !== undefined) this.reset(bytes, offset);
  }

  /** Points the view at the ARP packet at `offset`; DecodeError 'truncated' when it does not fit. */
  reset(bytes: Uint8Array, offset = 0): this {
    const hlen = bytes[offset + 4 /* HLEN */]!;
    const plen = bytes[offset + 5 /* PLEN */]!;
    let length = arpPacketLength(hlen, plen);
    // One comparison on the hot path: a missing byte or a bad offset makes
    // it fail (NaN), and requireArpPacket throws the right error.
    if (!(offset >= 0 && bytes.length - offset >= length)) length = requireArpPacket(bytes, offset);
    this._bytes = bytes;
    this._offset = offset;
    this._hlen = hlen;
    this._plen = plen;
    this._headerLength = length;
    this.updateKind();
    return this;
  }

  get bytes(): Uint8Array {
    return this._bytes;
  }

  get offset(): number {
    return this._offset;
  }

  /** Bytes of the ARP packet: 8 + 2*hlen + 2*plen. */
  get headerLength(): number {
    return this._headerLength;
  }

  get kind(): 'ethernet-ipv4' | 'generic' {
    return this._ethernetIpv4 ? 'ethernet-ipv4' : 'generic';
  }

  get htype(): number {
    const b = this._bytes;
    const o = this._offset /* + HTYPE (0) */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set htype(value: number) {
    writeU16(this._bytes, this._offset /* + HTYPE (0) */, checkUint(value, 0xffff, 'htype'));
    this.updateKind();
  }

  get ptype(): number {
    const b = this._bytes;
    const o = this._offset + 2 /* PTYPE */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set ptype(value: number) {
    writeU16(this._bytes, this._offset + 2 /* PTYPE */, checkUint(value, 0xffff, 'ptype'));
    this.updateKind();
  }

  get hlen(): number {
    return this._hlen;
  }

  get plen(): number {
    return this._plen;
  }

  get op(): number {
    const b = this._bytes;
    const o = this._offset + 6 /* OP */;
    return (b[o]! << 8) | b[o + 1]!;
  }

  set op(value: number) {
    writeU16(this._bytes, this._offset + 6 /* OP */, checkUint(value, 0xffff, 'op'));
  }

  get sha(): MacAddress {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'sha');
    const b = this._bytes;
    const o = this._offset + 8 /* ETHERNET_IPV4.sha */;
    return (((b[o]! << 8) | b[o + 1]!) * TWO_32 +
      (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0)) as MacAddress;
  }

  set sha(value: MacAddress) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('sha');
    writeMac(this._bytes, this._offset + 8 /* ETHERNET_IPV4.sha */, checkUint(value, MAX_MAC, 'sha') as MacAddress);
  }

  get spa(): Ipv4Address {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'spa');
    const b = this._bytes;
    const o = this._offset + 14 /* ETHERNET_IPV4.spa */;
    return (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) as Ipv4Address;
  }

  set spa(value: Ipv4Address) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('spa');
    writeIpv4(this._bytes, this._offset + 14 /* ETHERNET_IPV4.spa */, checkUint(value, MAX_IPV4, 'spa') as Ipv4Address);
  }

  get tha(): MacAddress {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'tha');
    const b = this._bytes;
    const o = this._offset + 18 /* ETHERNET_IPV4.tha */;
    return (((b[o]! << 8) | b[o + 1]!) * TWO_32 +
      (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0)) as MacAddress;
  }

  set tha(value: MacAddress) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('tha');
    writeMac(this._bytes, this._offset + 18 /* ETHERNET_IPV4.tha */, checkUint(value, MAX_MAC, 'tha') as MacAddress);
  }

  get tpa(): Ipv4Address {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'tpa');
    const b = this._bytes;
    const o = this._offset + 24 /* ETHERNET_IPV4.tpa */;
    return (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0) as Ipv4Address;
  }

  set tpa(value: Ipv4Address) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('tpa');
    writeIpv4(this._bytes, this._offset + 24 /* ETHERNET_IPV4.tpa */, checkUint(value, MAX_IPV4, 'tpa') as Ipv4Address);
  }

  /** Sender hardware address in place (a subarray: writes go to the packet). */
  get shaBytes(): Uint8Array {
    const start = this._offset + 8 /* SHA */;
    return this._bytes.subarray(start, start + this._hlen);
  }

  get spaBytes(): Uint8Array {
    const start = this._offset + 8 /* SHA */ + this._hlen;
    return this._bytes.subarray(start, start + this._plen);
  }

  get thaBytes(): Uint8Array {
    const start = this._offset + 8 /* SHA */ + this._hlen + this._plen;
    return this._bytes.subarray(start, start + this._hlen);
  }

  get tpaBytes(): Uint8Array {
    const start = this._offset + 8 /* SHA */ + 2 * this._hlen + this._plen;
    return this._bytes.subarray(start, start + this._plen);
  }

  // length.ts's hasEthernetIpv4Layout, written out over what reset already
  // read (the fixed part is known to be there), so reset calls no helpers.
  // The values are the layout's ETHERNET_IPV4_TYPES and ETHERNET_IPV4_LENGTHS.
  private updateKind(): void {
    const b = this._bytes;
    const o = this._offset;
    this._ethernetIpv4 =
      this._hlen === 6 && this._plen === 4 && ((b[o]! << 8) | b[o + 1]!) === 1 && ((b[o + 2]! << 8) | b[o + 3]!) === 0x0800;
  }
}

// Error builders live outside the class so the getters stay small enough to inline.

function notEthernetIpv4Read(offset: number, field: string): DecodeError {
  return new DecodeError({
    code: 'unsupported',
    layer: LAYER,
    offset,
    message: `arp at offset ${offset}: ${field} is a number only in the Ethernet/IPv4 layout (htype 1, ptype 0x0800, hlen 6, plen 4); read ${field}Bytes`,
  });
}

function notEthernetIpv4Write(field: string): EncodeError {
  return new EncodeError(
    'invalid',
    field,
    `${field}: a number only in the Ethernet/IPv4 layout (htype 1, ptype 0x0800, hlen 6, plen 4); write ${field}Bytes`,
  );
}

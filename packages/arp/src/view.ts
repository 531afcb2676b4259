import {
  DecodeError,
  EncodeError,
  checkUint,
  ipv4FromBytes,
  macFromBytes,
  readU16,
  writeIpv4,
  writeMac,
  writeU16,
  type HeaderView,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import {
  ETHERNET_IPV4,
  HLEN,
  HTYPE,
  OP,
  PLEN,
  PTYPE,
  SHA,
} from './layout.js';
import { LAYER, hasEthernetIpv4Layout, requireArpPacket } from './length.js';

const EMPTY = new Uint8Array(0);
const MAX_MAC = 0xffff_ffff_ffff;
const MAX_IPV4 = 0xffff_ffff;

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
    const length = requireArpPacket(bytes, offset);
    this._bytes = bytes;
    this._offset = offset;
    this._hlen = bytes[offset + HLEN]!;
    this._plen = bytes[offset + PLEN]!;
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
    return readU16(this._bytes, this._offset + HTYPE);
  }

  set htype(value: number) {
    writeU16(this._bytes, this._offset + HTYPE, checkUint(value, 0xffff, 'htype'));
    this.updateKind();
  }

  get ptype(): number {
    return readU16(this._bytes, this._offset + PTYPE);
  }

  set ptype(value: number) {
    writeU16(this._bytes, this._offset + PTYPE, checkUint(value, 0xffff, 'ptype'));
    this.updateKind();
  }

  get hlen(): number {
    return this._hlen;
  }

  get plen(): number {
    return this._plen;
  }

  get op(): number {
    return readU16(this._bytes, this._offset + OP);
  }

  set op(value: number) {
    writeU16(this._bytes, this._offset + OP, checkUint(value, 0xffff, 'op'));
  }

  get sha(): MacAddress {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'sha');
    return macFromBytes(this._bytes, this._offset + ETHERNET_IPV4.sha);
  }

  set sha(value: MacAddress) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('sha');
    writeMac(this._bytes, this._offset + ETHERNET_IPV4.sha, checkUint(value, MAX_MAC, 'sha') as MacAddress);
  }

  get spa(): Ipv4Address {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'spa');
    return ipv4FromBytes(this._bytes, this._offset + ETHERNET_IPV4.spa);
  }

  set spa(value: Ipv4Address) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('spa');
    writeIpv4(this._bytes, this._offset + ETHERNET_IPV4.spa, checkUint(value, MAX_IPV4, 'spa') as Ipv4Address);
  }

  get tha(): MacAddress {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'tha');
    return macFromBytes(this._bytes, this._offset + ETHERNET_IPV4.tha);
  }

  set tha(value: MacAddress) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('tha');
    writeMac(this._bytes, this._offset + ETHERNET_IPV4.tha, checkUint(value, MAX_MAC, 'tha') as MacAddress);
  }

  get tpa(): Ipv4Address {
    if (!this._ethernetIpv4) throw notEthernetIpv4Read(this._offset, 'tpa');
    return ipv4FromBytes(this._bytes, this._offset + ETHERNET_IPV4.tpa);
  }

  set tpa(value: Ipv4Address) {
    if (!this._ethernetIpv4) throw notEthernetIpv4Write('tpa');
    writeIpv4(this._bytes, this._offset + ETHERNET_IPV4.tpa, checkUint(value, MAX_IPV4, 'tpa') as Ipv4Address);
  }

  /** Sender hardware address in place (a subarray: writes go to the packet). */
  get shaBytes(): Uint8Array {
    const start = this._offset + SHA;
    return this._bytes.subarray(start, start + this._hlen);
  }

  get spaBytes(): Uint8Array {
    const start = this._offset + SHA + this._hlen;
    return this._bytes.subarray(start, start + this._plen);
  }

  get thaBytes(): Uint8Array {
    const start = this._offset + SHA + this._hlen + this._plen;
    return this._bytes.subarray(start, start + this._hlen);
  }

  get tpaBytes(): Uint8Array {
    const start = this._offset + SHA + 2 * this._hlen + this._plen;
    return this._bytes.subarray(start, start + this._plen);
  }

  private updateKind(): void {
    this._ethernetIpv4 = hasEthernetIpv4Layout(this._bytes, this._offset);
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

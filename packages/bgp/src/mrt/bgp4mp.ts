import { EncodeError, checkUint, readU16, readU32, writeU16, writeU32 } from '@wirestack/core';
import { decodeMessage, encodeMessage } from '../codec.js';
import { HEADER_LENGTH, LENGTH_OFFSET } from '../layout.js';
import type { BgpCodecOptions, BgpMessage } from '../messages.js';
import { addressLength, readAddress, writeAddress } from './address.js';
import { mrtError, need } from './errors.js';
import { Bgp4mpSubtype, MRT_AFI_IPV4, MRT_AFI_IPV6 } from './layout.js';
import type { Bgp4mpMessageRecord, Bgp4mpPeering, Bgp4mpStateChangeRecord, MrtAddress } from './records.js';

/**
 * BGP4MP bodies (RFC 6396 §4.4, RFC 8050 §3): Peer AS, Local AS (2 or 4
 * octets by subtype), Interface Index, Address Family, Peer and Local IP
 * address, then either Old/New State or one whole BGP message.
 */

/** What a message subtype says about its contents. */
interface MessageSubtype {
  readonly as4: boolean;
  readonly local: boolean;
  readonly addPath: boolean;
}

const MESSAGE_SUBTYPES: Readonly<Record<number, MessageSubtype>> = {
  [Bgp4mpSubtype.MESSAGE]: { as4: false, local: false, addPath: false },
  [Bgp4mpSubtype.MESSAGE_AS4]: { as4: true, local: false, addPath: false },
  [Bgp4mpSubtype.MESSAGE_LOCAL]: { as4: false, local: true, addPath: false },
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL]: { as4: true, local: true, addPath: false },
  [Bgp4mpSubtype.MESSAGE_ADDPATH]: { as4: false, local: false, addPath: true },
  [Bgp4mpSubtype.MESSAGE_AS4_ADDPATH]: { as4: true, local: false, addPath: true },
  [Bgp4mpSubtype.MESSAGE_LOCAL_ADDPATH]: { as4: false, local: true, addPath: true },
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL_ADDPATH]: { as4: true, local: true, addPath: true },
};

export function bgp4mpMessageSubtypeInfo(subtype: number): MessageSubtype | undefined {
  return MESSAGE_SUBTYPES[subtype];
}

export function bgp4mpMessageSubtype(r: MessageSubtype): number {
  for (const [subtype, info] of Object.entries(MESSAGE_SUBTYPES)) {
    if (info.as4 === r.as4 && info.local === r.local && info.addPath === r.addPath) return Number(subtype);
  }
  throw new EncodeError('invalid', 'subtype');
}

/**
 * The codec options a logged message is read and written with. The _AS4
 * subtypes carry 4-octet AS_PATHs (what collectors and bgpdump assume;
 * RFC 6396 leaves it implicit). Messages may be up to 65,535 octets: the
 * session may have negotiated extended messages, which the record does not say.
 */
export function messageCodecOptions(r: { as4: boolean; addPath: boolean }): BgpCodecOptions {
  return { fourOctetAs: r.as4, extendedMessage: true, addPath: r.addPath };
}

type Peering = Omit<Bgp4mpPeering, 'timestamp' | 'microseconds'>;

/** Reads the peering fields; returns them and where the rest of the body starts. */
function decodePeering(bytes: Uint8Array, start: number, end: number, as4: boolean): { peering: Peering; next: number } {
  const asSize = as4 ? 4 : 2;
  need(bytes, start, 2 * asSize + 4, end);
  const read = as4 ? readU32 : readU16;
  const peerAs = read(bytes, start);
  const localAs = read(bytes, start + asSize);
  const interfaceIndex = readU16(bytes, start + 2 * asSize);
  const afiAt = start + 2 * asSize + 2;
  const afi = readU16(bytes, afiAt);
  if (afi !== MRT_AFI_IPV4 && afi !== MRT_AFI_IPV6) throw mrtError('bad-address-family', afiAt, `address family ${afi} (expected 1 or 2)`);
  const family = afi === MRT_AFI_IPV4 ? 'ipv4' : 'ipv6';
  const size = addressLength(family);
  need(bytes, afiAt + 2, 2 * size, end);
  const peerAddress = readAddress(bytes, afiAt + 2, family);
  const localAddress = readAddress(bytes, afiAt + 2 + size, family);
  return { peering: { as4, peerAs, localAs, interfaceIndex, peerAddress, localAddress }, next: afiAt + 2 + 2 * size };
}

function peeringLength(r: Peering): number {
  return 2 * (r.as4 ? 4 : 2) + 4 + 2 * addressLength(r.peerAddress.family);
}

function writePeering(out: Uint8Array, r: Peering): number {
  const asMax = r.as4 ? 0xffff_ffff : 0xffff;
  const write = r.as4 ? writeU32 : writeU16;
  const asSize = r.as4 ? 4 : 2;
  write(out, 0, checkUint(r.peerAs, asMax, 'peerAs'));
  write(out, asSize, checkUint(r.localAs, asMax, 'localAs'));
  writeU16(out, 2 * asSize, checkUint(r.interfaceIndex, 0xffff, 'interfaceIndex'));
  const family: MrtAddress['family'] = r.peerAddress.family;
  if (r.localAddress.family !== family) throw new EncodeError('invalid', 'localAddress', 'localAddress: must have the family of peerAddress');
  writeU16(out, 2 * asSize + 2, family === 'ipv4' ? MRT_AFI_IPV4 : MRT_AFI_IPV6);
  const o = writeAddress(out, 2 * asSize + 4, r.peerAddress, 'peerAddress');
  return writeAddress(out, o, r.localAddress, 'localAddress');
}

type Timing = Pick<Bgp4mpPeering, 'timestamp' | 'microseconds'>;

export function decodeStateChange(bytes: Uint8Array, start: number, end: number, time: Timing, as4: boolean): Bgp4mpStateChangeRecord {
  const { peering, next } = decodePeering(bytes, start, end, as4);
  need(bytes, next, 4, end);
  if (next + 4 !== end) throw mrtError('bad-length', next + 4, `${end - next - 4} octets after the new state`);
  return { kind: 'bgp4mp-state-change', ...time, ...peering, oldState: readU16(bytes, next), newState: readU16(bytes, next + 2) };
}

export function encodeStateChange(r: Bgp4mpStateChangeRecord): Uint8Array {
  const out = new Uint8Array(peeringLength(r) + 4);
  const o = writePeering(out, r);
  writeU16(out, o, checkUint(r.oldState, 0xffff, 'oldState'));
  writeU16(out, o + 2, checkUint(r.newState, 0xffff, 'newState'));
  return out;
}

/**
 * A BGP4MP message record; the BGP message must fill the rest of the
 * record exactly. BGP errors that reset a session are thrown (as BgpError,
 * offsets into `bytes`); lesser RFC 7606 problems come back in `errors`.
 */
export function decodeBgp4mpMessage(bytes: Uint8Array, start: number, end: number, time: Timing, subtype: MessageSubtype): Bgp4mpMessageRecord {
  const { peering, next } = decodePeering(bytes, start, end, subtype.as4);
  need(bytes, next, HEADER_LENGTH, end);
  const length = readU16(bytes, next + LENGTH_OFFSET);
  if (length !== end - next) {
    throw mrtError('bad-length', next + LENGTH_OFFSET, `BGP message length ${length} but ${end - next} octets left in the record`);
  }
  const decoded = decodeMessage(bytes, next, messageCodecOptions(subtype));
  return {
    kind: 'bgp4mp-message',
    ...time,
    ...peering,
    local: subtype.local,
    addPath: subtype.addPath,
    message: decoded.message,
    ...(decoded.errors.length === 0 ? {} : { errors: decoded.errors }),
  };
}

/** The body of a message record; `message` is a BgpMessage to encode or the octets of one, header included. */
export function encodeBgp4mpMessage(r: Omit<Bgp4mpMessageRecord, 'kind' | 'message' | 'errors'> & { message: BgpMessage | Uint8Array }): Uint8Array {
  const message = r.message instanceof Uint8Array ? r.message : encodeMessage(r.message, messageCodecOptions(r));
  const out = new Uint8Array(peeringLength(r) + message.length);
  const o = writePeering(out, r);
  out.set(message, o);
  return out;
}

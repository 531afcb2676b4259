import { EncodeError, readU16, writeU16 } from '@wirestack/core';
import { decodeAttributes, encodeAttributes } from './attributes.js';
import { BgpError, notification } from './errors.js';
import { AttributeType, HEADER_LENGTH } from './layout.js';
import type { BgpCodecOptions, BgpPrefix, PathAttributes, UpdateMessage } from './messages.js';
import { decodePrefixKeys, prefixKey, prefixesLength, prefixesOfKeys, writePrefixes } from './nlri.js';
import { ErrorCode, UpdateSubcode } from './notification-codes.js';

/**
 * UPDATE (RFC 4271 §4.3): Withdrawn Routes Length, Withdrawn Routes, Total
 * Path Attribute Length, Path Attributes, NLRI.
 */

function sessionReset(code: string, offset: number, subcode: number, data?: Uint8Array): BgpError {
  return new BgpError({ code, offset, handling: 'session-reset', notification: notification(ErrorCode.UPDATE_MESSAGE, subcode, data) });
}

/** Where the fields of an UPDATE lie in its buffer (offsets into it). */
export interface UpdateSections {
  readonly withdrawnStart: number;
  /** Offset of Total Path Attribute Length; the withdrawn routes end here. */
  readonly attributesLengthAt: number;
  readonly attributesStart: number;
  /** The path attributes end and the NLRI start here. */
  readonly nlriStart: number;
  readonly end: number;
}

/** The sections of the UPDATE at `offset` whose header said `length`; 3/1 when their lengths do not add up. */
export function updateSections(bytes: Uint8Array, offset: number, length: number): UpdateSections {
  const end = offset + length;
  const wlenAt = offset + HEADER_LENGTH;
  const withdrawnStart = wlenAt + 2;
  const attributesLengthAt = withdrawnStart + readU16(bytes, wlenAt);
  if (attributesLengthAt + 2 > end) throw sessionReset('bad-withdrawn-length', wlenAt, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST);
  const attributesStart = attributesLengthAt + 2;
  const nlriStart = attributesStart + readU16(bytes, attributesLengthAt);
  if (nlriStart > end) throw sessionReset('bad-attributes-length', attributesLengthAt, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST);
  return { withdrawnStart, attributesLengthAt, attributesStart, nlriStart, end };
}

/** A syntax error in the withdrawn routes or NLRI field: 3/10, session reset (RFC 7606 §5.3). */
function invalidNetwork(at: number, detail: string): BgpError {
  return new BgpError({
    code: 'invalid-network-field',
    offset: at,
    handling: 'session-reset',
    message: `bgp at offset ${at}: invalid-network-field: ${detail} (session-reset)`,
    notification: notification(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_NETWORK_FIELD),
  });
}

/**
 * The withdrawn routes and the NLRI of an UPDATE as prefix keys
 * (`prefixKey`), checked as `decodeUpdateKeys` checks them; its attributes
 * left undecoded.
 */
export function decodeUpdatePrefixKeys(bytes: Uint8Array, s: UpdateSections, options: BgpCodecOptions): { withdrawn: number[]; nlri: number[] } {
  const addPath = options.addPath === true;
  const withdrawn: number[] = [];
  const nlri: number[] = [];
  decodePrefixKeys(bytes, s.withdrawnStart, s.attributesLengthAt, addPath, invalidNetwork, withdrawn);
  decodePrefixKeys(bytes, s.nlriStart, s.end, addPath, invalidNetwork, nlri);
  return { withdrawn, nlri };
}

/**
 * An UPDATE with its prefixes as keys (`prefixKey`) and, with ADD-PATH,
 * their path identifiers beside them: what `decodeMessage` makes its
 * UpdateMessage of (`updateMessage`), and what the engine imports (a full
 * table is a million prefixes: no object for each).
 */
export interface UpdateKeys {
  readonly withdrawn: readonly number[];
  readonly attributes: PathAttributes;
  readonly nlri: readonly number[];
  /** With ADD-PATH: the path identifier of each withdrawn route and of each NLRI prefix. */
  readonly withdrawnPathIds: readonly number[] | undefined;
  readonly nlriPathIds: readonly number[] | undefined;
}

/**
 * Decodes the UPDATE at `offset` whose header said `length`. Throws BgpError
 * for what resets the session (field lengths that do not add up: 3/1;
 * a syntax error in the withdrawn routes or NLRI fields: 3/10, RFC 7606
 * §5.3); appends the lesser errors (RFC 7606 attribute handling, missing
 * well-known attributes: 3/3 treat-as-withdraw) to `errors`.
 */
export function decodeUpdateKeys(bytes: Uint8Array, offset: number, length: number, options: BgpCodecOptions, errors: BgpError[]): UpdateKeys {
  const s = updateSections(bytes, offset, length);
  const addPath = options.addPath === true;
  const withdrawn: number[] = [];
  const withdrawnPathIds: number[] | undefined = addPath ? [] : undefined;
  decodePrefixKeys(bytes, s.withdrawnStart, s.attributesLengthAt, addPath, invalidNetwork, withdrawn, withdrawnPathIds);
  const { attributes, seen } = decodeAttributes(bytes, s.attributesStart, s.nlriStart, options, errors);
  const nlri: number[] = [];
  const nlriPathIds: number[] | undefined = addPath ? [] : undefined;
  decodePrefixKeys(bytes, s.nlriStart, s.end, addPath, invalidNetwork, nlri, nlriPathIds);

  // RFC 4271 §5 / RFC 4760 §3: what must accompany reachability; RFC 7606 §3 d: treat-as-withdraw.
  if (nlri.length > 0 || seen[AttributeType.MP_REACH_NLRI]) {
    const required: number[] = [AttributeType.ORIGIN, AttributeType.AS_PATH];
    if (nlri.length > 0) required.push(AttributeType.NEXT_HOP);
    for (const type of required) {
      if (!seen[type]) {
        errors.push(
          new BgpError({
            code: 'missing-well-known-attribute',
            offset: s.attributesLengthAt,
            handling: 'treat-as-withdraw',
            attributeType: type,
            notification: notification(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE, Uint8Array.of(type)),
          }),
        );
      }
    }
  }
  return { withdrawn, attributes, nlri, withdrawnPathIds, nlriPathIds };
}

/** The UPDATE message of a decoded `UpdateKeys`: its prefixes as objects. */
export function updateMessage(u: UpdateKeys): UpdateMessage {
  return { type: 'update', withdrawn: prefixesOfKeys(u.withdrawn, u.withdrawnPathIds), attributes: u.attributes, nlri: prefixesOfKeys(u.nlri, u.nlriPathIds) };
}

export function encodeUpdateBody(update: UpdateMessage, options: BgpCodecOptions): { length: number; write(out: Uint8Array, offset: number): void } {
  const addPath = options.addPath === true;
  const withdrawnLength = prefixesLength(update.withdrawn, addPath);
  const attrs = encodeAttributes(update.attributes, options);
  if (withdrawnLength > 0xffff) throw new EncodeError('too-long', 'withdrawn');
  if (attrs.length > 0xffff) throw new EncodeError('too-long', 'attributes');
  const nlriLength = prefixesLength(update.nlri, addPath);
  return {
    length: 4 + withdrawnLength + attrs.length + nlriLength,
    write(out, offset) {
      writeU16(out, offset, withdrawnLength);
      let o = writePrefixes(out, offset + 2, update.withdrawn, addPath, 'withdrawn');
      writeU16(out, o, attrs.length);
      o = attrs.write(out, o + 2);
      writePrefixes(out, o, update.nlri, addPath, 'nlri');
    },
  };
}

/**
 * True for an End-of-RIB marker (RFC 4724 §2): an UPDATE with nothing in it
 * (IPv4 unicast), or one holding only an empty MP_UNREACH_NLRI (other
 * families).
 */
export function isEndOfRib(update: UpdateMessage): boolean {
  if (update.withdrawn.length > 0 || update.nlri.length > 0) return false;
  const keys = Object.keys(update.attributes);
  if (keys.length === 0) return true;
  const u = update.attributes.mpUnreach;
  if (keys.length !== 1 || u === undefined) return false;
  return u.withdrawn.length === 0;
}

/**
 * Every prefix an UPDATE withdraws, and, when its handling is
 * treat-as-withdraw, every prefix it would have announced too (RFC 7606
 * §2): IPv4 unicast from both the classic fields and MP attributes.
 */
export function withdrawnPrefixes(update: UpdateMessage, treatAsWithdraw = false): BgpPrefix[] {
  const out = withdrawnOf(update.withdrawn, update.nlri, update.attributes, treatAsWithdraw, asPrefix);
  return out === update.withdrawn ? [...out] : (out as BgpPrefix[]);
}

/** Every IPv4 unicast prefix an UPDATE announces, from NLRI and MP_REACH_NLRI. */
export function announcedPrefixes(update: UpdateMessage): BgpPrefix[] {
  const out = announcedOf(update.nlri, update.attributes, asPrefix);
  return out === update.nlri ? [...out] : (out as BgpPrefix[]);
}

/** `withdrawnPrefixes` for an UPDATE decoded with its prefixes as keys (the engine's import). */
export function withdrawnKeys(u: UpdateKeys, treatAsWithdraw: boolean): readonly number[] {
  return withdrawnOf(u.withdrawn, u.nlri, u.attributes, treatAsWithdraw, asKey);
}

/** `announcedPrefixes` for an UPDATE decoded with its prefixes as keys. */
export function announcedKeys(u: UpdateKeys): readonly number[] {
  return announcedOf(u.nlri, u.attributes, asKey);
}

const asPrefix = (p: BgpPrefix): BgpPrefix => p;
const asKey = (p: BgpPrefix): number => prefixKey(p.address, p.length);

/**
 * The one rule behind `withdrawnPrefixes` and `withdrawnKeys`, over the
 * classic fields in either form (`fromMp` turns the MP attributes' prefixes
 * into it): `withdrawn` itself when the MP attributes and the handling add
 * nothing, else a new array.
 */
function withdrawnOf<T>(withdrawn: readonly T[], nlri: readonly T[], a: PathAttributes, treatAsWithdraw: boolean, fromMp: (p: BgpPrefix) => T): readonly T[] {
  const mpUnreach = a.mpUnreach;
  const fromUnreach = mpUnreach?.kind === 'ipv4-unicast' && mpUnreach.withdrawn.length > 0;
  if (!fromUnreach && !treatAsWithdraw) return withdrawn;
  const out = [...withdrawn];
  if (fromUnreach) for (const p of mpUnreach.withdrawn) out.push(fromMp(p));
  if (treatAsWithdraw) {
    out.push(...nlri);
    const mpReach = a.mpReach;
    if (mpReach?.kind === 'ipv4-unicast') for (const p of mpReach.nlri) out.push(fromMp(p));
  }
  return out;
}

/** The rule behind `announcedPrefixes` and `announcedKeys`: `nlri` itself when MP_REACH_NLRI adds nothing. */
function announcedOf<T>(nlri: readonly T[], a: PathAttributes, fromMp: (p: BgpPrefix) => T): readonly T[] {
  const mpReach = a.mpReach;
  if (mpReach?.kind !== 'ipv4-unicast' || mpReach.nlri.length === 0) return nlri;
  return [...nlri, ...mpReach.nlri.map(fromMp)];
}

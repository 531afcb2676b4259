import { EncodeError, checkUint, readU16, readU32, writeU16, writeU32 } from '@wirestack/core';
import { AS_TRANS, SegmentType } from './layout.js';
import type { Aggregator, AsPathSegment, AsPathSegmentType, PathAttributes } from './messages.js';

/**
 * AS_PATH and AS4_PATH segments (RFC 4271 §4.3, RFC 5065, RFC 6793): type,
 * count of ASNs, then the ASNs in 2 or 4 octets each.
 */

const TYPE_BY_VALUE: Readonly<Record<number, AsPathSegmentType>> = {
  [SegmentType.AS_SET]: 'set',
  [SegmentType.AS_SEQUENCE]: 'sequence',
  [SegmentType.AS_CONFED_SEQUENCE]: 'confed-sequence',
  [SegmentType.AS_CONFED_SET]: 'confed-set',
};
const VALUE_BY_TYPE: Readonly<Record<AsPathSegmentType, number>> = {
  set: SegmentType.AS_SET,
  sequence: SegmentType.AS_SEQUENCE,
  'confed-sequence': SegmentType.AS_CONFED_SEQUENCE,
  'confed-set': SegmentType.AS_CONFED_SET,
};

/**
 * Decodes the segments in bytes[start, end), or returns the offset of the
 * malformation (RFC 7606 §7.2: an unknown segment type, a segment with no
 * ASNs, or one that overruns the attribute).
 */
export function decodeAsPath(bytes: Uint8Array, start: number, end: number, asnSize: 2 | 4): AsPathSegment[] | number {
  const segments: AsPathSegment[] = [];
  let o = start;
  while (o < end) {
    if (o + 2 > end) return o;
    const type = TYPE_BY_VALUE[bytes[o]!];
    const count = bytes[o + 1]!;
    if (type === undefined || count === 0 || o + 2 + count * asnSize > end) return o;
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const p = o + 2 + i * asnSize;
      asns[i] = asnSize === 4 ? readU32(bytes, p) : readU16(bytes, p);
    }
    segments.push({ type, asns });
    o += 2 + count * asnSize;
  }
  // an array grown by push keeps room for 16 more: a full table keeps a path per attribute set, so trim it
  return segments.slice();
}

export function asPathWireLength(segments: readonly AsPathSegment[], asnSize: 2 | 4): number {
  let n = 0;
  for (const s of segments) n += 2 + s.asns.length * asnSize;
  return n;
}

/**
 * Writes the segments (or, without `out`, only checks them); returns the
 * offset after them. EncodeError for an empty segment, more than 255 ASNs
 * or an ASN that does not fit.
 */
export function writeAsPath(out: Uint8Array | undefined, offset: number, segments: readonly AsPathSegment[], asnSize: 2 | 4, field: string): number {
  let o = offset;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const type = VALUE_BY_TYPE[s.type];
    if (type === undefined) throw new EncodeError('invalid', `${field}[${i}].type`);
    const asns = s.asns;
    if (asns.length === 0 || asns.length > 255) {
      throw new EncodeError('out-of-range', `${field}[${i}].asns`, `${field}[${i}]: a segment holds 1..255 ASNs, got ${asns.length}`);
    }
    if (out !== undefined) {
      out[o] = type;
      out[o + 1] = asns.length;
    }
    o += 2;
    for (let k = 0; k < asns.length; k++) {
      const asn = checkUint(asns[k]!, asnSize === 4 ? 0xffff_ffff : 0xffff, `${field}[${i}].asns`);
      if (out !== undefined) {
        if (asnSize === 4) writeU32(out, o, asn);
        else writeU16(out, o, asn);
      }
      o += asnSize;
    }
  }
  return o;
}

/**
 * The path length the decision process compares (RFC 4271 §9.1.2.2 a): an
 * AS_SET counts 1, confederation segments count 0 (RFC 5065 §5.3).
 */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === 'sequence') n += s.asns.length;
    else if (s.type === 'set') n += 1;
  }
  return n;
}

/** The AS a route was learnt from: the first ASN of a leading AS_SEQUENCE. */
export function firstAs(segments: readonly AsPathSegment[]): number | undefined {
  const s = segments[0];
  return s && s.type === 'sequence' ? s.asns[0] : undefined;
}

/**
 * RFC 6793 §4.2.3: rebuilds the real AS_PATH and AGGREGATOR from a 2-octet
 * session's AS_PATH/AGGREGATOR and AS4_PATH/AS4_AGGREGATOR, and removes the
 * AS4 attributes. An AGGREGATOR that is not AS_TRANS means the AS4
 * attributes are stale and are ignored; an AS4_PATH longer than AS_PATH is
 * ignored; otherwise the leading ASNs AS_PATH has beyond AS4_PATH's count
 * are prepended to AS4_PATH (with any confederation segments among them).
 */
export function mergeAs4(attributes: PathAttributes): PathAttributes {
  const { as4Path, as4Aggregator, ...rest } = attributes;
  if (as4Path === undefined && as4Aggregator === undefined) return attributes;
  let result: PathAttributes = rest;
  if (rest.aggregator !== undefined && rest.aggregator.asn !== AS_TRANS) return result;
  if (rest.aggregator !== undefined && as4Aggregator !== undefined) result = { ...result, aggregator: as4Aggregator };
  if (as4Path === undefined || rest.asPath === undefined) return result;
  const asPath = rest.asPath;
  const have = asPathLength(asPath);
  const have4 = asPathLength(as4Path);
  if (have < have4) return result;
  let need = have - have4;
  const merged: AsPathSegment[] = [];
  for (const s of asPath) {
    if (s.type === 'confed-sequence' || s.type === 'confed-set') {
      if (need > 0 || merged.length === 0) merged.push(s);
      continue;
    }
    if (need === 0) break;
    if (s.type === 'set') {
      merged.push(s);
      need -= 1;
    } else if (s.asns.length <= need) {
      merged.push(s);
      need -= s.asns.length;
    } else {
      merged.push({ type: 'sequence', asns: s.asns.slice(0, need) });
      need = 0;
    }
  }
  for (const s of as4Path) {
    const last = merged[merged.length - 1];
    if (last && last.type === 'sequence' && s.type === 'sequence' && last.asns.length + s.asns.length <= 255) {
      merged[merged.length - 1] = { type: 'sequence', asns: [...last.asns, ...s.asns] };
    } else {
      merged.push(s);
    }
  }
  return { ...result, asPath: merged };
}

function needsFourOctets(segments: readonly AsPathSegment[] | undefined): boolean {
  return segments !== undefined && segments.some((s) => s.asns.some((a) => a > 0xffff));
}

/**
 * The inverse for sending to a peer without the 4-octet AS capability
 * (RFC 6793 §4.2.2): ASNs beyond 16 bits become AS_TRANS in AS_PATH and
 * AGGREGATOR, and the real values travel in AS4_PATH (without
 * confederation segments) and AS4_AGGREGATOR. Attributes that fit 2 octets
 * are returned unchanged.
 */
export function splitAs4(attributes: PathAttributes): PathAttributes {
  const { as4Path: _p, as4Aggregator: _a, ...rest } = attributes;
  let result: PathAttributes = rest;
  if (needsFourOctets(rest.asPath)) {
    const asPath = rest.asPath!;
    result = {
      ...result,
      asPath: asPath.map((s) => ({ type: s.type, asns: s.asns.map((a) => (a > 0xffff ? AS_TRANS : a)) })),
      as4Path: asPath.filter((s) => s.type === 'sequence' || s.type === 'set'),
    };
  }
  const aggregator: Aggregator | undefined = rest.aggregator;
  if (aggregator !== undefined && aggregator.asn > 0xffff) {
    result = { ...result, aggregator: { asn: AS_TRANS, address: aggregator.address }, as4Aggregator: aggregator };
  }
  return result;
}

/**
 * fast-check arbitraries for Ethernet frames. Import from
 * `@wirestack/ethernet/arbitraries`; fast-check is an optional peer
 * dependency that the main entry never loads.
 */
import * as fc from 'fast-check';
import { macAddress } from '@wirestack/core/arbitraries';
import { type EthernetDecodeOptions, type EthernetHeader, type EthernetIIHeader, type Ieee8023Header, encodeEthernet } from './codec.js';
import { EtherType } from './ethertype.js';
import { ETHERNET_FCS_LENGTH, ETHERNET_HEADER_LENGTH, MAX_LENGTH_VALUE, MIN_ETHERTYPE } from './layout.js';

/** Any valid EtherType, the well-known ones often. */
export function etherType(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...Object.values(EtherType)), fc.integer({ min: MIN_ETHERTYPE, max: 0xffff }));
}

export function ethernetIIHeader(): fc.Arbitrary<EthernetIIHeader> {
  return fc.record({ dst: macAddress(), src: macAddress(), etherType: etherType() });
}

export function ieee8023Header(): fc.Arbitrary<Ieee8023Header> {
  return fc.record({ dst: macAddress(), src: macAddress(), length: fc.integer({ min: 0, max: MAX_LENGTH_VALUE }) });
}

/** A valid header of either kind (Ethernet II three times as often as 802.3). */
export function ethernetHeader(): fc.Arbitrary<EthernetHeader> {
  return fc.oneof({ arbitrary: ethernetIIHeader(), weight: 3 }, { arbitrary: ieee8023Header(), weight: 1 });
}

export interface EthernetFrameOptions {
  /** Frames end with a valid FCS (decode them with `{ fcs: true }`). Default false. */
  readonly fcs?: boolean;
  /** Pad to 60 bytes: true, false, or undefined for either at random. */
  readonly pad?: boolean;
  /** Largest payload generated (default 128; 802.3 lengths stay within it). */
  readonly maxPayload?: number;
}

/**
 * A valid frame and what it was built from. `bytes` decodes (with
 * `{ fcs }` as generated) to `header`; its payload begins with `payload`,
 * and for an 802.3 frame is exactly `payload`. Zero padding may follow an
 * Ethernet II payload: `splitPadding(decoded, payload.length)` separates it.
 */
export interface EthernetFrameSample {
  readonly header: EthernetHeader;
  readonly payload: Uint8Array;
  readonly bytes: Uint8Array;
}

export function ethernetFrame(options: EthernetFrameOptions = {}): fc.Arbitrary<EthernetFrameSample> {
  const maxPayload = options.maxPayload ?? 128;
  const withFcs = options.fcs === true;
  const pad = options.pad === undefined ? fc.boolean() : fc.constant(options.pad);
  const ethernetII = fc.record({ header: ethernetIIHeader(), payload: fc.uint8Array({ maxLength: maxPayload }) });
  const ieee8023 = fc
    .record({ dst: macAddress(), src: macAddress(), payload: fc.uint8Array({ maxLength: Math.min(maxPayload, MAX_LENGTH_VALUE) }) })
    .map(({ dst, src, payload }) => ({ header: { dst, src, length: payload.length } as EthernetHeader, payload }));
  return fc
    .tuple(fc.oneof({ arbitrary: ethernetII, weight: 3 }, { arbitrary: ieee8023, weight: 1 }), pad)
    .map(([{ header, payload }, padIt]) => ({
      header,
      payload,
      bytes: encodeEthernet({ ...header, payload, pad: padIt, fcs: withFcs }),
    }));
}

/**
 * A frame `decodeEthernet(bytes, 0, options)` must reject in strict mode
 * with `code` at `offset` (and, lax, report as an issue unless the fixed
 * header itself is missing):
 * - 'truncated' at 0: fewer than 14 bytes (18 with an FCS);
 * - 'truncated' at 14: an 802.3 length beyond the bytes present;
 * - 'bad-value' at 12: Length/Type between 1501 and 1535;
 * - 'bad-checksum' at the FCS: a valid frame with one bit flipped anywhere.
 */
export interface MalformedEthernetFrame {
  readonly bytes: Uint8Array;
  readonly options: EthernetDecodeOptions;
  readonly code: 'truncated' | 'bad-value' | 'bad-checksum';
  readonly offset: number;
}

export function malformedEthernetFrame(): fc.Arbitrary<MalformedEthernetFrame> {
  const shortHeader = fc.boolean().chain((withFcs) => {
    const min = withFcs ? ETHERNET_HEADER_LENGTH + ETHERNET_FCS_LENGTH : ETHERNET_HEADER_LENGTH;
    return fc.uint8Array({ maxLength: min - 1 }).map(
      (bytes): MalformedEthernetFrame => ({ bytes, options: { fcs: withFcs }, code: 'truncated', offset: 0 }),
    );
  });
  const shortPayload = fc
    .record({ dst: macAddress(), src: macAddress(), length: fc.integer({ min: 1, max: MAX_LENGTH_VALUE }) })
    .chain((h) => fc.uint8Array({ maxLength: Math.min(h.length - 1, 200) }).map((payload) => ({ h, payload })))
    .map(({ h, payload }): MalformedEthernetFrame => ({
      bytes: encodeEthernet({ ...h, payload, pad: false }),
      options: {},
      code: 'truncated',
      offset: ETHERNET_HEADER_LENGTH,
    }));
  const neither = fc
    .record({ frame: ethernetFrame({ fcs: false }), value: fc.integer({ min: MAX_LENGTH_VALUE + 1, max: MIN_ETHERTYPE - 1 }) })
    .map(({ frame, value }): MalformedEthernetFrame => {
      const bytes = frame.bytes.slice();
      bytes[12] = value >>> 8;
      bytes[13] = value & 0xff;
      return { bytes, options: {}, code: 'bad-value', offset: 12 };
    });
  const badFcs = ethernetFrame({ fcs: true })
    .chain((frame) => fc.record({ frame: fc.constant(frame), bit: fc.nat({ max: frame.bytes.length * 8 - 1 }) }))
    .map(({ frame, bit }): MalformedEthernetFrame => {
      const bytes = frame.bytes.slice();
      const at = bit >>> 3;
      bytes[at] = bytes[at]! ^ (1 << (bit & 7));
      return { bytes, options: { fcs: true }, code: 'bad-checksum', offset: bytes.length - ETHERNET_FCS_LENGTH };
    });
  return fc.oneof(shortHeader, shortPayload, neither, badFcs);
}

import { DecodeError, type DecodeErrorCode } from '@wirestack/core';
import { errorCodeName, errorSubcodeName } from './notification-codes.js';

/**
 * What a receiver does about an error, from least to most drastic
 * (RFC 7606 §2): drop the one attribute, treat the UPDATE's routes as
 * withdrawn, stop using the AFI/SAFI for the session, or send the
 * NOTIFICATION and close the session.
 */
export type BgpErrorHandling = 'attribute-discard' | 'treat-as-withdraw' | 'afisafi-disable' | 'session-reset';

const SEVERITY: Readonly<Record<BgpErrorHandling, number>> = {
  'attribute-discard': 1,
  'treat-as-withdraw': 2,
  'afisafi-disable': 3,
  'session-reset': 4,
};

/** The more drastic of two handlings (`undefined` for none). */
export function worseHandling(a: BgpErrorHandling | undefined, b: BgpErrorHandling): BgpErrorHandling {
  return a === undefined || SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** The NOTIFICATION an error calls for: sent when the session is reset, logged otherwise. */
export interface NotificationData {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface BgpErrorInit {
  readonly code: DecodeErrorCode;
  /** Offset into the caller's buffer (or, from the framer, into the byte stream). */
  readonly offset: number;
  readonly notification: NotificationData;
  readonly handling: BgpErrorHandling;
  readonly message?: string;
  readonly required?: number;
  readonly available?: number;
  /** The path attribute type code the error is about, if any. */
  readonly attributeType?: number;
  /** For 'afisafi-disable': the address family to disable. */
  readonly afi?: number;
  readonly safi?: number;
}

const NO_DATA = new Uint8Array(0);

/**
 * A protocol error found while decoding BGP: a DecodeError (layer 'bgp',
 * offset, code; `name` stays 'DecodeError' so existing guards apply) that
 * also carries the NOTIFICATION to send and the RFC 7606 handling. Decoders throw it for 'session-reset' errors; the lesser ones
 * come back in the decode result's `errors` list.
 */
export class BgpError extends DecodeError {
  readonly notification: NotificationData;
  readonly handling: BgpErrorHandling;
  readonly attributeType: number | undefined;
  readonly afi: number | undefined;
  readonly safi: number | undefined;

  constructor(init: BgpErrorInit) {
    super({
      code: init.code,
      layer: 'bgp',
      offset: init.offset,
      message: init.message ?? defaultMessage(init),
      ...(init.required === undefined ? {} : { required: init.required }),
      ...(init.available === undefined ? {} : { available: init.available }),
    });
    this.notification = init.notification;
    this.handling = init.handling;
    this.attributeType = init.attributeType;
    this.afi = init.afi;
    this.safi = init.safi;
  }
}

function defaultMessage(init: BgpErrorInit): string {
  const { code, subcode } = init.notification;
  return `bgp at offset ${init.offset}: ${init.code} (${errorCodeName(code)} / ${errorSubcodeName(code, subcode)}; ${init.handling})`;
}

export function isBgpError(value: unknown): value is BgpError {
  return value instanceof BgpError;
}

/** Shorthand for the many places that build a NOTIFICATION triple. */
export function notification(code: number, subcode: number, data: Uint8Array = NO_DATA): NotificationData {
  return { code, subcode, data };
}

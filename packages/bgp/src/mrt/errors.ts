import { DecodeError, requireBytes } from '@wirestack/core';
import { BgpError } from '../errors.js';

/**
 * The errors MRT decoders throw: DecodeError with layer 'mrt' and the
 * offset into the caller's buffer (BGP content keeps the BGP codec's
 * BgpError).
 */

export const MRT_LAYER = 'mrt';

export function mrtError(code: string, offset: number, detail: string, sizes: { required?: number; available?: number } = {}): DecodeError {
  return new DecodeError({ code, layer: MRT_LAYER, offset, message: `mrt at offset ${offset}: ${code}: ${detail}`, ...sizes });
}

/** DecodeError 'truncated' unless `required` bytes are at `offset` and before `end`. */
export function need(bytes: Uint8Array, offset: number, required: number, end: number): void {
  if (offset + required > end) {
    throw new DecodeError({ code: 'truncated', layer: MRT_LAYER, offset, required, available: Math.max(end - offset, 0) });
  }
  requireBytes(bytes, offset, required, MRT_LAYER);
}

/**
 * The same error with its offset moved by `delta` (a record decoded from a
 * buffer that starts `delta` octets into the stream), message included.
 */
export function shiftDecodeError(error: DecodeError, delta: number): DecodeError {
  if (delta === 0) return error;
  const offset = error.offset + delta;
  const before = `at offset ${error.offset}`;
  const message = error.message.includes(before) ? error.message.replace(before, `at offset ${offset}`) : `${error.message} (at stream offset ${offset})`;
  const sizes = {
    ...(error.required === undefined ? {} : { required: error.required }),
    ...(error.available === undefined ? {} : { available: error.available }),
  };
  if (error instanceof BgpError) {
    return new BgpError({
      code: error.code,
      offset,
      message,
      notification: error.notification,
      handling: error.handling,
      ...sizes,
      ...(error.attributeType === undefined ? {} : { attributeType: error.attributeType }),
      ...(error.afi === undefined ? {} : { afi: error.afi }),
      ...(error.safi === undefined ? {} : { safi: error.safi }),
    });
  }
  return new DecodeError({ code: error.code, layer: error.layer, offset, message, ...sizes });
}

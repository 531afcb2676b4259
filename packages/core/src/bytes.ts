import { DecodeError, EncodeError } from './errors.js';

/** Big-endian reads and writes over Uint8Array, without a DataView per call. */

export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function readU24(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value;
}

export function writeU24(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 16;
  bytes[offset + 1] = value >>> 8;
  bytes[offset + 2] = value;
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

/**
 * Throws DecodeError 'truncated' unless `required` bytes are present at
 * `offset`. The one place every codec checks a length.
 */
export function requireBytes(bytes: Uint8Array, offset: number, required: number, layer: string): void {
  const available = bytes.length - offset;
  if (available < required) {
    throw new DecodeError({ code: 'truncated', layer, offset, required, available: Math.max(available, 0) });
  }
}

/**
 * Where an encoder writes `length` bytes: into `out` at `offset` when given
 * (EncodeError 'buffer-too-small' when it does not fit), else a new zeroed
 * array. Returns the region to write, `length` bytes long.
 */
export function outputRegion(length: number, out: Uint8Array | undefined, offset: number, field = 'out'): Uint8Array {
  if (out === undefined) return new Uint8Array(length);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length) {
    throw new EncodeError(
      'buffer-too-small',
      field,
      `${field}: need ${length} bytes at offset ${offset}, buffer holds ${out.length}`,
    );
  }
  return out.subarray(offset, offset + length);
}

/**
 * Throws EncodeError 'out-of-range' unless `value` is an integer in [0, max].
 * The error is built out of line: every setter and encoder calls this per
 * field, and the smaller its bytecode, the more of them V8 inlines.
 */
export function checkUint(value: number, max: number, field: string): number {
  if (!(value >= 0 && value <= max && Number.isInteger(value))) throw outOfRange(value, max, field);
  return value;
}

function outOfRange(value: number, max: number, field: string): EncodeError {
  return new EncodeError('out-of-range', field, `${field}: ${value} is not an integer in 0..${max}`);
}

/** `0x0800`-style hex with at least `digits` digits, for open enumerations. */
export function hex(value: number, digits = 4): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

/** Lower-case hex dump without separators, e.g. for unknown payloads in JSON. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Inverse of toHex; whitespace and ':' separators are ignored. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new TypeError(`not a hex string: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

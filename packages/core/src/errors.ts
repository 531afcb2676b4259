/**
 * Errors are data. Decoding untrusted bytes throws nothing but DecodeError;
 * encoding values that do not fit the wire format throws EncodeError.
 */

/** Why a decode failed. Open: a layer may add its own codes. */
export type DecodeErrorCode =
  | 'truncated'
  | 'bad-version'
  | 'bad-header-length'
  | 'bad-length'
  | 'bad-checksum'
  | 'bad-option'
  | 'bad-value'
  | 'reserved'
  | (string & {});

export interface DecodeErrorInit {
  readonly code: DecodeErrorCode;
  /** Layer name, e.g. 'ethernet', 'ipv4'. */
  readonly layer: string;
  /** Byte offset into the outermost buffer where the problem is. */
  readonly offset: number;
  readonly message?: string;
  /** For 'truncated' (and length errors): bytes the layer needs from `offset`. */
  readonly required?: number;
  /** For 'truncated' (and length errors): bytes present from `offset`. */
  readonly available?: number;
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly code: DecodeErrorCode;
  readonly layer: string;
  readonly offset: number;
  readonly required: number | undefined;
  readonly available: number | undefined;

  constructor(init: DecodeErrorInit) {
    super(decodeErrorMessage(init));
    this.code = init.code;
    this.layer = init.layer;
    this.offset = init.offset;
    this.required = init.required;
    this.available = init.available;
  }

  /** A plain-data copy for lax mode's `issues` lists and JSON output. */
  toIssue(): DecodeIssue {
    return { code: this.code, layer: this.layer, offset: this.offset, message: this.message };
  }
}

/** The message a DecodeError (or a lax-mode issue) built from `init` carries. */
export function decodeErrorMessage(init: DecodeErrorInit): string {
  if (init.message !== undefined) return init.message;
  const where = `${init.layer} at offset ${init.offset}`;
  if (init.code === 'truncated') {
    return `${where}: truncated, need ${init.required ?? '?'} bytes, have ${init.available ?? '?'}`;
  }
  return `${where}: ${init.code}`;
}

export function isDecodeError(value: unknown): value is DecodeError {
  return value instanceof DecodeError;
}

/** A problem that lax mode reported instead of throwing. */
export interface DecodeIssue {
  readonly code: DecodeErrorCode;
  readonly layer: string;
  readonly offset: number;
  readonly message: string;
}

export type EncodeErrorCode = 'out-of-range' | 'too-long' | 'buffer-too-small' | 'invalid' | (string & {});

export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  readonly code: EncodeErrorCode;
  /** The offending field, e.g. 'vid', 'ttl', 'payload'. */
  readonly field: string;

  constructor(code: EncodeErrorCode, field: string, message?: string) {
    super(message ?? `${field}: ${code}`);
    this.code = code;
    this.field = field;
  }
}

export function isEncodeError(value: unknown): value is EncodeError {
  return value instanceof EncodeError;
}

/** Thrown by address and text parsers (`parseMac`, `parseIpv4`, ...). */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    readonly what: string,
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid ${what} ${JSON.stringify(input)}: ${reason}`);
  }
}

export function isParseError(value: unknown): value is ParseError {
  return value instanceof ParseError;
}

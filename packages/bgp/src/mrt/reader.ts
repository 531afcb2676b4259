import { DecodeError, readU32 } from '@wirestack/core';
import { BgpError } from '../errors.js';
import { plainBytes } from './address.js';
import { MRT_LAYER, shiftDecodeError } from './errors.js';
import { decodeMrtRecord } from './codec.js';
import { MRT_HEADER_LENGTH } from './layout.js';
import type { MrtDecodeOptions, MrtRecord } from './records.js';

/**
 * Reading a sequence of MRT records: from one buffer (`readMrt`), or from
 * chunks as they arrive (`MrtStreamDecoder`, which the node:fs reader and
 * any web stream can drive). Both yield every good record before throwing
 * the error of the first bad one, with the offset of the problem in the
 * whole input.
 */

/**
 * The records in `bytes`, in order. Throws nothing but DecodeError (layer
 * 'mrt') or BgpError, after yielding every record before the bad one; a
 * file cut short gives 'truncated' at the offset of its last record.
 */
export function* readMrt(bytes: Uint8Array, options: MrtDecodeOptions = {}): Generator<MrtRecord, void, undefined> {
  let offset = 0;
  while (offset < bytes.length) {
    const { record, length } = decodeMrtRecord(bytes, offset, options);
    yield record;
    offset += length;
  }
}

/** Stream reader options. */
export interface MrtStreamOptions extends MrtDecodeOptions {
  /**
   * The largest record accepted (64 MiB by default): a corrupt Length field
   * then fails at once instead of buffering the rest of the input.
   */
  readonly maxRecordLength?: number;
}

const DEFAULT_MAX_RECORD = 64 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * Decodes MRT records from chunks of any size: `push(chunk)` returns the
 * records the chunk completed, `end()` checks nothing is left over. Error
 * offsets count from the first octet pushed.
 */
export class MrtStreamDecoder {
  private pending: Uint8Array = EMPTY;
  /** Stream offset of pending[0]. */
  private consumed = 0;
  private readonly options: MrtDecodeOptions;
  private readonly maxRecordLength: number;
  private failure: DecodeError | undefined;

  constructor(options: MrtStreamOptions = {}) {
    this.options = options.mode === undefined ? {} : { mode: options.mode };
    this.maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD;
  }

  /** Octets received so far. */
  get position(): number {
    return this.consumed + this.pending.length;
  }

  push(chunk: Uint8Array): MrtRecord[] {
    if (this.failure !== undefined) throw this.failure;
    const buffer = this.pending.length === 0 ? plainBytes(chunk) : concat(this.pending, chunk);
    const records: MrtRecord[] = [];
    let o = 0;
    while (buffer.length - o >= MRT_HEADER_LENGTH) {
      const length = MRT_HEADER_LENGTH + readU32(buffer, o + 8);
      try {
        if (length > this.maxRecordLength) {
          throw new DecodeError({
            code: 'bad-length',
            layer: MRT_LAYER,
            offset: o,
            message: `mrt at offset ${o}: bad-length: a record of ${length} octets exceeds maxRecordLength ${this.maxRecordLength}`,
          });
        }
        if (buffer.length - o < length) break;
        records.push(shiftRecordErrors(decodeMrtRecord(buffer, o, this.options).record, this.consumed));
      } catch (error) {
        // A throw now would lose the good records of this chunk: hand them
        // over first and throw on the next push() or end().
        if (!(error instanceof DecodeError)) throw error;
        this.failure = shiftDecodeError(error, this.consumed);
        this.pending = EMPTY;
        if (records.length > 0) return records;
        throw this.failure;
      }
      o += length;
    }
    this.consumed += o;
    this.pending = o === buffer.length ? EMPTY : buffer.slice(o);
    return records;
  }

  /** Throws 'truncated' at the last record's offset when the input ended inside it. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.pending.length === 0) return;
    const available = this.pending.length;
    const required = available < MRT_HEADER_LENGTH ? MRT_HEADER_LENGTH : MRT_HEADER_LENGTH + readU32(this.pending, 8);
    throw new DecodeError({
      code: 'truncated',
      layer: MRT_LAYER,
      offset: this.consumed,
      required,
      available,
      message: `mrt at offset ${this.consumed}: truncated record: need ${required} octets, the input ended after ${available}`,
    });
  }
}

/** A record with the offsets of the errors it carries moved by `delta`, as `shiftDecodeError` does. */
function shiftRecordErrors(record: MrtRecord, delta: number): MrtRecord {
  if (delta === 0) return record;
  const shift = (errors: readonly BgpError[]): BgpError[] => errors.map((e) => shiftDecodeError(e, delta) as BgpError);
  switch (record.kind) {
    case 'bgp4mp-message':
      return record.errors === undefined ? record : { ...record, errors: shift(record.errors) };
    case 'rib':
      if (!record.entries.some((e) => e.errors !== undefined)) return record;
      return { ...record, entries: record.entries.map((e) => (e.errors === undefined ? e : { ...e, errors: shift(e.errors) })) };
    case 'unknown':
      return record.error === undefined ? record : { ...record, error: shiftDecodeError(record.error, delta) };
    default:
      return record;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * MRT files on Node: read a dump (plain, gzip, or bzip2 through the
 * `bzip2` command) as an async iterator of records, and write records to a
 * file with backpressure. Node-only: kept out of the browser-safe
 * `./index.js`.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { DecodeError } from '@wirestack/core';
import { MRT_LAYER } from './errors.js';
import { encodeMrtRecord } from './codec.js';
import { MrtStreamDecoder, type MrtStreamOptions } from './reader.js';
import type { MrtRecord } from './records.js';

export type MrtCompression = 'none' | 'gzip' | 'bzip2';

export interface MrtFileOptions extends MrtStreamOptions {
  /** 'auto' (default) looks at the file's first octets: 1f 8b is gzip, "BZh" bzip2, anything else plain MRT. */
  readonly compression?: MrtCompression | 'auto';
}

/**
 * The records of a stream of MRT octets (a socket, a decompressor, a web
 * stream's reader). Yields every good record, then throws the first
 * problem: DecodeError (layer 'mrt', offset counted from the first octet of
 * the uncompressed stream) or BgpError. An error of the source itself (a
 * corrupt gzip member, say) becomes DecodeError 'bad-input' at the
 * offset reached.
 */
export async function* readMrtStream(source: AsyncIterable<Uint8Array>, options: MrtStreamOptions = {}): AsyncGenerator<MrtRecord, void, undefined> {
  const decoder = new MrtStreamDecoder(options);
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw sourceError(error, decoder.position);
      }
      if (next.done === true) break;
      yield* decoder.push(next.value);
    }
    decoder.end();
  } finally {
    await iterator.return?.();
  }
}

function sourceError(error: unknown, position: number): DecodeError {
  if (error instanceof DecodeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new DecodeError({
    code: 'bad-input',
    layer: MRT_LAYER,
    offset: position,
    message: `mrt at offset ${position}: bad-input: the input stream failed after ${position} octets: ${detail}`,
  });
}

/** Which decompressor a file needs, from its first octets. */
export async function detectMrtCompression(path: string): Promise<MrtCompression> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(3);
    const { bytesRead } = await handle.read(head, 0, 3, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
    return 'none';
  } finally {
    await handle.close();
  }
}

/**
 * The records of an MRT file such as a RouteViews or RIPE RIS dump. Error
 * offsets count octets of the uncompressed data. bzip2 needs the `bzip2`
 * command (Debian package bzip2); Node has no bzip2 decoder.
 */
export async function* readMrtFile(path: string, options: MrtFileOptions = {}): AsyncGenerator<MrtRecord, void, undefined> {
  const compression = options.compression === undefined || options.compression === 'auto' ? await detectMrtCompression(path) : options.compression;
  if (compression === 'bzip2') {
    yield* readBzip2(path, options);
    return;
  }
  const file = createReadStream(path);
  if (compression === 'none') {
    yield* readMrtStream(file, options);
    return;
  }
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  try {
    yield* readMrtStream(gunzip, options);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

async function* readBzip2(path: string, options: MrtStreamOptions): AsyncGenerator<MrtRecord, void, undefined> {
  const child = spawn('bzip2', ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`reading ${path} needs the bzip2 command: ${error.message}`)));
    child.on('close', (code) => resolve(code));
  });
  exited.catch(() => {}); // observed below; keeps an early spawn failure from being unhandled
  let complete = false;
  try {
    const decoder = new MrtStreamDecoder(options);
    for await (const chunk of child.stdout as AsyncIterable<Uint8Array>) yield* decoder.push(chunk);
    const code = await exited;
    if (code !== 0) throw sourceError(new Error(`bzip2 exited with ${code}: ${stderr.trim()}`), decoder.position);
    decoder.end();
    complete = true;
  } finally {
    if (!complete && child.exitCode === null) child.kill();
  }
}

export interface MrtWriteOptions {
  /** Compress the file with gzip (what RIS and most tools read). */
  readonly gzip?: boolean;
}

/**
 * Writes records (octets from the writer functions, or record objects) to
 * `path`, respecting the file's backpressure, so a full-table snapshot
 * never sits in memory as a whole.
 */
export async function writeMrtFile(
  path: string,
  records: Iterable<Uint8Array | MrtRecord> | AsyncIterable<Uint8Array | MrtRecord>,
  options: MrtWriteOptions = {},
): Promise<void> {
  const source = Readable.from(encoded(records), { objectMode: false });
  const file = createWriteStream(path);
  if (options.gzip === true) await pipeline(source, createGzip(), file);
  else await pipeline(source, file);
}

const WRITE_CHUNK = 64 * 1024;

/**
 * The records' octets in chunks of about 64 KiB: a full table is a million
 * records of ~80 octets, and a stream write per record would cost more
 * than encoding them.
 */
async function* encoded(records: Iterable<Uint8Array | MrtRecord> | AsyncIterable<Uint8Array | MrtRecord>): AsyncGenerator<Uint8Array> {
  let chunk = new Uint8Array(WRITE_CHUNK);
  let used = 0;
  for await (const r of records) {
    const bytes = r instanceof Uint8Array ? r : encodeMrtRecord(r);
    if (used + bytes.length > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = new Uint8Array(Math.max(WRITE_CHUNK, bytes.length));
      used = 0;
    }
    chunk.set(bytes, used);
    used += bytes.length;
  }
  if (used > 0) yield chunk.subarray(0, used);
}

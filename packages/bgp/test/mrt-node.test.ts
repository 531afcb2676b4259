import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { DecodeError } from '@wirestack/core';
import { missingPrerequisite } from '@wirestack-tools/testkit';
import { encodeMrt, readMrt, type MrtRecord } from '../src/mrt/index.js';
import { detectMrtCompression, readMrtFile, writeMrtFile } from '../src/mrt/node.js';
import { mrtRecord } from '../src/mrt/arbitraries.js';
import { VECTOR_FILE, VECTOR_LINES } from './mrt-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'wirestack-mrt-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records: MrtRecord[] = fc.sample(mrtRecord(), { seed: 5, numRuns: 400 });
const image = encodeMrt(records);

async function readAll(path: string): Promise<{ records: MrtRecord[]; error: unknown }> {
  const got: MrtRecord[] = [];
  try {
    for await (const r of readMrtFile(path)) got.push(r);
    return { records: got, error: undefined };
  } catch (error) {
    return { records: got, error };
  }
}

describe('MRT files', () => {
  it('writes and reads a plain file', async () => {
    const path = join(dir, 'plain.mrt');
    await writeMrtFile(path, records);
    expect(readFileSync(path)).toEqual(Buffer.from(image));
    expect(await detectMrtCompression(path)).toBe('none');
    expect(await readAll(path)).toEqual({ records, error: undefined });
  });

  it('writes and reads a gzip file (from an async source)', async () => {
    const path = join(dir, 'rib.mrt.gz');
    async function* source() {
      for (const r of records) yield r;
    }
    await writeMrtFile(path, source(), { gzip: true });
    expect(await detectMrtCompression(path)).toBe('gzip');
    expect(await readAll(path)).toEqual({ records, error: undefined });
  });

  it('stops early without leaking when the consumer breaks', async () => {
    const path = join(dir, 'early.mrt.gz');
    writeFileSync(path, gzipSync(image));
    let n = 0;
    for await (const _ of readMrtFile(path)) if (++n === 3) break;
    expect(n).toBe(3);
  });

  it('a gzip file cut short: every whole record, then a DecodeError', async () => {
    const path = join(dir, 'cut.mrt.gz');
    const gz = gzipSync(image);
    writeFileSync(path, gz.subarray(0, gz.length >> 1));
    const { records: got, error } = await readAll(path);
    expect(error).toBeInstanceOf(DecodeError);
    expect(['truncated', 'bad-input']).toContain((error as DecodeError).code);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(records.slice(0, got.length));
  });

  it('a corrupt gzip stream is a DecodeError, not a zlib error', async () => {
    const path = join(dir, 'corrupt.mrt.gz');
    const gz = gzipSync(image);
    for (let i = 20; i < gz.length - 8; i += 97) gz[i] = gz[i]! ^ 0x55;
    writeFileSync(path, gz);
    const { error } = await readAll(path);
    expect(error).toBeInstanceOf(DecodeError);
  });

  it('a plain file cut inside a record names the offset of that record', async () => {
    const path = join(dir, 'cut.mrt');
    const first = encodeMrt(records.slice(0, 10)).length;
    writeFileSync(path, image.subarray(0, first + 5));
    const { records: got, error } = await readAll(path);
    expect(got).toEqual(records.slice(0, 10));
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).code).toBe('truncated');
    expect((error as DecodeError).offset).toBe(first);
  });

  it.skipIf(missingPrerequisite({ commands: ['bzip2'] }) !== undefined)('reads a bzip2 file (as RouteViews publishes them)', async () => {
    const path = join(dir, 'updates.mrt');
    writeFileSync(path, image);
    execFileSync('bzip2', ['-kf', path]);
    expect(await detectMrtCompression(`${path}.bz2`)).toBe('bzip2');
    expect(await readAll(`${path}.bz2`)).toEqual({ records, error: undefined });
    const bz = readFileSync(`${path}.bz2`);
    writeFileSync(`${path}.cut.bz2`, bz.subarray(0, bz.length >> 1));
    const cut = await readAll(`${path}.cut.bz2`);
    expect(cut.error).toBeInstanceOf(DecodeError);
    expect(cut.records).toEqual(records.slice(0, cut.records.length));
  });

  it.skipIf(missingPrerequisite({ commands: ['bgpdump'] }) !== undefined)('bgpdump reads our gzip file like the plain one', async () => {
    const plain = join(dir, 'vectors.mrt');
    const gz = join(dir, 'vectors.mrt.gz');
    await writeMrtFile(plain, [VECTOR_FILE]);
    await writeMrtFile(gz, readMrt(VECTOR_FILE), { gzip: true });
    const run = (p: string) => execFileSync('bgpdump', ['-m', '-v', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(run(gz).trimEnd().split('\n')).toEqual(VECTOR_LINES);
    expect(run(plain)).toBe(run(gz));
  });
});

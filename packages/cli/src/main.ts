import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { type Io, OutputClosed } from './io.js';
import { run } from './run.js';

// V8's allocation-site pretenuring allocates straight into the old generation what it has seen
// survive young collections. Sending a full table (wirestack bgp) makes objects that live for one
// slice of UPDATEs; once pretenured they die in the old generation, and in two runs out of three the
// send cost a third more CPU in full collections (in process: 1.38-1.49 s without it, 1.39-1.88 s
// with it; receiving is the same either way). The process is ours, so the heuristic is off.
setFlagsFromString('--no-allocation-site-pretenuring');

/** Standard output with backpressure; EPIPE (the reader left) becomes OutputClosed. */
function stdoutWriter(): (data: string | Uint8Array) => Promise<void> {
  let closed: Error | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    closed = error.code === 'EPIPE' ? new OutputClosed() : error;
  });
  return (data) =>
    new Promise<void>((resolve, reject) => {
      if (closed !== undefined) return reject(closed);
      const ok = process.stdout.write(data, (error) => {
        if (error) reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosed() : error);
      });
      if (ok) resolve();
      else process.stdout.once('drain', resolve);
    });
}

const io: Io = {
  stdin: () => process.stdin,
  stdout: stdoutWriter(),
  stderr: (text) => {
    process.stderr.write(text);
  },
  stderrIsTty: process.stderr.isTTY === true,
  readFile: (path) => createReadStream(path, { highWaterMark: 1 << 20 }),
  readTextFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, data) => writeFile(path, data),
  now: () => performance.now(),
  onSignal: (signal, handler) => {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
};

run(process.argv.slice(2), io).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`wirestack: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);

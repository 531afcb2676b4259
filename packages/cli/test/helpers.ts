import { ConfigError, parseBgpConfig } from '../src/bgp-config.js';
import { OutputClosed, type Io, type Signal } from '../src/io.js';

/** An in-memory Io: files in a map, output collected; `closeAfter` makes stdout act like `| head -c N`. */
export function fakeIo(files: Record<string, Uint8Array | string> = {}, options: { stdin?: Uint8Array[]; closeAfter?: number } = {}) {
  const out: (string | Uint8Array)[] = [];
  let written = 0;
  const err: string[] = [];
  const written_files = new Map<string, Uint8Array>();
  const handlers = new Map<Signal, Set<() => void>>();
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const io: Io = {
    stdin: () => (async function* () {
      yield* options.stdin ?? [];
    })(),
    stdout: (data) => {
      if (options.closeAfter !== undefined && written >= options.closeAfter) throw new OutputClosed();
      written += data.length;
      out.push(data);
    },
    stderr: (text) => {
      err.push(text);
    },
    stderrIsTty: false,
    readFile: (path) => (async function* () {
      const f = files[path];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT', path });
      // Small chunks, to exercise records that span them.
      const b = bytes(f);
      for (let i = 0; i < b.length; i += 100) yield b.subarray(i, i + 100);
    })(),
    readTextFile: async (path) => {
      const f = files[path];
      if (f === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT', path });
      return typeof f === 'string' ? f : new TextDecoder().decode(f);
    },
    writeFile: async (path, data) => {
      written_files.set(path, data);
    },
    now: () => 0,
    onSignal: (signal, handler) => {
      const set = handlers.get(signal) ?? new Set();
      set.add(handler);
      handlers.set(signal, set);
      return () => set.delete(handler);
    },
  };
  return {
    io,
    text: () => out.map((o) => (typeof o === 'string' ? o : new TextDecoder().decode(o))).join(''),
    binary: () => {
      const parts = out.map(bytes);
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      return all;
    },
    stderr: () => err.join(''),
    files: written_files,
    /** Delivers a signal as the process would; false when nothing handles it. */
    signal: (signal: Signal): boolean => {
      const set = handlers.get(signal);
      for (const h of set ?? []) h();
      return (set?.size ?? 0) > 0;
    },
    /** Output so far as lines (partial last line left out). */
    lines: (): string[] => {
      const all = out.map((o) => (typeof o === 'string' ? o : new TextDecoder().decode(o))).join('');
      return all.split('\n').slice(0, -1);
    },
  };
}

/** The message of the ConfigError that parsing `text` throws (fails when it parses). */
export function configMistake(text: string): string {
  try {
    parseBgpConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('no ConfigError');
}

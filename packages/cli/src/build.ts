import { isEncodeError } from '@wirestack/core';
import { PcapWriter, PcapngWriter, build, type LayerInput } from '@wirestack/stack';
import { intOption, parseArgs } from './args.js';
import { type Io, UsageError } from './io.js';
import { layerFromJson, layersFromWords } from './layers-json.js';

export const BUILD_USAGE = `usage: wirestack build [-o FILE] [--pcapng] [--nano] [--count N] (--json FILE | LAYER [k=v]... [/ LAYER [k=v]...]...)
  Writes a capture of frames made by the builder, for tshark or tcpreplay.
  --json FILE: an array of frames, each an array of layer objects (or {"layers": [...], "time": seconds}).
  Words: ether dst=02:00:00:00:00:02 src=02:00:00:00:00:01 / ip src=10.0.0.1 dst=10.0.0.2 / icmp kind=echo-request id=1 seq=1`;

interface Frame {
  readonly layers: LayerInput[];
  readonly time: number;
}

function framesFromJson(text: string, file: string): Frame[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`, 1);
  }
  if (!Array.isArray(value)) throw new UsageError(`${file}: expected an array of frames`, 1);
  return value.map((f: unknown, i) => {
    const layers = Array.isArray(f) ? f : (f as { layers?: unknown }).layers;
    if (!Array.isArray(layers)) throw new UsageError(`${file}: frame ${i}: expected an array of layers or {"layers": [...]}`, 1);
    const time = Array.isArray(f) ? i : Number((f as { time?: unknown }).time ?? i);
    return { layers: layers.map((l, j) => layerFromJson(l, `${file}: frame ${i} layer ${j}`)), time };
  });
}

export async function buildCommand(argv: readonly string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { flags: ['--pcapng', '--nano'], valued: ['-o', '--json', '--count'] });
  const json = a.values.get('--json')?.at(-1);
  let frames: Frame[];
  if (json !== undefined) {
    if (a.positional.length > 0) throw new UsageError(`give either --json FILE or layer words, not both\n${BUILD_USAGE}`);
    frames = framesFromJson(await io.readTextFile(json), json);
  } else {
    if (a.positional.length === 0) throw new UsageError(`nothing to build\n${BUILD_USAGE}`);
    const count = intOption('--count', a.values.get('--count')?.at(-1) ?? '1', 1, 10_000_000);
    const layers = layersFromWords(a.positional);
    frames = Array.from({ length: count }, (_, i) => ({ layers, time: i }));
  }
  const nanosecond = a.flags.has('--nano');
  const writer = a.flags.has('--pcapng') ? new PcapngWriter({ nanosecond }) : new PcapWriter({ nanosecond });
  const parts: Uint8Array[] = [writer.header()];
  frames.forEach((f, i) => {
    let data: Uint8Array;
    try {
      data = build(f.layers);
    } catch (error) {
      if (isEncodeError(error)) throw new UsageError(`frame ${i}: ${error.message}`, 1);
      throw error;
    }
    const seconds = Math.floor(f.time);
    parts.push(writer.record({ data, seconds, nanoseconds: Math.round((f.time - seconds) * 1e9) }));
  });
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const target = a.values.get('-o')?.at(-1) ?? '-';
  if (target === '-') await io.stdout(out);
  else await io.writeFile(target, out);
  return 0;
}

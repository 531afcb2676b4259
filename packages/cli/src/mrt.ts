import { BgpdumpFormatter, type BgpdumpFormatOptions, type MrtRecord } from '@wirestack/bgp';
import { readMrtFile, readMrtStream } from '@wirestack/bgp/node';
import { parseArgs } from './args.js';
import { type Io, UsageError } from './io.js';

export const MRT_USAGE = `usage: wirestack mrt [-l] [-t dump|change] FILE|-
  Prints an MRT file (TABLE_DUMP_V2, BGP4MP; plain, gzip or bzip2) as
  \`bgpdump -m\` does: one line per route. -l adds large communities,
  -t change shows each RIB entry's originated time.`;

/** Output is gathered into blocks this large before writing (a full table is a million lines). */
const FLUSH_BYTES = 64 * 1024;

export async function mrtCommand(argv: readonly string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { flags: ['-l'], valued: ['-t'] });
  if (a.positional.length !== 1) throw new UsageError(`mrt needs one FILE (or - for standard input)\n${MRT_USAGE}`);
  const time = a.values.get('-t')?.at(-1);
  if (time !== undefined && time !== 'dump' && time !== 'change') throw new UsageError(`-t: ${JSON.stringify(time)} is not dump or change`);
  const options: BgpdumpFormatOptions = { largeCommunities: a.flags.has('-l'), ...(time === undefined ? {} : { time }) };
  const file = a.positional[0]!;
  // Files go through readMrtFile for its gzip/bzip2 detection; standard input is plain MRT.
  const records: AsyncIterable<MrtRecord> = file === '-' ? readMrtStream(io.stdin()) : readMrtFile(file);
  const formatter = new BgpdumpFormatter(options);
  let buffered = '';
  try {
    for await (const record of records) {
      for (const line of formatter.lines(record)) buffered += `${line}\n`;
      if (buffered.length >= FLUSH_BYTES) {
        await io.stdout(buffered);
        buffered = '';
      }
    }
  } finally {
    // every good record is printed before an error ends the read
    if (buffered.length > 0) await io.stdout(buffered);
  }
  return 0;
}

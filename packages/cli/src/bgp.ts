import { formatIpv4 } from '@wirestack/core';
import { errorCodeName, errorSubcodeName } from '@wirestack/bgp';
import { BgpSpeaker, type SpeakerEvent } from '@wirestack/bgp/node';
import { parseArgs } from './args.js';
import { ConfigError, parseBgpConfig, type BgpConfig } from './bgp-config.js';
import { locRibSnapshot, writeLocRibDump } from './bgp-dump.js';
import { type Io, OutputClosed, UsageError } from './io.js';

export const BGP_USAGE = `usage: wirestack bgp --config FILE [--json] [--mrt-dump FILE]
  Runs a BGP speaker in the foreground until SIGTERM or SIGINT (then a
  Cease to every peer). Prints session changes and route counts, or with
  --json one JSON object per line (state, notification, stats events).
  --mrt-dump writes the Loc-RIB as TABLE_DUMP_V2 on SIGUSR1 and on exit.`;

/** Route counts are printed at most this often, and only when they changed. */
const STATS_INTERVAL_MS = 1000;

interface PeerStats {
  readonly received: number;
  readonly accepted: number;
  readonly advertised: number;
  readonly locRib: number;
}

/** How events are printed: one line each, human or JSON. */
interface Printer {
  state(peer: string, from: string, to: string): string;
  notification(peer: string, direction: 'sent' | 'received', code: number, subcode: number): string;
  stats(peer: string, s: PeerStats): string;
}

const jsonPrinter: Printer = {
  state: (peer, from, to) => JSON.stringify({ event: 'state', peer, from, to }),
  notification: (peer, direction, code, subcode) => JSON.stringify({ event: 'notification', peer, direction, code, subcode }),
  stats: (peer, s) => JSON.stringify({ event: 'stats', peer, received: s.received, accepted: s.accepted, advertised: s.advertised, locRib: s.locRib }),
};

const humanPrinter: Printer = {
  state: (peer, from, to) => `${peer}: ${from} -> ${to}`,
  notification: (peer, direction, code, subcode) =>
    `${peer}: NOTIFICATION ${direction} ${code}/${subcode} (${errorCodeName(code)}, ${errorSubcodeName(code, subcode)})`,
  stats: (peer, s) => `${peer}: ${s.received} received, ${s.accepted} accepted, ${s.advertised} advertised; Loc-RIB ${s.locRib} routes`,
};

export async function bgpCommand(argv: readonly string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { flags: ['--json'], valued: ['--config', '--mrt-dump'] });
  const configPath = a.values.get('--config')?.at(-1);
  if (configPath === undefined || a.positional.length > 0) throw new UsageError(BGP_USAGE);
  const dumpPath = a.values.get('--mrt-dump')?.at(-1);
  const config = await readConfig(configPath, io);
  return new BgpRun(config, io, a.flags.has('--json') ? jsonPrinter : humanPrinter, dumpPath).run();
}

async function readConfig(path: string, io: Io): Promise<BgpConfig> {
  const text = await io.readTextFile(path);
  try {
    return parseBgpConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${path}: ${error.message}`, 1);
    throw error;
  }
}

/** One run of the speaker: start, print events and counts, dump on SIGUSR1, stop on SIGTERM/SIGINT. */
class BgpRun {
  private readonly speaker: BgpSpeaker;
  /** Output lines are written in order, one after another (stdout has backpressure). */
  private output: Promise<void> = Promise.resolve();
  private outputError: unknown;
  /** The running dump, so a second SIGUSR1 or the exit waits for it. */
  private dumping: Promise<void> = Promise.resolve();
  private outputClosed = false;
  private readonly lastStats = new Map<string, string>();
  /** `locRibChanges` when stats were last printed. */
  private changesSeen = 0;
  private finish: (() => void) | undefined;
  private readonly finished = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    private readonly config: BgpConfig,
    private readonly io: Io,
    private readonly printer: Printer,
    private readonly dumpPath: string | undefined,
  ) {
    // a full table would be a million 'route' events: the counts are all this command prints
    this.speaker = new BgpSpeaker({ ...config.speaker, routeEvents: false });
  }

  async run(): Promise<number> {
    const { speaker, io } = this;
    const off = speaker.on((e) => this.event(e));
    const signals = [
      io.onSignal('SIGTERM', () => this.finish?.()),
      io.onSignal('SIGINT', () => this.finish?.()),
      io.onSignal('SIGUSR1', () => this.dump()),
    ];
    // Also what keeps the process alive: a speaker with no listener and idle peers has no handle of its own.
    const ticker = setInterval(() => this.stats(), STATS_INTERVAL_MS);
    try {
      await speaker.start();
      const s = this.config.speaker;
      const listen = s.listen === false || s.listen === undefined ? 'not listening' : `listening on ${s.listen.address}:${s.listen.port ?? 179}`;
      io.stderr(`wirestack: bgp AS ${s.asn}, router id ${s.routerId}, ${listen}, ${s.peers.length} peer${s.peers.length === 1 ? '' : 's'}\n`);
      for (const r of this.config.announce) speaker.announce(r.prefix, r.attributes);
      this.stats();
      await this.finished;
      // The Loc-RIB is copied before the Cease: closing sessions takes their routes out of it.
      const timestamp = Math.floor(Date.now() / 1000);
      const snapshot = this.dumpPath === undefined ? undefined : locRibSnapshot(speaker, this.config.speaker, timestamp);
      await speaker.stop();
      await this.dumping;
      if (snapshot !== undefined && this.dumpPath !== undefined) {
        await writeLocRibDump(this.dumpPath, snapshot);
        io.stderr(`wirestack: wrote ${this.dumpPath} (${snapshot.routes.length} routes)\n`);
      }
    } finally {
      clearInterval(ticker);
      for (const stop of signals) stop();
      off();
      await speaker.stop();
      await this.output.catch(() => {});
    }
    if (this.outputError !== undefined && !(this.outputError instanceof OutputClosed)) throw this.outputError;
    return 0;
  }

  private event(e: SpeakerEvent): void {
    switch (e.type) {
      case 'state':
        this.print(this.printer.state(formatIpv4(e.peer), e.from, e.to));
        break;
      case 'notification':
        this.print(this.printer.notification(formatIpv4(e.peer), e.direction, e.code, e.subcode));
        break;
      case 'log':
        // stdout keeps to its contract; what the engine explains (RFC 8212 denials, max-prefix) goes to stderr
        this.io.stderr(`wirestack: ${e.peer === undefined ? '' : `${formatIpv4(e.peer)}: `}${e.message}\n`);
        break;
    }
  }

  /** Counts of every peer whose counts moved (or while routes change), at most once a tick. */
  private stats(): void {
    const locRib = this.speaker.locRibSize;
    const changes = this.speaker.locRibChanges;
    const routesChanged = changes !== this.changesSeen;
    for (const p of this.config.speaker.peers) {
      const c = this.speaker.counters(p.address);
      if (c === undefined) continue;
      const s: PeerStats = { received: c.received, accepted: c.accepted, advertised: c.advertised, locRib };
      const key = `${s.received},${s.accepted},${s.advertised},${s.locRib}`;
      if (!routesChanged && this.lastStats.get(p.address) === key) continue;
      this.lastStats.set(p.address, key);
      this.print(this.printer.stats(p.address, s));
    }
    this.changesSeen = changes;
  }

  private print(line: string): void {
    if (this.outputClosed) return;
    this.output = this.output
      .then(() => this.io.stdout(`${line}\n`))
      .catch((error: unknown) => {
        // the reader went away (`| head`) or the output failed: stop the speaker, as after SIGTERM
        this.outputError ??= error;
        this.outputClosed = true;
        this.finish?.();
      });
  }

  /** SIGUSR1: a snapshot now, after any dump still being written. */
  private dump(): void {
    const path = this.dumpPath;
    if (path === undefined) {
      this.io.stderr('wirestack: SIGUSR1 ignored: no --mrt-dump FILE\n');
      return;
    }
    const snapshot = locRibSnapshot(this.speaker, this.config.speaker, Math.floor(Date.now() / 1000));
    this.dumping = this.dumping.then(() =>
      writeLocRibDump(path, snapshot).then(
        () => this.io.stderr(`wirestack: wrote ${path} (${snapshot.routes.length} routes)\n`),
        (error: unknown) => {
          // a failed snapshot is reported and the speaker keeps running (the exit dump may still succeed)
          this.io.stderr(`wirestack: ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      ),
    );
  }
}

/**
 * What the command touches, as an interface: `run` gets a real one from
 * main.ts and tests pass a fake, so every command is tested in-process.
 */
export interface Io {
  /** Standard input as chunks. */
  readonly stdin: () => AsyncIterable<Uint8Array>;
  /** Writes text or bytes to standard output; resolves when it may be written again (backpressure). Rejects with OutputClosed on EPIPE. */
  readonly stdout: (data: string | Uint8Array) => Promise<void> | void;
  readonly stderr: (text: string) => void;
  /** True when standard error is a terminal (progress lines go there). */
  readonly stderrIsTty: boolean;
  /** A file as chunks (streamed). */
  readonly readFile: (path: string) => AsyncIterable<Uint8Array>;
  readonly readTextFile: (path: string) => Promise<string>;
  readonly writeFile: (path: string, data: Uint8Array) => Promise<void>;
  /** Milliseconds, for the progress line only. */
  readonly now: () => number;
  /** Calls `handler` whenever the process receives `signal` (instead of the default action); returns a function that stops it. */
  readonly onSignal: (signal: Signal, handler: () => void) => () => void;
}

/** The signals a long-running command (`wirestack bgp`) handles. */
export type Signal = 'SIGUSR1' | 'SIGTERM' | 'SIGINT';

/** The reader of our output went away (`| head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
  }
}

/** A mistake of the user's: printed as one line, exit status 2 (usage) or 1. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
  }
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Helpers for the interop tests: real BGP daemons run in the foreground as
 * children of the test, on their own 127.0.0.x address, with configs and
 * state in a temporary directory; each is stopped by its PID.
 */

/** Polls `probe` every 100 ms until it returns something other than undefined/false. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port in [base, base + 1000): per-file ranges, randomised so reruns do not meet TIME_WAIT sockets. */
export function testPort(base: number): number {
  return base + Math.floor(Math.random() * 1000);
}

export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `wirestack-${name}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs a CLI to completion without blocking the event loop (the speaker
 * under test lives in this process and must keep answering). Resolves with
 * stdout whatever the exit status: the daemons' CLIs exit non-zero for
 * "not found", which the tests read as an answer.
 */
export function run(command: string, args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: timeoutMs }, (_error, stdout) => resolve(stdout ?? ''));
  });
}

/** Parses a CLI's JSON output, or undefined when it printed none (daemon not ready, route absent). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A daemon started in the foreground; stop() is safe to call twice and after a crash. */
export class Daemon {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private output = '';

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
  ) {
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const keep = (chunk: Buffer) => {
      // the tail only: enough to explain a failure
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start: ${this.output}`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the daemon printed (last 20 kB). */
  get log(): string {
    return this.output;
  }

  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.running) process.kill(this.pid, 'SIGCONT');
  }

  /** SIGTERM by PID (SIGCONT first, in case a test left it stopped), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const pid = this.pid;
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
    const killed = setTimeout(() => {
      if (this.running) process.kill(pid, 'SIGKILL');
    }, 5000);
    await this.exited;
    clearTimeout(killed);
  }
}

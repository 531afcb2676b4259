import { execFileSync } from 'node:child_process';

/** True when running under CI (CI=true): a missing prerequisite is then a failure, not a skip. */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Decides whether a test that needs external prerequisites runs. Returns the
 * reason to skip (locally, printed once) or undefined to run. Under CI a
 * missing prerequisite throws, so it fails the run instead of hiding.
 */
export function missingPrerequisite(needs: { commands?: readonly string[]; root?: boolean }): string | undefined {
  const missing: string[] = [];
  for (const c of needs.commands ?? []) if (!commandExists(c)) missing.push(`command '${c}'`);
  if (needs.root && !isRoot()) missing.push('root');
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')} (install with: bash .ci/setup)`;
  if (inCi) throw new Error(`CI prerequisite missing: ${reason}`);
  console.warn(`skipping: ${reason}`);
  return reason;
}

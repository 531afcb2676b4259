import { DecodeError } from '@wirestack/core';

/** Runs `run`; returns the DecodeError it threw, 'ok', or rethrows anything else (a bug). */
export function outcome(run: () => unknown): 'ok' | DecodeError {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

export function decodeError(run: () => unknown): DecodeError {
  const r = outcome(run);
  if (r === 'ok') throw new Error('expected a DecodeError');
  return r;
}

import { isDecodeError } from '@wirestack/core';

/**
 * Runs `fn` and returns the DecodeError it threw, or undefined when it
 * returned. Any other exception propagates and fails the test: decoders
 * may throw nothing else.
 */
export function decodeErrorOf(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return error;
  }
}

/**
 * Configuration mistakes (a port that does not exist, an FDB entry that is
 * already there, a VID out of range) throw BridgeError with a code, the way
 * `bridge` and `ip` report an errno. Frames never throw: whatever arrives
 * on a port becomes a decision, a drop included.
 */
export type BridgeErrorCode =
  | 'no-such-port' // ENODEV
  | 'exists' // EEXIST: `bridge fdb add` of an entry that is there (use 'replace')
  | 'not-found' // ENOENT
  | 'invalid' // EINVAL: a value out of range or an option that does not apply
  | 'unsupported' // EOPNOTSUPP
  | 'limit'; // ENOSPC: too many ports

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isBridgeError(value: unknown): value is BridgeError {
  return value instanceof BridgeError;
}

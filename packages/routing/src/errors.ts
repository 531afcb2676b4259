/**
 * Errors of the routing engine are data: a code a program can switch on,
 * and the errno the kernel would answer with, for messages in its words.
 */
export type RouteErrorCode =
  /** EEXIST, "File exists": `add` of a route whose table, prefix and metric are taken. */
  | 'exists'
  /** ESRCH, "No such process": `delete`/`replace` matched no route. */
  | 'not-found'
  /** EINVAL, "Invalid argument": a malformed route or text line. */
  | 'invalid'
  /** ENOSPC: a FIB ran out of next-hop indices or tbl8 groups. */
  | 'table-full';

const ERRNO: Readonly<Record<RouteErrorCode, { errno: string; text: string }>> = {
  exists: { errno: 'EEXIST', text: 'File exists' },
  'not-found': { errno: 'ESRCH', text: 'No such process' },
  invalid: { errno: 'EINVAL', text: 'Invalid argument' },
  'table-full': { errno: 'ENOSPC', text: 'No space left on device' },
};

export class RouteError extends Error {
  override readonly name = 'RouteError';
  readonly code: RouteErrorCode;
  /** The errno name the kernel would return, e.g. 'EEXIST'. */
  readonly errno: string;
  /** 1-based line number when the error comes from parsing a table. */
  readonly line: number | undefined;

  constructor(code: RouteErrorCode, detail?: string, line?: number) {
    const e = ERRNO[code];
    const where = line === undefined ? '' : `line ${line}: `;
    super(`${where}${e.text}${detail === undefined ? '' : ` (${detail})`}`);
    this.code = code;
    this.errno = e.errno;
    this.line = line;
  }
}

export function isRouteError(value: unknown): value is RouteError {
  return value instanceof RouteError;
}

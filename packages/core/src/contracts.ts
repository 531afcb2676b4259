import { DecodeError, decodeErrorMessage, type DecodeErrorInit, type DecodeIssue } from './errors.js';

/** Options every `decode*` function takes. */
export interface DecodeOptions {
  /**
   * 'strict' (default) throws DecodeError on bad lengths, versions and
   * checksums; 'lax' decodes what is there and lists the problems in
   * `issues`. Truncation of the fixed header throws in both modes: there is
   * nothing to decode.
   */
  readonly mode?: 'strict' | 'lax';
  /** 'verify' (default) checks checksums the layer carries; 'ignore' skips them. */
  readonly checksum?: 'verify' | 'ignore';
}

/** What an object decoder returns: an owned header plus a zero-copy payload. */
export interface Decoded<H> {
  readonly header: H;
  /** Bytes the header occupies on the wire (options and tags included). */
  readonly headerLength: number;
  /** The bytes after the header that belong to this layer (a subarray, not a copy). */
  readonly payload: Uint8Array;
  /** Problems found in lax mode (always empty in strict mode). */
  readonly issues: readonly DecodeIssue[];
}

/**
 * A zero-copy accessor over (bytes, offset). `reset` re-points it without
 * allocating and throws DecodeError 'truncated' when the fixed part of the
 * header does not fit, so field getters after a successful reset are safe.
 */
export interface HeaderView {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly headerLength: number;
  reset(bytes: Uint8Array, offset?: number): this;
}

/**
 * Collects the problems of one decode: throws the first in strict mode,
 * records them all in lax mode.
 */
export class IssueCollector {
  readonly issues: DecodeIssue[] = [];
  readonly lax: boolean;
  readonly verifyChecksum: boolean;

  constructor(options: DecodeOptions | undefined) {
    this.lax = options?.mode === 'lax';
    this.verifyChecksum = options?.checksum !== 'ignore';
  }

  report(init: DecodeErrorInit): void {
    if (!this.lax) throw new DecodeError(init);
    // No Error object in lax mode: capturing a stack trace per issue costs
    // microseconds, and an issue is plain data.
    this.issues.push({ code: init.code, layer: init.layer, offset: init.offset, message: decodeErrorMessage(init) });
  }
}

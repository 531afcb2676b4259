import { readU16 } from '@wirestack/core';
import { checkLengthBounds, checkMarker } from './header.js';
import { HEADER_LENGTH, LENGTH_OFFSET } from './layout.js';

/**
 * Turns a TCP byte stream into BGP messages, whatever the chunk boundaries.
 * It checks what it needs to find where a message ends (RFC 4271 §6.1: the
 * marker, 1/1, and 19 ≤ Length ≤ maximum, 1/2) and throws those BgpErrors
 * with `offset` counted from the start of the stream; after an error the
 * stream is unusable and every later `push` throws the same error. Type and
 * per-type length checks are `decodeMessage`'s.
 *
 * A message that lies whole inside a chunk comes back as a subarray of that
 * chunk (no copy); one that straddles chunks is assembled into a new array.
 */
export class BgpFramer {
  /** Set once both sides sent the extended message capability (RFC 8654): messages up to 65,535 octets. */
  extendedMessage: boolean;
  private readonly header = new Uint8Array(HEADER_LENGTH);
  private headerFill = 0;
  private partial: Uint8Array | undefined;
  private partialFill = 0;
  /** Stream offset of the message being assembled or of the next one. */
  private position = 0;
  private failure: Error | undefined;

  constructor(options: { extendedMessage?: boolean } = {}) {
    this.extendedMessage = options.extendedMessage === true;
  }

  /** Octets received that do not yet make a whole message. */
  get bufferedBytes(): number {
    return this.partial ? this.partialFill : this.headerFill;
  }

  /** Stream offset of the next message's first octet. */
  get streamOffset(): number {
    return this.position;
  }

  /** Feeds a chunk; returns the messages it completed, each the whole message with its header. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure;
    try {
      return this.frames(chunk);
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
  }

  private frames(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFill, chunk.length - i);
        this.partial.set(chunk.subarray(i, i + take), this.partialFill);
        this.partialFill += take;
        i += take;
        if (this.partialFill === this.partial.length) this.complete(this.partial, frames);
        continue;
      }
      if (this.headerFill > 0) {
        const take = Math.min(HEADER_LENGTH - this.headerFill, chunk.length - i);
        this.header.set(chunk.subarray(i, i + take), this.headerFill);
        this.headerFill += take;
        i += take;
        if (this.headerFill < HEADER_LENGTH) break;
        this.headerFill = 0;
        const length = this.lengthOf(this.header, 0);
        this.partial = new Uint8Array(length);
        this.partial.set(this.header);
        this.partialFill = HEADER_LENGTH;
        if (length === HEADER_LENGTH) this.complete(this.partial, frames);
        continue;
      }
      const remaining = chunk.length - i;
      if (remaining < HEADER_LENGTH) {
        this.header.set(chunk.subarray(i));
        this.headerFill = remaining;
        break;
      }
      const length = this.lengthOf(chunk, i);
      if (remaining >= length) {
        frames.push(chunk.subarray(i, i + length));
        this.position += length;
        i += length;
      } else {
        this.partial = new Uint8Array(length);
        this.partial.set(chunk.subarray(i));
        this.partialFill = remaining;
        i = chunk.length;
      }
    }
    return frames;
  }

  private complete(message: Uint8Array, frames: Uint8Array[]): void {
    frames.push(message);
    this.position += message.length;
    this.partial = undefined;
    this.partialFill = 0;
  }

  /** Checks the header at bytes[at] (the message at stream offset `position`) and returns its Length. */
  private lengthOf(bytes: Uint8Array, at: number): number {
    checkMarker(bytes, at, this.position);
    const length = readU16(bytes, at + LENGTH_OFFSET);
    checkLengthBounds(length, this.extendedMessage, this.position + LENGTH_OFFSET);
    return length;
  }
}

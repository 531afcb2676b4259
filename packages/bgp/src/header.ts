import { readU16, writeU16 } from '@wirestack/core';
import { BgpError, notification } from './errors.js';
import {
  HEADER_LENGTH,
  LENGTH_OFFSET,
  MARKER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MIN_LENGTH_BY_TYPE,
  MessageType,
  TYPE_OFFSET,
} from './layout.js';
import { ErrorCode, MessageHeaderSubcode } from './notification-codes.js';

/**
 * The message header (RFC 4271 §4.1) and its checks (§6.1). These are the
 * errors the framer raises too, so they live in one place.
 */

export interface BgpHeader {
  /** Whole message length, header included. */
  readonly length: number;
  readonly type: number;
}

/** Largest message this session may receive or send, by type (RFC 8654 §4 keeps OPEN and KEEPALIVE at 4,096). */
export function maxMessageLength(type: number, extendedMessage: boolean): number {
  return extendedMessage && type !== MessageType.OPEN && type !== MessageType.KEEPALIVE
    ? MAX_EXTENDED_MESSAGE_LENGTH
    : MAX_MESSAGE_LENGTH;
}

/** Throws BgpError 1/1 unless the 16 marker octets at `offset` are all ones. */
export function checkMarker(bytes: Uint8Array, offset: number, errorOffset = offset): void {
  // one test for the usual case, all ones (every message of a stream is checked); the loop finds the octet that is not
  let all = 0xff;
  for (let i = 0; i < MARKER_LENGTH; i++) all &= bytes[offset + i]!;
  if (all === 0xff) return;
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (bytes[offset + i] !== 0xff) {
      throw new BgpError({
        code: 'bad-marker',
        offset: errorOffset + i,
        handling: 'session-reset',
        notification: notification(ErrorCode.MESSAGE_HEADER, MessageHeaderSubcode.CONNECTION_NOT_SYNCHRONIZED),
      });
    }
  }
}

/**
 * Checks the Length field against the bounds that do not depend on the
 * type (19 ≤ length ≤ the session's maximum), as the framer must before it
 * knows where the message ends. 1/2 with the Length field as data.
 */
export function checkLengthBounds(length: number, extendedMessage: boolean, errorOffset: number): void {
  const max = extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  if (length < HEADER_LENGTH || length > max) throw badLength(length, errorOffset);
}

/** Type-specific checks once the type is known: known type (1/3), minimum and maximum length (1/2). */
export function checkTypeAndLength(type: number, length: number, extendedMessage: boolean, headerOffset: number): void {
  const min = MIN_LENGTH_BY_TYPE[type];
  if (min === undefined) {
    throw new BgpError({
      code: 'bad-message-type',
      offset: headerOffset + TYPE_OFFSET,
      handling: 'session-reset',
      notification: notification(ErrorCode.MESSAGE_HEADER, MessageHeaderSubcode.BAD_MESSAGE_TYPE, Uint8Array.of(type)),
    });
  }
  const exact = type === MessageType.KEEPALIVE;
  if (length < min || (exact && length !== min) || length > maxMessageLength(type, extendedMessage)) {
    throw badLength(length, headerOffset + LENGTH_OFFSET);
  }
}

function badLength(length: number, offset: number): BgpError {
  const data = new Uint8Array(2);
  writeU16(data, 0, length);
  return new BgpError({
    code: 'bad-message-length',
    offset,
    handling: 'session-reset',
    notification: notification(ErrorCode.MESSAGE_HEADER, MessageHeaderSubcode.BAD_MESSAGE_LENGTH, data),
  });
}

/**
 * Reads and checks the header at `offset`: the marker, the length bounds,
 * the type and its length rules. Throws BgpError 'truncated' (a
 * session-reset 1/2, as a message cut short is) when fewer than 19 octets
 * are there.
 */
export function readHeader(bytes: Uint8Array, offset: number, extendedMessage: boolean): BgpHeader {
  const available = bytes.length - offset;
  if (available < HEADER_LENGTH) throw truncated(offset, HEADER_LENGTH, available);
  checkMarker(bytes, offset);
  const length = readU16(bytes, offset + LENGTH_OFFSET);
  checkLengthBounds(length, extendedMessage, offset + LENGTH_OFFSET);
  const type = bytes[offset + TYPE_OFFSET]!;
  checkTypeAndLength(type, length, extendedMessage, offset);
  return { length, type };
}

/** A message that does not fit in the bytes given: 1/2, the length cannot be right. */
export function truncated(offset: number, required: number, available: number): BgpError {
  return new BgpError({
    code: 'truncated',
    offset,
    required,
    available: Math.max(available, 0),
    handling: 'session-reset',
    notification: notification(ErrorCode.MESSAGE_HEADER, MessageHeaderSubcode.BAD_MESSAGE_LENGTH),
  });
}

/** Writes marker, length and type at `offset`. */
export function writeHeader(out: Uint8Array, offset: number, length: number, type: number): void {
  out.fill(0xff, offset, offset + MARKER_LENGTH);
  writeU16(out, offset + LENGTH_OFFSET, length);
  out[offset + TYPE_OFFSET] = type;
}

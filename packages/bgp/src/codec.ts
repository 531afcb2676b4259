import { EncodeError, checkUint, outputRegion, readU16, writeU16 } from '@wirestack/core';
import { BgpError, notification, worseHandling, type BgpErrorHandling } from './errors.js';
import { maxMessageLength, readHeader, truncated, writeHeader } from './header.js';
import { HEADER_LENGTH, MessageType } from './layout.js';
import type { BgpCodecOptions, BgpMessage, NotificationMessage, OpenMessage, RouteRefreshMessage, UpdateMessage } from './messages.js';
import { ErrorCode, RouteRefreshErrorSubcode } from './notification-codes.js';
import { decodeOpenBody, encodeOpenBody } from './open.js';
import { decodeUpdateKeys, encodeUpdateBody, updateMessage, type UpdateKeys } from './update.js';

/** What `decodeMessage` returns. */
export interface DecodedMessage<M extends BgpMessage = BgpMessage> {
  readonly message: M;
  /** Octets the message took (its Length field). */
  readonly length: number;
  /**
   * Errors that do not reset the session (UPDATE only: RFC 7606
   * attribute-discard, treat-as-withdraw, afisafi-disable), in wire order.
   */
  readonly errors: readonly BgpError[];
  /** The most drastic handling among `errors`; undefined when there are none. */
  readonly handling: BgpErrorHandling | undefined;
}

const NO_ERRORS: readonly BgpError[] = Object.freeze([]);

/**
 * Decodes the BGP message at `offset`. Throws nothing but BgpError: for
 * every error that resets the session (its `notification` is what to send)
 * and for truncation (fewer octets than the header says). Errors that call
 * for less come back in `errors`, and `message` holds what remains usable.
 * `options` carries what the session negotiated (4-octet AS, extended
 * messages, ADD-PATH); all default to off.
 */
export function decodeMessage(bytes: Uint8Array, offset = 0, options: BgpCodecOptions = {}): DecodedMessage {
  const { length, type } = readHeader(bytes, offset, options.extendedMessage === true);
  const available = bytes.length - offset;
  if (available < length) throw truncated(offset, length, available);
  switch (type) {
    case MessageType.OPEN:
      return plain(decodeOpenBody(bytes, offset, length), length);
    case MessageType.UPDATE: {
      const { update, errors, handling } = decodeUpdateAt(bytes, offset, length, options);
      return { message: updateMessage(update), length, errors, handling };
    }
    case MessageType.NOTIFICATION:
      return plain(
        {
          type: 'notification',
          code: bytes[offset + HEADER_LENGTH]!,
          subcode: bytes[offset + HEADER_LENGTH + 1]!,
          data: bytes.slice(offset + HEADER_LENGTH + 2, offset + length),
        },
        length,
      );
    case MessageType.KEEPALIVE:
      return plain({ type: 'keepalive' }, length);
    default:
      return plain(decodeRouteRefresh(bytes, offset, length), length);
  }
}

/** What `decodeUpdate` returns: the UPDATE with its prefixes as keys, the rest as in `DecodedMessage`. */
export interface DecodedUpdate {
  readonly update: UpdateKeys;
  readonly length: number;
  readonly errors: readonly BgpError[];
  readonly handling: BgpErrorHandling | undefined;
}

/**
 * `decodeMessage` for a message whose type octet the caller found to be
 * UPDATE, with the prefixes as keys (`UpdateKeys`): the same checks and
 * errors, no object per prefix. The engine imports UPDATEs through it.
 */
export function decodeUpdate(bytes: Uint8Array, offset = 0, options: BgpCodecOptions = {}): DecodedUpdate {
  const { length, type } = readHeader(bytes, offset, options.extendedMessage === true);
  const available = bytes.length - offset;
  if (available < length) throw truncated(offset, length, available);
  if (type !== MessageType.UPDATE) throw new TypeError(`decodeUpdate: message type ${type} is not UPDATE`);
  return decodeUpdateAt(bytes, offset, length, options);
}

function decodeUpdateAt(bytes: Uint8Array, offset: number, length: number, options: BgpCodecOptions): DecodedUpdate {
  const errors: BgpError[] = [];
  const update = decodeUpdateKeys(bytes, offset, length, options, errors);
  if (errors.length === 0) return { update, length, errors: NO_ERRORS, handling: undefined };
  let handling: BgpErrorHandling | undefined;
  for (const e of errors) handling = worseHandling(handling, e.handling);
  return { update, length, errors, handling };
}

function plain(message: BgpMessage, length: number): DecodedMessage {
  return { message, length, errors: NO_ERRORS, handling: undefined };
}

/** RFC 2918 / RFC 7313: AFI, subtype (was reserved), SAFI; any other length is 7/1 with the message as data. */
function decodeRouteRefresh(bytes: Uint8Array, offset: number, length: number): RouteRefreshMessage {
  if (length !== HEADER_LENGTH + 4) {
    throw new BgpError({
      code: 'bad-route-refresh-length',
      offset: offset + 16,
      handling: 'session-reset',
      notification: notification(ErrorCode.ROUTE_REFRESH_MESSAGE, RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH, bytes.slice(offset, offset + length)),
    });
  }
  const body = offset + HEADER_LENGTH;
  return { type: 'route-refresh', afi: readU16(bytes, body), subtype: bytes[body + 2]!, safi: bytes[body + 3]! };
}

interface Body {
  readonly type: number;
  readonly length: number;
  write(out: Uint8Array, offset: number): void;
}

function body(message: BgpMessage, options: BgpCodecOptions): Body {
  switch (message.type) {
    case 'open':
      return { type: MessageType.OPEN, ...encodeOpenBody(message as OpenMessage) };
    case 'update':
      return { type: MessageType.UPDATE, ...encodeUpdateBody(message as UpdateMessage, options) };
    case 'notification': {
      const n = message as NotificationMessage;
      const code = checkUint(n.code, 0xff, 'code');
      const subcode = checkUint(n.subcode, 0xff, 'subcode');
      return {
        type: MessageType.NOTIFICATION,
        length: 2 + n.data.length,
        write(out, o) {
          out[o] = code;
          out[o + 1] = subcode;
          out.set(n.data, o + 2);
        },
      };
    }
    case 'keepalive':
      return { type: MessageType.KEEPALIVE, length: 0, write() {} };
    case 'route-refresh': {
      const r = message as RouteRefreshMessage;
      const afi = checkUint(r.afi, 0xffff, 'afi');
      const subtype = checkUint(r.subtype, 0xff, 'subtype');
      const safi = checkUint(r.safi, 0xff, 'safi');
      return {
        type: MessageType.ROUTE_REFRESH,
        length: 4,
        write(out, o) {
          writeU16(out, o, afi);
          out[o + 2] = subtype;
          out[o + 3] = safi;
        },
      };
    }
    default: {
      const type: unknown = (message as { type: unknown }).type;
      throw new EncodeError('invalid', 'type', `type: not a BGP message type: ${String(type)}`);
    }
  }
}

/**
 * The octets of `message`, header included, written into `out` at `offset`
 * (or a new array). EncodeError 'too-long' when the message exceeds what
 * the session allows (4,096 octets; 65,535 with `extendedMessage`, never
 * for OPEN and KEEPALIVE), 'out-of-range'/'invalid' for fields that do not
 * fit.
 */
export function encodeMessage(message: BgpMessage, options: BgpCodecOptions = {}, out?: Uint8Array, offset = 0): Uint8Array {
  const b = body(message, options);
  const length = HEADER_LENGTH + b.length;
  const max = maxMessageLength(b.type, options.extendedMessage === true);
  if (length > max) throw new EncodeError('too-long', message.type, `${message.type}: ${length} octets > ${max}`);
  const region = outputRegion(length, out, offset);
  writeHeader(region, 0, length, b.type);
  b.write(region, HEADER_LENGTH);
  return region;
}

/** Octets `message` takes on the wire, header included (it is encoded to find out). */
export function encodedLength(message: BgpMessage, options: BgpCodecOptions = {}): number {
  return HEADER_LENGTH + body(message, options).length;
}

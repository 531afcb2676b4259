import { EncodeError, checkUint, toHex } from '@wirestack/core';
import type { NotificationMessage } from './messages.js';
import { CeaseSubcode, ErrorCode, errorCodeName, errorSubcodeName } from './notification-codes.js';

/**
 * NOTIFICATION helpers: building Cease messages with the shutdown
 * communication of RFC 9003, reading it back, and a one-line form for logs.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** RFC 9003 §2: the communication is at most 255 octets of UTF-8. */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

function carriesCommunication(n: { code: number; subcode: number }): boolean {
  return n.code === ErrorCode.CEASE && (n.subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || n.subcode === CeaseSubcode.ADMINISTRATIVE_RESET);
}

/**
 * A Cease NOTIFICATION. For Administrative Shutdown (2) and Reset (4) an
 * optional message becomes the shutdown communication (length octet +
 * UTF-8, RFC 9003 §2); EncodeError 'too-long' beyond 255 octets.
 */
export function ceaseNotification(subcode: number, message?: string): NotificationMessage {
  checkUint(subcode, 0xff, 'subcode');
  let data = new Uint8Array(0);
  if (message !== undefined) {
    if (!carriesCommunication({ code: ErrorCode.CEASE, subcode })) {
      throw new EncodeError('invalid', 'message', 'message: a shutdown communication goes only with Cease subcode 2 or 4');
    }
    const text = utf8Encoder.encode(message);
    if (text.length > MAX_SHUTDOWN_COMMUNICATION) {
      throw new EncodeError('too-long', 'message', `message: ${text.length} octets of UTF-8 > ${MAX_SHUTDOWN_COMMUNICATION}`);
    }
    data = new Uint8Array(1 + text.length);
    data[0] = text.length;
    data.set(text, 1);
  }
  return { type: 'notification', code: ErrorCode.CEASE, subcode, data };
}

/**
 * The shutdown communication of a Cease 2/4 NOTIFICATION, or undefined when
 * there is none or it is malformed (a length that disagrees with the data,
 * or bytes that are not UTF-8: RFC 9003 §4 has the receiver not use it).
 */
export function shutdownCommunication(n: NotificationMessage): string | undefined {
  if (!carriesCommunication(n) || n.data.length === 0) return undefined;
  const length = n.data[0]!;
  if (length === 0 || 1 + length > n.data.length) return undefined;
  try {
    return utf8.decode(n.data.subarray(1, 1 + length));
  } catch {
    return undefined;
  }
}

/**
 * `Cease / Administrative Shutdown: "maintenance"`, or with the data in hex
 * when there is data but no communication: for logs of what a peer sent.
 */
export function formatNotification(n: NotificationMessage): string {
  const head = `${errorCodeName(n.code)} / ${errorSubcodeName(n.code, n.subcode)}`;
  const text = shutdownCommunication(n);
  if (text !== undefined) return `${head}: ${JSON.stringify(text)}`;
  return n.data.length > 0 ? `${head} (data ${toHex(n.data)})` : head;
}

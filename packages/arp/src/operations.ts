import { hex } from '@wirestack/core';

/**
 * ARP operation codes (ar$op). The enumeration is open: any 16-bit value
 * decodes, encodes and round-trips; `arpOpName` prints unknown ones as hex.
 */
export const ArpOp = {
  /** RFC 826 */
  request: 1,
  /** RFC 826 */
  reply: 2,
  /** RFC 903 (RARP; carried in EtherType 0x8035 frames) */
  rarpRequest: 3,
  /** RFC 903 */
  rarpReply: 4,
  /** RFC 2390 (Inverse ARP) */
  inarpRequest: 8,
  /** RFC 2390 */
  inarpReply: 9,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  [ArpOp.request]: 'request',
  [ArpOp.reply]: 'reply',
  [ArpOp.rarpRequest]: 'rarp-request',
  [ArpOp.rarpReply]: 'rarp-reply',
  [ArpOp.inarpRequest]: 'inarp-request',
  [ArpOp.inarpReply]: 'inarp-reply',
};

/** 'request', 'reply', 'rarp-request', 'rarp-reply', 'inarp-request', 'inarp-reply', or hex such as '0x000a'. */
export function arpOpName(op: number): string {
  return NAMES[op] ?? hex(op);
}

/**
 * Field offsets of the ICMPv4 message (RFC 792), from the start of the
 * message. Every message starts with the same 8-byte header: type, code,
 * checksum and a 4-byte "rest of header" word whose meaning depends on the
 * type.
 */
export const TYPE = 0;
export const CODE = 1;
export const CHECKSUM = 2;
/** The type-specific 32-bit word. */
export const REST = 4;
export const ICMP_HEADER_LENGTH = 8;

/** Echo, timestamp, information and address mask messages: identifier and sequence number. */
export const ID = 4;
export const SEQ = 6;

/** Destination unreachable, time exceeded, parameter problem: RFC 4884 length (32-bit words). */
export const LENGTH = 5;
/** Parameter problem: the octet that is wrong. */
export const POINTER = 4;
/** Destination unreachable code 4: next-hop MTU (RFC 1191). */
export const MTU = 6;
/** Redirect: the gateway to use. */
export const GATEWAY = 4;

/** Timestamp and timestamp reply (RFC 792): three 32-bit milliseconds-since-midnight-UT values. */
export const ORIGINATE = 8;
export const RECEIVE = 12;
export const TRANSMIT = 16;
export const TIMESTAMP_LENGTH = 20;

/** Address mask request and reply (RFC 950). */
export const MASK = 8;
export const MASK_LENGTH = 12;

/** The error message of RFC 1812 4.3.2.3 fits 576 bytes: 576 - 20 (IPv4 header) - 8 (ICMP header). */
export const DEFAULT_MAX_QUOTE = 576 - 20 - ICMP_HEADER_LENGTH;

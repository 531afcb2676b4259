/**
 * The IPv4 header of RFC 791 §3.1:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |R|D|M|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The Type of Service octet is split as RFC 2474 (DSCP, 6 bits) and
 * RFC 3168 (ECN, 2 bits) define it today.
 */

/** Version (high nibble) and IHL (low nibble, in 32-bit words). */
export const VERSION_IHL = 0;
/** DSCP (high 6 bits) and ECN (low 2 bits), once the Type of Service. */
export const DSCP_ECN = 1;
export const TOTAL_LENGTH = 2;
export const IDENTIFICATION = 4;
/** Flags (3 high bits) and Fragment Offset (13 bits, in 8-byte units). */
export const FLAGS_FRAGMENT_OFFSET = 6;
export const TTL = 8;
export const PROTOCOL = 9;
export const HEADER_CHECKSUM = 10;
export const SOURCE = 12;
export const DESTINATION = 16;
/** Options start right after the fixed header. */
export const OPTIONS = 20;

/** The fixed header, IHL 5. */
export const IPV4_MIN_HEADER_LENGTH = 20;
/** IHL 15: 40 bytes of options at most. */
export const IPV4_MAX_HEADER_LENGTH = 60;
/** Total Length is 16 bits. */
export const IPV4_MAX_PACKET_LENGTH = 65_535;
/** RFC 791: every internet module must forward a datagram of 68 octets without fragmenting it. */
export const IPV4_MIN_MTU = 68;

export const FLAG_RESERVED = 0x8000;
export const FLAG_DF = 0x4000;
export const FLAG_MF = 0x2000;
export const FRAGMENT_OFFSET_MASK = 0x1fff;
/** Fragment offsets count 8-byte units on the wire. */
export const FRAGMENT_UNIT = 8;
/** The largest offset in bytes: 8191 x 8. */
export const MAX_FRAGMENT_OFFSET = FRAGMENT_OFFSET_MASK * FRAGMENT_UNIT;

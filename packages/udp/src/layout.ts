/**
 * The UDP header, as RFC 768 lays it out:
 *
 *   0      7 8     15 16    23 24    31
 *  +--------+--------+--------+--------+
 *  |     Source      |   Destination   |
 *  |      Port       |      Port       |
 *  +--------+--------+--------+--------+
 *  |     Length      |    Checksum     |
 *  +--------+--------+--------+--------+
 *  |          data octets ...
 *
 * Length counts the header and the data, so it is at least 8.
 */

export const SOURCE_PORT = 0;
export const DESTINATION_PORT = 2;
export const LENGTH = 4;
export const CHECKSUM = 6;

/** The fixed header: four 16-bit fields. */
export const UDP_HEADER_LENGTH = 8;

/** The largest Length field value (the field is 16 bits). */
export const UDP_MAX_LENGTH = 0xffff;

/** IP protocol number of UDP, the pseudo-header's protocol field. */
export const IP_PROTOCOL_UDP = 17;

export const LAYER = 'udp';

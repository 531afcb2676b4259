/**
 * The Ethernet frame header, as IEEE 802.3 clause 3.2 lays it out (and the
 * DIX Ethernet II frame it grew from):
 *
 *   0               6              12       14
 *   | Destination   | Source        | Length/Type | MAC client data ... | pad | FCS |
 *
 * The Length/Type field is read one of two ways (802.3 clause 3.2.6): a value
 * up to 1500 is the number of MAC client data octets (an IEEE 802.3 length
 * frame, whose data is usually LLC); a value of 1536 (0x0600) or more is an
 * EtherType naming the client protocol. Values in between mean nothing.
 */

export const DESTINATION_OFFSET = 0;
export const SOURCE_OFFSET = 6;
export const LENGTH_TYPE_OFFSET = 12;

/** Destination + source + Length/Type. */
export const ETHERNET_HEADER_LENGTH = 14;

/** The Frame Check Sequence: a CRC-32 over the whole frame before it. */
export const ETHERNET_FCS_LENGTH = 4;

/**
 * The smallest frame without its FCS: 802.3's minFrameSize is 64 octets
 * including the FCS, so a sender pads shorter frames to 60 + 4.
 */
export const ETHERNET_MIN_FRAME_LENGTH = 60;

/** The largest Length/Type value that is a length (1500). */
export const MAX_LENGTH_VALUE = 0x05dc;

/** The smallest Length/Type value that is an EtherType (1536). */
export const MIN_ETHERTYPE = 0x0600;

/**
 * The VXLAN header, as RFC 7348 §5 lays it out:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |R|R|R|R|I|R|R|R|            Reserved                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                VXLAN Network Identifier (VNI) |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * followed by the inner Ethernet frame (without its FCS). The I flag says
 * the VNI is valid and must be set; the R bits and both Reserved fields
 * must be zero on transmission.
 */

export const FLAGS = 0;
/** The 24-bit Reserved field after the flags. */
export const RESERVED1 = 1;
export const VNI = 4;
/** The 8-bit Reserved field after the VNI. */
export const RESERVED2 = 7;

export const VXLAN_HEADER_LENGTH = 8;

/** The I flag: the VNI is valid. */
export const VXLAN_FLAG_I = 0x08;

export const MAX_VNI = 0xff_ffff;

/** IANA's VXLAN port (RFC 7348 §5). */
export const VXLAN_PORT = 4789;
/** The port Linux used before IANA assigned one, still its default without `dstport`. */
export const LINUX_VXLAN_PORT = 8472;

export const LAYER = 'vxlan';

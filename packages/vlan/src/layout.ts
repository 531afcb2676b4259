/**
 * The wire layout of an IEEE 802.1Q / 802.1ad tag.
 *
 * On the wire a tag is 4 bytes inserted after the source MAC:
 *
 *   TPID (16) | PCP (3) | DEI (1) | VID (12)
 *             \________ TCI (16) ________/
 *
 * followed by the ethertype the tag encapsulates (another TPID when tags are
 * stacked). This package's *layer* is the TCI plus that inner ethertype, the
 * 4 bytes after a TPID: the TPID itself is the previous layer's ethertype
 * field, which is what made the dispatcher call the VLAN layer at all (as
 * gopacket's Dot1Q layer does). Offsets below are relative to the TCI.
 */

/** The layer name in DecodeError and issues. */
export const LAYER = 'vlan';

/** TCI, the Tag Control Information: PCP, DEI and VID. */
export const TCI_OFFSET = 0;
/** The ethertype of what follows the tag (a TPID again when tags are stacked). */
export const ETHERTYPE_OFFSET = 2;
/** The layer's bytes: TCI + inner ethertype. */
export const VLAN_TAG_LAYER_LENGTH = 4;
/** A whole tag on the wire: TPID + TCI. Pushing a tag grows a frame by this much. */
export const VLAN_TAG_LENGTH = 4;

export const PCP_SHIFT = 13;
export const PCP_MASK = 0xe000;
export const DEI_MASK = 0x1000;
export const VID_MASK = 0x0fff;

/** Largest PCP value (3 bits). */
export const PCP_MAX = 7;
/** VID 0: a priority tag, carrying PCP/DEI but no VLAN membership (802.1Q clause 9.6, reserved VID values). */
export const VID_PRIORITY_TAG = 0;
/** VID 4095 (0xFFF): reserved for implementation use; must not be configured or transmitted in a tag (clause 9.6). */
export const VID_RESERVED = 0xfff;
/** Largest VID that may be encoded. */
export const VID_MAX = 4094;

/** C-VLAN tag, IEEE 802.1Q (Customer VLAN; "dot1q"). */
export const TPID_8021Q = 0x8100;
/** S-VLAN tag, IEEE 802.1ad (Service VLAN; the outer tag of standard QinQ). */
export const TPID_8021AD = 0x88a8;
/** Pre-802.1ad QinQ outer tag used by several vendors (Wireshark: "old non-standard 802.1ad"). */
export const TPID_QINQ_9100 = 0x9100;
/** Pre-802.1ad QinQ outer tag used by several vendors. */
export const TPID_QINQ_9200 = 0x9200;

/** Every TPID this package recognises as a tag; a stack walk stops at any other ethertype. */
export const VLAN_TPIDS: readonly number[] = Object.freeze([TPID_8021Q, TPID_8021AD, TPID_QINQ_9100, TPID_QINQ_9200]);

/** Is `etherType` one of the TPIDs in VLAN_TPIDS? */
export function isVlanTpid(etherType: number): boolean {
  // A switch rather than VLAN_TPIDS.includes: this runs once per frame in dispatch loops.
  switch (etherType) {
    case TPID_8021Q:
    case TPID_8021AD:
    case TPID_QINQ_9100:
    case TPID_QINQ_9200:
      return true;
    default:
      return false;
  }
}

/**
 * The traffic type acronyms of 802.1Q Annex I, indexed by the PCP value the
 * standard recommends for each. Note the order: PCP 1 (BK, background)
 * ranks below PCP 0 (BE, best effort, the default).
 */
export const PCP_TRAFFIC_TYPES = Object.freeze(['BE', 'BK', 'EE', 'CA', 'VI', 'VO', 'IC', 'NC'] as const);
export type PcpTrafficType = (typeof PCP_TRAFFIC_TYPES)[number];

/** Offsets inside an Ethernet II frame that push/pop and the stack walk need. */
export const ETH_TYPE_OFFSET = 12;
export const ETH_HEADER_LENGTH = 14;

/**
 * How a frame leaves a port under VLAN filtering, with @wirestack/vlan's
 * push and pop: untagged egress strips the tag, tagged egress adds one (an
 * untagged frame classified by PVID) or sets the VID of the one there (a
 * priority tag, VID 0, gets the classified VID and keeps its PCP and DEI,
 * as the kernel rewrites it on ingress).
 */
import { readU16 } from '@wirestack/core';
import { VlanTagView, popVlanTag, pushVlanTag } from '@wirestack/vlan';

const TAGGED_HEADER = 18;

/** `frame` itself when nothing changes, else a new array. */
export function retagFrame(frame: Uint8Array, vid: number, untagged: boolean, tpid: number): Uint8Array {
  const tagged = frame.length >= TAGGED_HEADER && readU16(frame, 12) === tpid;
  if (untagged) return tagged ? popVlanTag(frame) : frame;
  if (!tagged) return pushVlanTag(frame, { tpid, vid });
  if (new VlanTagView(frame, 14).vid === vid) return frame;
  const copy = frame.slice();
  new VlanTagView(copy, 14).vid = vid;
  return copy;
}

/**
 * Neighbour Unreachability Detection states, with the bit values Linux uses
 * (include/uapi/linux/neighbour.h), so the groups below are masks exactly as
 * in net/core/neighbour.c.
 */
export const Nud = {
  NONE: 0x00,
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;

export type NudStateName = Exclude<keyof typeof Nud, 'NONE'>;

/** States with a running timer (NUD_IN_TIMER). */
export const NUD_IN_TIMER = Nud.INCOMPLETE | Nud.REACHABLE | Nud.DELAY | Nud.PROBE;
/** States whose link-layer address may be used (NUD_VALID). */
export const NUD_VALID = Nud.PERMANENT | Nud.NOARP | Nud.REACHABLE | Nud.PROBE | Nud.STALE | Nud.DELAY;
/** States that need no confirmation before use (NUD_CONNECTED). */
export const NUD_CONNECTED = Nud.PERMANENT | Nud.NOARP | Nud.REACHABLE;

const NAMES: ReadonlyMap<number, NudStateName> = new Map(
  (Object.entries(Nud) as [keyof typeof Nud, number][])
    .filter((e): e is [NudStateName, number] => e[0] !== 'NONE')
    .map(([name, bit]) => [bit, name]),
);

/** 'REACHABLE', 'STALE', ... for one state bit. */
export function nudStateName(state: number): NudStateName {
  const name = NAMES.get(state);
  if (name === undefined) throw new RangeError(`not a single NUD state bit: ${state}`);
  return name;
}

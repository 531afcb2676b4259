/**
 * The wire format of 802.1Q / 802.1ad tags stated with binary-parser: the
 * independent reference decoder the properties compare ours with.
 */
import { Parser } from 'binary-parser';

const TPIDS = [0x8100, 0x88a8, 0x9100, 0x9200];

/** One tag layer: TCI (PCP, DEI, VID bit fields, most significant first) and the inner ethertype. */
export const vlanTagSpec = new Parser()
  .endianness('big')
  .bit3('pcp')
  .bit1('dei')
  .bit12('vid')
  .uint16('etherType');

/**
 * An Ethernet II header and its chain of tags. Each link is an ethertype;
 * when it is a TPID, a TCI and the next link follow (recursion by name).
 */
const link: Parser = new Parser()
  .namely('vlanLink')
  .endianness('big')
  .uint16('type')
  .choice('tag', {
    tag: 'type',
    choices: Object.fromEntries(
      TPIDS.map((t) => [t, new Parser().endianness('big').bit3('pcp').bit1('dei').bit12('vid').nest('next', { type: 'vlanLink' })]),
    ),
    defaultChoice: new Parser(),
  });

export const vlanFrameSpec = new Parser()
  .endianness('big')
  .uint16('dstHi')
  .uint32('dstLo')
  .uint16('srcHi')
  .uint32('srcLo')
  .nest('link', { type: link });

interface SpecLink {
  type: number;
  tag: { pcp?: number; dei?: number; vid?: number; next?: SpecLink };
}

export interface SpecStack {
  dst: number;
  src: number;
  tags: { tpid: number; pcp: number; dei: boolean; vid: number }[];
  etherType: number;
  payloadOffset: number;
}

/** Parses `frame` with vlanFrameSpec and flattens the chain, outermost tag first. Throws what binary-parser throws. */
export function specStack(frame: Uint8Array): SpecStack {
  const r = vlanFrameSpec.parse(frame) as { dstHi: number; dstLo: number; srcHi: number; srcLo: number; link: SpecLink };
  const tags: SpecStack['tags'] = [];
  let l = r.link;
  while (l.tag.next !== undefined) {
    tags.push({ tpid: l.type, pcp: l.tag.pcp!, dei: l.tag.dei === 1, vid: l.tag.vid! });
    l = l.tag.next;
  }
  return {
    dst: r.dstHi * 2 ** 32 + r.dstLo,
    src: r.srcHi * 2 ** 32 + r.srcLo,
    tags,
    etherType: l.type,
    payloadOffset: 14 + 4 * tags.length,
  };
}

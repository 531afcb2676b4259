/**
 * Known bytes. This machine's kernel has no 802.1Q devices, so VLAN frames
 * cannot be captured from Linux: the ground truth is tshark, which must
 * read every frame here (fixed vectors and thousands of random ones from
 * the arbitraries: 802.1Q, 802.1ad and the legacy QinQ TPIDs, stacks up to
 * 3 deep) with the same values as decodeVlanStack.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { formatMac, fromHex, macFromBytes } from '@wirestack/core';
import { missingPrerequisite, tsharkFields } from '@wirestack-tools/testkit';
import { TPID_8021AD, decodeVlanStack, decodeVlanTag, type VlanStackTag } from '../src/index.js';
import { type TaggedFrame, taggedFrame } from '../src/arbitraries.js';

interface Vector {
  readonly name: string;
  readonly hex: string;
  readonly tags: readonly VlanStackTag[];
  readonly etherType: number;
}

const MACS = '020000000001 020000000002';

/** Hand-assembled frames; the expected values are read off the bits by hand. */
const VECTORS: readonly Vector[] = [
  {
    name: '802.1Q, PCP 7, DEI 0, VID 100, IPv4',
    hex: `${MACS} 8100 e064 0800`,
    tags: [{ tpid: 0x8100, pcp: 7, dei: false, vid: 100 }],
    etherType: 0x0800,
  },
  {
    name: 'priority tag (VID 0), PCP 5, DEI 1, IPv6',
    hex: `${MACS} 8100 b000 86dd`,
    tags: [{ tpid: 0x8100, pcp: 5, dei: true, vid: 0 }],
    etherType: 0x86dd,
  },
  {
    name: 'reserved VID 4095 decodes, flagged',
    hex: `${MACS} 8100 0fff 0806`,
    tags: [{ tpid: 0x8100, pcp: 0, dei: false, vid: 4095, reservedVid: true }],
    etherType: 0x0806,
  },
  {
    name: '802.1ad S-tag 100 over C-tag 200 (QinQ), PCP 3 / 1',
    hex: `${MACS} 88a8 6064 8100 20c8 0800`,
    tags: [
      { tpid: 0x88a8, pcp: 3, dei: false, vid: 100 },
      { tpid: 0x8100, pcp: 1, dei: false, vid: 200 },
    ],
    etherType: 0x0800,
  },
  {
    name: 'two S-tags, VID 4094 (max) then 1, DEI set on the inner',
    hex: `${MACS} 88a8 0ffe 88a8 1001 0800`,
    tags: [
      { tpid: 0x88a8, pcp: 0, dei: false, vid: 4094 },
      { tpid: 0x88a8, pcp: 0, dei: true, vid: 1 },
    ],
    etherType: 0x0800,
  },
  {
    name: 'legacy 0x9100 over 0x9200 over 802.1Q, 802.3 length inside',
    hex: `${MACS} 9100 e00a 9200 4014 8100 a01e 002e`,
    tags: [
      { tpid: 0x9100, pcp: 7, dei: false, vid: 10 },
      { tpid: 0x9200, pcp: 2, dei: false, vid: 20 },
      { tpid: 0x8100, pcp: 5, dei: false, vid: 30 },
    ],
    etherType: 0x002e,
  },
];

function vectorFrame(v: Vector): Uint8Array {
  const header = fromHex(v.hex);
  const frame = new Uint8Array(Math.max(64, header.length + 46));
  frame.set(header);
  for (let i = header.length; i < frame.length; i++) frame[i] = i & 0xff;
  return frame;
}

describe('fixed vectors', () => {
  for (const v of VECTORS) {
    it(v.name, () => {
      const frame = vectorFrame(v);
      const stack = decodeVlanStack(frame);
      expect(stack.tags).toEqual(v.tags);
      expect(stack.etherType).toBe(v.etherType);
      expect(stack.payloadOffset).toBe(14 + 4 * v.tags.length);
      // The single-tag layer at the first TCI reads the same first tag.
      const { tpid: _tpid, ...first } = v.tags[0]!;
      const next = v.tags[1]?.tpid ?? v.etherType;
      expect(decodeVlanTag(frame, 14).header).toEqual({ ...first, etherType: next });
    });
  }
});

/** tshark >= 4.2 prints booleans as True/False, older versions as 1/0. */
function flag(text: string | undefined): boolean | undefined {
  if (text === '1' || text === 'True') return true;
  if (text === '0' || text === 'False') return false;
  return undefined;
}

function num(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

/** Older tshark names the DEI bit vlan.cfi; newer ones have vlan.dei. */
function deiField(): string {
  const fields = execFileSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  return /\tvlan\.dei\t/.test(fields) ? 'vlan.dei' : 'vlan.cfi';
}

interface Read {
  tpid: number | undefined;
  pcp: number | undefined;
  dei: boolean | undefined;
  vid: number | undefined;
}

/**
 * Rebuilds, from tshark's per-frame field lists, the tags it read, in wire
 * order. Two dissectors are involved: 'vlan' (0x8100, 0x9100, 0x9200 via
 * -d) and 'ieee8021ad' (0x88a8), which shows two consecutive S-tags as one
 * item (S-VID, C-VID: two priority/DEI entries, ieee8021ad.svid/.cvid) and
 * its inner type as ieee8021ah.etype. Field lists are consumed in order, so
 * fields of protocols inside the payload (after our tags) never matter. The
 * expected TPIDs choose which list a value is taken from; a disagreement
 * with tshark then surfaces as a wrong or missing value.
 */
function tsharkTags(row: Record<string, string>, dei: string, expected: TaggedFrame): { tags: Read[]; etherType: number | undefined; protocols: string[] } {
  const list = (f: string): string[] => (row[f] ? row[f]!.split(',') : []);
  const v = { id: list('vlan.id'), pcp: list('vlan.priority'), dei: list(dei), etype: list('vlan.etype'), len: list('vlan.len') };
  const ad = {
    id: list('ieee8021ad.id'),
    svid: list('ieee8021ad.svid'),
    cvid: list('ieee8021ad.cvid'),
    pcp: list('ieee8021ad.priority'),
    dei: list('ieee8021ad.dei'),
    etype: list('ieee8021ah.etype'),
  };
  const at = { v: 0, vEtype: 0, vLen: 0, ad: 0, adId: 0, adPair: 0, adEtype: 0 };
  const tags: Read[] = [];
  const protocols: string[] = [];
  let tpid = num(list('eth.type')[0]); // later entries: Ethernet inside the payload (EtherIP, ...)
  const n = expected.tags.length;
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? expected.tags[i + 1]!.tpid : expected.etherType;
    let read: Read;
    let nextRead: number | undefined;
    if (expected.tags[i]!.tpid === TPID_8021AD) {
      read = { tpid, pcp: num(ad.pcp[at.ad]), dei: flag(ad.dei[at.ad]), vid: undefined };
      at.ad++;
      if (next === TPID_8021AD) {
        // First of a pair shown as one item: the second S-tag is read in the same step.
        read.vid = num(ad.svid[at.adPair]);
        tags.push(read);
        protocols.push('ieee8021ad');
        i++;
        read = { tpid: TPID_8021AD, pcp: num(ad.pcp[at.ad]), dei: flag(ad.dei[at.ad]), vid: num(ad.cvid[at.adPair]) };
        at.ad++;
        at.adPair++;
        nextRead = num(ad.etype[at.adEtype++]);
      } else {
        read.vid = num(ad.id[at.adId++]);
        nextRead = num(ad.etype[at.adEtype++]);
        protocols.push('ieee8021ad');
      }
    } else {
      read = { tpid, pcp: num(v.pcp[at.v]), dei: flag(v.dei[at.v]), vid: num(v.id[at.v]) };
      at.v++;
      nextRead = next > 1500 ? num(v.etype[at.vEtype++]) : num(v.len[at.vLen++]);
      protocols.push('vlan');
    }
    tags.push(read);
    tpid = nextRead;
  }
  return { tags, etherType: tpid, protocols };
}

/**
 * Wireshark's 802.1ad dissector decodes an 802.1ah I-tag (0x88e7) right
 * after an S-tag itself, without showing the S-tag's type: such frames
 * cannot be compared field by field and are left out.
 */
function comparable(t: TaggedFrame): boolean {
  return t.tags.every((tag, i) => tag.tpid !== TPID_8021AD || (t.tags[i + 1]?.tpid ?? t.etherType) !== 0x88e7);
}

const skip = missingPrerequisite({ commands: ['tshark'] });

describe('tshark reads what decodeVlanStack reads', () => {
  it.skipIf(skip !== undefined)('on the fixed vectors and thousands of random 1..3-deep stacks', () => {
    const dei = deiField();
    // A new sample every run, reproducible from the seed printed with any failure.
    const seed = Number(process.env.VLAN_TSHARK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = [
      ...fc.sample(taggedFrame(1), { numRuns: 1000, seed }),
      ...fc.sample(taggedFrame(2), { numRuns: 1000, seed: seed + 1 }),
      ...fc.sample(taggedFrame(3), { numRuns: 1500, seed: seed + 2 }),
      // QinQ as deployed: an 802.1ad S-tag over an 802.1Q C-tag.
      ...fc.sample(
        taggedFrame(2).filter((t) => t.tags[0]!.tpid === TPID_8021AD && t.tags[1]!.tpid === 0x8100),
        { numRuns: 300, seed: seed + 3 },
      ),
    ].filter(comparable);
    const fixed: TaggedFrame[] = VECTORS.map((v) => {
      const frame = vectorFrame(v);
      return {
        frame,
        dst: macFromBytes(frame, 0),
        src: macFromBytes(frame, 6),
        tags: v.tags,
        etherType: v.etherType,
        payloadOffset: 14 + 4 * v.tags.length,
      };
    });
    const frames = [...fixed, ...random];
    expect(frames.length).toBeGreaterThan(3000);
    expect(frames.some((t) => t.tags.length === 3 && t.tags[0]!.tpid === TPID_8021AD)).toBe(true);

    const fields = [
      'frame.protocols',
      'eth.dst',
      'eth.src',
      'eth.type',
      'vlan.id',
      'vlan.priority',
      dei,
      'vlan.etype',
      'vlan.len',
      'ieee8021ad.id',
      'ieee8021ad.svid',
      'ieee8021ad.cvid',
      'ieee8021ad.priority',
      'ieee8021ad.dei',
      'ieee8021ah.etype',
    ];
    const rows = tsharkFields(
      frames.map((t) => t.frame),
      fields,
      ['-d', 'ethertype==0x9200,vlan'], // Wireshark knows 0x8100, 0x88a8 and 0x9100, not 0x9200
    );
    expect(rows).toHaveLength(frames.length);

    frames.forEach((t, i) => {
      const row = rows[i]!;
      const ours = decodeVlanStack(t.frame);
      const expected = {
        tags: t.tags.map((tag) => ({ tpid: tag.tpid, pcp: tag.pcp, dei: tag.dei, vid: tag.vid })),
        etherType: t.etherType,
      };
      // Ours against the frame's recipe.
      expect(ours.tags).toEqual(t.tags);
      expect(ours.etherType).toBe(t.etherType);
      expect(ours.payloadOffset).toBe(t.payloadOffset);
      // tshark against the same recipe.
      const read = tsharkTags(row, dei, t);
      const context = `VLAN_TSHARK_SEED=${seed}, frame ${i}: ${row['frame.protocols']}`;
      expect({ tags: read.tags, etherType: read.etherType }, context).toEqual(expected);
      const dissectors = row['frame.protocols']!.split(':').filter((p) => p === 'vlan' || p === 'ieee8021ad');
      expect(dissectors.slice(0, read.protocols.length), context).toEqual(read.protocols);
      expect(row['eth.dst']!.split(',')[0], context).toBe(formatMac(t.dst));
      expect(row['eth.src']!.split(',')[0], context).toBe(formatMac(t.src));
    });
  });
});


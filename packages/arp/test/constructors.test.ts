import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { MAC_ZERO, parseIpv4, parseMac } from '@wirestack/core';
import { ipv4Address, unicastMac } from '@wirestack/core/arbitraries';
import {
  ArpOp,
  arpAnnouncement,
  arpOpName,
  arpProbe,
  arpReply,
  arpRequest,
  decodeArp,
  encodeArp,
  formatArp,
  gratuitousArp,
  isAnnouncement,
  isGratuitous,
  isProbe,
  replyTo,
  type ArpPacket,
  type GenericArp,
} from '../src/index.js';
import { arpPacket, genericArpPacket } from '../src/arbitraries.js';

const us = { senderMac: parseMac('02:00:00:00:00:01'), senderIp: parseIpv4('10.0.0.1') };
const nonZeroIp = ipv4Address().filter((a) => a !== 0);

describe('operations', () => {
  it('named constants and names; unknown ops print as hex', () => {
    expect(ArpOp).toEqual({ request: 1, reply: 2, rarpRequest: 3, rarpReply: 4, inarpRequest: 8, inarpReply: 9 });
    expect([1, 2, 3, 4, 8, 9].map(arpOpName)).toEqual(['request', 'reply', 'rarp-request', 'rarp-reply', 'inarp-request', 'inarp-reply']);
    expect(arpOpName(0)).toBe('0x0000');
    expect(arpOpName(10)).toBe('0x000a');
    expect(arpOpName(0xffff)).toBe('0xffff');
  });
});

describe('constructors', () => {
  it('arpRequest / arpReply fill in the fields RFC 826 names', () => {
    const req = arpRequest({ ...us, targetIp: parseIpv4('10.0.0.2') });
    expect(req).toEqual({ kind: 'ethernet-ipv4', htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op: 1, sha: us.senderMac, spa: us.senderIp, tha: 0, tpa: parseIpv4('10.0.0.2') });
    expect(formatArp(req)).toBe('Request who-has 10.0.0.2 tell 10.0.0.1');
    const rep = arpReply({ senderMac: parseMac('02:00:00:00:00:02'), senderIp: parseIpv4('10.0.0.2'), targetMac: us.senderMac, targetIp: us.senderIp });
    expect(formatArp(rep)).toBe('Reply 10.0.0.2 is-at 02:00:00:00:00:02');
    expect(replyTo(req, parseMac('02:00:00:00:00:02'))).toEqual(rep);
  });

  it('replyTo swaps sender and target and answers with our MAC', () => {
    fc.assert(
      fc.property(arpPacket(), unicastMac(), (p, ours) => {
        const req = { ...p, op: ArpOp.request };
        const rep = replyTo(req, ours);
        expect(rep).toMatchObject({ op: 2, sha: ours, spa: req.tpa, tha: req.sha, tpa: req.spa });
        expect(decodeArp(encodeArp(rep)).header).toEqual(rep);
      }),
      { numRuns: 300 },
    );
  });

  it('replyTo refuses anything but a request', () => {
    expect(() => replyTo({ ...arpRequest({ ...us, targetIp: parseIpv4('10.0.0.2') }), op: 2 }, MAC_ZERO)).toThrow(
      expect.objectContaining({ name: 'EncodeError', field: 'op' }),
    );
  });

  it('gratuitous ARP in both forms, probe and announcement classify as what they are', () => {
    fc.assert(
      fc.property(unicastMac(), nonZeroIp, (senderMac, senderIp) => {
        const greq = gratuitousArp({ senderMac, senderIp });
        const grep = gratuitousArp({ senderMac, senderIp }, 'reply');
        const probe = arpProbe({ senderMac, targetIp: senderIp });
        const announce = arpAnnouncement({ senderMac, senderIp });
        expect(greq).toMatchObject({ op: 1, sha: senderMac, spa: senderIp, tha: 0, tpa: senderIp });
        expect(grep).toMatchObject({ op: 2, sha: senderMac, spa: senderIp, tha: senderMac, tpa: senderIp });
        expect(probe).toMatchObject({ op: 1, sha: senderMac, spa: 0, tha: 0, tpa: senderIp });
        expect(announce).toEqual(greq); // RFC 5227: an announcement is a gratuitous request
        const flags = (p: ArpPacket) => [isGratuitous(p), isProbe(p), isAnnouncement(p)];
        expect(flags(greq)).toEqual([true, false, true]);
        expect(flags(grep)).toEqual([true, false, false]);
        expect(flags(probe)).toEqual([false, true, false]);
        expect(flags(arpRequest({ senderMac, senderIp, targetIp: (senderIp ^ 1) >>> 0 as typeof senderIp }))).toEqual([false, false, false]);
      }),
      { numRuns: 300 },
    );
  });

  it('predicates follow their definitions on arbitrary packets', () => {
    fc.assert(
      fc.property(arpPacket(), (p) => {
        const requestOrReply = p.op === 1 || p.op === 2;
        expect(isProbe(p)).toBe(p.op === 1 && p.spa === 0);
        expect(isGratuitous(p)).toBe(requestOrReply && p.spa !== 0 && p.spa === p.tpa);
        expect(isAnnouncement(p)).toBe(p.op === 1 && p.spa !== 0 && p.spa === p.tpa);
        // the three never disagree with the RFC 5227 split: a probe claims no address
        expect(isProbe(p) && isGratuitous(p)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('predicates on generic packets compare protocol address bytes', () => {
    const base: GenericArp = {
      kind: 'generic', htype: 6, ptype: 0x0800, hlen: 6, plen: 4, op: 1,
      sha: new Uint8Array(6).fill(2), spa: Uint8Array.of(10, 0, 0, 1), tha: new Uint8Array(6), tpa: Uint8Array.of(10, 0, 0, 1),
    };
    expect([isGratuitous(base), isAnnouncement(base), isProbe(base)]).toEqual([true, true, false]);
    const probe = { ...base, spa: new Uint8Array(4) };
    expect([isGratuitous(probe), isAnnouncement(probe), isProbe(probe)]).toEqual([false, false, true]);
    const none = { ...base, plen: 0, spa: new Uint8Array(0), tpa: new Uint8Array(0) };
    expect([isGratuitous(none), isAnnouncement(none), isProbe(none)]).toEqual([false, false, false]);
    fc.assert(
      fc.property(genericArpPacket(), (g) => {
        expect(isGratuitous(g)).toBe((g.op === 1 || g.op === 2) && g.plen > 0 && g.spa.some((b) => b !== 0) && g.spa.every((b, i) => b === g.tpa[i]));
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MAC_BROADCAST, parseIpv4, parseMac } from '@wirestack/core';
import { ArpOp, arpProbe, arpReply, gratuitousArp, replyTo } from '@wirestack/arp';
import { NeighbourTable } from '../src/index.js';
import {
  HALF,
  OTHER_MAC,
  OUR_IP,
  OUR_MAC,
  PEER_IP,
  PEER_MAC,
  learnReachable,
  makeTable,
  packet,
  replyFrom,
  requestFrom,
  sentArp,
  stateOf,
} from './helpers.js';

describe('resolution (INCOMPLETE)', () => {
  it('queues the packet, broadcasts a request, and releases the queue in order on the reply', () => {
    const t = makeTable();
    const p1 = packet();
    const p2 = packet();
    const r1 = t.resolve(PEER_IP, p1, 0);
    expect(r1.status).toBe('queued');
    expect(r1.actions).toEqual([
      {
        type: 'send-arp',
        packet: { kind: 'ethernet-ipv4', htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op: ArpOp.request, sha: OUR_MAC, spa: OUR_IP, tha: 0, tpa: PEER_IP },
        dst: MAC_BROADCAST,
      },
    ]);
    expect(stateOf(t, PEER_IP)).toBe('INCOMPLETE');
    // A second packet waits too, without a second request.
    expect(t.resolve(PEER_IP, p2, 10)).toEqual({ status: 'queued', actions: [] });
    expect(t.lookup(PEER_IP, 10)).toBe(-1);

    const actions = t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 20);
    expect(actions).toEqual([
      { type: 'transmit', ip: PEER_IP, mac: PEER_MAC, packet: p1 },
      { type: 'transmit', ip: PEER_IP, mac: PEER_MAC, packet: p2 },
    ]);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', mac: PEER_MAC, confirmed: 20, queuedPackets: 0 });
    expect(t.lookup(PEER_IP, 21)).toBe(PEER_MAC);
    expect(t.resolve(PEER_IP, packet(), 22)).toEqual({ status: 'resolved', mac: PEER_MAC, actions: [] });
  });

  it('retransmits every retrans_time and fails after mcast_probes requests, dropping the queue', () => {
    const t = makeTable();
    const p = packet();
    t.resolve(PEER_IP, p, 0);
    expect(t.nextDeadline()).toBe(1_000);
    expect(sentArp(t.tick(1_000))).toEqual([[1, PEER_IP, MAC_BROADCAST]]);
    expect(sentArp(t.tick(2_000))).toEqual([[1, PEER_IP, MAC_BROADCAST]]);
    expect(t.tick(2_999)).toEqual([]);
    // Three requests (t = 0, 1, 2 s); at 3 s the entry fails.
    expect(t.tick(3_000)).toEqual([{ type: 'drop', ip: PEER_IP, packet: p, reason: 'resolution-failed' }]);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'FAILED', mac: undefined, timer: undefined });
    expect(t.stats().resFailed).toBe(1);
    // The next packet starts over.
    const again = t.resolve(PEER_IP, packet(), 4_000);
    expect(again.status).toBe('queued');
    expect(sentArp(again.actions)).toEqual([[1, PEER_IP, MAC_BROADCAST]]);
  });

  it('a request from the target completes INCOMPLETE as STALE and the released packet moves it to DELAY', () => {
    const t = makeTable();
    const p = packet();
    t.resolve(PEER_IP, p, 0);
    const actions = t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 100, MAC_BROADCAST);
    expect(actions).toEqual([
      { type: 'transmit', ip: PEER_IP, mac: PEER_MAC, packet: p },
      { type: 'send-arp', packet: replyTo(requestFrom(PEER_IP, PEER_MAC), OUR_MAC), dst: PEER_MAC },
    ]);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'DELAY', timer: 5_100 });
  });

  it('a broadcast reply resolves as STALE (not REACHABLE)', () => {
    const t = makeTable();
    t.resolve(PEER_IP, packet(), 0);
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 5, MAC_BROADCAST);
    // STALE, then the released packet moves it to DELAY, as in the kernel.
    expect(stateOf(t, PEER_IP)).toBe('DELAY');
  });

  it('with mcast_probes + app_probes = 0 nothing can be resolved', () => {
    const t = makeTable({ mcastProbes: 0 });
    expect(t.resolve(PEER_IP, packet(), 0)).toEqual({ status: 'dropped', reason: 'resolution-failed', actions: [] });
    expect(stateOf(t, PEER_IP)).toBe('FAILED');
  });

  it('app_probes go to user space before the broadcasts', () => {
    const t = makeTable({ appProbes: 2 });
    expect(t.resolve(PEER_IP, packet(), 0).actions).toEqual([{ type: 'app-probe', ip: PEER_IP }]);
    expect(t.tick(1_000)).toEqual([{ type: 'app-probe', ip: PEER_IP }]);
    expect(sentArp(t.tick(2_000))).toEqual([[1, PEER_IP, MAC_BROADCAST]]);
    t.tick(4_000);
    expect(stateOf(t, PEER_IP)).toBe('INCOMPLETE');
    expect(t.tick(5_000)).toMatchObject([{ type: 'drop', reason: 'resolution-failed' }]);
  });

  it('drops the oldest queued packets beyond unres_qlen_bytes and counts them', () => {
    const t = makeTable({ unresQlenBytes: 3_000 });
    const [a, b, c, d] = [packet(1_000), packet(1_000), packet(1_000), packet(1_500)];
    t.resolve(PEER_IP, a, 0);
    t.resolve(PEER_IP, b, 0);
    expect(t.resolve(PEER_IP, c, 0).actions).toEqual([]);
    expect(t.resolve(PEER_IP, d, 0).actions).toEqual([
      { type: 'drop', ip: PEER_IP, packet: a, reason: 'queue-full' },
      { type: 'drop', ip: PEER_IP, packet: b, reason: 'queue-full' },
    ]);
    expect(t.get(PEER_IP)).toMatchObject({ queuedPackets: 2, queuedBytes: 2_500 });
    // A packet larger than the limit still waits, alone.
    const big = packet(10_000);
    expect(t.resolve(PEER_IP, big, 0).actions).toHaveLength(2);
    expect(t.get(PEER_IP)).toMatchObject({ queuedPackets: 1, queuedBytes: 10_000 });
    expect(t.stats().unresolvedDiscards).toBe(4);
    expect(t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 1)).toEqual([{ type: 'transmit', ip: PEER_IP, mac: PEER_MAC, packet: big }]);
  });
});

describe('reachability (REACHABLE -> STALE -> DELAY -> PROBE)', () => {
  it('walks the whole cycle with Linux timing', () => {
    const t = makeTable();
    learnReachable(t, 0);
    expect(t.reachableTime).toBe(30_000);
    expect(t.tick(30_000)).toEqual([]);
    expect(stateOf(t, PEER_IP)).toBe('STALE');
    // A STALE entry is used at once, and a timer for the first probe starts.
    expect(t.lookup(PEER_IP, 40_000)).toBe(-1);
    expect(t.resolve(PEER_IP, packet(), 40_000)).toEqual({ status: 'resolved', mac: PEER_MAC, actions: [] });
    expect(t.get(PEER_IP)).toMatchObject({ state: 'DELAY', timer: 45_000 });
    // No confirmation: unicast probes at 45, 46, 47 s to the cached MAC.
    expect(sentArp(t.tick(45_000))).toEqual([[1, PEER_IP, PEER_MAC]]);
    expect(stateOf(t, PEER_IP)).toBe('PROBE');
    // PROBE still sends with the cached address.
    expect(t.resolve(PEER_IP, packet(), 45_500).status).toBe('resolved');
    expect(sentArp(t.tick(46_000))).toEqual([[1, PEER_IP, PEER_MAC]]);
    expect(sentArp(t.tick(47_000))).toEqual([[1, PEER_IP, PEER_MAC]]);
    expect(t.tick(48_000)).toEqual([]);
    expect(stateOf(t, PEER_IP)).toBe('FAILED');
    expect(t.resolve(PEER_IP, packet(), 48_001).status).toBe('queued');
  });

  it('a unicast reply in PROBE makes the entry REACHABLE again', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.resolve(PEER_IP, packet(), 30_000);
    t.tick(35_000);
    expect(stateOf(t, PEER_IP)).toBe('PROBE');
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 35_200);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', confirmed: 35_200, timer: 65_200 });
  });

  it('confirm() during DELAY makes the entry REACHABLE when the delay ends (not before)', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.resolve(PEER_IP, packet(), 30_000); // REACHABLE expired at 30 s -> STALE -> DELAY
    expect(stateOf(t, PEER_IP)).toBe('DELAY');
    t.confirm(PEER_IP, 31_000);
    expect(stateOf(t, PEER_IP)).toBe('DELAY');
    expect(t.tick(35_000)).toEqual([]);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', timer: 61_000 });
  });

  it('confirm() extends REACHABLE by reachable_time from the confirmation', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.confirm(PEER_IP, 20_000);
    expect(t.lookup(PEER_IP, 49_999)).toBe(PEER_MAC);
    t.tick(30_000);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', timer: 50_000 });
    t.tick(50_000);
    expect(stateOf(t, PEER_IP)).toBe('STALE');
  });

  it('confirm() does not rescue PROBE, and does nothing to STALE', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.tick(30_000);
    t.confirm(PEER_IP, 30_500);
    expect(stateOf(t, PEER_IP)).toBe('STALE');
    t.resolve(PEER_IP, packet(), 36_000);
    t.tick(41_000);
    expect(stateOf(t, PEER_IP)).toBe('PROBE');
    t.confirm(PEER_IP, 41_500);
    t.tick(44_000);
    expect(stateOf(t, PEER_IP)).toBe('FAILED');
  });

  it('an expiring REACHABLE entry used by the slow path within delay_first_probe_time goes straight to DELAY', () => {
    const t = makeTable();
    // The queued packet is released through the output path, which marks the entry used at 0.
    t.resolve(PEER_IP, packet(), 0);
    t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 0, MAC_BROADCAST); // STALE, released packet -> DELAY (used 0)
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 1_000); // REACHABLE, confirmed 1 s
    // Used at 1 s? No: used was 0 and is pulled up to confirmed (1 s) when the timer is armed.
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', used: 1_000 });
    const small = makeTable({ baseReachableTime: 4_000 }); // reachable_time 4 s < delay 5 s
    small.resolve(PEER_IP, packet(), 0);
    small.receiveArp(replyFrom(PEER_IP, PEER_MAC), 0);
    small.tick(4_000);
    expect(small.get(PEER_IP)).toMatchObject({ state: 'DELAY', timer: 9_000 });
  });
});

describe('ARP input', () => {
  it('answers a request for our address and learns the requester as STALE', () => {
    const t = makeTable();
    const req = requestFrom(PEER_IP, PEER_MAC);
    const actions = t.receiveArp(req, 0, MAC_BROADCAST);
    expect(actions).toEqual([
      {
        type: 'send-arp',
        packet: arpReply({ senderMac: OUR_MAC, senderIp: OUR_IP, targetMac: PEER_MAC, targetIp: PEER_IP }),
        dst: PEER_MAC,
      },
    ]);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'STALE', mac: PEER_MAC });
    expect(t.stats()).toMatchObject({ rcvProbesMcast: 1, rcvProbesUcast: 0, allocs: 1 });
    t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 1, OUR_MAC);
    expect(t.stats().rcvProbesUcast).toBe(1);
  });

  it('a request with the same address keeps the state; with a new address it overrides (no locktime)', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.receiveArp(requestFrom(PEER_IP, PEER_MAC), 100, MAC_BROADCAST);
    expect(stateOf(t, PEER_IP)).toBe('REACHABLE');
    t.receiveArp(requestFrom(PEER_IP, OTHER_MAC), 200, MAC_BROADCAST);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'STALE', mac: OTHER_MAC });
  });

  it('ignores requests for other hosts and replies from unknown senders (no unsolicited entries)', () => {
    const t = makeTable();
    expect(t.receiveArp(requestFrom(PEER_IP, PEER_MAC, parseIpv4('10.0.0.77')), 0, MAC_BROADCAST)).toEqual([]);
    expect(t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 0)).toEqual([]);
    expect(t.receiveArp(gratuitousArp({ senderMac: PEER_MAC, senderIp: PEER_IP }), 0, MAC_BROADCAST)).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('arp_accept lets gratuitous ARP create a STALE entry', () => {
    const t = makeTable({ arpAccept: true });
    t.receiveArp(gratuitousArp({ senderMac: PEER_MAC, senderIp: PEER_IP }, 'reply'), 0, MAC_BROADCAST);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'STALE', mac: PEER_MAC });
  });

  it('respects locktime: a different address within 1 s of the last change is ignored, after it is taken', () => {
    const t = makeTable();
    learnReachable(t, 0); // updated at 0
    t.receiveArp(replyFrom(PEER_IP, OTHER_MAC), 1_000);
    expect(t.get(PEER_IP)?.mac).toBe(PEER_MAC); // now > updated + locktime is strict (time_after)
    t.receiveArp(replyFrom(PEER_IP, OTHER_MAC), 1_001);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', mac: OTHER_MAC, updated: 1_001 });
  });

  it('a same-address reply does not move the locktime window', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 900); // no change: updated stays 0
    expect(t.get(PEER_IP)).toMatchObject({ updated: 0, confirmed: 900 });
    t.receiveArp(replyFrom(PEER_IP, OTHER_MAC), 1_001);
    expect(t.get(PEER_IP)?.mac).toBe(OTHER_MAC);
  });

  it('gratuitous ARP updates an existing entry to STALE even within locktime', () => {
    const t = makeTable();
    learnReachable(t, 0);
    t.receiveArp(gratuitousArp({ senderMac: OTHER_MAC, senderIp: PEER_IP }, 'request'), 10, MAC_BROADCAST);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'STALE', mac: OTHER_MAC });
    // A gratuitous reply whose tha differs from sha is not gratuitous: locktime applies.
    const odd = { ...gratuitousArp({ senderMac: PEER_MAC, senderIp: PEER_IP }, 'reply'), tha: OUR_MAC };
    t.receiveArp(odd, 20, MAC_BROADCAST);
    expect(t.get(PEER_IP)?.mac).toBe(OTHER_MAC);
  });

  it('answers an RFC 5227 probe for our address, learns nothing, and reports no conflict', () => {
    const t = makeTable();
    const probe = arpProbe({ senderMac: PEER_MAC, targetIp: OUR_IP });
    expect(t.receiveArp(probe, 0, MAC_BROADCAST)).toEqual([
      { type: 'send-arp', packet: arpReply({ senderMac: OUR_MAC, senderIp: OUR_IP, targetMac: PEER_MAC, targetIp: 0 as never }), dst: PEER_MAC },
    ]);
    expect(t.size).toBe(0);
    expect(t.receiveArp(arpProbe({ senderMac: PEER_MAC, targetIp: PEER_IP }), 0, MAC_BROADCAST)).toEqual([]);
  });

  it('reports a conflict when another host uses our address, and answers to defend it', () => {
    const t = makeTable();
    const claim = gratuitousArp({ senderMac: PEER_MAC, senderIp: OUR_IP });
    const actions = t.receiveArp(claim, 0, MAC_BROADCAST);
    expect(actions[0]).toEqual({ type: 'conflict', ip: OUR_IP, mac: PEER_MAC });
    expect(sentArp(actions)).toEqual([[ArpOp.reply, OUR_IP, PEER_MAC]]);
    expect(t.get(OUR_IP)).toBeUndefined();
  });

  it('watches a tentative address: probes and claims from others are conflicts, nothing is answered', () => {
    const t = makeTable();
    const tentative = parseIpv4('10.0.0.9');
    t.addAddress({ address: tentative, length: 24, tentative: true });
    expect(t.receiveArp(arpProbe({ senderMac: PEER_MAC, targetIp: tentative }), 0, MAC_BROADCAST)).toEqual([
      { type: 'conflict', ip: tentative, mac: PEER_MAC },
    ]);
    expect(t.receiveArp(requestFrom(tentative, PEER_MAC, PEER_IP), 0, MAC_BROADCAST)).toEqual([
      { type: 'conflict', ip: tentative, mac: PEER_MAC },
    ]);
    expect(t.receiveArp(requestFrom(PEER_IP, PEER_MAC, tentative), 0, MAC_BROADCAST)).toEqual([]);
    t.addAddress({ address: tentative, length: 24 });
    expect(sentArp(t.receiveArp(requestFrom(PEER_IP, PEER_MAC, tentative), 0, MAC_BROADCAST))).toEqual([[ArpOp.reply, PEER_IP, PEER_MAC]]);
  });

  it('answers for proxied addresses with our MAC', () => {
    const t = makeTable();
    const proxied = parseIpv4('10.0.0.50');
    expect(t.receiveArp(requestFrom(PEER_IP, PEER_MAC, proxied), 0, MAC_BROADCAST)).toEqual([]);
    t.addProxy(proxied);
    expect(t.proxies()).toEqual([proxied]);
    const actions = t.receiveArp(requestFrom(PEER_IP, PEER_MAC, proxied), 0, MAC_BROADCAST);
    expect(actions).toEqual([
      { type: 'send-arp', packet: arpReply({ senderMac: OUR_MAC, senderIp: proxied, targetMac: PEER_MAC, targetIp: PEER_IP }), dst: PEER_MAC },
    ]);
    expect(stateOf(t, PEER_IP)).toBe('STALE');
    expect(t.deleteProxy(proxied)).toBe(true);
  });

  it('ignores frames for other hosts, looped-back frames, impossible senders and non-IPv4 ARP', () => {
    const t = makeTable();
    learnReachable(t, 0);
    const stranger = parseMac('02:00:00:00:00:77');
    expect(t.receiveArp(replyFrom(PEER_IP, OTHER_MAC), 5_000, stranger)).toEqual([]);
    expect(t.receiveArp(replyFrom(PEER_IP, MAC_BROADCAST), 5_000)).toEqual([]);
    expect(t.receiveArp(replyFrom(PEER_IP, 0 as never), 5_000)).toEqual([]);
    expect(t.receiveArp(requestFrom(OUR_IP, OUR_MAC), 5_000, MAC_BROADCAST)).toEqual([]);
    expect(t.receiveArp(requestFrom(PEER_IP, PEER_MAC, parseIpv4('224.0.0.1')), 5_000, MAC_BROADCAST)).toEqual([]);
    const generic = {
      kind: 'generic' as const, htype: 6, ptype: 0x0800, hlen: 6, plen: 4, op: 2,
      sha: new Uint8Array(6), spa: new Uint8Array(4), tha: new Uint8Array(6), tpa: new Uint8Array(4),
    };
    expect(t.receiveArp(generic, 5_000)).toEqual([]);
    expect(t.get(PEER_IP)?.mac).toBe(PEER_MAC);
  });
});

describe('NOARP and PERMANENT', () => {
  it('multicast and broadcast destinations resolve at once to their mapped MACs (NOARP)', () => {
    const t = makeTable();
    expect(t.resolve(parseIpv4('224.0.0.251'), packet(), 0)).toEqual({ status: 'resolved', mac: parseMac('01:00:5e:00:00:fb'), actions: [] });
    expect(t.resolve(parseIpv4('239.255.1.2'), packet(), 0)).toMatchObject({ mac: parseMac('01:00:5e:7f:01:02') });
    expect(t.resolve(parseIpv4('255.255.255.255'), packet(), 0)).toMatchObject({ mac: MAC_BROADCAST });
    expect(t.resolve(parseIpv4('10.0.0.255'), packet(), 0)).toMatchObject({ mac: MAC_BROADCAST });
    expect(t.get(parseIpv4('224.0.0.251'))?.state).toBe('NOARP');
    expect(t.lookup(parseIpv4('224.0.0.251'), 1e9)).toBe(parseMac('01:00:5e:00:00:fb'));
  });

  it('PERMANENT entries ignore ARP, never expire and are not collected', () => {
    const t = makeTable({ gcThresh1: 0 });
    t.set(PEER_IP, PEER_MAC, 'PERMANENT', 0);
    t.receiveArp(replyFrom(PEER_IP, OTHER_MAC), 10_000);
    t.receiveArp(gratuitousArp({ senderMac: OTHER_MAC, senderIp: PEER_IP }), 10_000, MAC_BROADCAST);
    t.tick(10_000_000);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'PERMANENT', mac: PEER_MAC });
    expect(t.lookup(PEER_IP, 10_000_000)).toBe(PEER_MAC);
    // ...until an administrator changes them.
    t.set(PEER_IP, OTHER_MAC, 'REACHABLE', 10_000_000);
    expect(t.get(PEER_IP)).toMatchObject({ state: 'REACHABLE', mac: OTHER_MAC, timer: 10_030_000 });
  });

  it('an administrative entry releases packets waiting on it', () => {
    const t = makeTable();
    const p = packet();
    t.resolve(PEER_IP, p, 0);
    expect(t.set(PEER_IP, PEER_MAC, 'STALE', 10)).toEqual([{ type: 'transmit', ip: PEER_IP, mac: PEER_MAC, packet: p }]);
  });

  it('delete drops waiting packets; flush keeps PERMANENT and NOARP', () => {
    const t = makeTable();
    const p = packet();
    t.resolve(PEER_IP, p, 0);
    expect(t.delete(PEER_IP, 1)).toEqual([{ type: 'drop', ip: PEER_IP, packet: p, reason: 'resolution-failed' }]);
    expect(t.size).toBe(0);
    t.set(parseIpv4('10.0.0.3'), PEER_MAC, 'PERMANENT', 2);
    t.set(parseIpv4('10.0.0.4'), PEER_MAC, 'STALE', 2);
    t.resolve(parseIpv4('224.0.0.1'), packet(), 2);
    t.flush(3);
    expect(t.entries().map((e) => e.state)).toEqual(['PERMANENT', 'NOARP']);
    expect(t.stats()).toMatchObject({ allocs: 4, destroys: 2, entries: 2 });
  });
});

describe('construction', () => {
  it('draws reachable_time in [base/2, 3*base/2) from the injected source', () => {
    for (const [r, expected] of [[0, 15_000], [0.5, 30_000], [0.999_999_9, 44_999]] as const) {
      const t = new NeighbourTable({ mac: OUR_MAC, random: () => r });
      expect(t.reachableTime).toBe(expected);
    }
  });

  it('re-draws reachable_time in the periodic GC after 300 s', () => {
    const draws = [0.5, 0.5, 0.0, 0.25];
    let i = 0;
    const t = new NeighbourTable({ mac: OUR_MAC, random: () => draws[i++ % draws.length]! });
    expect(t.reachableTime).toBe(30_000);
    t.tick(300_000);
    expect(t.reachableTime).toBe(30_000); // the GC at 300 s is not after 300 s
    t.tick(330_000);
    expect(t.reachableTime).toBe(15_000);
  });

  it('rejects bad parameters and times', () => {
    expect(() => makeTable({ ucastProbes: 1.5 })).toThrow(RangeError);
    expect(() => makeTable({ retransTime: -1 })).toThrow(RangeError);
    expect(() => makeTable({ gcInterval: 0 })).toThrow(RangeError);
    expect(() => makeTable().tick(Number.NaN)).toThrow(RangeError);
    expect(() => new NeighbourTable({ mac: OUR_MAC }).resolve(PEER_IP, {} as never, 0)).toThrow(TypeError);
  });

  it('takes an earlier time than already seen as the latest time', () => {
    const t = makeTable();
    t.resolve(PEER_IP, packet(), 5_000);
    t.receiveArp(replyFrom(PEER_IP, PEER_MAC), 4_000);
    expect(t.get(PEER_IP)?.confirmed).toBe(5_000);
  });

  it('sends requests from the address on the target subnet', () => {
    const t = new NeighbourTable<ReturnType<typeof packet>>({
      mac: OUR_MAC,
      addresses: [{ address: OUR_IP, length: 24 }, { address: parseIpv4('192.168.5.1'), length: 24 }],
      random: HALF,
    });
    const r = t.resolve(parseIpv4('192.168.5.7'), packet(), 0);
    expect(r.actions[0]).toMatchObject({ type: 'send-arp', packet: { spa: parseIpv4('192.168.5.1') } });
    const off = t.resolve(parseIpv4('172.16.0.1'), packet(), 0);
    expect(off.actions[0]).toMatchObject({ type: 'send-arp', packet: { spa: OUR_IP } });
  });
});

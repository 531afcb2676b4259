/**
 * Forwarding decisions and FDB maintenance, case by case, as the kernel's
 * br_input.c / br_forward.c / br_fdb.c behave.
 */
import { describe, expect, it } from 'vitest';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge, BridgeError, MAX_PORTS } from '../src/index.js';
import { bridgeFrameBytes } from '../src/arbitraries.js';
import { mac, send } from './helpers.js';

const BR = mac('02:00:00:00:00:01');
const A = mac('02:00:00:00:00:0a');
const B = mac('02:00:00:00:00:0b');
const C = mac('02:00:00:00:00:0c');
const SECOND = 1000;

function threePorts(options: ConstructorParameters<typeof Bridge>[0] = {}) {
  const br = new Bridge({ mac: BR, ...options });
  const p1 = br.addPort({ name: 'veth0', mac: mac('02:00:00:00:01:00') });
  const p2 = br.addPort({ name: 'veth1' });
  const p3 = br.addPort({ name: 'veth2' });
  return { br, p1, p2, p3 };
}

describe('forwarding', () => {
  it('floods unknown unicast, broadcast and multicast to every other forwarding port', () => {
    const { br, p1, p2, p3 } = threePorts();
    expect(send(br, p1, B, A, 0)).toEqual({ action: 'flood', reason: undefined, ports: [p2, p3], vid: 0, local: false });
    expect(send(br, p2, 'ff:ff:ff:ff:ff:ff', B, 0)).toMatchObject({ action: 'flood', ports: [p1, p3], local: true });
    expect(send(br, p3, '01:00:5e:00:00:01', C, 0)).toMatchObject({ action: 'flood', ports: [p1, p2], local: true });
    expect(send(br, p3, '33:33:00:00:00:01', C, 0)).toMatchObject({ action: 'flood', ports: [p1, p2] });
  });

  it('forwards known unicast to its port only', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p1, B, A, 0);
    expect(send(br, p2, A, B, 1)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(br.portCounters(p2)).toMatchObject({ received: 1, forwarded: 1 });
    expect(br.portCounters(p1)).toMatchObject({ transmitted: 1, flooded: 1 });
  });

  it('never sends a frame back out of its ingress port, unless hairpin is set there', () => {
    const { br, p1, p2, p3 } = threePorts();
    send(br, p1, B, A, 0);
    send(br, p1, A, B, 0); // B is also behind p1
    expect(send(br, p1, A, B, 1)).toMatchObject({ action: 'drop', reason: 'same-port' });
    br.setPort(p1, { hairpin: true });
    expect(send(br, p1, A, B, 2)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(send(br, p1, C, A, 3)).toMatchObject({ action: 'flood', ports: [p1, p2, p3] });
  });

  it('delivers frames for the bridge MAC and its ports MACs locally', () => {
    const { br, p2 } = threePorts();
    expect(send(br, p2, BR, B, 0)).toMatchObject({ action: 'local', local: true, ports: [] });
    expect(send(br, p2, '02:00:00:00:01:00', B, 0)).toMatchObject({ action: 'local' });
    expect(br.portCounters(p2).delivered).toBe(2);
  });

  it('traps link-local 01:80:c2:00:00:0x instead of forwarding, learns the source, drops PAUSE', () => {
    const { br, p1 } = threePorts();
    for (const last of [0x00, 0x02, 0x03, 0x0e, 0x0f]) {
      const dst = mac(`01:80:c2:00:00:${last.toString(16).padStart(2, '0')}`);
      expect(send(br, p1, dst, A, 0)).toMatchObject({ action: 'trap', ports: [] });
    }
    expect(send(br, p1, '01:80:c2:00:00:01', A, 0)).toMatchObject({ action: 'drop', reason: 'pause' });
    expect(send(br, p1, '01:80:c2:00:00:10', A, 0)).toMatchObject({ action: 'flood' }); // outside the block
    expect(br.fdbLookup(A)?.port).toBe(p1);
    expect(br.portCounters(p1).trapped).toBe(5);
    br.setPort(p1, { state: 'blocking' }); // STP BPDUs still reach a blocking port's STP
    expect(send(br, p1, '01:80:c2:00:00:00', A, 0)).toMatchObject({ action: 'trap' });
  });

  it('drops frames with a multicast or zero source, learning nothing', () => {
    const { br, p1 } = threePorts();
    expect(send(br, p1, B, '01:00:5e:00:00:01', 0)).toMatchObject({ action: 'drop', reason: 'invalid-source' });
    expect(send(br, p1, B, '00:00:00:00:00:00', 0)).toMatchObject({ action: 'drop', reason: 'invalid-source' });
    expect(br.fdbStats().learned).toBe(0);
  });

  it('counts and ignores frames whose source is one of the bridge addresses', () => {
    const { br, p2 } = threePorts();
    send(br, p2, B, BR, 0);
    expect(br.fdbLookup(BR)).toMatchObject({ port: 0, state: 'permanent' });
    expect(br.portCounters(p2).ownSource).toBe(1);
  });

  it('takes flooded traffic by kind only on ports whose flood flags allow it', () => {
    const { br, p1, p2, p3 } = threePorts();
    br.setPort(p2, { flood: false });
    br.setPort(p3, { multicastFlood: false });
    expect(send(br, p1, B, A, 0).ports).toEqual([p3]);
    expect(send(br, p1, '01:00:5e:00:00:01', A, 0).ports).toEqual([p2]);
    expect(send(br, p1, 'ff:ff:ff:ff:ff:ff', A, 0).ports).toEqual([p2, p3]);
    br.setPort(p2, { broadcastFlood: false });
    expect(send(br, p1, 'ff:ff:ff:ff:ff:ff', A, 0).ports).toEqual([p3]);
  });
});

describe('port states', () => {
  it('blocking and listening drop; learning learns and drops; disabled flushes the port entries', () => {
    const { br, p1, p2, p3 } = threePorts();
    br.setPort(p1, { state: 'blocking' });
    expect(send(br, p1, B, A, 0)).toMatchObject({ action: 'drop', reason: 'port-state' });
    br.setPort(p1, { state: 'listening' });
    expect(send(br, p1, B, A, 0)).toMatchObject({ action: 'drop', reason: 'port-state' });
    expect(br.fdbLookup(A)).toBeUndefined();
    br.setPort(p1, { state: 'learning' });
    expect(send(br, p1, B, A, 0)).toMatchObject({ action: 'drop', reason: 'port-state' });
    expect(br.fdbLookup(A)?.port).toBe(p1);
    // Not a flood target, and known unicast to it is dropped at egress.
    expect(send(br, p2, C, B, 0).ports).toEqual([p3]);
    expect(send(br, p2, A, B, 0)).toMatchObject({ action: 'drop', reason: 'egress' });
    br.fdbAdd({ mac: C, port: p1, state: 'static' });
    br.setPort(p1, { state: 'disabled' });
    expect(br.fdbLookup(A)).toBeUndefined();
    expect(br.fdbLookup(C)?.state).toBe('static');
    expect(send(br, p1, B, A, 0)).toMatchObject({ action: 'drop', reason: 'port-state' });
    expect(br.port(p1).state).toBe('disabled');
  });
});

describe('ageing', () => {
  it('keeps learned entries 300 s by default, refreshed by traffic, then they are gone', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p1, B, A, 0);
    expect(br.nextDeadline()).toBe(300 * SECOND);
    send(br, p1, B, A, 100 * SECOND); // refresh
    expect(send(br, p2, A, B, 399 * SECOND)).toMatchObject({ action: 'forward' });
    expect(br.fdbLookup(A)?.age).toBe(299 * SECOND);
    expect(send(br, p2, A, B, 400 * SECOND)).toMatchObject({ action: 'flood' }); // expired exactly at 400 s
    expect(br.fdbLookup(A)).toBeUndefined();
    expect(br.fdbStats().learned).toBe(2); // A and B still hold room until swept
    expect(br.advance(400 * SECOND)).toBe(1); // A
    expect(br.fdbStats().learned).toBe(1);
    expect(br.nextDeadline()).toBe(700 * SECOND); // B, last seen at 400 s
  });

  it('never ages with ageing time 0, nor static and permanent entries', () => {
    const { br, p1 } = threePorts({ ageingTime: 0 });
    send(br, p1, B, A, 0);
    br.fdbAdd({ mac: C, port: p1, state: 'static' });
    expect(br.nextDeadline()).toBeUndefined();
    expect(br.advance(1e12)).toBe(0);
    expect(br.fdbLookup(A)?.port).toBe(p1);
    br.setAgeingTime(10 * SECOND); // applies to A at once (seen at 0, now 1e12) and sweeps, as the kernel does
    expect(br.fdbLookup(A)).toBeUndefined();
    expect(br.fdbStats().learned).toBe(0);
    expect(br.fdbLookup(C)?.state).toBe('static');
  });

  it('sweeps at most once per gcInterval but lookups honour expiry exactly', () => {
    const br = new Bridge({ ageingTime: 10, gcInterval: 1000 });
    const p = br.addPort({ name: 'p' });
    for (let i = 0; i < 5; i++) send(br, p, B, mac(`02:00:00:00:10:0${i}`), i);
    expect(br.nextDeadline()).toBe(10);
    expect(br.advance(10)).toBe(1);
    expect(br.nextDeadline()).toBe(1010); // the next expiry (11) is sooner than the interval allows
    expect(br.fdbEntries()).toHaveLength(4);
    br.advance(20); // nothing swept before 1010...
    expect(br.fdbStats().learned).toBe(4);
    expect(br.fdbEntries()).toHaveLength(0); // ...but nothing expired is listed or used
    expect(br.advance(1010)).toBe(4);
    expect(br.nextDeadline()).toBeUndefined();
  });
});

describe('moves', () => {
  it('a MAC appearing on another port moves there', () => {
    const { br, p1, p2, p3 } = threePorts();
    send(br, p1, B, A, 0);
    send(br, p2, B, A, 1);
    expect(br.fdbLookup(A)?.port).toBe(p2);
    expect(br.portCounters(p2)).toMatchObject({ moved: 1, learned: 0 });
    expect(send(br, p3, A, C, 2)).toMatchObject({ action: 'forward', ports: [p2] });
    expect(br.port(p1).learnedEntries).toBe(0);
    expect(br.port(p2).learnedEntries).toBe(1);
  });

  it('static entries move too (as in the kernel), sticky ones do not', () => {
    const { br, p1, p2 } = threePorts();
    br.fdbAdd({ mac: A, port: p1, state: 'static' });
    br.fdbAdd({ mac: B, port: p1, state: 'static', sticky: true });
    send(br, p2, C, A, 0);
    send(br, p2, C, B, 0);
    expect(br.fdbLookup(A)).toMatchObject({ port: p2, state: 'static' });
    expect(br.fdbLookup(B)).toMatchObject({ port: p1, state: 'static', sticky: true });
    expect(br.fdbShow()).toContain('02:00:00:00:00:0b dev veth0 sticky master br0 static');
  });
});

describe('static and permanent entries', () => {
  it('static forwards to its port; permanent is local; add refuses an existing entry, replace overwrites', () => {
    const { br, p1, p2, p3 } = threePorts();
    br.fdbAdd({ mac: A, port: p1, state: 'static' });
    br.fdbAdd({ mac: B, port: p2, state: 'permanent' });
    expect(send(br, p3, A, C, 0)).toMatchObject({ action: 'forward', ports: [p1] });
    expect(send(br, p3, B, C, 0)).toMatchObject({ action: 'local' });
    expect(() => br.fdbAdd({ mac: A, port: p2, state: 'static' })).toThrow(BridgeError);
    expect(() => br.fdbAdd({ mac: C, port: p1, state: 'static' })).toThrowError(expect.objectContaining({ code: 'exists' }));
    br.fdbAdd({ mac: C, port: p1, state: 'static' }, 'replace'); // C was learned on p3
    expect(br.fdbLookup(C)).toMatchObject({ port: p1, state: 'static' });
    expect(br.port(p3).learnedEntries).toBe(0);
    expect(br.fdbDel({ mac: C, port: p1 })).toBe(2); // VID 0 and VLAN 1 (no VLAN given: every VLAN of the port)
    expect(() => br.fdbDel({ mac: C, port: p1 })).toThrowError(expect.objectContaining({ code: 'not-found' }));
    expect(() => br.fdbAdd({ mac: mac('01:00:5e:00:00:01'), port: p1, state: 'static' })).toThrow(BridgeError);
    expect(() => br.fdbAdd({ mac: A, port: 0, state: 'static' })).toThrow(BridgeError);
  });

  it('an entry without a VLAN is added for VID 0 and every VLAN of the port', () => {
    const { br, p1 } = threePorts();
    br.vlanAdd(p1, 10);
    br.fdbAdd({ mac: A, port: p1, state: 'static' });
    expect([0, 1, 10].map((v) => br.fdbLookup(A, v)?.port)).toEqual([p1, p1, p1]);
    expect(() => br.fdbAdd({ mac: B, port: p1, vlan: 20, state: 'static' })).toThrowError(expect.objectContaining({ code: 'invalid' }));
  });
});

describe('limits', () => {
  it('stops learning at the bridge limit and counts it; frames still flow', () => {
    const { br, p1, p2, p3 } = threePorts({ maxLearned: 2 });
    send(br, p1, B, mac('02:00:00:00:10:01'), 0);
    send(br, p1, B, mac('02:00:00:00:10:02'), 0);
    expect(send(br, p1, B, mac('02:00:00:00:10:03'), 0)).toMatchObject({ action: 'flood', ports: [p2, p3] });
    expect(br.fdbStats().learned).toBe(2);
    expect(br.portCounters(p1)).toMatchObject({ learned: 2, learnLimit: 1 });
    expect(br.counters().bridgeLearnLimit).toBe(1);
    // Refreshing and moving known MACs is not learning anew.
    send(br, p2, B, mac('02:00:00:00:10:01'), 0);
    expect(br.fdbLookup(mac('02:00:00:00:10:01'))?.port).toBe(p2);
  });

  it('per port: a port at its limit learns no new MAC, and a MAC moving onto it is forgotten', () => {
    const { br, p1, p2 } = threePorts();
    br.setPort(p1, { maxLearned: 1 });
    send(br, p1, C, A, 0);
    send(br, p1, C, B, 0);
    expect(br.fdbLookup(B)).toBeUndefined();
    send(br, p2, C, B, 0); // B learned on p2
    send(br, p1, C, B, 0); // B moves to p1, which is full
    expect(br.fdbLookup(B)).toBeUndefined();
    expect(br.portCounters(p1).learnLimit).toBe(2);
    expect(br.counters().bridgeLearnLimit).toBe(0);
  });

  it('at the limit, expired entries make room without waiting for advance', () => {
    const br = new Bridge({ maxLearned: 1, ageingTime: 10, gcInterval: 0 });
    const p = br.addPort({ name: 'p' });
    send(br, p, B, A, 0);
    send(br, p, B, C, 10);
    expect(br.fdbLookup(C)?.port).toBe(p);
  });
});

describe('ports', () => {
  it('numbers ports from 1, reuses freed numbers, and forgets a removed port entries', () => {
    const { br, p1, p2 } = threePorts();
    send(br, p1, B, A, 0);
    br.fdbAdd({ mac: C, port: p1, state: 'static' });
    br.removePort(p1);
    expect(br.fdbLookup(A)).toBeUndefined();
    expect(br.fdbLookup(C)).toBeUndefined();
    expect(br.fdbLookup(mac('02:00:00:00:01:00'))).toBeUndefined(); // its own MAC went too
    expect(br.fdbStats().learned).toBe(0);
    expect(br.addPort({ name: 'veth9' })).toBe(p1);
    expect(br.ports().map((p) => p.name)).toEqual(['br0', 'veth9', 'veth1', 'veth2']);
    expect(br.portByName('veth1')).toBe(p2);
    expect(() => br.addPort({ name: 'veth1' })).toThrowError(expect.objectContaining({ code: 'exists' }));
    expect(() => br.receive(7, new EthernetView(bridgeFrameBytes(A, B)), 0)).toThrowError(
      expect.objectContaining({ code: 'no-such-port' }),
    );
    expect(() => br.removePort(0)).toThrow(BridgeError);
    expect(MAX_PORTS).toBe(1024);
  });
});

describe('bridge fdb show', () => {
  it('lists entries as iproute2 prints them', () => {
    const br = new Bridge({ mac: BR, vlanFiltering: true });
    const veth0 = br.addPort({ name: 'veth0', mac: mac('aa:00:00:00:00:01') });
    br.addPort({ name: 'veth1' });
    send(br, veth0, B, mac('02:42:ac:11:00:02'), 0);
    br.fdbAdd({ mac: C, port: veth0, vlan: 1, state: 'static' });
    expect(br.fdbShow()).toEqual([
      '02:00:00:00:00:01 dev br0 master br0 permanent',
      '02:00:00:00:00:01 dev br0 vlan 1 master br0 permanent',
      '02:00:00:00:00:0c dev veth0 vlan 1 master br0 static',
      '02:42:ac:11:00:02 dev veth0 vlan 1 master br0',
      'aa:00:00:00:00:01 dev veth0 master br0 permanent',
      'aa:00:00:00:00:01 dev veth0 vlan 1 master br0 permanent',
    ]);
  });
});

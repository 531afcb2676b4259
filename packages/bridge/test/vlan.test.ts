/**
 * VLAN filtering as the kernel's bridge does it with vlan_filtering 1
 * (br_vlan.c: br_allowed_ingress, br_allowed_egress, br_handle_vlan):
 * PVID for untagged and priority-tagged ingress, ingress filtering of VLANs
 * a port is not in, untagged/tagged egress per VLAN, FDB keyed by (MAC, VID).
 */
import { describe, expect, it } from 'vitest';
import { decodeVlanStack } from '@wirestack/vlan';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge } from '../src/index.js';
import { bridgeFrameBytes } from '../src/arbitraries.js';
import { mac, send } from './helpers.js';

const A = mac('02:00:00:00:00:0a');
const B = mac('02:00:00:00:00:0b');
const C = mac('02:00:00:00:00:0c');

/**
 * bridge vlan add dev access10 vid 10 pvid untagged   (access port of VLAN 10)
 * bridge vlan add dev trunk vid 10; vid 20             (trunk: 1 untagged PVID, 10 and 20 tagged)
 * bridge vlan add dev access20 vid 20 pvid untagged
 */
function vlanBridge() {
  const br = new Bridge({ vlanFiltering: true, mac: mac('02:00:00:00:00:01') });
  const access10 = br.addPort({ name: 'access10' });
  const trunk = br.addPort({ name: 'trunk' });
  const access20 = br.addPort({ name: 'access20' });
  br.vlanDel(access10, 1);
  br.vlanAdd(access10, 10, { pvid: true, untagged: true });
  br.vlanAdd(trunk, 10);
  br.vlanAdd(trunk, 20);
  br.vlanDel(access20, 1);
  br.vlanAdd(access20, 20, { pvid: true, untagged: true });
  return { br, access10, trunk, access20 };
}

describe('ingress', () => {
  it('untagged frames get the PVID and are learned in it', () => {
    const { br, access10, trunk } = vlanBridge();
    expect(send(br, access10, B, A, 0)).toMatchObject({ action: 'flood', vid: 10, ports: [trunk] });
    expect(br.fdbLookup(A, 10)).toMatchObject({ port: access10, state: 'dynamic' });
    expect(br.fdbLookup(A, 0)).toBeUndefined();
    expect(br.fdbShow()).toContain('02:00:00:00:00:0a dev access10 vlan 10 master br0');
  });

  it('tagged frames of an allowed VLAN keep their VID', () => {
    const { br, trunk, access20 } = vlanBridge();
    expect(send(br, trunk, B, A, 0, 20)).toMatchObject({ action: 'flood', vid: 20, ports: [access20] });
    expect(br.fdbLookup(A, 20)?.port).toBe(trunk);
  });

  it('tagged frames of a VLAN the port is not in are dropped and counted', () => {
    const { br, trunk, access10 } = vlanBridge();
    expect(send(br, trunk, B, A, 0, 30)).toMatchObject({ action: 'drop', reason: 'vlan-ingress' });
    expect(send(br, access10, B, A, 0, 20)).toMatchObject({ action: 'drop', reason: 'vlan-ingress' });
    expect(br.portCounters(trunk)).toMatchObject({ received: 1, dropped: 1, vlanFiltered: 1, learned: 0 });
    expect(br.portCounters(access10).vlanFiltered).toBe(1);
    expect(br.fdbLookup(A, 30)).toBeUndefined(); // nothing learned from a filtered frame
  });

  it('untagged frames on a port without a PVID are dropped', () => {
    const { br, trunk } = vlanBridge();
    br.vlanAdd(trunk, 1); // re-added without pvid: the PVID is cleared, as the kernel does
    expect(br.port(trunk).pvid).toBe(0);
    expect(send(br, trunk, B, A, 0)).toMatchObject({ action: 'drop', reason: 'vlan-ingress' });
    expect(send(br, trunk, B, A, 0, 0)).toMatchObject({ action: 'drop', reason: 'vlan-ingress' }); // priority tag too
  });

  it('priority-tagged frames (VID 0) are classified into the PVID', () => {
    const { br, access10, trunk } = vlanBridge();
    const d = send(br, access10, B, A, 0, 0);
    expect(d).toMatchObject({ action: 'flood', vid: 10, ports: [trunk] });
    expect(br.fdbLookup(A, 10)?.port).toBe(access10);
  });

  it('VID 4095 is reserved: never a member, always filtered', () => {
    const { br, trunk } = vlanBridge();
    expect(() => br.vlanAdd(trunk, 4095)).toThrow(/VID 4095/);
    expect(send(br, trunk, B, A, 0, 4095)).toMatchObject({ action: 'drop', reason: 'vlan-ingress' });
  });

  it('tags of another protocol (802.1ad on an 802.1Q bridge) are payload: the frame is untagged', () => {
    const { br, access10, trunk } = vlanBridge();
    const f = bridgeFrameBytes(B, A, 20);
    f[12] = 0x88;
    f[13] = 0xa8;
    const d = br.receive(access10, new EthernetView(f), 0);
    expect(d.vid).toBe(10);
    expect(d.tagged).toBe(false);
    expect(d.egressPorts()).toEqual([trunk]);
  });

  it('a cut-off tag is dropped as truncated, not thrown', () => {
    const { br, trunk } = vlanBridge();
    const f = bridgeFrameBytes(B, A, 20).subarray(0, 16);
    expect(br.receive(trunk, new EthernetView(f), 0)).toMatchObject({ action: 'drop', reason: 'truncated' });
  });
});

describe('egress', () => {
  it('floods only to ports in the VLAN, with per-port untagged flags', () => {
    const { br, access10, trunk, access20 } = vlanBridge();
    const d = br.receive(trunk, new EthernetView(bridgeFrameBytes(B, A, 10)), 0);
    expect(d.egressPorts()).toEqual([access10]);
    const flags = Object.fromEntries(Array.from(d.floodPorts.subarray(0, d.floodCount), (p, i) => [p, d.floodUntagged[i]]));
    expect(flags).toEqual({ [access10]: 1, [trunk]: 0 });
    expect(d.floodPorts.subarray(0, d.floodCount)).not.toContain(access20);
  });

  it('known unicast: untagged on an access port, tagged on a trunk', () => {
    const { br, access10, trunk } = vlanBridge();
    send(br, access10, B, A, 0); // A learned on access10, VLAN 10
    send(br, trunk, A, B, 1, 10); // B learned on trunk, VLAN 10
    const toA = br.receive(trunk, new EthernetView(bridgeFrameBytes(A, B, 10)), 2);
    expect(toA).toMatchObject({ action: 'forward', port: access10, untagged: true, vid: 10 });
    const toB = br.receive(access10, new EthernetView(bridgeFrameBytes(B, A)), 3);
    expect(toB).toMatchObject({ action: 'forward', port: trunk, untagged: false, vid: 10 });
  });

  it('egressFrame strips the tag for untagged egress and adds it for tagged egress', () => {
    const { br, access10, trunk } = vlanBridge();
    const tagged = bridgeFrameBytes(A, B, 10);
    const untagged = bridgeFrameBytes(A, B);
    const stripped = br.egressFrame(tagged, access10, 10);
    expect(decodeVlanStack(stripped).tags).toEqual([]);
    expect(stripped).toEqual(untagged);
    const added = br.egressFrame(untagged, trunk, 10);
    expect(decodeVlanStack(added).tags).toMatchObject([{ tpid: 0x8100, vid: 10, pcp: 0 }]);
    expect(added).toEqual(tagged);
    expect(br.egressFrame(tagged, trunk, 10)).toBe(tagged); // already right: the same array
    expect(br.egressFrame(untagged, access10, 10)).toBe(untagged);
  });

  it('a priority tag leaves a tagged port with the PVID as VID and its PCP kept', () => {
    const { br, access10, trunk } = vlanBridge();
    const prio = bridgeFrameBytes(B, A, 0, 5);
    const d = br.receive(access10, new EthernetView(prio), 0);
    expect(d.tagged).toBe(true);
    const out = br.egressFrame(prio, trunk, d.vid);
    expect(decodeVlanStack(out).tags).toMatchObject([{ vid: 10, pcp: 5 }]);
    expect(decodeVlanStack(prio).tags).toMatchObject([{ vid: 0, pcp: 5 }]); // the input is not modified
    expect(decodeVlanStack(br.egressFrame(prio, access10, d.vid)).tags).toEqual([]);
  });

  it('a known destination behind a port that left the VLAN is not forwarded', () => {
    const { br, access10, trunk } = vlanBridge();
    send(br, trunk, B, C, 0, 10); // C on trunk, VLAN 10
    br.fdbAdd({ mac: C, port: trunk, vlan: 20, state: 'static' });
    expect(send(br, access10, C, A, 1)).toMatchObject({ action: 'forward', ports: [trunk] });
    br.vlanDel(trunk, 10); // also flushes C's learned entry in VLAN 10
    expect(br.fdbLookup(C, 10)).toBeUndefined();
    expect(br.fdbLookup(C, 20)?.state).toBe('static');
    // Static entry in VLAN 10 on a port no longer in VLAN 10: kept, but egress filtering drops.
    br.vlanAdd(trunk, 10);
    br.fdbAdd({ mac: C, port: trunk, vlan: 10, state: 'static' });
    br.vlanDel(trunk, 10);
    expect(send(br, access10, C, A, 2)).toMatchObject({ action: 'drop', reason: 'egress' });
  });
});

describe('FDB keyed by (MAC, VLAN)', () => {
  it('the same MAC in two VLANs is two entries, on different ports', () => {
    const { br, access10, trunk, access20 } = vlanBridge();
    send(br, access10, B, A, 0); // A in 10 on access10
    send(br, access20, B, A, 1); // A in 20 on access20: not a move
    expect(br.fdbLookup(A, 10)?.port).toBe(access10);
    expect(br.fdbLookup(A, 20)?.port).toBe(access20);
    expect(br.portCounters(access20).moved).toBe(0);
    expect(send(br, trunk, A, C, 2, 10)).toMatchObject({ action: 'forward', ports: [access10] });
    expect(send(br, trunk, A, C, 3, 20)).toMatchObject({ action: 'forward', ports: [access20] });
  });
});

describe('the bridge device itself', () => {
  it('gets frames to its MAC only in VLANs it is a member of', () => {
    const { br, access10, trunk } = vlanBridge();
    const own = mac('02:00:00:00:00:01');
    // br0 is in VLAN 1 only (default PVID): in VLAN 10 its MAC is an unknown unicast.
    expect(send(br, access10, own, A, 0)).toMatchObject({ action: 'flood', ports: [trunk], local: false });
    br.vlanAdd(0, 10); // bridge vlan add dev br0 vid 10 self
    expect(send(br, access10, own, A, 1)).toMatchObject({ action: 'local', local: true });
    expect(br.fdbShow()).toContain('02:00:00:00:00:01 dev br0 vlan 10 master br0 permanent');
    // Broadcast: flooded, and a copy up to br0 when br0 is in the VLAN.
    expect(send(br, access10, 'ff:ff:ff:ff:ff:ff', A, 2)).toMatchObject({ action: 'flood', local: true });
    br.vlanDel(0, 10);
    expect(send(br, access10, 'ff:ff:ff:ff:ff:ff', A, 3)).toMatchObject({ action: 'flood', local: false });
  });

  it('frames sent by the bridge device use its PVID and are not learned', () => {
    const { br, trunk } = vlanBridge();
    const d = send(br, 0, B, mac('02:00:00:00:00:01'), 0);
    expect(d).toMatchObject({ action: 'flood', vid: 1, ports: [trunk], local: false });
    expect(br.fdbStats().learned).toBe(0);
  });
});

describe('VLAN filtering off', () => {
  it('ignores tags: VID 0 everywhere, frames leave as they came', () => {
    const br = new Bridge();
    const a = br.addPort({ name: 'a' });
    const b = br.addPort({ name: 'b' });
    expect(send(br, a, B, A, 0, 30)).toMatchObject({ action: 'flood', vid: 0, ports: [b] });
    expect(br.fdbLookup(A, 0)?.port).toBe(a);
    const f = bridgeFrameBytes(B, A, 30);
    expect(br.egressFrame(f, b, 0)).toBe(f);
    expect(br.fdbShow()).toEqual(['02:00:00:00:00:0a dev a master br0']);
  });
});

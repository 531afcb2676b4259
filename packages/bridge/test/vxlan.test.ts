/**
 * VXLAN ports as a Linux vxlan device enslaved to a bridge behaves
 * (drivers/net/vxlan: vxlan_fdb_update, vxlan_snoop, vxlan_xmit): its own
 * FDB of MAC → remote VTEPs, all-zero default entries for head-end
 * replication, learning from decapsulated traffic, ageing.
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '@wirestack/core';
import { EthernetView } from '@wirestack/ethernet';
import { Bridge, BridgeError } from '../src/index.js';
import { bridgeFrameBytes } from '../src/arbitraries.js';
import { mac, send } from './helpers.js';

const A = mac('02:00:00:00:00:0a'); // a local host behind veth0
const R = mac('02:00:00:00:00:72'); // a remote host behind a VTEP
const ZERO = mac('00:00:00:00:00:00');
const VTEP1 = parseIpv4('192.168.1.2');
const VTEP2 = parseIpv4('192.168.1.3');

function overlay(vxlan: { ageingTime?: number; maxAddresses?: number; learning?: boolean } = {}) {
  const br = new Bridge();
  const veth = br.addPort({ name: 'veth0' });
  const vx = br.addPort({ name: 'vxlan1', vxlan: { vni: 42, ...vxlan } });
  return { br, veth, vx };
}

const view = new EthernetView();
function fromVtep(br: Bridge, port: number, dst: string | number, src: number, now: number, remote: number) {
  const bytes = bridgeFrameBytes(typeof dst === 'string' ? mac(dst) : (dst as never), src as never);
  return br.receiveFromVtep(port, view.reset(bytes), now, remote as never);
}

describe('head-end replication', () => {
  it('BUM traffic out of a VXLAN port goes to every default (all-zero) remote', () => {
    const { br, veth, vx } = overlay();
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP1 }, 'append');
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP2 }, 'append');
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP2 }, 'append'); // already there: unchanged
    const d = send(br, veth, 'ff:ff:ff:ff:ff:ff', A, 0);
    expect(d).toMatchObject({ action: 'flood', ports: [vx] });
    expect(br.vxlanRemotes(vx, mac('ff:ff:ff:ff:ff:ff'))).toEqual([
      { ip: VTEP1, vni: 42, port: 4789 },
      { ip: VTEP2, vni: 42, port: 4789 },
    ]);
    expect(br.vxlanRemotes(vx, R)).toHaveLength(2); // unknown unicast too
    expect(br.fdbShow()).toEqual([
      '02:00:00:00:00:0a dev veth0 master br0',
      '00:00:00:00:00:00 dev vxlan1 dst 192.168.1.2 self permanent',
      '00:00:00:00:00:00 dev vxlan1 dst 192.168.1.3 self permanent',
    ]);
  });
});

describe('learning from decapsulated traffic', () => {
  it('learns inner source MAC → VTEP, then unicast goes to that VTEP only', () => {
    const { br, veth, vx } = overlay();
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP1 }, 'append');
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP2 }, 'append');
    expect(fromVtep(br, vx, 'ff:ff:ff:ff:ff:ff', R, 0, VTEP2).egressPorts()).toEqual([veth]);
    expect(br.fdbLookup(R)?.port).toBe(vx); // the bridge side learned R behind vxlan1
    const d = br.receive(veth, view.reset(bridgeFrameBytes(R, A)), 1);
    expect(d).toMatchObject({ action: 'forward', port: vx });
    expect(d.remotes).toEqual([{ ip: VTEP2, vni: 42, port: 4789 }]);
    expect(br.fdbShow()).toContain('02:00:00:00:00:72 dev vxlan1 dst 192.168.1.3 self');
    expect(br.fdbShow()).toContain('02:00:00:00:00:72 dev vxlan1 master br0');
    expect(br.portCounters(vx).remoteLearned).toBe(1);
  });

  it('a learned remote moves with its MAC; a static one does not and the frame is dropped', () => {
    const { br, veth, vx } = overlay();
    fromVtep(br, vx, A, R, 0, VTEP1);
    fromVtep(br, vx, A, R, 1, VTEP2);
    expect(br.vxlanRemotes(vx, R)).toEqual([{ ip: VTEP2, vni: 42, port: 4789 }]);
    expect(br.portCounters(vx).remoteMoved).toBe(1);
    const S = mac('02:00:00:00:00:73');
    br.vxlanFdbAdd(vx, { mac: S, dst: VTEP1, state: 'static' });
    expect(fromVtep(br, vx, A, S, 2, VTEP2)).toMatchObject({ action: 'drop', reason: 'vxlan-conflict' });
    expect(fromVtep(br, vx, A, S, 3, VTEP1).action).toBe('flood');
    expect(br.vxlanRemotes(vx, S)).toEqual([{ ip: VTEP1, vni: 42, port: 4789 }]);
    void veth;
  });

  it('learned remotes age out; nextDeadline covers them', () => {
    const { br, veth, vx } = overlay({ ageingTime: 5000 });
    br.setAgeingTime(0); // only the VXLAN FDB ages here
    fromVtep(br, vx, A, R, 0, VTEP1);
    expect(br.nextDeadline()).toBe(5000);
    expect(br.vxlanRemotes(vx, R)).toHaveLength(1);
    br.advance(5000);
    expect(br.vxlanFdbEntries(vx)).toEqual([]);
    // The bridge still knows R behind vxlan1, but vxlan1 has nowhere to send it.
    expect(send(br, veth, R, A, 5001)).toMatchObject({ action: 'drop', reason: 'no-vtep' });
    expect(br.nextDeadline()).toBeUndefined();
  });

  it('respects learning off and the address limit', () => {
    const off = overlay({ learning: false });
    fromVtep(off.br, off.vx, A, R, 0, VTEP1);
    expect(off.br.vxlanFdbEntries(off.vx)).toEqual([]);
    const limited = overlay({ maxAddresses: 1 });
    fromVtep(limited.br, limited.vx, A, R, 0, VTEP1);
    fromVtep(limited.br, limited.vx, A, mac('02:00:00:00:00:74'), 0, VTEP1);
    expect(limited.br.vxlanFdbEntries(limited.vx).map((e) => e.mac)).toEqual([R]);
    expect(limited.br.portCounters(limited.vx).remoteLimit).toBe(1);
  });
});

describe('bridge fdb add/replace/append/del on a VXLAN port', () => {
  it('follows the kernel rules for each verb', () => {
    const { br, veth, vx } = overlay();
    br.vxlanFdbAdd(vx, { mac: R, dst: VTEP1, vni: 100, dstPort: 8472 });
    expect(br.fdbShow()).toContain('02:00:00:00:00:72 dev vxlan1 dst 192.168.1.2 port 8472 vni 100 self permanent');
    expect(() => br.vxlanFdbAdd(vx, { mac: R, dst: VTEP2 })).toThrowError(expect.objectContaining({ code: 'exists' }));
    expect(() => br.vxlanFdbAdd(vx, { mac: R, dst: VTEP2 }, 'append')).toThrowError(expect.objectContaining({ code: 'unsupported' }));
    br.vxlanFdbAdd(vx, { mac: R, dst: VTEP2, state: 'static' }, 'replace');
    expect(br.vxlanFdbEntries(vx)).toEqual([{ mac: R, remotes: [{ ip: VTEP2, vni: 42, port: 4789 }], state: 'static', age: undefined }]);
    expect(() => br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP1 }, 'replace')).toThrowError(expect.objectContaining({ code: 'unsupported' }));
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP1 }, 'append');
    br.vxlanFdbAdd(vx, { mac: ZERO, dst: VTEP2 }, 'append');
    br.vxlanFdbDel(vx, { mac: ZERO, dst: VTEP1 });
    expect(br.vxlanRemotes(vx, mac('ff:ff:ff:ff:ff:ff'))).toEqual([{ ip: VTEP2, vni: 42, port: 4789 }]);
    br.vxlanFdbDel(vx, { mac: ZERO, dst: VTEP2 }); // the last remote takes the entry with it
    expect(br.vxlanFdbEntries(vx).map((e) => e.mac)).toEqual([R]);
    expect(() => br.vxlanFdbDel(vx, { mac: ZERO })).toThrowError(expect.objectContaining({ code: 'not-found' }));
    br.vxlanFdbDel(vx, { mac: R });
    expect(br.vxlanFdbEntries(vx)).toEqual([]);
    expect(() => br.vxlanFdbAdd(veth, { mac: R, dst: VTEP1 })).toThrow(BridgeError);
    expect(() => br.addPort({ name: 'vxlan2', vxlan: { vni: 1 << 24 } })).toThrow(BridgeError);
  });
});

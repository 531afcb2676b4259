/** The README's example, run as written (between the markers), with its printed results checked. */
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseMac } from '@wirestack/core';
import { EthernetView, EtherType, encodeEthernet } from '@wirestack/ethernet';
import { Bridge } from '../src/index.js';

describe('README example', () => {
  it('runs and prints what the README says', () => {
    const printed: unknown[] = [];
    const log = (...args: unknown[]) => printed.push(args.length === 1 ? args[0] : args);
    // --- README example start
    const br = new Bridge({ name: 'br0', mac: parseMac('02:00:00:00:00:01'), vlanFiltering: true });
    const veth0 = br.addPort({ name: 'veth0' }); // VLAN 1, PVID, untagged (default_pvid)
    const veth1 = br.addPort({ name: 'veth1' });
    const vxlan1 = br.addPort({ name: 'vxlan1', vxlan: { vni: 42 } });
    br.vlanAdd(veth1, 10); // bridge vlan add dev veth1 vid 10 (tagged)
    br.vxlanFdbAdd(vxlan1, { mac: parseMac('00:00:00:00:00:00'), dst: parseIpv4('192.168.1.2') }, 'append');

    const frame = (dst: string, src: string) =>
      new EthernetView(encodeEthernet({ dst: parseMac(dst), src: parseMac(src), etherType: EtherType.IPv4 }));
    let d = br.receive(veth0, frame('02:42:ac:11:00:03', '02:42:ac:11:00:02'), 0); // at t = 0 ms
    log(d.action, d.egressPorts()); // 'flood' [2, 3]: unknown unicast, VLAN 1
    log(br.vxlanRemotes(vxlan1, d.dst)); // [{ ip: 192.168.1.2 as a number, vni: 42, port: 4789 }]
    d = br.receive(veth1, frame('02:42:ac:11:00:02', '02:42:ac:11:00:03'), 1000);
    log(d.action, d.port, d.untagged); // 'forward' 1 true
    log(br.fdbShow()); // see below
    br.advance(300_000); // 300 s after it was last seen, 02:42:ac:11:00:02 ages out
    log(br.fdbLookup(parseMac('02:42:ac:11:00:02'), 1), br.nextDeadline()); // undefined 301000 (...:03's expiry)
    // --- README example end
    expect(printed).toEqual([
      ['flood', [veth1, vxlan1]],
      [{ ip: parseIpv4('192.168.1.2'), vni: 42, port: 4789 }],
      ['forward', veth0, true],
      [
        '02:00:00:00:00:01 dev br0 master br0 permanent',
        '02:00:00:00:00:01 dev br0 vlan 1 master br0 permanent',
        '02:42:ac:11:00:02 dev veth0 vlan 1 master br0',
        '02:42:ac:11:00:03 dev veth1 vlan 1 master br0',
        '00:00:00:00:00:00 dev vxlan1 dst 192.168.1.2 self permanent',
      ],
      [undefined, 301_000],
    ]);
  });
});

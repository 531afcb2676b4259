import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix } from '@wirestack/core';
import { Rib, formatRouteGet, loadRoutes, parseRoute, routeGetLine, routeGetStream, type RouteGetOptions } from '../src/index.js';
import { KERNEL_ROUTE_GET, KERNEL_TABLE_ALL } from './fixtures.js';

const ip = (s: string) => parseIpv4(s);

/** `ADDR [from SRC] [iif DEV]` as `ip route get` takes it. */
function getOptions(rib: Rib, args: string[]): RouteGetOptions {
  const o: { src?: ReturnType<typeof ip>; iif?: number } = {};
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === 'from') o.src = ip(args[i + 1]!);
    if (args[i] === 'iif') o.iif = rib.interfaces.indexOf(args[i + 1]!)!;
  }
  return o;
}

describe('Rib.get (ip route get)', () => {
  const rib = new Rib();
  loadRoutes(rib, KERNEL_TABLE_ALL);

  for (const [args, kernel] of KERNEL_ROUTE_GET) {
    it(`answers "ip route get ${args}" as the kernel did`, () => {
      const [addr, ...rest] = args.split(' ');
      const result = rib.get(ip(addr!), getOptions(rib, rest));
      if (kernel.startsWith('RTNETLINK answers: ')) {
        expect(result.error?.message).toBe(kernel.slice('RTNETLINK answers: '.length));
      } else {
        expect(result.error).toBeUndefined();
        expect(formatRouteGet(result, rib.interfaces)).toBe(kernel);
      }
    });
  }

  it('gives the ICMP error a router sends for each refusing route type', () => {
    expect(rib.get(ip('10.7.1.1')).error).toMatchObject({ errno: 'EHOSTUNREACH', icmp: { type: 3, code: 1 } });
    expect(rib.get(ip('10.8.1.1')).error).toMatchObject({ errno: 'EACCES', icmp: { type: 3, code: 13 } });
    expect(rib.get(ip('10.10.1.1')).error).toEqual({ errno: 'EINVAL', message: 'Invalid argument' }); // silently dropped
    expect(rib.get(ip('10.11.1.1')).error).toMatchObject({ errno: 'ENETUNREACH', icmp: { type: 3, code: 0 } });
    expect(formatRouteGet(rib.get(ip('10.7.1.1')), rib.interfaces)).toBe('unreachable 10.7.1.1');
    expect(formatRouteGet(rib.get(ip('10.8.1.1')), rib.interfaces)).toBe('prohibit 10.8.1.1');
    expect(formatRouteGet(rib.get(ip('10.10.1.1')), rib.interfaces)).toBe('blackhole 10.10.1.1');
    expect(formatRouteGet(rib.get(ip('10.11.1.1')), rib.interfaces)).toBe('unreachable 10.11.1.1 (no route)');
    expect(formatRouteGet(rib.get(ip('10.12.1.1'), { table: 100 }), rib.interfaces)).toBe('10.12.1.1 via 10.0.0.2 dev va table 100 src 10.0.0.1');
  });

  it('resolves a gateway that is not directly connected, recursively', () => {
    const r = new Rib();
    const eth0 = r.interfaces.add('eth0');
    r.addAddress(eth0, parseIpv4Prefix('192.168.1.10/24', { allowHostBits: true }));
    for (const line of [
      '172.16.0.0/16 via 192.168.1.1 dev eth0', // an IGP route to the BGP next hop's network
      '10.50.0.0/16 via 172.16.0.1 proto bgp', // BGP: next hop two hops away
      '10.60.0.0/16 via 10.50.0.9 proto bgp', // ... and one more level
      '10.70.0.0/16 via 192.168.1.99', // a gateway on a connected network, no device given
      '10.80.0.0/16 via 10.81.0.1',
      '10.81.0.0/16 via 10.80.0.1', // a loop
      '10.90.0.0/16 via 10.91.0.1',
      'unreachable 10.91.0.0/16',
    ]) {
      r.add(parseRoute(line, r.interfaces));
    }
    const a = r.get(ip('10.50.1.1'));
    expect(a).toMatchObject({ gateway: ip('192.168.1.1'), ifindex: eth0, prefsrc: ip('192.168.1.10'), resolvedVia: [ip('172.16.0.1')] });
    expect(formatRouteGet(a, r.interfaces)).toBe('10.50.1.1 via 192.168.1.1 dev eth0 src 192.168.1.10');
    expect(r.get(ip('10.60.1.1'))).toMatchObject({ gateway: ip('192.168.1.1'), resolvedVia: [ip('10.50.0.9'), ip('172.16.0.1')] });
    expect(r.get(ip('10.70.1.1'))).toMatchObject({ gateway: ip('192.168.1.99'), ifindex: eth0, resolvedVia: [ip('192.168.1.99')] });
    for (const unresolvable of ['10.80.1.1', '10.90.1.1']) {
      const g = r.get(ip(unresolvable));
      expect(g.error?.errno).toBe('ENETUNREACH');
      expect(formatRouteGet(g, r.interfaces)).toMatch(/^unreachable .* \(gateway unresolved\)$/);
    }
  });

  it('streams answers for addresses read line by line', async () => {
    async function* lines() {
      yield '10.5.1.1';
      yield '';
      yield '  10.7.1.1 ';
      yield 'not-an-address';
    }
    const out: string[] = [];
    for await (const line of routeGetStream(rib, lines())) out.push(line);
    expect(out).toEqual([
      '10.5.1.1 via 10.0.0.3 dev va src 10.0.0.1',
      'unreachable 10.7.1.1',
      'Error: any valid address is expected rather than "not-an-address".',
    ]);
    expect(routeGetLine(rib, '10.0.0.1')).toBe('local 10.0.0.1 dev lo src 10.0.0.1');
  });
});

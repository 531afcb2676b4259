import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { parseIpv4 } from '@wirestack/core';
import { Interfaces, Rib, RouteError, RouteLoader, formatRoute, formatRoutes, loadRoutes, parseRoute, ROUTE_TYPES } from '../src/index.js';
import { routeTable } from '../src/arbitraries.js';
import { KERNEL_TABLE_ALL } from './fixtures.js';

function rib(): Rib {
  const r = new Rib();
  r.interfaces.add('eth0');
  r.interfaces.add('eth1');
  return r;
}

describe('ip route text', () => {
  it('parses the fields of a route line', () => {
    const r = rib();
    expect(parseRoute('10.244.1.0/24 via 10.168.0.3 dev eth0 proto static metric 100', r.interfaces)).toEqual({
      destination: { address: parseIpv4('10.244.1.0'), length: 24 },
      table: 254,
      protocol: 4,
      metric: 100,
      nexthops: [{ gateway: parseIpv4('10.168.0.3'), ifindex: 2 }],
    });
    expect(parseRoute('local 10.0.0.1 dev eth1', r.interfaces)).toEqual({
      destination: { address: parseIpv4('10.0.0.1'), length: 32 },
      type: 'local',
      table: 255,
      nexthops: [{ ifindex: 3 }],
    });
    expect(parseRoute('unreachable default metric 7 table 100', r.interfaces)).toMatchObject({ type: 'unreachable', table: 100, metric: 7, destination: { length: 0 } });
    expect(parseRoute('10.1.0.0/16 dev eth0', r.interfaces, { table: 200 }).table).toBe(200);
  });

  it('loads real `ip route show table all` output and prints it back as iproute2 does', () => {
    const r = new Rib();
    const result = loadRoutes(r, KERNEL_TABLE_ALL);
    expect(result).toEqual({ loaded: 23, skipped: 3 });
    const trimmed = KERNEL_TABLE_ALL.split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0 && !l.includes(':'))
      .join('\n')
      .replace(' mtu 1400', '') // route metrics are not modelled
      .replace(/ \n\tnexthop/g, '\n\tnexthop');
    const printed = formatRoutes(r).join('\n');
    expect(printed.split('\n').sort()).toEqual(trimmed.split('\n').sort());
    // `ip -o` puts multipath routes on one line, with "\" where the newlines were.
    const r2 = new Rib();
    loadRoutes(r2, '10.6.0.0/16 \\\tnexthop via 10.0.0.2 dev va weight 2 \\\tnexthop via 10.0.0.3 dev va weight 1 \n');
    expect(formatRoutes(r2, { oneline: true })).toEqual(['10.6.0.0/16 nexthop via 10.0.0.2 dev va weight 2 nexthop via 10.0.0.3 dev va weight 1']);
  });

  it('loads the same table line by line (RouteLoader, for streams) and with CRLF line ends', () => {
    const whole = new Rib();
    loadRoutes(whole, KERNEL_TABLE_ALL);
    const streamed = new Rib();
    const loader = new RouteLoader(streamed);
    for (const line of KERNEL_TABLE_ALL.split('\n')) loader.line(line);
    expect(loader.end()).toEqual({ loaded: 23, skipped: 4 }); // + the empty last line
    expect(streamed.list()).toEqual(whole.list());
    const crlf = new Rib();
    loadRoutes(crlf, KERNEL_TABLE_ALL.replace(/\n/g, '\r\n'));
    expect(crlf.list()).toEqual(whole.list());
  });

  it('round-trips any RIB: format, parse, format again gives the same routes', () => {
    fc.assert(
      fc.property(
        routeTable({ tables: [254, 255, 253, 100], types: ROUTE_TYPES, maxRoutes: 25 }),
        fc.boolean(),
        (routes, oneline) => {
          const a = rib();
          for (const route of routes) a.add(route);
          const text = formatRoutes(a, { oneline }).join('\n');
          const b = rib();
          expect(loadRoutes(b, text).loaded).toBe(routes.length);
          expect(b.list()).toEqual(a.list());
          // One table listed on its own (as `ip route show table 100`) round-trips with that table as the default.
          const only100 = formatRoutes(a, { table: 100 }).join('\n');
          const c = rib();
          loadRoutes(c, only100, { table: 100 });
          expect(c.list()).toEqual(a.list(100));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formats each route as it parses', () => {
    const interfaces = new Interfaces();
    interfaces.add('eth0');
    for (const line of [
      'default via 10.0.0.254 dev eth0 proto dhcp src 10.0.0.5 metric 100',
      'blackhole 10.10.0.0/16 proto bgp',
      'local 10.1.0.0/16 dev eth0 table main scope host',
      '10.13.0.0/16 dev eth0 scope global',
      '10.14.0.0/16 via 10.0.0.5 dev eth0 onlink',
      '10.15.0.0/24 table 7 proto 99 scope 17 metric 4294967295\n\tnexthop via 1.2.3.4 weight 256 onlink\n\tnexthop dev eth0 weight 1',
    ]) {
      const rib = new Rib();
      rib.interfaces.add('eth0');
      rib.add(parseRoute(line, rib.interfaces));
      expect(formatRoute(rib.list()[0]!, rib.interfaces)).toBe(line.replace('proto 99', 'proto openr'));
    }
  });

  it('rejects malformed lines with RouteError "invalid" and the line number', () => {
    const r = rib();
    for (const bad of [
      '10.0.0.1/24 dev eth0', // host bits
      '10.0.0.0/33 dev eth0',
      '300.0.0.0/8 dev eth0',
      '010.0.0.0/8 dev eth0',
      '10.0.0.0/8 via 10.0.0.256 dev eth0',
      '10.0.0.0/8 via',
      '10.0.0.0/8 frobnicate 1',
      '10.0.0.0/8 dev eth0 metric -1',
      '10.0.0.0/8 dev eth0 proto 256',
      '10.0.0.0/8 dev eth0 tos 4',
      '10.0.0.0/8 nexthop via 1.1.1.1 weight 0',
      '',
    ]) {
      expect(() => parseRoute(bad, r.interfaces), bad).toThrow(RouteError);
    }
    try {
      loadRoutes(r, '10.1.0.0/16 dev eth0\n\n10.2.0.0/16 dev eth0\n10.3.0.0/16 bogus\n');
      expect.unreachable();
    } catch (e) {
      expect((e as RouteError).line).toBe(4);
      expect((e as RouteError).code).toBe('invalid');
      expect((e as RouteError).message).toMatch(/^line 4: Invalid argument/);
    }
    expect(() => loadRoutes(r, '10.9.0.0/16 dev eth0\n10.9.0.0/16 dev eth1\n')).toThrow(/line 2: File exists/);
    expect(() => loadRoutes(r, '\tnexthop via 1.1.1.1\n')).toThrow(/line 1/);
  });

  it('loads duplicate lines with mode replace or append', () => {
    const r = rib();
    loadRoutes(r, '10.9.0.0/16 via 1.1.1.1 dev eth0\n10.9.0.0/16 via 1.1.1.2 dev eth0\n', { mode: 'append' });
    expect(r.list()[0]?.nexthops.length).toBe(2);
    loadRoutes(r, '10.9.0.0/16 via 1.1.1.3 dev eth0\n', { mode: 'replace' });
    expect(r.list()[0]?.nexthops.map((n) => n.gateway)).toEqual([parseIpv4('1.1.1.3')]);
  });
});

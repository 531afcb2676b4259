import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Prefix, type Ipv4Address } from '@wirestack/core';
import {
  Rib,
  RouteError,
  formatRoutes,
  isRouteError,
  parseRoute,
  PROTO_STATIC,
  TABLE_LOCAL,
  type RouteEvent,
  type RouteInput,
} from '../src/index.js';

const ip = (s: string) => parseIpv4(s);
const pfx = (s: string) => parseIpv4Prefix(s);

function ribWith(...lines: string[]): Rib {
  const rib = new Rib();
  rib.interfaces.add('eth0');
  rib.interfaces.add('eth1');
  for (const l of lines) rib.add(parseRoute(l, rib.interfaces));
  return rib;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isRouteError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('Rib: add, replace, append, delete', () => {
  it('refuses a second route with the same table, prefix and metric: EEXIST "File exists"', () => {
    const rib = ribWith('10.5.0.0/16 via 10.0.0.2 dev eth0 metric 100');
    try {
      rib.add(parseRoute('10.5.0.0/16 via 10.0.0.9 dev eth1 metric 100', rib.interfaces));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RouteError);
      expect((e as RouteError).code).toBe('exists');
      expect((e as RouteError).errno).toBe('EEXIST');
      expect((e as RouteError).message).toMatch(/^File exists/);
    }
    // Another metric is another route; even another type with the same metric is refused.
    rib.add(parseRoute('10.5.0.0/16 via 10.0.0.3 dev eth0 metric 50', rib.interfaces));
    expect(codeOf(() => rib.add(parseRoute('unreachable 10.5.0.0/16 metric 50', rib.interfaces)))).toBe('exists');
    expect(rib.size).toBe(2);
  });

  it('selects the lowest metric and keeps all routes', () => {
    const rib = ribWith(
      '10.5.0.0/16 via 10.0.0.2 dev eth0 proto static metric 100',
      '10.5.0.0/16 via 10.0.0.3 dev eth0 metric 50',
      '10.5.0.0/16 via 10.0.0.4 dev eth1 metric 70',
    );
    expect(rib.lookup(ip('10.5.1.1'))?.nexthop?.gateway).toBe(ip('10.0.0.3'));
    expect(rib.routesFor(pfx('10.5.0.0/16')).map((r) => r.metric)).toEqual([50, 70, 100]);
    rib.delete({ destination: pfx('10.5.0.0/16') }); // the first (lowest metric) one
    expect(rib.lookup(ip('10.5.1.1'))?.nexthop?.gateway).toBe(ip('10.0.0.4'));
    expect(rib.selected(pfx('10.5.0.0/16'))?.metric).toBe(70);
  });

  it('deletes the first route that agrees with the attributes given, ESRCH when none does', () => {
    const rib = ribWith(
      '10.5.0.0/16 via 10.0.0.3 dev eth0 metric 50',
      '10.5.0.0/16 via 10.0.0.2 dev eth0 proto static metric 100',
      'blackhole 10.6.0.0/16',
    );
    const removed = rib.delete({ destination: pfx('10.5.0.0/16'), protocol: PROTO_STATIC });
    expect(removed.metric).toBe(100);
    expect(codeOf(() => rib.delete({ destination: pfx('10.5.0.0/16'), nexthops: [{ gateway: ip('10.0.0.9') }] }))).toBe('not-found');
    expect(codeOf(() => rib.delete({ destination: pfx('10.6.0.0/16'), type: 'unreachable' }))).toBe('not-found');
    expect(codeOf(() => rib.delete({ destination: pfx('10.6.0.0/16'), table: 100 }))).toBe('not-found');
    try {
      rib.delete({ destination: pfx('10.9.0.0/16') });
    } catch (e) {
      expect((e as RouteError).errno).toBe('ESRCH');
      expect((e as RouteError).message).toMatch(/^No such process/);
    }
    expect(rib.delete({ destination: pfx('10.5.0.0/16'), nexthops: [{ gateway: ip('10.0.0.3'), ifindex: 2 }] }).metric).toBe(50);
    expect(rib.delete({ destination: pfx('10.6.0.0/16'), type: 'blackhole' }).type).toBe('blackhole');
    expect(rib.size).toBe(0);
  });

  it('replace changes the route with the same metric in place, or adds it', () => {
    const rib = ribWith('10.5.0.0/16 via 10.0.0.3 dev eth0 metric 50');
    rib.replace(parseRoute('10.5.0.0/16 via 10.0.0.4 dev eth1 proto bgp metric 50', rib.interfaces));
    expect(rib.size).toBe(1);
    expect(rib.selected(pfx('10.5.0.0/16'))).toMatchObject({ protocol: 186, nexthops: [{ gateway: ip('10.0.0.4'), ifindex: 3 }] });
    rib.replace(parseRoute('prohibit 10.5.0.0/16 metric 10', rib.interfaces));
    expect(rib.size).toBe(2);
    expect(rib.get(ip('10.5.0.1')).error?.errno).toBe('EACCES');
  });

  it('append adds ECMP members, refusing a duplicate member and routes without next hops', () => {
    const rib = ribWith('10.6.0.0/16 via 10.0.0.2 dev eth0');
    rib.append(parseRoute('10.6.0.0/16 via 10.0.0.3 dev eth0', rib.interfaces));
    expect(rib.selected(pfx('10.6.0.0/16'))?.nexthops.map((n) => n.gateway)).toEqual([ip('10.0.0.2'), ip('10.0.0.3')]);
    expect(codeOf(() => rib.append(parseRoute('10.6.0.0/16 via 10.0.0.3 dev eth0', rib.interfaces)))).toBe('exists');
    expect(codeOf(() => rib.append(parseRoute('unreachable 10.6.0.0/16', rib.interfaces)))).toBe('invalid');
    rib.append(parseRoute('10.7.0.0/16 via 10.0.0.3 dev eth0', rib.interfaces)); // creates
    expect(rib.size).toBe(2);
  });

  it('rejects malformed routes with RouteError "invalid" and changes nothing', () => {
    const rib = ribWith();
    const bad: RouteInput[] = [
      { destination: { address: ip('10.0.0.1'), length: 24 }, nexthops: [{ ifindex: 2 }] }, // host bits
      { destination: pfx('10.0.0.0/24') }, // unicast without next hop
      { destination: pfx('10.0.0.0/24'), type: 'blackhole', nexthops: [{ ifindex: 2 }] },
      { destination: pfx('10.0.0.0/24'), nexthops: [{ ifindex: 99 }] }, // no such device
      { destination: pfx('10.0.0.0/24'), nexthops: [{ ifindex: 2, weight: 0 }] },
      { destination: pfx('10.0.0.0/24'), metric: -1, nexthops: [{ ifindex: 2 }] },
      { destination: pfx('10.0.0.0/24'), protocol: 256, nexthops: [{ ifindex: 2 }] },
      { destination: pfx('10.0.0.0/24'), type: 'bogus' as 'unicast', nexthops: [{ ifindex: 2 }] },
    ];
    for (const r of bad) expect(codeOf(() => rib.add(r))).toBe('invalid');
    expect(rib.size).toBe(0);
    expect(rib.nexthops.size).toBe(0);
  });

  it('shares next-hop entries between routes and frees them with the last route', () => {
    const rib = ribWith('10.1.0.0/16 via 10.0.0.2 dev eth0', '10.2.0.0/16 via 10.0.0.2 dev eth0', '10.3.0.0/16 via 10.0.0.3 dev eth0');
    expect(rib.nexthops.size).toBe(2);
    rib.delete({ destination: pfx('10.1.0.0/16') });
    expect(rib.nexthops.size).toBe(2);
    rib.delete({ destination: pfx('10.2.0.0/16') });
    expect(rib.nexthops.size).toBe(1);
  });
});

describe('Rib: connected routes from interface addresses', () => {
  it('derives the routes the kernel makes for ip addr add (checked against Linux 6.x output)', () => {
    const rib = new Rib();
    const va = rib.interfaces.add('va');
    const vb = rib.interfaces.add('vb');
    rib.addAddress(1, parseIpv4Prefix('127.0.0.1/8', { allowHostBits: true }));
    rib.addAddress(va, parseIpv4Prefix('10.0.0.1/24', { allowHostBits: true }));
    rib.addAddress(va, parseIpv4Prefix('10.0.0.7/24', { allowHostBits: true }));
    rib.addAddress(vb, parseIpv4Prefix('10.9.0.1/31', { allowHostBits: true }));
    rib.addAddress(vb, parseIpv4Prefix('10.20.0.1/32', { allowHostBits: true }));
    // `ip route show table all` in a namespace with these addresses (IPv6 lines left out).
    expect(formatRoutes(rib)).toEqual([
      '10.0.0.0/24 dev va proto kernel scope link src 10.0.0.1',
      '10.9.0.0/31 dev vb proto kernel scope link src 10.9.0.1',
      'local 10.0.0.1 dev va table local proto kernel scope host src 10.0.0.1',
      'local 10.0.0.7 dev va table local proto kernel scope host src 10.0.0.1',
      'broadcast 10.0.0.255 dev va table local proto kernel scope link src 10.0.0.1',
      'local 10.9.0.1 dev vb table local proto kernel scope host src 10.9.0.1',
      'local 10.20.0.1 dev vb table local proto kernel scope host src 10.20.0.1',
      'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1',
    ]);
    expect(codeOf(() => rib.addAddress(va, parseIpv4Prefix('10.0.0.1/24', { allowHostBits: true })))).toBe('exists');
    expect(codeOf(() => rib.addAddress(42, parseIpv4Prefix('10.0.0.1/24', { allowHostBits: true })))).toBe('invalid');
    // Removing the primary takes its secondary and the subnet's routes with it.
    rib.removeAddress(va, ip('10.0.0.1'));
    expect(formatRoutes(rib).filter((l) => l.includes('dev va'))).toEqual([]);
    expect(rib.listAddresses(va)).toEqual([]);
    expect(codeOf(() => rib.removeAddress(va, ip('10.0.0.1')))).toBe('not-found');
  });
});

describe('Rib: lookup and ECMP', () => {
  it('keeps a flow on one member and spreads flows by weight', () => {
    const rib = ribWith('10.6.0.0/16 nexthop via 10.0.0.2 dev eth0 weight 3 nexthop via 10.0.0.3 dev eth0 weight 1');
    const counts = new Map<number | undefined, number>();
    for (let i = 0; i < 4000; i++) {
      const flow = { src: ip('192.168.0.1'), protocol: 6, sport: 1024 + i, dport: 443 };
      const a = rib.lookup(ip('10.6.1.1'), flow)?.nexthop?.gateway;
      const b = rib.lookup(ip('10.6.1.1'), flow)?.nexthop?.gateway;
      expect(a).toBe(b);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    const share = (counts.get(ip('10.0.0.2')) ?? 0) / 4000;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });

  it('looks in local, then main, then default; a throw route passes on', () => {
    const rib = ribWith('10.0.0.0/8 via 10.255.0.1 dev eth0 table default', 'throw 10.1.0.0/16');
    rib.add(parseRoute('local 10.2.0.1 dev eth0 table local', rib.interfaces));
    expect(rib.lookup(ip('10.1.2.3'))?.table).toBe(253);
    expect(rib.lookup(ip('10.2.0.1'))?.table).toBe(TABLE_LOCAL);
    expect(rib.lookup(ip('10.2.0.1'))?.route.type).toBe('local');
    expect(rib.lookup(ip('11.0.0.1'))).toBeUndefined();
  });

  it('notifies added, removed and selected changes', () => {
    const rib = ribWith();
    const events: string[] = [];
    const stop = rib.subscribe((e: RouteEvent) => {
      if (e.kind === 'selected') events.push(`selected ${e.previous?.metric ?? '-'} -> ${e.route?.metric ?? '-'}`);
      else events.push(`${e.kind} ${e.route.metric}`);
    });
    rib.add(parseRoute('10.5.0.0/16 via 10.0.0.2 dev eth0 metric 100', rib.interfaces));
    rib.add(parseRoute('10.5.0.0/16 via 10.0.0.3 dev eth0 metric 50', rib.interfaces));
    rib.add(parseRoute('10.5.0.0/16 via 10.0.0.4 dev eth0 metric 200', rib.interfaces));
    rib.delete({ destination: pfx('10.5.0.0/16'), metric: 50 });
    rib.delete({ destination: pfx('10.5.0.0/16') });
    stop();
    rib.delete({ destination: pfx('10.5.0.0/16') });
    expect(events).toEqual([
      'added 100',
      'selected - -> 100',
      'added 50',
      'selected 100 -> 50',
      'added 200',
      'removed 50',
      'selected 50 -> 100',
      'removed 100',
      'selected 100 -> 200',
    ]);
  });

  it('exposes a compiled FIB kept in step with the RIB', () => {
    const rib = ribWith('10.0.0.0/8 via 10.255.0.1 dev eth0');
    const fib = rib.fib()!;
    const entry = (a: string) => rib.nexthops.get(fib.lookup(ip(a)));
    expect(entry('10.1.1.1').nexthops[0]?.gateway).toBe(ip('10.255.0.1'));
    rib.add(parseRoute('10.1.0.0/16 via 10.255.0.2 dev eth1', rib.interfaces));
    expect(entry('10.1.1.1').nexthops[0]?.gateway).toBe(ip('10.255.0.2'));
    rib.add(parseRoute('unreachable 10.1.1.0/24 metric 5', rib.interfaces));
    expect(entry('10.1.1.1').type).toBe('unreachable');
    rib.delete({ destination: pfx('10.1.1.0/24') });
    rib.delete({ destination: pfx('10.1.0.0/16') });
    expect(entry('10.1.1.1').nexthops[0]?.gateway).toBe(ip('10.255.0.1'));
    rib.delete({ destination: pfx('10.0.0.0/8') });
    expect(fib.lookup(ip('10.1.1.1'))).toBe(0);
  });

  it('falls back to its own index when a table needs more next-hop entries than a FIB holds', () => {
    const rib = new Rib({ fibMinRoutes: 0 });
    const eth0 = rib.interfaces.add('eth0');
    expect(rib.fib()).toBeDefined();
    for (let i = 0; i < 33_000; i++) {
      rib.add({ destination: { address: ((10 << 24) + i * 256) as Ipv4Address, length: 24 }, nexthops: [{ gateway: (0xc0000000 + i) as Ipv4Address, ifindex: eth0 }] });
    }
    expect(rib.fib()).toBeUndefined();
    const i = 32_999;
    expect(rib.lookup(((10 << 24) + i * 256 + 1) as Ipv4Address)?.nexthop?.gateway).toBe(0xc0000000 + i);
  });
});

import { describe, expect, it } from 'vitest';
import { fromHex, parseIpv4, toHex } from '@wirestack/core';
import {
  AS_TRANS,
  BgpFramer,
  CeaseSubcode,
  ErrorCode,
  WellKnownCommunity,
  buildOpen,
  ceaseNotification,
  checkOpen,
  decodeMessage,
  encodeMessage,
  formatCommunity,
  formatExtendedCommunity,
  formatLargeCommunity,
  formatNotification,
  isBgpError,
  isEndOfRib,
  mergeAs4,
  negotiatedOptions,
  parseCommunity,
  parseLargeCommunity,
  shutdownCommunication,
  withdrawnPrefixes,
  type BgpError,
  type OpenMessage,
  type UpdateMessage,
} from '../src/index.js';
import { MALFORMED_UPDATE_CASES, appendAttribute, insertAttribute } from '../src/arbitraries.js';

const MARKER = 'ffffffffffffffffffffffffffffffff';
const ip = (s: string) => parseIpv4(s);

/** A message from its body in hex: marker, computed length, type. */
function message(type: number, bodyHex: string): Uint8Array {
  const body = fromHex(bodyHex);
  const out = new Uint8Array(19 + body.length);
  out.set(fromHex(MARKER));
  out[16] = out.length >>> 8;
  out[17] = out.length & 0xff;
  out[18] = type;
  out.set(body, 19);
  return out;
}

function errorOf(fn: () => unknown): BgpError {
  try {
    fn();
  } catch (e) {
    if (isBgpError(e)) return e;
    throw e;
  }
  throw new Error('expected a BgpError');
}

describe('KEEPALIVE', () => {
  it('is the 19-octet header alone (RFC 4271 §4.4)', () => {
    const bytes = fromHex(`${MARKER}001304`);
    expect(decodeMessage(bytes).message).toEqual({ type: 'keepalive' });
    expect(encodeMessage({ type: 'keepalive' })).toEqual(bytes);
  });

  it('of 20 octets is a Bad Message Length, with the length as data', () => {
    const e = errorOf(() => decodeMessage(fromHex(`${MARKER}00140400`)));
    expect(e).toMatchObject({ code: 'bad-message-length', offset: 16, handling: 'session-reset' });
    expect(e.notification).toEqual({ code: 1, subcode: 2, data: fromHex('0014') });
  });
});

describe('header errors (RFC 4271 §6.1)', () => {
  it('a marker octet that is not 0xff: 1/1 at that octet', () => {
    const bytes = fromHex(`${MARKER}001304`);
    bytes[5] = 0xfe;
    const e = errorOf(() => decodeMessage(bytes));
    expect(e).toMatchObject({ code: 'bad-marker', offset: 5 });
    expect(e.notification).toEqual({ code: 1, subcode: 1, data: new Uint8Array(0) });
  });

  it('length 18: 1/2 with the Length field as data', () => {
    const e = errorOf(() => decodeMessage(fromHex(`${MARKER}001204`)));
    expect(e.notification).toEqual({ code: 1, subcode: 2, data: fromHex('0012') });
  });

  it('type 7: 1/3 with the type as data', () => {
    const e = errorOf(() => decodeMessage(fromHex(`${MARKER}001307`)));
    expect(e).toMatchObject({ code: 'bad-message-type', offset: 18 });
    expect(e.notification).toEqual({ code: 1, subcode: 3, data: fromHex('07') });
  });

  it('UPDATE of 5,000 octets: 1/2 unless extended messages were negotiated (RFC 8654)', () => {
    const bytes = message(2, `0000${'0000'}${'18c61200'.repeat(1244)}`);
    expect(bytes.length).toBe(4999);
    expect(errorOf(() => decodeMessage(bytes)).notification.subcode).toBe(2);
    const d = decodeMessage(bytes, 0, { extendedMessage: true });
    expect(d.message.type).toBe('update');
  });

  it('OPEN stays limited to 4,096 octets even with extended messages', () => {
    const open = message(1, `04fde9005a7f00000b${'ff'}${'ff'}1100${'02'}0e00${'00'.repeat(4096 - 19 - 15)}`);
    expect(open.length).toBeGreaterThan(4096);
    expect(errorOf(() => decodeMessage(open, 0, { extendedMessage: true })).notification).toMatchObject({ code: 1, subcode: 2 });
  });

  it('NOTIFICATION shorter than 21 octets: 1/2', () => {
    expect(errorOf(() => decodeMessage(message(3, '06'))).notification).toMatchObject({ code: 1, subcode: 2 });
  });
});

/**
 * An OPEN as BIRD 2 sends it for AS 4200000001 (layout of RFC 4271 §4.2 /
 * RFC 5492): My AS = AS_TRANS, hold 90, identifier 127.0.0.11, one
 * Capabilities parameter.
 */
const BIRD_LIKE_OPEN = message(
  1,
  '04' + // version
    '5ba0' + // My AS 23456
    '005a' + // hold time 90
    '7f00000b' + // BGP identifier
    '22' + // Opt Parm Len 34
    '0220' + // Capabilities, 32 octets
    '010400010001' + // MP IPv4 unicast
    '0200' + // route refresh
    '4104fa56ea01' + // 4-octet AS 4200000001
    '4600' + // enhanced route refresh
    '40020078' + // graceful restart, 120 s, no families
    '0600' + // extended message
    '450400010103' + // ADD-PATH IPv4 unicast both
    '4902' + '0000', // FQDN: empty hostname and domain
);

describe('OPEN', () => {
  it('decodes every capability of a BIRD-like OPEN', () => {
    const { message: open } = decodeMessage(BIRD_LIKE_OPEN);
    expect(open).toEqual({
      type: 'open',
      version: 4,
      myAs: AS_TRANS,
      holdTime: 90,
      bgpId: ip('127.0.0.11'),
      capabilities: [
        { kind: 'multiprotocol', afi: 1, safi: 1 },
        { kind: 'route-refresh' },
        { kind: 'four-octet-as', asn: 4200000001 },
        { kind: 'enhanced-route-refresh' },
        { kind: 'graceful-restart', restarted: false, notification: false, restartTime: 120, families: [] },
        { kind: 'extended-message' },
        { kind: 'add-path', families: [{ afi: 1, safi: 1, direction: 'both' }] },
        { kind: 'fqdn', hostname: '', domain: '' },
      ],
    });
    expect(encodeMessage(open)).toEqual(BIRD_LIKE_OPEN);
    expect(checkOpen(open as OpenMessage, { peerAs: 4200000001 })).toBeUndefined();
  });

  it('buildOpen puts AS_TRANS in My AS and the real AS in the capability (RFC 6793 §4.1)', () => {
    const open = buildOpen({ asn: 4200000001, holdTime: 90, bgpId: ip('192.0.2.1'), capabilities: [{ kind: 'route-refresh' }] });
    expect(open.myAs).toBe(AS_TRANS);
    expect(open.capabilities).toContainEqual({ kind: 'four-octet-as', asn: 4200000001 });
    expect(buildOpen({ asn: 65001, holdTime: 90, bgpId: ip('192.0.2.1') }).myAs).toBe(65001);
  });

  it('unknown capabilities are kept byte for byte; malformed known ones become unknown', () => {
    const bytes = message(1, '04fde9005a7f00000b' + '0d' + '020b' + '8003010203' + '41020001' + '0100');
    const { message: open } = decodeMessage(bytes);
    expect((open as OpenMessage).capabilities).toEqual([
      { kind: 'unknown', code: 128, value: fromHex('010203') },
      { kind: 'unknown', code: 65, value: fromHex('0001') },
      { kind: 'unknown', code: 1, value: new Uint8Array(0) },
    ]);
  });

  it('reads the RFC 9072 extended optional parameters form', () => {
    const caps = '010400010001' + '0200';
    const bytes = message(1, '04fde9005a7f00000b' + 'ff' + 'ff' + '000b' + '02' + '0008' + caps);
    const open = decodeMessage(bytes).message as OpenMessage;
    expect(open.capabilities).toEqual([{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'route-refresh' }]);
  });

  it('version 3: 2/1 with the version we support as data', () => {
    const e = errorOf(() => decodeMessage(message(1, '03fde9005a7f00000b00')));
    expect(e.notification).toEqual({ code: 2, subcode: 1, data: fromHex('0004') });
  });

  it('hold time 1 or 2: 2/6; 0 and 3 are fine', () => {
    for (const hold of ['0001', '0002']) {
      expect(errorOf(() => decodeMessage(message(1, `04fde9${hold}7f00000b00`))).notification).toMatchObject({ code: 2, subcode: 6 });
    }
    for (const hold of ['0000', '0003']) expect(decodeMessage(message(1, `04fde9${hold}7f00000b00`)).message.type).toBe('open');
  });

  it('BGP identifier 0.0.0.0: 2/3', () => {
    expect(errorOf(() => decodeMessage(message(1, '04fde9005a0000000000'))).notification).toMatchObject({ code: 2, subcode: 3 });
  });

  it('parameter lengths that do not add up: 2/0', () => {
    expect(errorOf(() => decodeMessage(message(1, '04fde9005a7f00000b05020a0100'))).notification).toMatchObject({ code: 2, subcode: 0 });
  });

  it('checkOpen: wrong AS, AS_TRANS without the capability, unknown parameter', () => {
    const open = decodeMessage(BIRD_LIKE_OPEN).message as OpenMessage;
    expect(checkOpen(open, { peerAs: 65001 })?.notification).toMatchObject({ code: 2, subcode: 2 });
    const noAs4: OpenMessage = { ...open, capabilities: [] };
    expect(checkOpen(noAs4, { peerAs: 4200000001 })?.notification).toMatchObject({ code: 2, subcode: 2 });
    const withParam: OpenMessage = { ...open, parameters: [{ type: 1, value: new Uint8Array(1) }] };
    expect(checkOpen(withParam, { peerAs: 4200000001 })?.notification).toMatchObject({ code: 2, subcode: 4 });
    expect(checkOpen(open, { peerAs: 4200000001, localAs: 4200000001, localBgpId: ip('127.0.0.11') })?.notification).toMatchObject({ code: 2, subcode: 3 });
  });

  it('negotiatedOptions: 4-octet AS and extended messages need both sides, ADD-PATH goes per direction', () => {
    const local = buildOpen({ asn: 65000, holdTime: 90, bgpId: ip('192.0.2.1'), capabilities: [{ kind: 'extended-message' }, { kind: 'add-path', families: [{ afi: 1, safi: 1, direction: 'receive' }] }] });
    const remote = decodeMessage(BIRD_LIKE_OPEN).message as OpenMessage;
    expect(negotiatedOptions(local, remote)).toEqual({
      receive: { fourOctetAs: true, extendedMessage: true, addPath: true },
      send: { fourOctetAs: true, extendedMessage: true, addPath: false },
    });
  });
});

/**
 * An UPDATE from a 2-octet session (RFC 6793 §4.2.2 layout): AS_PATH
 * [AS_TRANS 65001], AS4_PATH [4200000001 65001], NEXT_HOP 192.0.2.1,
 * COMMUNITIES 65001:100 NO_EXPORT, LARGE_COMMUNITY 4200000001:1:2,
 * NLRI 198.18.0.0/24 and 10.0.0.0/8, withdrawing 203.0.113.128/25.
 */
const TWO_OCTET_UPDATE = message(
  2,
  '0005' + '19cb007180' + // withdrawn 203.0.113.128/25
    '003b' + // total path attribute length 59
    '40010100' + // ORIGIN IGP
    '4002060202' + '5ba0fde9' + // AS_PATH sequence of 2
    '400304c0000201' + // NEXT_HOP
    'c00808' + 'fde90064' + 'ffffff01' + // COMMUNITIES
    'c0110a' + '0202' + 'fa56ea01' + '0000fde9' + // AS4_PATH
    'c0200c' + 'fa56ea01' + '00000001' + '00000002' + // LARGE_COMMUNITY
    '18c61200' + '080a', // NLRI
);

describe('UPDATE', () => {
  it('decodes a 2-octet session UPDATE and rebuilds the 4-octet path (RFC 6793 §4.2.3)', () => {
    const d = decodeMessage(TWO_OCTET_UPDATE, 0, { fourOctetAs: false });
    expect(d.errors).toEqual([]);
    const u = d.message as UpdateMessage;
    expect(u.withdrawn).toEqual([{ address: ip('203.0.113.128'), length: 25 }]);
    expect(u.nlri).toEqual([
      { address: ip('198.18.0.0'), length: 24 },
      { address: ip('10.0.0.0'), length: 8 },
    ]);
    expect(u.attributes).toEqual({
      origin: 'igp',
      asPath: [{ type: 'sequence', asns: [AS_TRANS, 65001] }],
      nextHop: ip('192.0.2.1'),
      communities: [65001 * 65536 + 100, WellKnownCommunity.NO_EXPORT],
      as4Path: [{ type: 'sequence', asns: [4200000001, 65001] }],
      largeCommunities: [{ global: 4200000001, local1: 1, local2: 2 }],
    });
    expect(mergeAs4(u.attributes).asPath).toEqual([{ type: 'sequence', asns: [4200000001, 65001] }]);
    expect(encodeMessage(u, { fourOctetAs: false })).toEqual(TWO_OCTET_UPDATE);
  });

  it('the same bytes on a 4-octet session are a malformed AS_PATH and a discarded AS4_PATH', () => {
    // 6 octets of AS_PATH cannot be a 2-ASN segment of 4-octet ASNs: treat-as-withdraw (RFC 7606 §7.2)
    const d = decodeMessage(TWO_OCTET_UPDATE, 0, { fourOctetAs: true });
    expect(d.handling).toBe('treat-as-withdraw');
    expect(d.errors.map((e) => e.code)).toEqual(['malformed-as-path', 'unexpected-as4-attribute']);
    expect(d.errors[0]!.notification.data).toEqual(fromHex('4002060202' + '5ba0fde9'));
    expect(withdrawnPrefixes(d.message as UpdateMessage, true)).toHaveLength(3);
  });

  it('trailing prefix bits are cleared: 10.1.2.3/8 reads as 10.0.0.0/8', () => {
    const bytes = message(2, '0000' + '0000' + '080a' + '100a01');
    expect((decodeMessage(bytes).message as UpdateMessage).nlri).toEqual([{ address: ip('10.0.0.0'), length: 8 }, { address: ip('10.1.0.0'), length: 16 }]);
  });

  it('MP_REACH_NLRI and MP_UNREACH_NLRI for IPv4 unicast, encoded first (RFC 7606 §5.1)', () => {
    const u: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        origin: 'igp',
        asPath: [],
        mpReach: { kind: 'ipv4-unicast', nextHop: ip('192.0.2.1'), nlri: [{ address: ip('198.18.0.0'), length: 15 }] },
        mpUnreach: { kind: 'ipv4-unicast', withdrawn: [{ address: ip('0.0.0.0'), length: 0 }] },
      },
    };
    const bytes = encodeMessage(u, { fourOctetAs: true });
    expect(toHex(bytes.subarray(23))).toBe('800e0c' + '0001' + '01' + '04' + 'c0000201' + '00' + '0fc612' + '800f04' + '000101' + '00' + '40010100' + '400200');
    expect(decodeMessage(bytes, 0, { fourOctetAs: true }).message).toEqual(u);
  });

  it('ADD-PATH puts a path identifier before each prefix (RFC 7911 §3)', () => {
    const bytes = message(2, '0008' + '00000007' + '18c61200' + '0000');
    expect((decodeMessage(bytes, 0, { addPath: true }).message as UpdateMessage).withdrawn).toEqual([{ address: ip('198.18.0.0'), length: 24, pathId: 7 }]);
  });

  it('End-of-RIB for IPv4 unicast is the empty UPDATE (RFC 4724 §2)', () => {
    const eor = message(2, '00000000');
    expect(isEndOfRib(decodeMessage(eor).message as UpdateMessage)).toBe(true);
    expect(isEndOfRib(decodeMessage(TWO_OCTET_UPDATE).message as UpdateMessage)).toBe(false);
  });

  it('an attribute with Extended Length decodes; unknown ones keep their flags', () => {
    const bytes = message(2, '0000' + '0009' + 'd0fe0002abcd' + 'c0fd00');
    const u = decodeMessage(bytes).message as UpdateMessage;
    expect(u.attributes.unknown).toEqual([
      { flags: 0xd0, type: 0xfe, value: fromHex('abcd') },
      { flags: 0xc0, type: 0xfd, value: new Uint8Array(0) },
    ]);
  });
});

describe('RFC 7606: every case of MALFORMED_UPDATE_CASES on one base UPDATE', () => {
  const base = encodeMessage(
    {
      type: 'update',
      withdrawn: [],
      attributes: { origin: 'igp', asPath: [{ type: 'sequence', asns: [4200000001] }], nextHop: ip('192.0.2.1') },
      nlri: [{ address: ip('198.18.0.0'), length: 24 }],
    },
    { fourOctetAs: true },
  );
  for (const c of MALFORMED_UPDATE_CASES) {
    it(`${c.name}: ${c.expected.handling}, NOTIFICATION ${c.expected.notification.code}/${c.expected.notification.subcode}`, () => {
      let bytes: Uint8Array = base.slice();
      if (c.omit?.includes(3)) bytes = encodeMessage({ type: 'update', withdrawn: [], attributes: { origin: 'igp', asPath: [] }, nlri: [{ address: ip('198.18.0.0'), length: 24 }] }, { fourOctetAs: true });
      if (c.omit?.includes(1)) bytes = encodeMessage({ type: 'update', withdrawn: [], attributes: { asPath: [], nextHop: ip('192.0.2.1') }, nlri: [{ address: ip('198.18.0.0'), length: 24 }] }, { fourOctetAs: true });
      if (c.attribute) {
        const replaced = c.replaces !== undefined && c.replaces <= 3;
        if (replaced) {
          const a = { origin: 'igp' as const, asPath: [{ type: 'sequence' as const, asns: [4200000001] }], nextHop: ip('192.0.2.1') };
          const key = (['', 'origin', 'asPath', 'nextHop'] as const)[c.replaces!]!;
          const { [key as 'origin']: _drop, ...rest } = a;
          bytes = encodeMessage({ type: 'update', withdrawn: [], attributes: rest, nlri: [{ address: ip('198.18.0.0'), length: 24 }] }, { fourOctetAs: true });
        }
        bytes = c.placement === 'last' ? appendAttribute(bytes, c.attribute) : insertAttribute(bytes, c.attribute);
      }
      if (c.rewrite) bytes = c.rewrite(bytes);
      const { notification, ...rest } = c.expected;
      if (c.expected.handling === 'session-reset') {
        const e = errorOf(() => decodeMessage(bytes, 0, { fourOctetAs: true }));
        expect(e).toMatchObject(rest);
        expect(e.notification).toMatchObject(notification);
        return;
      }
      const d = decodeMessage(bytes, 0, { fourOctetAs: true });
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toMatchObject(rest);
      expect(d.errors[0]!.notification).toMatchObject(notification);
      expect(d.handling).toBe(c.expected.handling);
      if (c.attribute && rest.handling !== 'afisafi-disable' && rest.code !== 'attribute-overrun' && rest.code !== 'duplicate-attribute') {
        // the NOTIFICATION data is the offending attribute (RFC 4271 §6.3)
        expect(toHex(d.errors[0]!.notification.data)).toBe(toHex(c.attribute));
      }
    });
  }
});

describe('NOTIFICATION', () => {
  it('Cease / Administrative Shutdown with an RFC 9003 communication', () => {
    const bytes = message(3, '0602' + '0b' + toHex(new TextEncoder().encode('maintenance')));
    const n = decodeMessage(bytes).message;
    expect(n).toEqual(ceaseNotification(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'maintenance'));
    expect(encodeMessage(n)).toEqual(bytes);
    if (n.type !== 'notification') throw new Error('not a notification');
    expect(shutdownCommunication(n)).toBe('maintenance');
    expect(formatNotification(n)).toBe('Cease / Administrative Shutdown: "maintenance"');
  });

  it('a communication whose length overruns the data, or that is not UTF-8, is not used (RFC 9003 §4)', () => {
    const overrun = { type: 'notification' as const, code: 6, subcode: 4, data: fromHex('05414243') };
    expect(shutdownCommunication(overrun)).toBeUndefined();
    expect(formatNotification(overrun)).toBe('Cease / Administrative Reset (data 05414243)');
    expect(shutdownCommunication({ ...overrun, data: fromHex('02c328') })).toBeUndefined();
  });

  it('255 octets is the limit', () => {
    expect(() => ceaseNotification(2, 'x'.repeat(255))).not.toThrow();
    expect(() => ceaseNotification(2, 'x'.repeat(256))).toThrow(expect.objectContaining({ name: 'EncodeError', code: 'too-long' }));
    expect(() => ceaseNotification(CeaseSubcode.PEER_DECONFIGURED, 'x')).toThrow(expect.objectContaining({ code: 'invalid' }));
  });

  it('names every code and subcode, hex for the rest', () => {
    const names = (code: number, subcode: number) => formatNotification({ type: 'notification', code, subcode, data: new Uint8Array(0) });
    expect(names(ErrorCode.HOLD_TIMER_EXPIRED, 0)).toBe('Hold Timer Expired / Unspecific');
    expect(names(3, 11)).toBe('UPDATE Message Error / Malformed AS_PATH');
    expect(names(6, 7)).toBe('Cease / Connection Collision Resolution');
    expect(names(5, 2)).toBe('Finite State Machine Error / Receive Unexpected Message in OpenConfirm State');
    expect(names(9, 1)).toBe('0x09 / 0x01');
  });
});

describe('ROUTE-REFRESH', () => {
  it('AFI, subtype, SAFI (RFC 2918, RFC 7313)', () => {
    expect(decodeMessage(message(5, '00010001')).message).toEqual({ type: 'route-refresh', afi: 1, subtype: 0, safi: 1 });
    expect(decodeMessage(message(5, '00010201')).message).toEqual({ type: 'route-refresh', afi: 1, subtype: 2, safi: 1 });
  });

  it('any other length: 7/1 with the whole message as data', () => {
    const bytes = message(5, '0001000100');
    const e = errorOf(() => decodeMessage(bytes));
    expect(e.notification).toEqual({ code: 7, subcode: 1, data: bytes });
  });
});

describe('framer', () => {
  it('reports a bad marker at its stream offset, in the second message', () => {
    const framer = new BgpFramer();
    const keepalive = fromHex(`${MARKER}001304`);
    expect(framer.push(keepalive)).toHaveLength(1);
    const bad = keepalive.slice();
    bad[3] = 0;
    expect(() => framer.push(bad)).toThrow(expect.objectContaining({ code: 'bad-marker', offset: 19 + 3 }));
  });

  it('accepts 65,535-octet lengths only after extended messages are on', () => {
    const header = fromHex(`${MARKER}ffff02`);
    expect(() => new BgpFramer().push(header)).toThrow(expect.objectContaining({ code: 'bad-message-length', offset: 16 }));
    const framer = new BgpFramer({ extendedMessage: true });
    expect(framer.push(header)).toEqual([]);
    expect(framer.bufferedBytes).toBe(19);
  });
});

describe('communities', () => {
  it('well-known names and asn:value', () => {
    expect(formatCommunity(WellKnownCommunity.NO_EXPORT)).toBe('NO_EXPORT');
    expect(formatCommunity(WellKnownCommunity.BLACKHOLE)).toBe('BLACKHOLE');
    expect(formatCommunity((65000 << 16) + 1)).toBe('65000:1');
    expect(parseCommunity('65000:1')).toBe(0xfde8_0001);
    expect(parseCommunity('no-advertise')).toBe(WellKnownCommunity.NO_ADVERTISE);
    expect(() => parseCommunity('65536:1')).toThrow(expect.objectContaining({ name: 'ParseError' }));
    expect(parseLargeCommunity('4200000001:1:2')).toEqual({ global: 4200000001, local1: 1, local2: 2 });
    expect(formatLargeCommunity({ global: 1, local1: 2, local2: 3 })).toBe('1:2:3');
    expect(formatExtendedCommunity({ high: 0x0002_fde8, low: 7 })).toBe('rt:65000:7');
    expect(formatExtendedCommunity({ high: 0x0103_c000, low: 0x0201_0009 })).toBe('ro:192.0.2.1:9');
    expect(formatExtendedCommunity({ high: 0x8006_0000, low: 0 })).toBe('0x8006000000000000');
  });
});


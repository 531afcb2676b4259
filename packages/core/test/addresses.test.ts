import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  asIpv4,
  asMac,
  formatIpv4,
  formatIpv4Prefix,
  formatMac,
  ipv4FromBytes,
  ipv4Mask,
  isBroadcastMac,
  isLimitedBroadcastIpv4,
  isLocallyAdministeredMac,
  isLoopbackIpv4,
  isMulticastIpv4,
  isMulticastMac,
  isParseError,
  isUnicastMac,
  macFromBytes,
  macToBytes,
  parseIpv4,
  parseIpv4Prefix,
  parseMac,
  writeIpv4,
  writeMac,
} from '../src/index.js';
import { ipv4Address, macAddress } from '../src/arbitraries.js';

describe('MAC addresses', () => {
  it('parses the colon, hyphen and Cisco forms to the same value', () => {
    const expected = 0x0242ac110002;
    expect(parseMac('02:42:ac:11:00:02')).toBe(expected);
    expect(parseMac('02-42-AC-11-00-02')).toBe(expected);
    expect(parseMac('0242.ac11.0002')).toBe(expected);
    expect(parseMac('FF:FF:FF:FF:FF:FF')).toBe(0xffffffffffff);
  });

  it('formats in lower-case colon form', () => {
    expect(formatMac(asMac(0x0242ac110002))).toBe('02:42:ac:11:00:02');
    expect(formatMac(asMac(0))).toBe('00:00:00:00:00:00');
    expect(formatMac(asMac(0xffffffffffff))).toBe('ff:ff:ff:ff:ff:ff');
  });

  it.each(['', '02:42:ac:11:00', '02:42:ac:11:00:02:03', '2:42:ac:11:0:2', '02:42-ac:11:00:02', 'zz:42:ac:11:00:02', '0242ac110002', ' 02:42:ac:11:00:02'])(
    'rejects %j with a ParseError naming the input',
    (text) => {
      let caught: unknown;
      try {
        parseMac(text);
      } catch (e) {
        caught = e;
      }
      expect(isParseError(caught)).toBe(true);
      expect((caught as Error).message).toContain(JSON.stringify(text));
    },
  );

  it('round-trips text and bytes for every value', () => {
    fc.assert(
      fc.property(macAddress(), (mac) => {
        expect(parseMac(formatMac(mac))).toBe(mac);
        const bytes = new Uint8Array(10);
        writeMac(bytes, 3, mac);
        expect(macFromBytes(bytes, 3)).toBe(mac);
        expect(macFromBytes(macToBytes(mac))).toBe(mac);
        expect(Array.from(macToBytes(mac), (b) => b.toString(16).padStart(2, '0')).join(':')).toBe(formatMac(mac));
      }),
    );
  });

  it('classifies broadcast, multicast and locally administered addresses by their bits', () => {
    expect(isBroadcastMac(parseMac('ff:ff:ff:ff:ff:ff'))).toBe(true);
    expect(isMulticastMac(parseMac('ff:ff:ff:ff:ff:ff'))).toBe(true);
    expect(isMulticastMac(parseMac('01:00:5e:00:00:01'))).toBe(true);
    expect(isMulticastMac(parseMac('01:80:c2:00:00:00'))).toBe(true);
    expect(isUnicastMac(parseMac('00:1b:21:3a:4f:10'))).toBe(true);
    expect(isMulticastMac(parseMac('fe:ff:ff:ff:ff:ff'))).toBe(false);
    expect(isLocallyAdministeredMac(parseMac('02:42:ac:11:00:02'))).toBe(true);
    expect(isLocallyAdministeredMac(parseMac('00:1b:21:3a:4f:10'))).toBe(false);
    expect(isBroadcastMac(parseMac('ff:ff:ff:ff:ff:fe'))).toBe(false);
  });

  it('asMac refuses values that are not uint48', () => {
    expect(() => asMac(-1)).toThrow(RangeError);
    expect(() => asMac(2 ** 48)).toThrow(RangeError);
    expect(() => asMac(1.5)).toThrow(RangeError);
  });
});

describe('IPv4 addresses', () => {
  it('parses and formats dotted quads', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(formatIpv4(asIpv4(0xc0a80101))).toBe('192.168.1.1');
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', '1.2.3.4 ', '0x1.2.3.4', '1..3.4', '１.2.3.4'])(
    'rejects %j with a clear ParseError',
    (text) => {
      expect(() => parseIpv4(text)).toThrow(/invalid IPv4 address/);
    },
  );

  it('round-trips text and bytes for every value', () => {
    fc.assert(
      fc.property(ipv4Address(), (ip) => {
        expect(parseIpv4(formatIpv4(ip))).toBe(ip);
        const bytes = new Uint8Array(8);
        writeIpv4(bytes, 2, ip);
        expect(ipv4FromBytes(bytes, 2)).toBe(ip);
      }),
    );
  });

  it('parses prefixes, refusing host bits unless asked', () => {
    expect(parseIpv4Prefix('10.244.1.0/24')).toEqual({ address: 0x0af40100, length: 24 });
    expect(parseIpv4Prefix('0.0.0.0/0')).toEqual({ address: 0, length: 0 });
    expect(parseIpv4Prefix('192.0.2.7')).toEqual({ address: 0xc0000207, length: 32 });
    expect(() => parseIpv4Prefix('10.0.0.1/24')).toThrow(/host bits/);
    expect(parseIpv4Prefix('10.0.0.1/24', { allowHostBits: true })).toEqual({ address: 0x0a000001, length: 24 });
    expect(() => parseIpv4Prefix('10.0.0.0/33')).toThrow(/0\.\.32/);
    expect(() => parseIpv4Prefix('10.0.0.0/')).toThrow(/0\.\.32/);
    expect(formatIpv4Prefix({ address: asIpv4(0x0af40100), length: 24 })).toBe('10.244.1.0/24');
  });

  it('computes masks for every length', () => {
    expect(ipv4Mask(0)).toBe(0);
    expect(ipv4Mask(8)).toBe(0xff000000);
    expect(ipv4Mask(31)).toBe(0xfffffffe);
    expect(ipv4Mask(32)).toBe(0xffffffff);
  });

  it('classifies special ranges', () => {
    expect(isMulticastIpv4(parseIpv4('224.0.0.1'))).toBe(true);
    expect(isMulticastIpv4(parseIpv4('239.255.255.255'))).toBe(true);
    expect(isMulticastIpv4(parseIpv4('240.0.0.0'))).toBe(false);
    expect(isLimitedBroadcastIpv4(parseIpv4('255.255.255.255'))).toBe(true);
    expect(isLoopbackIpv4(parseIpv4('127.1.2.3'))).toBe(true);
    expect(isLoopbackIpv4(parseIpv4('128.0.0.1'))).toBe(false);
  });
});

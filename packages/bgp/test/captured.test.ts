import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, parseIpv4 } from '@wirestack/core';
import { BgpFramer, WellKnownCommunity, decodeMessage, encodeMessage, isEndOfRib, type OpenMessage, type UpdateMessage } from '../src/index.js';

/** What BIRD 2.0.12 sent on a real session (see fixtures/README.md). */
const stream = fromHex(readFileSync(fileURLToPath(new URL('./fixtures/bird-2.0.12-session.hex', import.meta.url)), 'utf8'));
const ip = parseIpv4;

describe('a session captured from BIRD 2.0.12', () => {
  const frames = new BgpFramer().push(stream);
  const options = { fourOctetAs: true };
  const decoded = frames.map((f) => decodeMessage(f, 0, options));

  it('frames into OPEN, KEEPALIVE, 3 UPDATEs, End-of-RIB, 2 KEEPALIVEs, without errors', () => {
    expect(decoded.map((d) => d.message.type)).toEqual(['open', 'keepalive', 'update', 'update', 'update', 'update', 'keepalive', 'keepalive']);
    for (const d of decoded) expect(d.errors).toEqual([]);
    expect(isEndOfRib(decoded[5]!.message as UpdateMessage)).toBe(true);
  });

  it("BIRD's OPEN: AS_TRANS, hold 9, capabilities 1 2 64 65 70 71", () => {
    const open = decoded[0]!.message as OpenMessage;
    expect(open).toMatchObject({ version: 4, myAs: 23456, holdTime: 9, bgpId: ip('127.0.0.11') });
    expect(open.capabilities).toEqual([
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'route-refresh' },
      { kind: 'graceful-restart', restarted: false, notification: false, restartTime: 120, families: [] },
      { kind: 'four-octet-as', asn: 4200000011 },
      { kind: 'enhanced-route-refresh' },
      { kind: 'unknown', code: 71, value: new Uint8Array(0) },
    ]);
  });

  it('UPDATE attributes as configured: prepends, communities, large community, next hop', () => {
    const u = decoded[3]!.message as UpdateMessage;
    expect(u.nlri).toEqual([{ address: ip('198.18.0.0'), length: 24 }]);
    expect(u.attributes).toEqual({
      origin: 'igp',
      asPath: [{ type: 'sequence', asns: [4200000011, 4200000099, 65500] }],
      nextHop: ip('192.0.2.1'),
      communities: [65011 * 65536 + 100, WellKnownCommunity.NO_EXPORT],
      largeCommunities: [{ global: 4200000011, local1: 1, local2: 2 }],
    });
    expect((decoded[4]!.message as UpdateMessage).attributes.origin).toBe('incomplete');
  });

  it('every message re-encodes to the exact octets BIRD sent', () => {
    frames.forEach((f, i) => expect(encodeMessage(decoded[i]!.message, options)).toEqual(f));
  });
});

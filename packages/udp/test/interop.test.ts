/**
 * Ground truth from the tools people trust: tshark (Wireshark's UDP
 * dissector, checksum checking on) and tcpdump read the datagrams our
 * arbitraries build, wrapped in hand-written Ethernet/IPv4 headers, and
 * must see what we encoded. Locally these skip when a tool is missing;
 * under CI they fail instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '@wirestack/core';
import { missingPrerequisite, tsharkFields, writePcap } from '@wirestack-tools/testkit';
import { decodeUdp, encodeUdp, formatUdp } from '../src/index.js';
import { malformedUdpDatagram, udpDatagram, udpPseudoHeader } from '../src/arbitraries.js';
import { UDP_OFFSET, ipv4Frame, readIpv4 } from './frames.js';

const noTshark = missingPrerequisite({ commands: ['tshark'] });
const noTcpdump = missingPrerequisite({ commands: ['tcpdump'] });

const FIELDS = ['udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum', 'udp.checksum.status', 'ip.checksum.status'];
const CHECK = ['-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
/** Wireshark's checksum status values (epan/proto.h PROTO_CHECKSUM_E_*). */
const STATUS = { bad: '0', good: '1', notPresent: '3' } as const;

/** Seeded samples, so a failure names the seed that reproduces it. */
function sample<T>(arbitrary: fc.Arbitrary<T>, count: number): { seed: number; values: T[] } {
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  return { seed, values: fc.sample(arbitrary, { numRuns: count, seed }) };
}

describe('tshark', () => {
  it.skipIf(noTshark)('reads the ports, Length and checksum we encode, and finds every checksum good (or absent)', () => {
    const { seed, values } = sample(udpDatagram({ maxPayload: 300 }), 3000);
    const frames = values.map((v) => ipv4Frame(v.bytes, v.pseudoHeader));
    const rows = tsharkFields(frames, FIELDS, CHECK);
    expect(rows.length).toBe(values.length);
    values.forEach((v, i) => {
      const d = decodeUdp(frames[i]!, UDP_OFFSET, { pseudoHeader: v.pseudoHeader });
      const row = rows[i]!;
      const where = `seed ${seed}, frame ${i}: ${toHex(frames[i]!)}`;
      expect(row['ip.checksum.status'], where).toBe(STATUS.good);
      expect([row['udp.srcport'], row['udp.dstport'], row['udp.length'], row['udp.checksum']], where).toEqual([
        String(d.header.srcPort),
        String(d.header.dstPort),
        String(d.header.length),
        hex(d.header.checksum),
      ]);
      expect(row['udp.checksum.status'], where).toBe(d.checksumValid === null ? STATUS.notPresent : STATUS.good);
    });
  });

  it.skipIf(noTshark)('agrees with encodeUdp computing the checksum from the addresses', () => {
    const input = fc.record({
      srcPort: fc.integer({ min: 0, max: 0xffff }),
      dstPort: fc.integer({ min: 0, max: 0xffff }),
      payload: fc.uint8Array({ maxLength: 1400 }),
      pseudoHeader: udpPseudoHeader(),
    });
    const { seed, values } = sample(input, 1000);
    const frames = values.map((v) => ipv4Frame(encodeUdp(v), v.pseudoHeader));
    const rows = tsharkFields(frames, FIELDS, CHECK);
    rows.forEach((row, i) => {
      expect([row['udp.length'], row['udp.checksum.status']], `seed ${seed}, frame ${i}`).toEqual([
        String(8 + values[i]!.payload.length),
        STATUS.good,
      ]);
    });
  });

  it.skipIf(noTshark)('finds bad exactly the checksums we call bad', () => {
    const { seed, values } = sample(
      malformedUdpDatagram().filter((m) => m.code === 'bad-checksum' && m.options.pseudoHeader !== undefined),
      1000,
    );
    const frames = values.map((m) => ipv4Frame(m.bytes.subarray(m.offset), m.options.pseudoHeader!));
    const rows = tsharkFields(frames, FIELDS, CHECK);
    rows.forEach((row, i) => {
      const d = decodeUdp(frames[i]!, UDP_OFFSET, { ...values[i]!.options, mode: 'lax' });
      expect(d.checksumValid, `seed ${seed}, frame ${i}`).toBe(false);
      expect(row['udp.checksum.status'], `seed ${seed}, frame ${i}: ${toHex(frames[i]!)}`).toBe(STATUS.bad);
    });
  });
});

describe('tcpdump -n', () => {
  function tcpdumpLines(frames: readonly Uint8Array[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-tcpdump-'));
    try {
      const file = join(dir, 'frames.pcap');
      writePcap(file, frames);
      const out = execFileSync('tcpdump', ['-t', '-n', '-r', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
      return out.split('\n').filter((line) => line.startsWith('IP '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.skipIf(noTcpdump)('prints the line formatUdp prints, for ports tcpdump decodes no further', () => {
    // 40000..48000: no tcpdump dissector claims these ports, so it prints the UDP line only.
    const port = fc.integer({ min: 40000, max: 48000 });
    const input = fc.record({
      srcPort: port,
      dstPort: port,
      payload: fc.uint8Array({ maxLength: 200 }),
      pseudoHeader: udpPseudoHeader(),
      short: fc.option(fc.nat({ max: 7 }), { freq: 5 }),
    });
    const { seed, values } = sample(input, 300);
    const frames = values.map((v) => ipv4Frame(encodeUdp({ ...v, ...(v.short === null ? {} : { length: v.short }) }), v.pseudoHeader));
    const lines = tcpdumpLines(frames);
    expect(lines.length).toBe(frames.length);
    frames.forEach((frame, i) => {
      const ip = readIpv4(frame);
      const d = decodeUdp(frame, UDP_OFFSET, { mode: 'lax' });
      expect(lines[i], `seed ${seed}, frame ${i}`).toBe(`IP ${formatUdp(d.header, ip)}`);
    });
  });
});

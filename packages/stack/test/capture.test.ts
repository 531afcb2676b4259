import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { isDecodeError, type DecodeError } from '@wirestack/core';
import {
  CaptureDecoder,
  PcapWriter,
  PcapngWriter,
  captureInfo,
  readCapture,
  readCaptureStream,
  writePcap,
  writePcapng,
  type CapturePacket,
  type PacketToWrite,
} from '../src/index.js';

const packetArb = fc.record({
  data: fc.uint8Array({ maxLength: 200 }),
  seconds: fc.integer({ min: 0, max: 0xffff_ffff }),
  nanoseconds: fc.integer({ min: 0, max: 999_999_999 }),
  extra: fc.integer({ min: 0, max: 1000 }),
});

type Format = { kind: 'pcap' | 'pcapng'; nanosecond: boolean; littleEndian: boolean };
const formatArb = fc.record({ kind: fc.constantFrom('pcap' as const, 'pcapng' as const), nanosecond: fc.boolean(), littleEndian: fc.boolean() });

function write(format: Format, packets: readonly PacketToWrite[]): Uint8Array {
  return format.kind === 'pcap' ? writePcap(packets, format) : writePcapng(packets, format);
}

function expectSame(read: readonly CapturePacket[], written: readonly (PacketToWrite & { extra: number })[], nanosecond: boolean): void {
  expect(read.length).toBe(written.length);
  read.forEach((p, i) => {
    const w = written[i]!;
    expect(p.data).toEqual(w.data);
    expect(p.originalLength).toBe(w.originalLength);
    expect(p.seconds).toBe(w.seconds);
    expect(p.nanoseconds).toBe(nanosecond ? w.nanoseconds : Math.floor(w.nanoseconds! / 1000) * 1000);
    expect(p.linkType).toBe(1);
  });
}

function errorOf(f: () => void): DecodeError {
  try {
    f();
  } catch (error) {
    if (isDecodeError(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('pcap and pcapng', () => {
  it('round-trip packets, times (micro/nano) and original lengths in both byte orders', () => {
    fc.assert(
      fc.property(formatArb, fc.array(packetArb, { maxLength: 12 }), (format, packets) => {
        const written = packets.map((p) => ({ ...p, originalLength: p.data.length + p.extra }));
        const file = write(format, written);
        expectSame([...readCapture(file)], written, format.nanosecond);
        const info = captureInfo(file);
        expect(info.format).toBe(format.kind);
        expect(info.littleEndian).toBe(format.littleEndian);
        expect(info.interfaces[0]!.fractionDigits).toBe(format.nanosecond ? 9 : 6);
      }),
      { numRuns: 300 },
    );
  });

  it('streaming over chunks of any size reads what the synchronous reader reads', async () => {
    await fc.assert(
      fc.asyncProperty(formatArb, fc.array(packetArb, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), async (format, packets, sizes) => {
        const written = packets.map((p) => ({ ...p, originalLength: p.data.length }));
        const file = write(format, written);
        const chunks: Uint8Array[] = [];
        for (let at = 0, i = 0; at < file.length; i++) {
          const n = sizes[i % sizes.length]!;
          chunks.push(file.slice(at, at + n));
          at += n;
        }
        async function* source(): AsyncGenerator<Uint8Array> {
          yield* chunks;
        }
        const read: CapturePacket[] = [];
        for await (const p of readCaptureStream(source())) read.push(p);
        expectSame(read, written, format.nanosecond);
      }),
      { numRuns: 200 },
    );
  });

  it('a truncated file yields every whole packet, then names the byte offset of the cut record', () => {
    fc.assert(
      fc.property(formatArb, fc.array(packetArb, { minLength: 1, maxLength: 6 }), fc.nat(), (format, packets, cutSeed) => {
        const written = packets.map((p) => ({ ...p, originalLength: p.data.length }));
        const file = write(format, written);
        const header = format.kind === 'pcap' ? 24 : new PcapngWriter(format).header().length;
        const ends: number[] = [];
        let at = header;
        for (const p of written) {
          at += format.kind === 'pcap' ? new PcapWriter(format).recordLength(p) : new PcapngWriter(format).recordLength(p);
          ends.push(at);
        }
        const cut = header + 1 + (cutSeed % (file.length - header - 1));
        const truncated = file.slice(0, cut);
        const whole = ends.filter((e) => e <= cut).length;
        const got: CapturePacket[] = [];
        if (ends.includes(cut)) {
          expect([...readCapture(truncated)].length).toBe(whole);
          return;
        }
        const error = errorOf(() => {
          for (const p of readCapture(truncated)) got.push(p);
        });
        expect(got.length).toBe(whole);
        expect(error.code).toBe('truncated');
        expect(error.offset).toBe(whole === 0 ? header : ends[whole - 1]);
        expect(error.message).toContain(`at byte ${error.offset}`);
      }),
      { numRuns: 300 },
    );
  });

  it('corrupt headers are named with their offset: bad magic, absurd record length, bad pcapng block length', () => {
    expect(errorOf(() => [...readCapture(Uint8Array.of(1, 2, 3, 4, 5))])).toMatchObject({ code: 'bad-magic', offset: 0 });
    expect(errorOf(() => [...readCapture(new Uint8Array(0))])).toMatchObject({ code: 'truncated', offset: 0 });
    const one = { data: new Uint8Array(10), seconds: 1, nanoseconds: 0 };
    const pcap = writePcap([one, one]);
    new DataView(pcap.buffer).setUint32(24 + 26 + 8, 0x7fff_ffff, true);
    const got: CapturePacket[] = [];
    const e = errorOf(() => {
      for (const p of readCapture(pcap)) got.push(p);
    });
    expect(got.length).toBe(1);
    expect(e).toMatchObject({ code: 'bad-length', offset: 50 });
    const ng = writePcapng([one, one]);
    const second = ng.length - 2 * new PcapngWriter().recordLength(one) + new PcapngWriter().recordLength(one);
    new DataView(ng.buffer).setUint32(second + 4, 13, true);
    expect(errorOf(() => [...readCapture(ng)])).toMatchObject({ code: 'bad-length', offset: second + 4 });
  });

  it('pcapng: honours if_tsresol (binary and decimal), skips unknown blocks, reads several interfaces', () => {
    // SHB, IDB (linktype 1, tsresol 2^-10), an unknown block, EPB on interface 0.
    const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    const shb = [...u32(0x0a0d0d0a), ...u32(28), ...u32(0x1a2b3c4d), 1, 0, 0, 0, ...u32(0xffffffff), ...u32(0xffffffff), ...u32(28)];
    const idb = [...u32(1), ...u32(32), 1, 0, 0, 0, ...u32(65535), 9, 0, 1, 0, 0x8a, 0, 0, 0, 0, 0, 0, 0, ...u32(32)];
    const unknown = [...u32(0x0bad), ...u32(16), 1, 2, 3, 4, ...u32(16)];
    const ticks = 3 * 1024 + 512; // 3.5 s
    const epb = [...u32(6), ...u32(36), ...u32(0), ...u32(0), ...u32(ticks), ...u32(4), ...u32(60), 9, 9, 9, 9, ...u32(36)];
    const file = Uint8Array.from([...shb, ...idb, ...unknown, ...epb]);
    const [p] = [...readCapture(file)];
    expect(p).toMatchObject({ seconds: 3, nanoseconds: 500_000_000, originalLength: 60, interfaceId: 0 });
    expect(p!.data).toEqual(Uint8Array.of(9, 9, 9, 9));
    const info = captureInfo(file);
    expect(info.interfaces[0]!.unitsPerSecond).toBe(1024);
  });

  it('the decoder keeps memory bounded to a record: packets already returned stay valid', () => {
    const d = new CaptureDecoder();
    const file = writePcap([{ data: Uint8Array.of(1, 2, 3) }, { data: Uint8Array.of(4, 5) }]);
    d.push(file.subarray(0, 43));
    const first = d.next()!;
    expect(d.next()).toBeUndefined();
    d.push(file.subarray(43));
    const second = d.next()!;
    d.finish();
    expect([...first.data, ...second.data]).toEqual([1, 2, 3, 4, 5]);
  });
});

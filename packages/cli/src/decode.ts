import { isDecodeError } from '@wirestack/core';
import { Ipv4Reassembler } from '@wirestack/ipv4';
import type { Ipv4View } from '@wirestack/ipv4';
import {
  LINKTYPE_ETHERNET,
  StackParser,
  decodePacket,
  defaultRegistry,
  formatPacket,
  formatTimestamp,
  readCaptureStream,
  toJsonLayers,
  type CaptureInfo,
  type CapturePacket,
  type Registry,
} from '@wirestack/stack';
import { intOption, parseArgs } from './args.js';
import { type Io, UsageError } from './io.js';

export const DECODE_USAGE = `usage: wirestack decode [--json] [--vxlan-port N]... [--reassemble] [-c N] FILE|-
  Prints one line per packet of a pcap or pcapng file (tcpdump -e -n style),
  or with --json one JSON object per packet.`;

export interface DecodeOptions {
  readonly json: boolean;
  readonly registry: Registry;
  readonly reassemble: boolean;
  readonly count: number;
}

export function parseDecodeArgs(argv: readonly string[]): { file: string; options: DecodeOptions } {
  const a = parseArgs(argv, { flags: ['--json', '--reassemble'], valued: ['--vxlan-port', '-c'] });
  if (a.positional.length !== 1) throw new UsageError(`decode needs one FILE (or - for standard input)\n${DECODE_USAGE}`);
  let registry = defaultRegistry;
  for (const p of a.values.get('--vxlan-port') ?? []) registry = registry.withUdpPort(intOption('--vxlan-port', p, 0, 0xffff), 'vxlan');
  const c = a.values.get('-c');
  return {
    file: a.positional[0]!,
    options: {
      json: a.flags.has('--json'),
      registry,
      reassemble: a.flags.has('--reassemble'),
      count: c === undefined ? Infinity : intOption('-c', c.at(-1)!, 0, Number.MAX_SAFE_INTEGER),
    },
  };
}

/** Output is gathered into blocks this large before writing: one write per line would dominate. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Decodes a capture stream, writing a line per packet. Memory stays flat:
 * packets are decoded as chunks arrive and lines are flushed in blocks
 * (awaiting the writer's backpressure).
 */
export async function decodeStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: DecodeOptions, io: Io): Promise<number> {
  let info: CaptureInfo | undefined;
  const parser = new StackParser({ registry: options.registry, mode: 'lax', verify: 'none' });
  const reassembler = options.reassemble ? new Ipv4Reassembler() : undefined;
  let buffered = '';
  let index = 0;
  const started = io.now();
  let progressAt = started + 1000;
  let bytes = 0;
  let progressShown = false;
  if (options.count === 0) return 0;
  try {
    for await (const packet of readCaptureStream(source, (i) => (info = i))) {
      index++;
      bytes += packet.data.length + 16;
      if (packet.linkType !== LINKTYPE_ETHERNET) {
        throw new UsageError(`packet ${index}: link type ${packet.linkType} is not Ethernet (1); only Ethernet captures can be decoded`, 1);
      }
      const frame = reassembler === undefined ? packet.data : reassembled(packet, parser, reassembler);
      buffered += options.json ? jsonLine(index, packet, frame, options, info) : textLine(packet, frame, options, info);
      buffered += '\n';
      if (buffered.length >= FLUSH_BYTES) {
        await io.stdout(buffered);
        buffered = '';
      }
      if (io.stderrIsTty && (index & 1023) === 0 && io.now() >= progressAt) {
        progressAt = io.now() + 1000;
        progressShown = true;
        io.stderr(`\r${index} packets, ${(bytes / 1e6).toFixed(1)} MB, ${((io.now() - started) / 1000).toFixed(0)} s`);
      }
      if (index >= options.count) break;
    }
  } finally {
    // Every good packet is printed before an error about the bytes after it.
    if (buffered !== '') await io.stdout(buffered);
  }
  if (progressShown) io.stderr('\r\x1b[K');
  return 0;
}

function digits(info: CaptureInfo | undefined, packet: CapturePacket): 6 | 9 {
  return info?.interfaces[packet.interfaceId]?.fractionDigits ?? 6;
}

function jsonLine(index: number, packet: CapturePacket, frame: Uint8Array, options: DecodeOptions, info: CaptureInfo | undefined): string {
  const layers = toJsonLayers(decodePacket(frame, { registry: options.registry, mode: 'lax' }));
  return JSON.stringify({
    index,
    time: formatTimestamp(packet.seconds, packet.nanoseconds, digits(info, packet)),
    caplen: packet.data.length,
    len: packet.originalLength,
    layers,
  });
}

function textLine(packet: CapturePacket, frame: Uint8Array, options: DecodeOptions, info: CaptureInfo | undefined): string {
  const time = formatTimestamp(packet.seconds, packet.nanoseconds, digits(info, packet)).slice(11, -1);
  const layers = decodePacket(frame, { registry: options.registry, mode: 'lax' });
  return `${time} ${formatPacket(layers, packet.originalLength)}`;
}

/**
 * With --reassemble: a fragment goes to the reassembler; the fragment that
 * completes a datagram comes back as a frame carrying the whole datagram
 * (the link headers of that last fragment, then the reassembled IPv4
 * datagram), others as they are.
 */
function reassembled(packet: CapturePacket, parser: StackParser, reassembler: Ipv4Reassembler): Uint8Array {
  const frame = packet.data;
  parser.parse(frame);
  for (let i = 0; i < parser.count; i++) {
    const slot = parser.layers[i]!;
    if (slot.layer !== 'ipv4') continue;
    if (!(slot.view as Ipv4View).isFragment) return frame;
    let datagram: Uint8Array | undefined;
    try {
      datagram = reassembler.push(frame.subarray(0, slot.end), packet.seconds * 1000 + Math.floor(packet.nanoseconds / 1e6), slot.offset);
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      return frame; // a fragment the reassembler refuses (bad checksum, ...) is shown as it is
    }
    if (datagram === undefined) return frame;
    const whole = new Uint8Array(slot.offset + datagram.length);
    whole.set(frame.subarray(0, slot.offset));
    whole.set(datagram, slot.offset);
    return whole;
  }
  return frame;
}

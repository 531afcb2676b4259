import { type CaptureInfo, type CapturePacket, captureError } from './capture-types.js';
import { type PcapHeader, PCAP_HEADER_LENGTH, isPcapMagic, pcapInterface, readPcapHeader, readPcapRecord } from './pcap.js';
import { type PcapngSection, isPcapngMagic, readPcapngBlock } from './pcapng.js';

/**
 * Reads pcap or pcapng (told apart by the first four bytes) from chunks of
 * any size: `push` bytes, take packets with `next()` until it returns
 * undefined, and call `finish()` at the end of input. Packets are
 * subarrays of the chunks pushed (nothing is copied unless a record spans
 * chunks). Errors are DecodeError naming the absolute byte offset; every
 * good packet before the bad bytes is returned first.
 */
export class CaptureDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private format: 'pcap' | 'pcapng' | undefined;
  private pcap: PcapHeader | undefined;
  private readonly ng: { section: PcapngSection | undefined } = { section: undefined };
  private _info: CaptureInfo | undefined;

  /** The format and interfaces, once the file header has been read. */
  get info(): CaptureInfo | undefined {
    return this._info;
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.pos === this.buf.length) {
      this.base += this.buf.length;
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    // A record spans chunks: join what is left with the new chunk (a new
    // array, so packets already returned stay valid).
    const rest = this.buf.length - this.pos;
    const joined = new Uint8Array(rest + chunk.length);
    joined.set(this.buf.subarray(this.pos));
    joined.set(chunk, rest);
    this.base += this.pos;
    this.buf = joined;
    this.pos = 0;
  }

  /** The next whole packet buffered, or undefined until more bytes are pushed. */
  next(): CapturePacket | undefined {
    for (;;) {
      if (this.format === undefined && !this.start()) return undefined;
      if (this.format === 'pcap') {
        const r = readPcapRecord(this.buf, this.pos, this.pcap!, this.base);
        if (r === undefined) return undefined;
        this.pos = r.next;
        return r.packet;
      }
      const r = readPcapngBlock(this.buf, this.pos, this.ng, this.base);
      if (r === undefined) return undefined;
      this.pos = r.next;
      if (r.kind === 'packet') return r.packet;
      this.updateNgInfo();
    }
  }

  /** Call at the end of input: DecodeError 'truncated' when a partial record (or no header) is left. */
  finish(): void {
    const left = this.buf.length - this.pos;
    if (this.format === undefined) {
      throw captureError('pcap', 'truncated', this.offset, left === 0 ? 'empty file' : `${left} bytes are not a pcap or pcapng header`);
    }
    if (left > 0) {
      throw captureError(this.format, 'truncated', this.offset, `file ends inside a ${this.format === 'pcap' ? 'record' : 'block'} (${left} bytes left)`, {
        available: left,
      });
    }
  }

  private start(): boolean {
    if (this.buf.length - this.pos < 4) return false;
    if (isPcapngMagic(this.buf, this.pos)) {
      this.format = 'pcapng';
      return true;
    }
    if (!isPcapMagic(this.buf, this.pos)) {
      throw captureError('pcap', 'bad-magic', this.offset, 'not a pcap or pcapng file (unknown magic number)');
    }
    if (this.buf.length - this.pos < PCAP_HEADER_LENGTH) return false;
    const h = readPcapHeader(this.buf, this.pos);
    this.pcap = h;
    this.format = 'pcap';
    this.pos += PCAP_HEADER_LENGTH;
    this._info = { format: 'pcap', littleEndian: h.littleEndian, interfaces: [pcapInterface(h)], sectionOptions: [] };
    return true;
  }

  private updateNgInfo(): void {
    const s = this.ng.section;
    if (s !== undefined) this._info = { format: 'pcapng', littleEndian: s.littleEndian, interfaces: s.interfaces, sectionOptions: s.options };
  }
}

/** Every packet of a capture held in memory (pcap or pcapng), lazily; throws DecodeError after the last good one. */
export function* readCapture(bytes: Uint8Array): Generator<CapturePacket, void, undefined> {
  const decoder = new CaptureDecoder();
  decoder.push(bytes);
  for (let p = decoder.next(); p !== undefined; p = decoder.next()) yield p;
  decoder.finish();
}

/**
 * Streams the packets of a capture from chunks: a Node Readable (an async
 * iterable of Buffers, which are Uint8Arrays), a web ReadableStream in
 * runtimes where it is async-iterable, or any async iterable. Memory stays
 * at about one chunk plus one record.
 */
export async function* readCaptureStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onInfo?: (info: CaptureInfo) => void,
): AsyncGenerator<CapturePacket, void, undefined> {
  const decoder = new CaptureDecoder();
  let announced: CaptureInfo | undefined;
  for await (const chunk of source) {
    decoder.push(chunk);
    for (let p = decoder.next(); p !== undefined; p = decoder.next()) {
      if (onInfo !== undefined && decoder.info !== announced) onInfo((announced = decoder.info!));
      yield p;
    }
  }
  decoder.finish();
}

/** The format and interfaces of a capture in memory, read from its header blocks (DecodeError when it is none). */
export function captureInfo(bytes: Uint8Array): CaptureInfo {
  const decoder = new CaptureDecoder();
  decoder.push(bytes);
  decoder.next();
  const info = decoder.info;
  if (info === undefined) decoder.finish();
  return info!;
}

/**
 * The UDP header written declaratively with binary-parser: the independent
 * reference our hand-written decoder must agree with. Data is the Length
 * field's bytes after the header; what follows is padding.
 */
import { Parser } from 'binary-parser';

export const udpSpec = new Parser()
  .endianness('big')
  .uint16('srcPort')
  .uint16('dstPort')
  .uint16('length')
  .uint16('checksum')
  .buffer('payload', {
    length: function (this: { length: number }) {
      return this.length - 8;
    },
  })
  .buffer('padding', { readUntil: 'eof' });

export interface SpecDatagram {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
  readonly payload: Uint8Array;
  readonly padding: Uint8Array;
}

/** Parses a datagram whose Length fits (8..bytes.length); binary-parser throws otherwise. */
export function parseWithSpec(bytes: Uint8Array): SpecDatagram {
  return udpSpec.parse(bytes) as SpecDatagram;
}

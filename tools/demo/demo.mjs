/**
 * `npm start`: decodes every frame of a capture (the bundled sample.pcap by
 * default, or the file given) with the L2 codecs and prints one line per
 * frame in the style of `tcpdump -e -n`. Upper layers are shown as their
 * ethertype and length until the L3 codecs and the CLI land.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hex, isDecodeError } from '@wirestack/core';
import { decodeEthernet, etherTypeName, formatEthernet } from '@wirestack/ethernet';
import { decodeVlanStack } from '@wirestack/vlan';
import { decodeArp, formatArp } from '@wirestack/arp';
import { readPcapRecords } from './pcap.mjs';

const file = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));

function time(r) {
  const t = new Date(r.seconds * 1000).toISOString().slice(11, 19);
  return `${t}.${String(r.micros).padStart(6, '0')}`;
}

function describe(frame) {
  const eth = decodeEthernet(frame, 0, { mode: 'lax' });
  let line = formatEthernet(eth.header, frame.length);
  if (!('etherType' in eth.header)) return line;
  const stack = decodeVlanStack(frame, 12, { mode: 'lax' });
  for (const tag of stack.tags) {
    line += `, ${tag.tpid === 0x8100 ? 'vlan' : `s-vlan (${hex(tag.tpid)})`} ${tag.vid}, p ${tag.pcp}${tag.dei ? ', DEI' : ''}`;
  }
  if (stack.tags.length > 0) line += `, ethertype ${etherTypeName(stack.etherType)}`;
  if (stack.etherType === 0x0806) {
    const arp = decodeArp(frame, stack.payloadOffset);
    return `${line}: ${formatArp(arp.header)}`;
  }
  return `${line}: ${etherTypeName(stack.etherType)} payload, ${frame.length - stack.payloadOffset} bytes`;
}

const records = readPcapRecords(readFileSync(file));
console.log(`wirestack: ${records.length} frames from ${file}`);
records.forEach((r, i) => {
  let text;
  try {
    text = describe(r.data);
  } catch (e) {
    if (!isDecodeError(e)) throw e;
    text = `[${e.layer} ${e.code} at byte ${e.offset}]`;
  }
  console.log(`${String(i + 1).padStart(3)} ${time(r)} ${text}`);
});

/**
 * Rebuilds sample.pcap, the capture `npm start` decodes: the kernel ARP and
 * ping fixtures (captured by tools/capture from Linux in network
 * namespaces), followed by copies of the first echo request that wirestack
 * tagged with 802.1Q VLAN 100 and with an 802.1ad S-tag 20 over C-tag 100
 * (this kernel has no VLAN devices to produce tagged frames itself).
 * Run after `npm run build`; the result is committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pushVlanTag, TPID_8021AD, TPID_8021Q } from '@wirestack/vlan';
import { readPcapRecords, pcapFile } from './pcap.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const arp = readPcapRecords(readFileSync(`${root}packages/arp/test/fixtures/kernel-arp.pcap`));
const ping = readPcapRecords(readFileSync(`${root}packages/ethernet/test/fixtures/kernel-ping.pcap`));
const records = [...arp.slice(0, 2), ...ping];
const echo = ping.find((r) => r.data[12] === 0x08 && r.data[13] === 0x00);
const single = pushVlanTag(echo.data, { tpid: TPID_8021Q, pcp: 0, dei: false, vid: 100 });
const double = pushVlanTag(single, { tpid: TPID_8021AD, pcp: 3, dei: false, vid: 20 });
const last = records[records.length - 1];
records.push({ seconds: last.seconds + 1, micros: 0, data: single, length: single.length });
records.push({ seconds: last.seconds + 1, micros: 500, data: double, length: double.length });
writeFileSync(fileURLToPath(new URL('sample.pcap', import.meta.url)), pcapFile(records));
console.log(`sample.pcap: ${records.length} frames`);

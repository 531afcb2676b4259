import { formatIpv4 } from '@wirestack/core';
import type { Ipv4Header } from './header.js';
import { ipv4OptionName, type Ipv4Option } from './options.js';
import { ipProtocolName } from './protocols.js';

/** tcpdump's ECN suffix after the TOS octet. */
const ECN_SUFFIX = ['', ',ECT(1)', ',ECT(0)', ',CE'] as const;

export interface FormatIpv4Options {
  /**
   * tcpdump -v's form: `IP (tos 0x0, ttl 64, id 19693, offset 0, flags [+],
   * proto ICMP (1), length 1500) 10.99.0.1 > 10.99.0.2`, with the options
   * listed after the length.
   */
  readonly verbose?: boolean;
}

/**
 * One line in the style of tcpdump:
 *
 *   10.0.0.1 > 10.0.0.2: ICMP, length 84
 *   10.99.0.1 > 10.99.0.2: ICMP, length 1500 (frag 19693:1480@0+)
 *
 * The fragment suffix (tcpdump's old `(frag id:size@offset+)`) is printed
 * for fragments only: size is the payload length, offset in bytes, `+`
 * when MF is set. With `verbose`, the tcpdump -v form (see
 * `FormatIpv4Options`). Named so as not to clash with core's `formatIpv4`,
 * which formats an address.
 */
export function formatIpv4Header(header: Ipv4Header, options?: FormatIpv4Options): string {
  const addresses = `${formatIpv4(header.src)} > ${formatIpv4(header.dst)}`;
  if (options?.verbose === true) return `${verboseFields(header)} ${addresses}`;
  let line = `${addresses}: ${ipProtocolName(header.protocol)}, length ${header.totalLength}`;
  if (header.mf || header.fragmentOffset !== 0) {
    const size = header.totalLength - header.ihl * 4;
    line += ` (frag ${header.id}:${size}@${header.fragmentOffset}${header.mf ? '+' : ''})`;
  }
  return line;
}

function verboseFields(h: Ipv4Header): string {
  const tos = (h.dscp << 2) | h.ecn;
  const flags = [h.mf ? '+' : '', h.df ? 'DF' : '', h.reservedFlag ? 'rsvd' : ''].filter((f) => f !== '').join(', ') || 'none';
  const options = h.options.length === 0 ? '' : `, options (${h.options.map((o) => formatIpv4Option(o)).join(',')})`;
  return (
    `IP (tos 0x${tos.toString(16)}${ECN_SUFFIX[h.ecn]!}, ttl ${h.ttl}, id ${h.id}, offset ${h.fragmentOffset}, ` +
    `flags [${flags}], proto ${ipProtocolName(h.protocol)} (${h.protocol}), length ${h.totalLength}${options})`
  );
}

/** `NOP`, `RR ptr 8: 10.99.1.1 0.0.0.0`, `TS flag 1 ptr 13 oflw 0: 10.0.0.1@86400000`, `RA 0`, `0x1e len 4`. */
export function formatIpv4Option(option: Ipv4Option): string {
  const name = ipv4OptionName(option.type);
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return name;
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return `${name} ptr ${option.pointer}: ${option.addresses.map(formatIpv4).join(' ')}`;
    case 'timestamp': {
      const entries = option.entries.map((e) => (e.address === undefined ? `${e.timestamp}` : `${formatIpv4(e.address)}@${e.timestamp}`));
      return `${name} flag ${option.flag} ptr ${option.pointer} oflw ${option.overflow}: ${entries.join(' ')}`;
    }
    case 'router-alert':
      return `${name} ${option.value}`;
    case 'unknown':
      return `${name} len ${option.data.length + 2}`;
    case 'malformed':
      return `${name} malformed (${option.bytes.length} bytes)`;
  }
}


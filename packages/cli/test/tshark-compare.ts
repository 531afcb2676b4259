/**
 * Compares `wirestack decode --json` output with tshark on the same file,
 * field by field over the contract (see SPECS: contract field -> tshark
 * field). tshark may dissect deeper (a quoted datagram, a tunnel on a port
 * it knows) and so list more occurrences of a field: ours must be its first
 * ones, in order.
 */
import { execFileSync } from 'node:child_process';
import { NO_ETHERNET_HEURISTICS } from '@wirestack-tools/testkit';

export type JsonLayer = Readonly<Record<string, unknown>>;
type Spec = readonly [field: string, tshark: string, map?: (v: unknown, layer: JsonLayer) => unknown];

const SKIP = Symbol('skip');

/**
 * With a loose or strict source route that has hops left, Wireshark adds
 * the route's final address as another ip.dst occurrence: ip.dst is not
 * compared in such frames.
 */
function sourceRouted(layer: JsonLayer): boolean {
  return (layer.options as readonly JsonLayer[]).some((o) => {
    const addresses = o.addresses as readonly string[];
    return (o.kind === 'loose-source-route' || o.kind === 'strict-source-route') && (o.pointer as number) <= 3 + 4 * addresses.length;
  });
}

const SPECS: Readonly<Record<string, readonly Spec[]>> = {
  ethernet: [['dst', 'eth.dst'], ['src', 'eth.src'], ['etherType', 'eth.type'], ['length', 'eth.len']],
  vlan: [['pcp', 'vlan.priority'], ['dei', 'vlan.dei'], ['vid', 'vlan.id'], ['etherType', 'vlan.etype']],
  arp: [
    ['htype', 'arp.hw.type'],
    ['ptype', 'arp.proto.type'],
    ['hlen', 'arp.hw.size'],
    ['plen', 'arp.proto.size'],
    ['op', 'arp.opcode'],
    ['sha', 'arp.src.hw_mac'],
    ['spa', 'arp.src.proto_ipv4'],
    ['tha', 'arp.dst.hw_mac'],
    ['tpa', 'arp.dst.proto_ipv4'],
  ],
  ipv4: [
    ['version', 'ip.version'],
    ['ihl', 'ip.hdr_len', (v) => (v as number) * 4],
    ['dscp', 'ip.dsfield.dscp'],
    ['ecn', 'ip.dsfield.ecn'],
    ['totalLength', 'ip.len'],
    ['id', 'ip.id'],
    ['df', 'ip.flags.df'],
    ['mf', 'ip.flags.mf'],
    // tshark 4.0 counts the offset in 8-byte units, as on the wire; the contract counts bytes.
    ['fragmentOffset', 'ip.frag_offset', (v) => (v as number) / 8],
    ['ttl', 'ip.ttl'],
    ['protocol', 'ip.proto'],
    ['checksum', 'ip.checksum'],
    ['src', 'ip.src'],
    ['dst', 'ip.dst', (v, l) => (sourceRouted(l) ? SKIP : v)],
  ],
  icmp: [
    ['type', 'icmp.type'],
    ['code', 'icmp.code'],
    ['checksum', 'icmp.checksum'],
    ['id', 'icmp.ident'],
    ['seq', 'icmp.seq'],
    ['mtu', 'icmp.mtu'],
    ['gateway', 'icmp.redir_gw'],
  ],
  udp: [['srcPort', 'udp.srcport'], ['dstPort', 'udp.dstport'], ['length', 'udp.length'], ['checksum', 'udp.checksum']],
  // tshark's vxlan.flags is 16 bits: the flags octet and the reserved octet after it (zero here).
  'quoted-udp': [['srcPort', 'udp.srcport'], ['dstPort', 'udp.dstport']],
  vxlan: [['flags', 'vxlan.flags', (v) => (v as number) << 8], ['vni', 'vxlan.vni']],
};
const FIELDS = [...new Set(Object.values(SPECS).flatMap((s) => s.map(([, t]) => t)))];

function norm(value: unknown): string {
  if (value === true || value === 'True') return '1';
  if (value === false || value === 'False') return '0';
  if (typeof value === 'number') return String(value);
  const s = String(value);
  return /^(0x[0-9a-f]+|[0-9]+)$/i.test(s) ? String(Number(s)) : s.toLowerCase();
}

/** Our values per tshark field, in layer order. */
function ourFields(layers: readonly JsonLayer[], withQuoted: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const skipped = new Set<string>();
  // An ICMP error's quoted datagram: tshark dissects it as IPv4 (and its UDP ports) after the outer layers.
  const all = layers.flatMap((l) => {
    const q = l.quoted as JsonLayer | null | undefined;
    if (!withQuoted || l.layer !== 'icmp' || q === undefined || q === null) return [l];
    const quoted: JsonLayer[] = [{ ...q, layer: 'ipv4' }];
    if (q.srcPort !== undefined) quoted.push({ layer: 'quoted-udp', srcPort: q.srcPort, dstPort: q.dstPort });
    return [l, ...quoted];
  });
  for (const l of all) {
    for (const [field, tshark, map] of SPECS[l.layer as string] ?? []) {
      const v = l[field];
      if (v === undefined || v === null) continue;
      const mapped = map === undefined ? v : map(v, l);
      if (mapped === SKIP) skipped.add(tshark);
      const list = out.get(tshark) ?? [];
      list.push(norm(mapped));
      out.set(tshark, list);
    }
  }
  for (const field of skipped) out.delete(field);
  return out;
}

/** tshark's values per frame and field (`-T fields`, every occurrence). */
export function tsharkFields(file: string, args: readonly string[] = []): Record<string, string[]>[] {
  const text = execFileSync(
    'tshark',
    ['-n', '-r', file, ...NO_ETHERNET_HEURISTICS, ...args, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, (cells[i] ?? '') === '' ? [] : cells[i]!.split(',').map(norm)]));
    });
}

/**
 * Every disagreement between our `--json` lines and tshark on `file` ([]
 * when none). `quoted` compares ICMP errors' quoted datagrams too: right
 * for real traffic, not for random quotes (tshark gives up on mangled ones).
 */
export function compareWithTshark(file: string, jsonLines: readonly string[], tsharkArgs: readonly string[] = [], options: { quoted?: boolean } = {}): string[] {
  const theirs = tsharkFields(file, tsharkArgs);
  const problems: string[] = [];
  if (theirs.length !== jsonLines.length) problems.push(`tshark read ${theirs.length} frames, we printed ${jsonLines.length}`);
  jsonLines.forEach((line, i) => {
    const packet = JSON.parse(line) as { index: number; layers: JsonLayer[] };
    if (packet.index !== i + 1) problems.push(`line ${i + 1}: index ${packet.index}`);
    const t = theirs[i];
    if (t === undefined) return;
    for (const [field, values] of ourFields(packet.layers, options.quoted === true)) {
      const got = t[field]!.slice(0, values.length);
      if (got.join(',') !== values.join(',')) problems.push(`frame ${i + 1} ${field}: ours ${values.join(',')} tshark ${t[field]!.join(',')}`);
    }
  });
  return problems;
}

/** Fields compared, per contract layer, for reports. */
export const COMPARED_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(SPECS).map(([layer, specs]) => [layer, specs.map(([f]) => f)]),
);

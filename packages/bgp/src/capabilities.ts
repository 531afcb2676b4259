import { EncodeError, checkUint, readU16, readU32, writeU16, writeU32 } from '@wirestack/core';
import { CapabilityCode } from './layout.js';
import type { AddPathDirection, AddPathFamily, Capability, GracefulRestartFamily } from './messages.js';

/**
 * Capabilities (RFC 5492) inside the Capabilities optional parameter: a
 * sequence of (code, length, value). A capability whose value does not have
 * the form its RFC defines is kept as 'unknown' with its code rather than
 * rejected: RFC 5492 has a speaker ignore capabilities it does not
 * understand, and the session checks (e.g. AS_TRANS without a 4-octet AS
 * capability) still apply to what remains.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const DIRECTION_BY_VALUE: Readonly<Record<number, AddPathDirection>> = { 1: 'receive', 2: 'send', 3: 'both' };
const DIRECTION_VALUE: Readonly<Record<AddPathDirection, number>> = { receive: 1, send: 2, both: 3 };

/**
 * Decodes the capabilities in bytes[start, end) and appends them to `out`.
 * Returns the offset of the first capability header that overruns the
 * parameter, or -1 when the sequence is well formed.
 */
export function decodeCapabilities(bytes: Uint8Array, start: number, end: number, out: Capability[]): number {
  let o = start;
  while (o < end) {
    if (o + 2 > end) return o;
    const code = bytes[o]!;
    const length = bytes[o + 1]!;
    if (o + 2 + length > end) return o;
    out.push(decodeCapability(code, bytes.subarray(o + 2, o + 2 + length)));
    o += 2 + length;
  }
  return -1;
}

function decodeCapability(code: number, v: Uint8Array): Capability {
  const known = decodeKnown(code, v);
  return known ?? { kind: 'unknown', code, value: v.slice() };
}

function decodeKnown(code: number, v: Uint8Array): Capability | undefined {
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL:
      return v.length === 4 ? { kind: 'multiprotocol', afi: readU16(v, 0), safi: v[3]! } : undefined;
    case CapabilityCode.ROUTE_REFRESH:
      return v.length === 0 ? { kind: 'route-refresh' } : undefined;
    case CapabilityCode.ENHANCED_ROUTE_REFRESH:
      return v.length === 0 ? { kind: 'enhanced-route-refresh' } : undefined;
    case CapabilityCode.EXTENDED_MESSAGE:
      return v.length === 0 ? { kind: 'extended-message' } : undefined;
    case CapabilityCode.FOUR_OCTET_AS:
      return v.length === 4 ? { kind: 'four-octet-as', asn: readU32(v, 0) } : undefined;
    case CapabilityCode.GRACEFUL_RESTART:
      return decodeGracefulRestart(v);
    case CapabilityCode.ADD_PATH:
      return decodeAddPath(v);
    case CapabilityCode.FQDN:
      return decodeFqdn(v);
    default:
      return undefined;
  }
}

function decodeGracefulRestart(v: Uint8Array): Capability | undefined {
  if (v.length < 2 || (v.length - 2) % 4 !== 0) return undefined;
  const word = readU16(v, 0);
  const families: GracefulRestartFamily[] = [];
  for (let o = 2; o < v.length; o += 4) {
    families.push({ afi: readU16(v, o), safi: v[o + 2]!, forwardingPreserved: (v[o + 3]! & 0x80) !== 0 });
  }
  return {
    kind: 'graceful-restart',
    restarted: (word & 0x8000) !== 0,
    notification: (word & 0x4000) !== 0,
    restartTime: word & 0x0fff,
    families,
  };
}

function decodeAddPath(v: Uint8Array): Capability | undefined {
  if (v.length === 0 || v.length % 4 !== 0) return undefined;
  const families: AddPathFamily[] = [];
  for (let o = 0; o < v.length; o += 4) {
    const direction = DIRECTION_BY_VALUE[v[o + 3]!];
    // RFC 7911 §4: any other Send/Receive value makes the capability not understood.
    if (direction === undefined) return undefined;
    families.push({ afi: readU16(v, o), safi: v[o + 2]!, direction });
  }
  return { kind: 'add-path', families };
}

function decodeFqdn(v: Uint8Array): Capability | undefined {
  if (v.length < 1) return undefined;
  const hostLength = v[0]!;
  if (1 + hostLength + 1 > v.length) return undefined;
  const domainLength = v[1 + hostLength]!;
  if (2 + hostLength + domainLength !== v.length) return undefined;
  try {
    return {
      kind: 'fqdn',
      hostname: utf8.decode(v.subarray(1, 1 + hostLength)),
      domain: utf8.decode(v.subarray(2 + hostLength)),
    };
  } catch {
    return undefined; // not UTF-8: keep the bytes as an unknown capability
  }
}

/** The value octets of a capability (without code and length). */
export function capabilityValue(c: Capability, field: string): { code: number; value: Uint8Array } {
  switch (c.kind) {
    case 'multiprotocol': {
      const v = new Uint8Array(4);
      writeU16(v, 0, checkUint(c.afi, 0xffff, `${field}.afi`));
      v[3] = checkUint(c.safi, 0xff, `${field}.safi`);
      return { code: CapabilityCode.MULTIPROTOCOL, value: v };
    }
    case 'route-refresh':
      return { code: CapabilityCode.ROUTE_REFRESH, value: new Uint8Array(0) };
    case 'enhanced-route-refresh':
      return { code: CapabilityCode.ENHANCED_ROUTE_REFRESH, value: new Uint8Array(0) };
    case 'extended-message':
      return { code: CapabilityCode.EXTENDED_MESSAGE, value: new Uint8Array(0) };
    case 'four-octet-as': {
      const v = new Uint8Array(4);
      writeU32(v, 0, checkUint(c.asn, 0xffff_ffff, `${field}.asn`));
      return { code: CapabilityCode.FOUR_OCTET_AS, value: v };
    }
    case 'graceful-restart': {
      const v = new Uint8Array(2 + 4 * c.families.length);
      const time = checkUint(c.restartTime, 0x0fff, `${field}.restartTime`);
      writeU16(v, 0, (c.restarted ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | time);
      c.families.forEach((f, i) => {
        writeU16(v, 2 + 4 * i, checkUint(f.afi, 0xffff, `${field}.families.afi`));
        v[4 + 4 * i] = checkUint(f.safi, 0xff, `${field}.families.safi`);
        v[5 + 4 * i] = f.forwardingPreserved ? 0x80 : 0;
      });
      return { code: CapabilityCode.GRACEFUL_RESTART, value: v };
    }
    case 'add-path': {
      const v = new Uint8Array(4 * c.families.length);
      c.families.forEach((f, i) => {
        writeU16(v, 4 * i, checkUint(f.afi, 0xffff, `${field}.families.afi`));
        v[2 + 4 * i] = checkUint(f.safi, 0xff, `${field}.families.safi`);
        const d = DIRECTION_VALUE[f.direction];
        if (d === undefined) throw new EncodeError('invalid', `${field}.families.direction`);
        v[3 + 4 * i] = d;
      });
      return { code: CapabilityCode.ADD_PATH, value: v };
    }
    case 'fqdn': {
      const host = utf8Encoder.encode(c.hostname);
      const domain = utf8Encoder.encode(c.domain);
      if (host.length > 255) throw new EncodeError('too-long', `${field}.hostname`);
      if (domain.length > 255) throw new EncodeError('too-long', `${field}.domain`);
      const v = new Uint8Array(2 + host.length + domain.length);
      v[0] = host.length;
      v.set(host, 1);
      v[1 + host.length] = domain.length;
      v.set(domain, 2 + host.length);
      return { code: CapabilityCode.FQDN, value: v };
    }
    case 'unknown':
      return { code: checkUint(c.code, 0xff, `${field}.code`), value: c.value };
    default: {
      const kind: unknown = (c as { kind: unknown }).kind;
      throw new EncodeError('invalid', `${field}.kind`, `${field}.kind: unknown capability kind ${String(kind)}`);
    }
  }
}

/** The capabilities as the value of one Capabilities optional parameter. */
export function encodeCapabilities(capabilities: readonly Capability[]): Uint8Array {
  const parts = capabilities.map((c, i) => capabilityValue(c, `capabilities[${i}]`));
  let length = 0;
  parts.forEach((p, i) => {
    if (p.value.length > 255) throw new EncodeError('too-long', `capabilities[${i}]`, `capabilities[${i}]: value of ${p.value.length} octets > 255`);
    length += 2 + p.value.length;
  });
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out[o] = p.code;
    out[o + 1] = p.value.length;
    out.set(p.value, o + 2);
    o += 2 + p.value.length;
  }
  return out;
}

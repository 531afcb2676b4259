import { EncodeError, checkUint, ipv4FromBytes, readU16, writeIpv4, writeU16 } from '@wirestack/core';
import { decodeCapabilities, encodeCapabilities } from './capabilities.js';
import { BgpError, notification } from './errors.js';
import { AS_TRANS, BGP_VERSION, EXTENDED_OPTIONAL_PARAMETERS, HEADER_LENGTH, OPTIONAL_PARAMETER_CAPABILITIES } from './layout.js';
import type { BgpCodecOptions, Capability, OpenMessage, UnknownParameter } from './messages.js';
import { ErrorCode, OpenSubcode } from './notification-codes.js';

/**
 * OPEN (RFC 4271 §4.2) with capabilities (RFC 5492) and the extended
 * optional parameters form (RFC 9072). Offsets below are from the start of
 * the message.
 */
const VERSION = HEADER_LENGTH;
const MY_AS = HEADER_LENGTH + 1;
const HOLD_TIME = HEADER_LENGTH + 3;
const BGP_ID = HEADER_LENGTH + 5;
const OPT_PARM_LEN = HEADER_LENGTH + 9;
const OPT_PARMS = HEADER_LENGTH + 10;

function openError(code: string, offset: number, subcode: number, data?: Uint8Array): BgpError {
  return new BgpError({
    code,
    offset,
    handling: 'session-reset',
    notification: notification(ErrorCode.OPEN_MESSAGE, subcode, data),
  });
}

/**
 * Decodes the OPEN message at `offset` whose header said `length`. Checks
 * what the message alone can tell (RFC 4271 §6.2): version 4 (2/1 with the
 * version we support as data), hold time 0 or ≥ 3 (2/6), a non-zero BGP
 * Identifier (2/3, RFC 6286), and well-formed parameters (2/0). Checks that
 * need the configuration (peer AS, our own identifier) are `checkOpen`'s.
 */
export function decodeOpenBody(bytes: Uint8Array, offset: number, length: number): OpenMessage {
  const end = offset + length;
  const version = bytes[offset + VERSION]!;
  if (version !== BGP_VERSION) {
    const data = new Uint8Array(2);
    writeU16(data, 0, BGP_VERSION);
    throw openError('bad-version', offset + VERSION, OpenSubcode.UNSUPPORTED_VERSION_NUMBER, data);
  }
  const myAs = readU16(bytes, offset + MY_AS);
  const holdTime = readU16(bytes, offset + HOLD_TIME);
  if (holdTime === 1 || holdTime === 2) throw openError('bad-hold-time', offset + HOLD_TIME, OpenSubcode.UNACCEPTABLE_HOLD_TIME);
  const bgpId = ipv4FromBytes(bytes, offset + BGP_ID);
  if (bgpId === 0) throw openError('bad-bgp-identifier', offset + BGP_ID, OpenSubcode.BAD_BGP_IDENTIFIER);

  let paramsStart = offset + OPT_PARMS;
  let paramsLength = bytes[offset + OPT_PARM_LEN]!;
  let wide = false;
  // RFC 9072: Non-Ext OP Type 255 in the first parameter's type position announces the extended form.
  if (paramsLength !== 0 && bytes[paramsStart] === EXTENDED_OPTIONAL_PARAMETERS) {
    if (paramsStart + 3 > end) throw openError('bad-parameters', paramsStart, OpenSubcode.UNSPECIFIC);
    paramsLength = readU16(bytes, paramsStart + 1);
    paramsStart += 3;
    wide = true;
  }
  if (paramsStart + paramsLength !== end) throw openError('bad-parameters', offset + OPT_PARM_LEN, OpenSubcode.UNSPECIFIC);

  const capabilities: Capability[] = [];
  const parameters: UnknownParameter[] = [];
  const headerSize = wide ? 3 : 2;
  for (let o = paramsStart; o < end; ) {
    if (o + headerSize > end) throw openError('bad-parameters', o, OpenSubcode.UNSPECIFIC);
    const type = bytes[o]!;
    const plen = wide ? readU16(bytes, o + 1) : bytes[o + 1]!;
    const vstart = o + headerSize;
    if (vstart + plen > end) throw openError('bad-parameters', o, OpenSubcode.UNSPECIFIC);
    if (type === OPTIONAL_PARAMETER_CAPABILITIES) {
      const bad = decodeCapabilities(bytes, vstart, vstart + plen, capabilities);
      if (bad >= 0) throw openError('bad-capability', bad, OpenSubcode.UNSPECIFIC);
    } else {
      parameters.push({ type, value: bytes.slice(vstart, vstart + plen) });
    }
    o = vstart + plen;
  }
  const open: OpenMessage = { type: 'open', version, myAs, holdTime, bgpId, capabilities };
  return parameters.length > 0 ? { ...open, parameters } : open;
}

/** Octets of the OPEN body after the fixed fields, and the body writer. */
export function encodeOpenBody(open: OpenMessage): { length: number; write(out: Uint8Array, offset: number): void } {
  const version = checkUint(open.version, 0xff, 'version');
  const myAs = checkUint(open.myAs, 0xffff, 'myAs');
  const holdTime = checkUint(open.holdTime, 0xffff, 'holdTime');
  const bgpId = checkUint(open.bgpId, 0xffff_ffff, 'bgpId');
  const params: { type: number; value: Uint8Array }[] = [];
  if (open.capabilities.length > 0) params.push({ type: OPTIONAL_PARAMETER_CAPABILITIES, value: encodeCapabilities(open.capabilities) });
  (open.parameters ?? []).forEach((p, i) => {
    const type = checkUint(p.type, 0xff, `parameters[${i}].type`);
    if (type === EXTENDED_OPTIONAL_PARAMETERS) throw new EncodeError('invalid', `parameters[${i}].type`, 'parameter type 255 is reserved by RFC 9072');
    params.push({ type, value: p.value });
  });
  const narrowLength = params.reduce((n, p) => n + 2 + p.value.length, 0);
  // RFC 9072 §3: the extended form only when the parameters do not fit the classic one.
  const wide = narrowLength > 255 || params.some((p) => p.value.length > 255);
  const paramsLength = wide ? params.reduce((n, p) => n + 3 + p.value.length, 0) : narrowLength;
  if (wide && paramsLength > 0xffff) throw new EncodeError('too-long', 'capabilities');
  const length = 10 + (wide ? 3 : 0) + paramsLength;
  return {
    length,
    write(out, offset) {
      out[offset] = version;
      writeU16(out, offset + 1, myAs);
      writeU16(out, offset + 3, holdTime);
      writeIpv4(out, offset + 5, bgpId as OpenMessage['bgpId']);
      let o = offset + 10;
      if (wide) {
        out[offset + 9] = 255;
        out[o] = EXTENDED_OPTIONAL_PARAMETERS;
        writeU16(out, o + 1, paramsLength);
        o += 3;
      } else {
        out[offset + 9] = paramsLength;
      }
      for (const p of params) {
        out[o] = p.type;
        if (wide) {
          writeU16(out, o + 1, p.value.length);
          o += 3;
        } else {
          out[o + 1] = p.value.length;
          o += 2;
        }
        out.set(p.value, o);
        o += p.value.length;
      }
    },
  };
}

/** The speaker's real AS: the 4-octet AS capability's value when present, else My Autonomous System. */
export function openAsn(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.kind === 'four-octet-as') return c.asn;
  return open.myAs;
}

/** What the local configuration expects of a peer's OPEN. */
export interface OpenExpectations {
  /** The peer's configured AS (4-octet value). */
  readonly peerAs: number;
  /** Our own BGP Identifier: an iBGP peer may not use it (RFC 6286 §2.2). */
  readonly localBgpId?: number;
  /** Our own AS, to know whether the session is internal. */
  readonly localAs?: number;
}

/**
 * The checks of RFC 4271 §6.2 that need the configuration, returning the
 * error to send or undefined: Bad Peer AS (2/2) when the AS (from the
 * 4-octet capability, RFC 6793 §4.1) is not the configured one or AS_TRANS
 * arrives without the capability; Unsupported Optional Parameter (2/4) for
 * a parameter other than Capabilities; Bad BGP Identifier (2/3) for an
 * internal peer using our identifier.
 */
export function checkOpen(open: OpenMessage, expect: OpenExpectations): BgpError | undefined {
  const hasAs4 = open.capabilities.some((c) => c.kind === 'four-octet-as');
  if (open.parameters && open.parameters.length > 0) {
    return openError('unsupported-parameter', OPT_PARMS, OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER);
  }
  const asn = openAsn(open);
  if (asn !== expect.peerAs || (!hasAs4 && open.myAs === AS_TRANS && expect.peerAs !== AS_TRANS)) {
    return openError('bad-peer-as', MY_AS, OpenSubcode.BAD_PEER_AS);
  }
  if (hasAs4 && open.myAs !== AS_TRANS && open.myAs !== asn) {
    return openError('bad-peer-as', MY_AS, OpenSubcode.BAD_PEER_AS);
  }
  if (expect.localBgpId !== undefined && expect.localAs === expect.peerAs && open.bgpId === expect.localBgpId) {
    return openError('bad-bgp-identifier', BGP_ID, OpenSubcode.BAD_BGP_IDENTIFIER);
  }
  return undefined;
}

/** What `buildOpen` needs: the real AS (any 32-bit value) and the rest of the OPEN. */
export interface OpenInit {
  readonly asn: number;
  readonly holdTime: number;
  readonly bgpId: OpenMessage['bgpId'];
  /** Capabilities besides the 4-octet AS one, which is always added. */
  readonly capabilities?: readonly Capability[];
}

/**
 * An OPEN for `asn`: My Autonomous System is the AS, or AS_TRANS when it
 * needs 4 octets, and the 4-octet AS capability carries the real value
 * (RFC 6793 §4.1).
 */
export function buildOpen(init: OpenInit): OpenMessage {
  checkUint(init.asn, 0xffff_ffff, 'asn');
  const others = (init.capabilities ?? []).filter((c) => c.kind !== 'four-octet-as');
  return {
    type: 'open',
    version: BGP_VERSION,
    myAs: init.asn > 0xffff ? AS_TRANS : init.asn,
    holdTime: init.holdTime,
    bgpId: init.bgpId,
    capabilities: [...others, { kind: 'four-octet-as', asn: init.asn }],
  };
}

function has(open: OpenMessage, kind: Capability['kind']): boolean {
  return open.capabilities.some((c) => c.kind === kind);
}

function addPathDirections(open: OpenMessage): { send: boolean; receive: boolean } {
  let send = false;
  let receive = false;
  for (const c of open.capabilities) {
    if (c.kind !== 'add-path') continue;
    for (const f of c.families) {
      if (f.afi !== 1 || f.safi !== 1) continue;
      if (f.direction !== 'receive') send = true;
      if (f.direction !== 'send') receive = true;
    }
  }
  return { send, receive };
}

/**
 * The codec options of a session once both OPENs are known: per direction,
 * since ADD-PATH is negotiated per direction (RFC 7911 §4) while 4-octet
 * AS and extended messages need both sides (RFC 6793, RFC 8654).
 */
export function negotiatedOptions(local: OpenMessage, remote: OpenMessage): { receive: BgpCodecOptions; send: BgpCodecOptions } {
  const fourOctetAs = has(local, 'four-octet-as') && has(remote, 'four-octet-as');
  const extendedMessage = has(local, 'extended-message') && has(remote, 'extended-message');
  const l = addPathDirections(local);
  const r = addPathDirections(remote);
  return {
    receive: { fourOctetAs, extendedMessage, addPath: l.receive && r.send },
    send: { fourOctetAs, extendedMessage, addPath: l.send && r.receive },
  };
}

import { hex } from '@wirestack/core';

/**
 * ICMPv4 message types (IANA "ICMP Type Numbers"). The enumeration is open:
 * any 8-bit type decodes (as kind 'unknown' when it is not one of the kinds
 * below), encodes and round-trips; `icmpTypeName` prints unknown ones as hex.
 */
export const IcmpType = {
  /** RFC 792 */
  echoReply: 0,
  /** RFC 792 */
  destUnreachable: 3,
  /** RFC 792 (deprecated by RFC 6633) */
  sourceQuench: 4,
  /** RFC 792 */
  redirect: 5,
  /** RFC 792 */
  echoRequest: 8,
  /** RFC 1256 (decoded as kind 'unknown') */
  routerAdvertisement: 9,
  /** RFC 1256 (decoded as kind 'unknown') */
  routerSolicitation: 10,
  /** RFC 792 */
  timeExceeded: 11,
  /** RFC 792 */
  parameterProblem: 12,
  /** RFC 792 */
  timestamp: 13,
  /** RFC 792 */
  timestampReply: 14,
  /** RFC 792 (deprecated by RFC 6918) */
  infoRequest: 15,
  /** RFC 792 (deprecated by RFC 6918) */
  infoReply: 16,
  /** RFC 950 (deprecated by RFC 6918) */
  maskRequest: 17,
  /** RFC 950 (deprecated by RFC 6918) */
  maskReply: 18,
} as const;

/** Destination unreachable codes: RFC 792 (0-5), RFC 1122 (6-12), RFC 1812 (13-15). */
export const UnreachableCode = {
  net: 0,
  host: 1,
  protocol: 2,
  port: 3,
  /** Fragmentation needed and DF set; carries the next-hop MTU (RFC 1191). */
  fragmentationNeeded: 4,
  sourceRouteFailed: 5,
  netUnknown: 6,
  hostUnknown: 7,
  sourceHostIsolated: 8,
  netProhibited: 9,
  hostProhibited: 10,
  netUnreachableForTos: 11,
  hostUnreachableForTos: 12,
  communicationProhibited: 13,
  hostPrecedenceViolation: 14,
  precedenceCutoff: 15,
} as const;

export const RedirectCode = {
  net: 0,
  host: 1,
  tosNet: 2,
  tosHost: 3,
} as const;

export const TimeExceededCode = {
  /** TTL exceeded in transit. */
  ttl: 0,
  /** Fragment reassembly time exceeded. */
  reassembly: 1,
} as const;

/** RFC 792 (0), RFC 1108 (1), RFC 1812 (2). */
export const ParameterProblemCode = {
  pointer: 0,
  missingOption: 1,
  badLength: 2,
} as const;

/** The kinds of the `IcmpMessage` union: one per type this package decodes field by field. */
export type IcmpKind =
  | 'echo-request'
  | 'echo-reply'
  | 'dest-unreachable'
  | 'source-quench'
  | 'redirect'
  | 'time-exceeded'
  | 'parameter-problem'
  | 'timestamp'
  | 'timestamp-reply'
  | 'info-request'
  | 'info-reply'
  | 'mask-request'
  | 'mask-reply'
  | 'unknown';

/** Type numbers of the kinds, kind 'unknown' excepted (any other type). */
export const KIND_TYPES = {
  'echo-request': IcmpType.echoRequest,
  'echo-reply': IcmpType.echoReply,
  'dest-unreachable': IcmpType.destUnreachable,
  'source-quench': IcmpType.sourceQuench,
  redirect: IcmpType.redirect,
  'time-exceeded': IcmpType.timeExceeded,
  'parameter-problem': IcmpType.parameterProblem,
  timestamp: IcmpType.timestamp,
  'timestamp-reply': IcmpType.timestampReply,
  'info-request': IcmpType.infoRequest,
  'info-reply': IcmpType.infoReply,
  'mask-request': IcmpType.maskRequest,
  'mask-reply': IcmpType.maskReply,
} as const satisfies Record<Exclude<IcmpKind, 'unknown'>, number>;

const KIND_OF_TYPE: readonly (IcmpKind | undefined)[] = (() => {
  const table: (IcmpKind | undefined)[] = new Array<IcmpKind | undefined>(256).fill(undefined);
  for (const [kind, type] of Object.entries(KIND_TYPES)) table[type] = kind as IcmpKind;
  return table;
})();

/** The kind a type decodes as ('unknown' for router advertisement/solicitation and every unassigned type). */
export function icmpKind(type: number): IcmpKind {
  return KIND_OF_TYPE[type] ?? 'unknown';
}

/**
 * Error messages (RFC 1122 3.2.2): they quote the datagram that caused them,
 * and no ICMP error may be sent about one of them.
 */
export function isIcmpErrorType(type: number): boolean {
  return (
    type === IcmpType.destUnreachable ||
    type === IcmpType.sourceQuench ||
    type === IcmpType.redirect ||
    type === IcmpType.timeExceeded ||
    type === IcmpType.parameterProblem
  );
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [IcmpType.echoReply]: 'echo-reply',
  [IcmpType.destUnreachable]: 'dest-unreachable',
  [IcmpType.sourceQuench]: 'source-quench',
  [IcmpType.redirect]: 'redirect',
  [IcmpType.echoRequest]: 'echo-request',
  [IcmpType.routerAdvertisement]: 'router-advertisement',
  [IcmpType.routerSolicitation]: 'router-solicitation',
  [IcmpType.timeExceeded]: 'time-exceeded',
  [IcmpType.parameterProblem]: 'parameter-problem',
  [IcmpType.timestamp]: 'timestamp',
  [IcmpType.timestampReply]: 'timestamp-reply',
  [IcmpType.infoRequest]: 'info-request',
  [IcmpType.infoReply]: 'info-reply',
  [IcmpType.maskRequest]: 'mask-request',
  [IcmpType.maskReply]: 'mask-reply',
};

/** 'echo-request', 'dest-unreachable', ... or hex such as '0x2a' for an unassigned type. */
export function icmpTypeName(type: number): string {
  return TYPE_NAMES[type] ?? hex(type, 2);
}

const UNREACHABLE_NAMES: readonly string[] = [
  'net-unreachable',
  'host-unreachable',
  'protocol-unreachable',
  'port-unreachable',
  'fragmentation-needed',
  'source-route-failed',
  'net-unknown',
  'host-unknown',
  'source-host-isolated',
  'net-prohibited',
  'host-prohibited',
  'net-unreachable-for-tos',
  'host-unreachable-for-tos',
  'communication-prohibited',
  'host-precedence-violation',
  'precedence-cutoff',
];
const REDIRECT_NAMES: readonly string[] = ['redirect-net', 'redirect-host', 'redirect-tos-net', 'redirect-tos-host'];
const TIME_EXCEEDED_NAMES: readonly string[] = ['ttl-exceeded', 'reassembly-time-exceeded'];
const PARAMETER_PROBLEM_NAMES: readonly string[] = ['pointer', 'missing-option', 'bad-length'];

/**
 * The name of `code` for `type`: 'port-unreachable', 'ttl-exceeded', ...;
 * hex such as '0x10' for codes the type does not define (including every
 * non-zero code of the types that define none).
 */
export function icmpCodeName(type: number, code: number): string {
  let names: readonly string[] | undefined;
  switch (type) {
    case IcmpType.destUnreachable:
      names = UNREACHABLE_NAMES;
      break;
    case IcmpType.redirect:
      names = REDIRECT_NAMES;
      break;
    case IcmpType.timeExceeded:
      names = TIME_EXCEEDED_NAMES;
      break;
    case IcmpType.parameterProblem:
      names = PARAMETER_PROBLEM_NAMES;
      break;
    default:
      names = undefined;
  }
  return names?.[code] ?? hex(code, 2);
}

export { ICMP_HEADER_LENGTH, DEFAULT_MAX_QUOTE } from './layout.js';
export {
  IcmpType,
  UnreachableCode,
  RedirectCode,
  TimeExceededCode,
  ParameterProblemCode,
  type IcmpKind,
  icmpKind,
  isIcmpErrorType,
  icmpTypeName,
  icmpCodeName,
} from './types.js';
export type {
  IcmpMessage,
  IcmpEcho,
  IcmpDestUnreachable,
  IcmpSourceQuench,
  IcmpRedirect,
  IcmpTimeExceeded,
  IcmpParameterProblem,
  IcmpTimestamp,
  IcmpInfo,
  IcmpMask,
  IcmpUnknown,
  QuotedDatagram,
  QuotedIpv4Header,
  QuotedUdp,
  QuotedTcp,
  IcmpInput,
  IcmpErrorInput,
  QuotedInput,
} from './message.js';
export { type IcmpDecodeOptions, MAX_ICMP_LENGTH, decodeIcmp, encodeIcmp, icmpMessageLength } from './codec.js';
export { IcmpView } from './view.js';
export {
  type IcmpEchoInput,
  type EchoRequestInit,
  type ErrorForOptions,
  type IcmpErrorRefusal,
  IcmpErrorRefused,
  echoRequest,
  echoReply,
  errorFor,
  icmpErrorRefusal,
  fragmentationNeeded,
  timeExceeded,
  portUnreachable,
} from './builders.js';
export { formatIcmp } from './format.js';

export {
  HEADER_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  BGP_VERSION,
  AS_TRANS,
  MessageType,
  CapabilityCode,
  AttributeType,
  SegmentType,
  RouteRefreshSubtype,
  AFI_IPV4,
  AFI_IPV6,
  SAFI_UNICAST,
  SAFI_MULTICAST,
  ATTR_OPTIONAL,
  ATTR_TRANSITIVE,
  ATTR_PARTIAL,
  ATTR_EXTENDED_LENGTH,
} from './layout.js';
export {
  ErrorCode,
  MessageHeaderSubcode,
  OpenSubcode,
  UpdateSubcode,
  FsmSubcode,
  CeaseSubcode,
  RouteRefreshErrorSubcode,
  errorCodeName,
  errorSubcodeName,
} from './notification-codes.js';
export {
  type BgpErrorHandling,
  type BgpErrorInit,
  type NotificationData,
  BgpError,
  isBgpError,
  worseHandling,
} from './errors.js';
export type {
  BgpPrefix,
  BgpCodecOptions,
  BgpMessage,
  OpenMessage,
  UpdateMessage,
  NotificationMessage,
  KeepaliveMessage,
  RouteRefreshMessage,
  Capability,
  MultiprotocolCapability,
  RouteRefreshCapability,
  EnhancedRouteRefreshCapability,
  ExtendedMessageCapability,
  FourOctetAsCapability,
  GracefulRestartCapability,
  GracefulRestartFamily,
  AddPathCapability,
  AddPathFamily,
  AddPathDirection,
  FqdnCapability,
  UnknownCapability,
  UnknownParameter,
  PathAttributes,
  Origin,
  AsPathSegment,
  AsPathSegmentType,
  Aggregator,
  ExtendedCommunity,
  LargeCommunity,
  MpReach,
  MpUnreach,
  Ipv4UnicastMpReach,
  Ipv4UnicastMpUnreach,
  OtherMpReach,
  OtherMpUnreach,
  UnknownAttribute,
} from './messages.js';
export { type DecodedMessage, decodeMessage, encodeMessage, encodedLength } from './codec.js';
export { BgpFramer } from './framer.js';
export { type OpenInit, type OpenExpectations, buildOpen, openAsn, checkOpen, negotiatedOptions } from './open.js';
export { isEndOfRib, withdrawnPrefixes, announcedPrefixes } from './update.js';
export { attributesForPropagation, isKnownAttributeType } from './attributes.js';
export { asPathLength, firstAs, mergeAs4, splitAs4 } from './as-path.js';
export {
  WellKnownCommunity,
  formatCommunity,
  parseCommunity,
  formatLargeCommunity,
  parseLargeCommunity,
  formatExtendedCommunity,
} from './communities.js';
export { MAX_SHUTDOWN_COMMUNICATION, ceaseNotification, shutdownCommunication, formatNotification } from './notification.js';
export {
  type BgpState,
  type FsmEvent,
  type FsmEventType,
  type FsmAction,
  type FsmConfig,
  type FsmState,
  type FsmStep,
  type FsmTimers,
  type NegotiatedSession,
  OPEN_SENT_HOLD_TIME,
  initialFsmState,
  stepFsm,
  nextFsmDeadline,
  expiredFsmTimer,
  collisionWinner,
  eventForMessage,
  eventForError,
} from './fsm.js';
export {
  type RouteSource,
  type Candidate,
  type DecisionOptions,
  type DecisionStep,
  type DecisionStepName,
  type Decision,
  DECISION_STEPS,
  decide,
} from './decision.js';
export { type Policy, type PolicyFunction, type PolicyRoute, effectivePolicy, applyPolicy } from './policy.js';
export {
  type PolicySpec,
  type PolicyRuleSpec,
  type PolicyRuleAction,
  type PolicyMatchSpec,
  type PolicySetSpec,
  type CommunityEditSpec,
  type PrefixListEntrySpec,
  PolicySpecError,
  isPolicySpecError,
  checkPolicySpec,
} from './policy-spec.js';
export { type CompilePolicyOptions, compilePolicy } from './declarative-policy.js';
export { type PrefixListEntry, PrefixList, parsePrefixListEntry } from './prefix-list.js';
export { asPathText, compileAsPathRegex } from './as-path-regex.js';
export { type AnnouncementGroup, packAnnouncements, packWithdrawals } from './packer.js';
export { AttributeStore } from './attribute-store.js';
export { RouteTable } from './rib.js';
export { prefixKey, prefixOfKey } from './nlri.js';
export { PrefixTable } from './prefix-table.js';
export { PrefixSlots, SlotTable } from './prefix-slots.js';
export { NextHopResolver, type RibInstallOptions } from './install.js';
export {
  type PeerConfig,
  type EngineConfig,
  type EngineAction,
  type EngineEvent,
  type Route,
  type BestRoute,
  type PeerCounters,
  type PolicyChange,
  BgpEngine,
} from './engine.js';
export type { RouteQuery, PrefixMatch } from './route-query.js';
export * from './mrt/index.js';

import { ceaseNotification } from './notification.js';
import type { BgpCodecOptions, BgpMessage, Capability, NotificationMessage, OpenMessage } from './messages.js';
import type { NotificationData } from './errors.js';
import { CeaseSubcode, ErrorCode, FsmSubcode, OpenSubcode } from './notification-codes.js';
import { buildOpen, checkOpen, negotiatedOptions } from './open.js';
import type { Ipv4Address } from '@wirestack/core';

/**
 * The BGP finite state machine of RFC 4271 §8 as a pure step function:
 * `stepFsm(config, state, event, now)` returns the next state and the
 * actions to perform (connect, disconnect, send a message). It reads no
 * clock and sets no timer: timers are deadlines in the state
 * (`nextFsmDeadline`), and the driver turns an expired one into its event
 * (`expiredFsmTimer`). Times are milliseconds; configured durations are
 * seconds, as the RFC gives them.
 *
 * Implemented: events 1–11, 13–19 and 21–28: the mandatory ones, passive
 * peers (4, 5), AutomaticStart/Stop (3, 8) and damping (6, 7, 13: the
 * IdleHoldTimer with exponential back-off). Not implemented: DelayOpen
 * (events 12 and 20). Connection collisions (§6.8) need two connections,
 * so they are resolved outside (`collisionWinner`; the loser gets
 * OpenCollisionDump); a second connection is ignored by this FSM.
 */

export type BgpState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** The events of RFC 4271 §8.1 under their RFC names, with the data they carry. */
export type FsmEvent =
  | { readonly type: 'ManualStart' }
  | { readonly type: 'ManualStop'; readonly subcode?: number; readonly communication?: string }
  | { readonly type: 'AutomaticStart' }
  | { readonly type: 'ManualStart_with_PassiveTcpEstablishment' }
  | { readonly type: 'AutomaticStart_with_PassiveTcpEstablishment' }
  | { readonly type: 'AutomaticStart_with_DampPeerOscillations' }
  | { readonly type: 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment' }
  | {
      readonly type: 'AutomaticStop';
      readonly subcode?: number;
      readonly data?: Uint8Array;
      /**
       * When the session restarts by itself: after this many seconds instead
       * of the damped IdleHoldTime (without touching the back-off), or
       * 'never' (it stays Idle until a ManualStart). Default: the damped
       * IdleHoldTime, as after any failure.
       */
      readonly restartAfter?: number | 'never';
    }
  | { readonly type: 'ConnectRetryTimer_Expires' }
  | { readonly type: 'HoldTimer_Expires' }
  | { readonly type: 'KeepaliveTimer_Expires' }
  | { readonly type: 'IdleHoldTimer_Expires' }
  | { readonly type: 'TcpConnection_Valid' }
  | { readonly type: 'Tcp_CR_Invalid' }
  | { readonly type: 'Tcp_CR_Acked' }
  | { readonly type: 'TcpConnectionConfirmed' }
  | { readonly type: 'TcpConnectionFails' }
  | { readonly type: 'BGPOpen'; readonly open: OpenMessage }
  | { readonly type: 'BGPHeaderErr'; readonly notification: NotificationData }
  | { readonly type: 'BGPOpenMsgErr'; readonly notification: NotificationData }
  | { readonly type: 'OpenCollisionDump' }
  | { readonly type: 'NotifMsgVerErr'; readonly notification: NotificationData }
  | { readonly type: 'NotifMsg'; readonly notification: NotificationData }
  | { readonly type: 'KeepAliveMsg' }
  | { readonly type: 'UpdateMsg' }
  | { readonly type: 'UpdateMsgErr'; readonly notification: NotificationData };

export type FsmEventType = FsmEvent['type'];

export type FsmAction =
  /** Initiate a TCP connection to the peer. */
  | { readonly type: 'connect' }
  /** Drop the TCP connection (after sending what precedes this action). */
  | { readonly type: 'disconnect' }
  | { readonly type: 'send'; readonly message: BgpMessage }
  /** The state changed; leaving Established means the peer's routes are gone. */
  | { readonly type: 'state'; readonly from: BgpState; readonly to: BgpState };

export interface FsmConfig {
  readonly localAs: number;
  readonly bgpId: Ipv4Address;
  readonly peerAs: number;
  /** Hold time we offer, seconds: 0 or ≥ 3 (default 90). */
  readonly holdTime?: number;
  /** Seconds (default 120, RFC 4271 §10). */
  readonly connectRetryTime?: number;
  /** Initial IdleHoldTime after an error, seconds (default 5); doubles per flap up to `maxIdleHoldTime`. */
  readonly idleHoldTime?: number;
  /** Seconds (default 120). */
  readonly maxIdleHoldTime?: number;
  /** A session Established at least this long resets the back-off (seconds, default 60). */
  readonly stableTime?: number;
  /** Restart on its own (after IdleHoldTime) when a session fails (default true). */
  readonly autoRestart?: boolean;
  /** Only accept connections; never connect (default false). */
  readonly passive?: boolean;
  /** Capabilities of our OPEN besides 4-octet AS (which is always sent). */
  readonly capabilities?: readonly Capability[];
  /** Uniform random numbers in [0, 1) for timer jitter (RFC 4271 §10). */
  readonly random: () => number;
}

/** What a session agreed on, once both OPENs are known. */
export interface NegotiatedSession {
  readonly localOpen: OpenMessage;
  readonly remoteOpen: OpenMessage;
  /** Seconds; 0 means no hold and no keepalive timer. */
  readonly holdTime: number;
  /** Seconds between our KEEPALIVEs (before jitter). */
  readonly keepaliveTime: number;
  readonly receive: BgpCodecOptions;
  readonly send: BgpCodecOptions;
}

export interface FsmTimers {
  readonly connectRetry?: number;
  readonly hold?: number;
  readonly keepalive?: number;
  readonly idleHold?: number;
}

export interface FsmState {
  readonly state: BgpState;
  readonly connectRetryCounter: number;
  /** Absolute deadlines in ms; absent timers are stopped. */
  readonly timers: FsmTimers;
  /** The current IdleHoldTime in seconds (the back-off). */
  readonly idleHoldTime: number;
  readonly establishedAt?: number;
  readonly session?: NegotiatedSession;
}

export interface FsmStep {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}

/** RFC 4271 §8.2.2: the "large value" the HoldTimer gets in OpenSent; 4 minutes is suggested. */
export const OPEN_SENT_HOLD_TIME = 240;

const defaults = (c: FsmConfig) => ({
  holdTime: c.holdTime ?? 90,
  connectRetryTime: c.connectRetryTime ?? 120,
  idleHoldTime: c.idleHoldTime ?? 5,
  maxIdleHoldTime: c.maxIdleHoldTime ?? 120,
  stableTime: c.stableTime ?? 60,
  autoRestart: c.autoRestart ?? true,
});

export function initialFsmState(config: FsmConfig): FsmState {
  return { state: 'Idle', connectRetryCounter: 0, timers: {}, idleHoldTime: defaults(config).idleHoldTime };
}

/** The earliest running timer's deadline, or undefined when none runs. */
export function nextFsmDeadline(s: FsmState): number | undefined {
  let next: number | undefined;
  for (const t of [s.timers.connectRetry, s.timers.hold, s.timers.keepalive, s.timers.idleHold]) {
    if (t !== undefined && (next === undefined || t < next)) next = t;
  }
  return next;
}

/** The event of the earliest timer that has expired by `now` (hold first on ties), or undefined. */
export function expiredFsmTimer(s: FsmState, now: number): FsmEvent | undefined {
  const candidates: [number | undefined, FsmEvent][] = [
    [s.timers.hold, { type: 'HoldTimer_Expires' }],
    [s.timers.keepalive, { type: 'KeepaliveTimer_Expires' }],
    [s.timers.connectRetry, { type: 'ConnectRetryTimer_Expires' }],
    [s.timers.idleHold, { type: 'IdleHoldTimer_Expires' }],
  ];
  let best: [number, FsmEvent] | undefined;
  for (const [at, event] of candidates) if (at !== undefined && at <= now && (best === undefined || at < best[0])) best = [at, event];
  return best?.[1];
}

/** RFC 4271 §10: jitter multiplies a timer by a random factor in [0.75, 1]; deadlines are whole milliseconds. */
function jittered(seconds: number, random: () => number): number {
  return Math.round(seconds * 1000 * (0.75 + 0.25 * random()));
}

/** RFC 6608: the FSM Error subcode for an unexpected event in each state. */
const FSM_SUBCODE: Partial<Record<BgpState, number>> = {
  OpenSent: FsmSubcode.UNEXPECTED_MESSAGE_IN_OPENSENT,
  OpenConfirm: FsmSubcode.UNEXPECTED_MESSAGE_IN_OPENCONFIRM,
  Established: FsmSubcode.UNEXPECTED_MESSAGE_IN_ESTABLISHED,
};

function notificationMessage(n: NotificationData): NotificationMessage {
  return { type: 'notification', code: n.code, subcode: n.subcode, data: n.data };
}

/**
 * One step of the FSM. Events a state does not handle fall into the RFC's
 * "any other event" row of that state (usually: FSM Error NOTIFICATION
 * where a session exists, connection dropped, Idle).
 */
export function stepFsm(config: FsmConfig, s: FsmState, event: FsmEvent, now: number): FsmStep {
  const d = defaults(config);
  const actions: FsmAction[] = [];
  let next: FsmState = s;
  const to = (state: BgpState, patch: Partial<FsmState> = {}): void => {
    next = { ...next, ...patch, state };
  };
  const timers = (patch: FsmTimers): void => {
    next = { ...next, timers: { ...next.timers, ...patch } };
  };
  const stopTimer = (name: keyof FsmTimers): void => {
    const { [name]: _stopped, ...rest } = next.timers;
    next = { ...next, timers: rest };
  };
  const startConnectRetry = (): void => timers({ connectRetry: now + jittered(d.connectRetryTime, config.random) });
  const send = (message: BgpMessage): void => {
    actions.push({ type: 'send', message });
  };
  const localOpen = (): OpenMessage =>
    buildOpen({ asn: config.localAs, holdTime: d.holdTime, bgpId: config.bgpId, ...(config.capabilities ? { capabilities: config.capabilities } : {}) });

  /**
   * The common exit to Idle (RFC 4271 §8.2.2): stop the timers, release
   * the session, drop the connection, and count the failure. With
   * `damp`, an automatic restart is scheduled after IdleHoldTime, which
   * doubles per flap and resets after a stable session.
   */
  const toIdle = (opts: { counter: 'increment' | 'reset' | 'keep'; damp: boolean; disconnect: boolean; restartAfter?: number | 'never' | undefined }): void => {
    if (opts.disconnect) actions.push({ type: 'disconnect' });
    let idleHoldTime = next.idleHoldTime;
    if (next.establishedAt !== undefined && now - next.establishedAt >= d.stableTime * 1000) idleHoldTime = d.idleHoldTime;
    const counter = opts.counter === 'increment' ? next.connectRetryCounter + 1 : opts.counter === 'reset' ? 0 : next.connectRetryCounter;
    const restart = opts.damp && d.autoRestart;
    if (restart && opts.restartAfter !== undefined) {
      // a restart interval of its own (max-prefix): the back-off is neither used nor doubled
      const after = opts.restartAfter;
      next = { state: 'Idle', connectRetryCounter: counter, timers: after === 'never' ? {} : { idleHold: now + after * 1000 }, idleHoldTime };
      return;
    }
    next = {
      state: 'Idle',
      connectRetryCounter: counter,
      timers: restart ? { idleHold: now + idleHoldTime * 1000 } : {},
      idleHoldTime: restart ? Math.min(idleHoldTime * 2, d.maxIdleHoldTime) : opts.counter === 'reset' ? d.idleHoldTime : idleHoldTime,
    };
  };
  const failure = (notification?: NotificationData): void => {
    if (notification) send(notificationMessage(notification));
    toIdle({ counter: 'increment', damp: true, disconnect: true });
  };
  const cease = (subcode: number, communication?: string): NotificationMessage =>
    communication !== undefined && (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET)
      ? ceaseNotification(subcode, communication)
      : ceaseNotification(subcode);
  /** ManualStop / AutomaticStop once an OPEN has gone out: a Cease first, then Idle (§8.2.2). */
  const stopWithCease = (event: Extract<FsmEvent, { type: 'ManualStop' | 'AutomaticStop' }>): void => {
    if (event.type === 'ManualStop') {
      send(cease(event.subcode ?? CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, event.communication));
      toIdle({ counter: 'reset', damp: false, disconnect: true });
    } else {
      send({ type: 'notification', code: ErrorCode.CEASE, subcode: event.subcode ?? 0, data: event.data ?? new Uint8Array(0) });
      toIdle({ counter: 'increment', damp: true, disconnect: true, restartAfter: event.restartAfter });
    }
  };
  const fsmError = (): void => failure({ code: ErrorCode.FSM, subcode: FSM_SUBCODE[s.state] ?? 0, data: new Uint8Array(0) });

  const start = (passive: boolean): void => {
    next = { ...next, connectRetryCounter: 0 };
    stopTimer('idleHold');
    startConnectRetry();
    if (passive) to('Active');
    else {
      actions.push({ type: 'connect' });
      to('Connect');
    }
  };
  const connected = (): void => {
    stopTimer('connectRetry');
    const open = localOpen();
    send(open);
    timers({ hold: now + OPEN_SENT_HOLD_TIME * 1000 });
    const { session: _previous, ...rest } = next;
    next = { ...rest, state: 'OpenSent' };
  };

  if (ignoredEvent(s.state, event.type)) return { state: s, actions };
  switch (s.state) {
    case 'Idle':
      switch (event.type) {
        case 'ManualStart':
        case 'AutomaticStart':
        case 'AutomaticStart_with_DampPeerOscillations':
          start(config.passive === true);
          break;
        case 'ManualStart_with_PassiveTcpEstablishment':
        case 'AutomaticStart_with_PassiveTcpEstablishment':
        case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
          start(true);
          break;
        case 'IdleHoldTimer_Expires':
          start(config.passive === true);
          break;
        case 'ManualStop':
          // already stopped: also cancel a pending automatic restart
          toIdle({ counter: 'reset', damp: false, disconnect: false });
          break;
        default:
          break; // RFC 4271 §8.2.2: other events are ignored in Idle
      }
      break;

    case 'Connect':
    case 'Active':
      switch (event.type) {
        case 'ManualStop':
          toIdle({ counter: 'reset', damp: false, disconnect: true });
          break;
        case 'ConnectRetryTimer_Expires':
          if (s.state === 'Connect') actions.push({ type: 'disconnect' });
          startConnectRetry();
          if (config.passive === true && s.state === 'Active') break; // a passive peer keeps listening
          actions.push({ type: 'connect' });
          to('Connect');
          break;
        case 'TcpConnection_Valid':
        case 'Tcp_CR_Invalid':
          break; // accepting or refusing a connection is the transport's business
        case 'Tcp_CR_Acked':
        case 'TcpConnectionConfirmed':
          connected();
          break;
        case 'TcpConnectionFails':
          toIdle({ counter: s.state === 'Connect' ? 'keep' : 'increment', damp: true, disconnect: true });
          break;
        case 'NotifMsgVerErr':
          toIdle({ counter: 'keep', damp: true, disconnect: true });
          break;
        case 'AutomaticStop':
          toIdle({ counter: 'increment', damp: true, disconnect: true, restartAfter: event.restartAfter });
          break;
        default:
          // header/OPEN errors and every other event (RFC 4271 §8.2.2, Connect and Active)
          toIdle({ counter: 'increment', damp: true, disconnect: true });
          break;
      }
      break;

    case 'OpenSent':
      switch (event.type) {
        case 'ManualStop':
        case 'AutomaticStop':
          stopWithCease(event);
          break;
        case 'HoldTimer_Expires':
          failure({ code: ErrorCode.HOLD_TIMER_EXPIRED, subcode: 0, data: new Uint8Array(0) });
          break;
        case 'TcpConnectionFails':
          actions.push({ type: 'disconnect' });
          stopTimer('hold');
          startConnectRetry();
          to('Active');
          break;
        case 'BGPOpen':
          acceptOpen(event.open);
          break;
        case 'BGPHeaderErr':
        case 'BGPOpenMsgErr':
          failure(event.notification);
          break;
        case 'OpenCollisionDump':
          failure(cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION));
          break;
        case 'NotifMsgVerErr':
          toIdle({ counter: 'keep', damp: true, disconnect: true });
          break;
        default:
          fsmError();
          break;
      }
      break;

    case 'OpenConfirm':
    case 'Established':
      switch (event.type) {
        case 'ManualStop':
        case 'AutomaticStop':
          stopWithCease(event);
          break;
        case 'HoldTimer_Expires':
          failure({ code: ErrorCode.HOLD_TIMER_EXPIRED, subcode: 0, data: new Uint8Array(0) });
          break;
        case 'KeepaliveTimer_Expires':
          send({ type: 'keepalive' });
          restartKeepalive();
          break;
        case 'TcpConnectionFails':
        case 'NotifMsg':
        case 'NotifMsgVerErr':
          toIdle({ counter: event.type === 'NotifMsgVerErr' && s.state === 'OpenConfirm' ? 'keep' : 'increment', damp: true, disconnect: true });
          break;
        case 'BGPHeaderErr':
        case 'BGPOpenMsgErr':
        case 'UpdateMsgErr':
          if (event.type === 'UpdateMsgErr' && s.state === 'OpenConfirm') fsmError();
          else failure(event.notification);
          break;
        case 'OpenCollisionDump':
          failure(cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION));
          break;
        case 'KeepAliveMsg':
          restartHold();
          if (s.state === 'OpenConfirm') to('Established', { establishedAt: now });
          break;
        case 'UpdateMsg':
          if (s.state === 'OpenConfirm') fsmError();
          else restartHold();
          break;
        default:
          fsmError();
          break;
      }
      break;
  }

  function restartHold(): void {
    const hold = next.session?.holdTime ?? 0;
    if (hold > 0) timers({ hold: now + hold * 1000 });
  }
  function restartKeepalive(): void {
    const keepalive = next.session?.keepaliveTime ?? 0;
    if (keepalive > 0) timers({ keepalive: now + jittered(keepalive, config.random) });
  }
  function acceptOpen(remote: OpenMessage): void {
    const local = localOpen();
    const error = checkOpen(remote, { peerAs: config.peerAs, localAs: config.localAs, localBgpId: config.bgpId });
    if (error) {
      failure(error.notification);
      return;
    }
    // RFC 4271 §4.2: the smaller of both; 1 and 2 were rejected by the decoder
    const holdTime = Math.min(local.holdTime, remote.holdTime);
    if (holdTime === 1 || holdTime === 2) {
      failure({ code: ErrorCode.OPEN_MESSAGE, subcode: OpenSubcode.UNACCEPTABLE_HOLD_TIME, data: new Uint8Array(0) });
      return;
    }
    const keepaliveTime = Math.floor(holdTime / 3);
    const { receive, send: sendOptions } = negotiatedOptions(local, remote);
    stopTimer('connectRetry');
    stopTimer('hold');
    stopTimer('keepalive');
    send({ type: 'keepalive' });
    to('OpenConfirm', { session: { localOpen: local, remoteOpen: remote, holdTime, keepaliveTime, receive, send: sendOptions } });
    restartHold();
    restartKeepalive();
  }

  if (next.state !== s.state) actions.push({ type: 'state', from: s.state, to: next.state });
  return { state: next, actions };
}

/** Start events: a session that has left Idle has already started (RFC 4271 §8.2.2). */
const START_EVENTS: ReadonlySet<FsmEvent['type']> = new Set([
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_DampPeerOscillations',
  'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment',
]);
/**
 * Another connection's events: once an OPEN has gone out, a second
 * connection is the collision logic's (§6.8), outside this connection's FSM.
 */
const OTHER_CONNECTION_EVENTS: ReadonlySet<FsmEvent['type']> = new Set(['TcpConnection_Valid', 'Tcp_CR_Acked', 'TcpConnectionConfirmed', 'Tcp_CR_Invalid']);

/** The events a state ignores: no action, no state change. */
function ignoredEvent(state: BgpState, type: FsmEvent['type']): boolean {
  if (state === 'Idle') return false;
  if (START_EVENTS.has(type)) return true;
  return state !== 'Connect' && state !== 'Active' && OTHER_CONNECTION_EVENTS.has(type);
}

/**
 * Connection collision resolution (RFC 4271 §6.8): of two connections to
 * the same peer, the one initiated by the speaker with the higher BGP
 * Identifier (compared as unsigned 32-bit numbers) survives; the other gets
 * OpenCollisionDump (Cease 6/7). Returns which connection to keep.
 */
export function collisionWinner(localBgpId: number, remoteBgpId: number): 'locally-initiated' | 'remotely-initiated' {
  return localBgpId >>> 0 > remoteBgpId >>> 0 ? 'locally-initiated' : 'remotely-initiated';
}

/** The FSM event a received (successfully decoded) message is. */
export function eventForMessage(message: BgpMessage): FsmEvent | undefined {
  switch (message.type) {
    case 'open':
      return { type: 'BGPOpen', open: message };
    case 'keepalive':
      return { type: 'KeepAliveMsg' };
    case 'update':
      return { type: 'UpdateMsg' };
    case 'notification': {
      const n = { code: message.code, subcode: message.subcode, data: message.data };
      // RFC 4271 §8.1.5 event 24: a NOTIFICATION with a version error
      return message.code === ErrorCode.OPEN_MESSAGE && message.subcode === OpenSubcode.UNSUPPORTED_VERSION_NUMBER
        ? { type: 'NotifMsgVerErr', notification: n }
        : { type: 'NotifMsg', notification: n };
    }
    case 'route-refresh':
      return undefined; // not an FSM event: the speaker answers it in Established
  }
}

/** The FSM event a decoding error is: header (1), OPEN (2) or UPDATE and the rest. */
export function eventForError(notification: NotificationData): FsmEvent {
  if (notification.code === ErrorCode.MESSAGE_HEADER) return { type: 'BGPHeaderErr', notification };
  if (notification.code === ErrorCode.OPEN_MESSAGE) return { type: 'BGPOpenMsgErr', notification };
  return { type: 'UpdateMsgErr', notification };
}

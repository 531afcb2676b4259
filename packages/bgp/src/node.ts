/**
 * `@wirestack/bgp/node`: the speaker bound to node:net sockets and timers,
 * and MRT files read and written with node:fs (gzip/bz2 aware).
 * The main entry stays free of Node APIs.
 */
export { BgpSpeaker, type SpeakerOptions, type SpeakerPeerOptions, type SpeakerEvent, type SpeakerRouteQuery } from './transport/speaker.js';
export * from './mrt/node.js';

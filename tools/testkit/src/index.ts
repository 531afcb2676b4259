export { inCi, isRoot, missingPrerequisite } from './prerequisites.js';
export { pcapBytes, writePcap, readPcap } from './pcap.js';
export { NO_ETHERNET_HEURISTICS, tsharkFields } from './tshark.js';
export { decodeErrorOf } from './decode-error.js';

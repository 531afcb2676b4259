/**
 * The wirestack side of the BGP rig benchmark (bgp-rig.bench.mjs runs it
 * as a child process, so its CPU time and RSS are its own, as a daemon's
 * are): one BgpSpeaker from the built @wirestack/bgp, JSON lines on
 * stdout.
 *
 *   receive: connects to the rig's feeder and reports when the Loc-RIB
 *            holds `count` routes;
 *   send:    loads the rig's table file (BIRD static routes), listens,
 *            and pushes it to the BIRD peer that connects.
 *
 * Arguments: MODE PORT COUNT [TABLE_FILE], addresses in the environment
 * (SPEAKER_ADDR, FEED_ADDR/FEED_AS, BIRD_ADDR/BIRD_AS; WIRESTACK_BENCH_RIG_BGP
 * optionally the path of another build's dist/node.js).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';

// as `wirestack bgp` runs (packages/cli/src/main.ts says why)
setFlagsFromString('--no-allocation-site-pretenuring');

// WIRESTACK_BENCH_RIG_BGP: another build's node entry (e.g. a copy of an earlier dist) to compare
// against in alternating runs; default the workspace's built package
const { BgpSpeaker } = await import(process.env.WIRESTACK_BENCH_RIG_BGP ?? '@wirestack/bgp/node');

const [mode, portText, countText, tableFile] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** `route P blackhole { bgp_origin = ...; bgp_next_hop = A; bgp_path.prepend(N); ... bgp_community.add((A,B)); };` */
function parseRoute(line) {
  const prefix = /^route (\S+) /.exec(line)?.[1];
  if (!prefix) return undefined;
  const origin = /bgp_origin = ORIGIN_(\w+)/.exec(line)?.[1]?.toLowerCase() ?? 'igp';
  const nextHop = /bgp_next_hop = ([\d.]+)/.exec(line)?.[1];
  // BIRD prepends in order, so the last prepend is the first AS of the path
  const asns = [...line.matchAll(/bgp_path\.prepend\((\d+)\)/g)].map((m) => Number(m[1])).reverse();
  const communities = [...line.matchAll(/bgp_community\.add\(\((\d+),(\d+)\)\)/g)].map((m) => ((Number(m[1]) << 16) | Number(m[2])) >>> 0);
  const large = [...line.matchAll(/bgp_large_community\.add\(\((\d+),\s*(\d+),\s*(\d+)\)\)/g)].map((m) => ({ global: Number(m[1]), local1: Number(m[2]), local2: Number(m[3]) }));
  const attributes = { origin, asPath: asns.length ? [{ type: 'sequence', asns }] : [] };
  if (nextHop) attributes.nextHop = nextHop.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  if (communities.length) attributes.communities = communities;
  if (large.length) attributes.largeCommunities = large;
  return { prefix, attributes };
}

const speakerAddr = env('SPEAKER_ADDR');
let speaker;
if (mode === 'receive') {
  speaker = new BgpSpeaker({
    asn: Number(env('SPEAKER_AS')),
    routerId: speakerAddr,
    listen: false,
    localAddress: speakerAddr,
    routeEvents: false, // as `wirestack bgp` runs it: counts, not a million events
    peers: [{ address: env('FEED_ADDR'), port, asn: Number(env('FEED_AS')), import: 'accept', export: 'reject' }],
  });
} else if (mode === 'send') {
  speaker = new BgpSpeaker({
    asn: Number(env('SPEAKER_AS')),
    routerId: speakerAddr,
    nextHop: '192.0.2.1',
    routeEvents: false,
    listen: { address: speakerAddr, port },
    peers: [{ address: env('BIRD_ADDR'), port, asn: Number(env('BIRD_AS')), passive: true, import: 'reject', export: 'accept' }],
  });
  const t0 = performance.now();
  let loaded = 0;
  for await (const line of createInterface({ input: createReadStream(tableFile) })) {
    const route = parseRoute(line);
    if (!route) continue;
    speaker.announce(route.prefix, route.attributes);
    loaded++;
  }
  say({ event: 'loaded', routes: loaded, seconds: (performance.now() - t0) / 1000, locRib: speaker.engine.locRibSize, rss: process.memoryUsage().rss });
} else throw new Error(`mode ${mode}: receive | send`);

speaker.on((e) => {
  if (e.type === 'state' && e.to === 'Established') say({ event: 'established', t: Date.now() });
  if (e.type === 'notification') say({ event: 'notification', direction: e.direction, code: e.code, subcode: e.subcode });
});
await speaker.start();
say({ event: 'ready', pid: process.pid });

if (mode === 'receive') {
  const timer = setInterval(() => {
    if (speaker.engine.locRibSize < count) return;
    clearInterval(timer);
    say({ event: 'done', t: Date.now(), routes: speaker.engine.locRibSize, sets: speaker.engine.attributeSets });
    // where the memory is, once the work is done (the parent reads RSS 3 s later, as bench.sh does)
    setTimeout(() => say({ event: 'memory', ...process.memoryUsage() }), 2500);
  }, 5);
}
// the parent ends this process with SIGTERM
process.on('SIGTERM', () => {
  speaker.stop().finally(() => process.exit(0));
});

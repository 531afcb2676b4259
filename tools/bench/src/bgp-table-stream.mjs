/**
 * The full-table stream the in-process BGP benchmarks feed an engine
 * (`tableStream`), generated in a worker thread (`tableStreamFromWorker`)
 * so that generating it leaves nothing in the heap or the RSS of the
 * process that measures: the worker's heap goes with it, and the stream
 * comes back as a transferred buffer.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { encodeMessage } from '@wirestack/bgp';
import { seededRandom } from '@wirestack/netsim';

const OPTIONS = { fourOctetAs: true };

/**
 * A random attribute set shaped like the rig's table (gen_table.py): AS
 * paths of 3–7 ASNs, some 4-octet, a third with communities, a few large
 * communities; `i` numbers it (next hops and large communities vary by it).
 */
export function randomAttributes(random, i) {
  const pathLength = 2 + Math.floor(random() * 5);
  const asns = [65001];
  for (let k = 0; k < pathLength; k++) asns.push(random() < 0.3 ? 4200000000 + Math.floor(random() * 1e6) : 1 + Math.floor(random() * 64000));
  const attributes = { origin: random() < 0.9 ? 'igp' : 'incomplete', asPath: [{ type: 'sequence', asns }], nextHop: 0xc0000201 + (i % 8) };
  if (random() < 0.33) attributes.communities = [((asns[1] & 0xffff) << 16) + 100, 0xffffff01].map((c) => c >>> 0);
  if (random() < 0.02) attributes.largeCommunities = [{ global: 65001, local1: i, local2: 1 }];
  return attributes;
}

/**
 * A full table as the rig's BIRD feeder sends it to a reader that keeps
 * up (wirestack and BIRD alike, recorded on loopback: 941,341 UPDATEs for
 * 1,000,000 prefixes and 282,790 attribute sets, 63 MB). BIRD sends a set
 * as soon as a route of it is ready, so 96% of UPDATEs carry one prefix
 * and two thirds repeat the octets of a set sent earlier, far apart (a
 * median of 79,000 UPDATEs); a reader slower than BIRD gets half as many
 * UPDATEs, packed by set. So: about 280,000 sets of a long-tailed number
 * of prefixes (43% one, mean 3.5), one UPDATE per prefix (one in 25 with
 * two), in random order, and End-of-RIB: the UPDATEs in one array.
 */
function tableStream(total) {
  const random = seededRandom(7);
  let net = 0x0b000000;
  const seen = new Set();
  const prefix = () => {
    const r = random();
    const length = r < 0.6 ? 24 : r < 0.7 ? 23 : r < 0.82 ? 22 : 8 + Math.floor(random() * 14);
    net = (net + 256) >>> 0;
    let address = (net & (0xffffffff << (32 - length))) >>> 0;
    // a shorter prefix can cover the same address as an earlier one: keep every prefix distinct
    if (seen.has(address * 64 + length)) address = net;
    const p = { address, length: address === net && length < 24 ? 24 : length };
    seen.add(p.address * 64 + p.length);
    return p;
  };
  // the sets, and per UPDATE its set and how many prefixes it carries, shuffled before they are encoded
  const sets = [];
  const updateSet = [];
  const updateSize = [];
  for (let made = 0; made < total; ) {
    const i = sets.length;
    sets.push(randomAttributes(random, i));
    const wanted = random() < 0.43 ? 1 : 2 + Math.floor(-Math.log(1 - random()) * 4);
    for (let left = Math.min(total - made, wanted); left > 0; ) {
      const n = left > 1 && random() < 0.04 ? 2 : 1;
      updateSet.push(i);
      updateSize.push(n);
      left -= n;
      made += n;
    }
  }
  const order = Uint32Array.from(updateSet, (_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  const messages = [];
  for (const k of order) {
    messages.push(encodeMessage({ type: 'update', withdrawn: [], attributes: sets[updateSet[k]], nlri: Array.from({ length: updateSize[k] }, prefix) }, OPTIONS));
  }
  messages.push(encodeMessage({ type: 'update', withdrawn: [], attributes: {}, nlri: [] }, OPTIONS));
  const stream = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of messages) {
    stream.set(m, at);
    at += m.length;
  }
  return { stream, updates: messages.length };
}

/**
 * `tableStream(total)` made in a worker thread, as 64 KiB chunks (a TCP
 * stream as it arrives); resolves once the worker is gone.
 */
export function tableStreamFromWorker(total) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { total } });
    let made;
    worker.once('message', (m) => (made = m));
    worker.once('error', reject);
    worker.once('exit', () => {
      if (!made) return reject(new Error('the table worker exited without a stream'));
      const { stream, updates } = made;
      const chunks = [];
      for (let i = 0; i < stream.length; i += 65536) chunks.push(stream.subarray(i, i + 65536));
      resolve({ chunks, updates, octets: stream.length });
    });
  });
}

if (!isMainThread && workerData?.total !== undefined) {
  const { stream, updates } = tableStream(workerData.total);
  parentPort.postMessage({ stream, updates }, [stream.buffer]);
}

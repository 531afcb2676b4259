/**
 * Runs every benchmark file in this folder named `*.bench.mjs` (or those
 * whose name contains one of the command-line arguments) against the built
 * packages. `npm run bench` at the root builds them first.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sink } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

console.log(`wirestack benchmarks on node ${process.version}, ${new Date().toISOString()}`);
for (const f of files) {
  const mod = await import(join(here, f));
  await mod.default();
}
console.log(`\n(sink ${sink})`);

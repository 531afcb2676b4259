/**
 * The layering rules, checked over the workspace graph (package.json
 * declarations and the imports actually written in src/). Run by
 * `npm run lint` and so by `npm test`; any violation fails with a list.
 *
 * Kinds come from each package's nx tag `type:<kind>`:
 *   core   -> nothing
 *   codec  -> core                     (never another codec: dispatch lives in stack)
 *   stack  -> core, codec
 *   engine -> core, codec, engine      (bgp builds on routing)
 *   netsim -> core, codec, stack, engine
 *   app    -> anything published       (the CLI; nothing depends on it)
 * Published packages have no third-party runtime dependencies (fast-check is
 * an optional peer for ./arbitraries), never depend on tools/ at runtime
 * (tests may use the private @wirestack-tools/testkit as a devDependency),
 * and the graph has no cycles. Codec sources use Uint8Array, never Node's
 * Buffer; engine sources never read the clock or set timers (sans-I/O).
 */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const allowed = {
  core: [],
  codec: ['core'],
  stack: ['core', 'codec'],
  engine: ['core', 'codec', 'engine'],
  netsim: ['core', 'codec', 'stack', 'engine'],
  app: ['core', 'codec', 'stack', 'engine', 'netsim'],
};

const problems = [];
const pkgs = new Map();
for (const group of ['packages', 'tools']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const tags = json.nx?.tags ?? [];
    const kind = tags.find((t) => t.startsWith('type:'))?.slice(5);
    pkgs.set(json.name, { json, dir: join(dir, name), group, kind });
  }
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|mts|cts)$/.test(f) ? [p] : [];
  });
}

for (const [name, p] of pkgs) {
  if (p.group === 'tools') {
    if (!p.json.private) problems.push(`${name}: tools/ packages must be private`);
    continue;
  }
  if (!allowed[p.kind]) {
    problems.push(`${name}: needs an nx tag type:<${Object.keys(allowed).join('|')}>`);
    continue;
  }
  const runtime = { ...p.json.dependencies, ...p.json.peerDependencies };
  for (const dep of Object.keys(runtime)) {
    const target = pkgs.get(dep);
    if (!target) {
      if (!(dep === 'fast-check' && p.json.peerDependenciesMeta?.[dep]?.optional)) {
        problems.push(`${name}: third-party runtime dependency ${dep}`);
      }
    } else if (target.group === 'tools') {
      problems.push(`${name}: depends on ${dep} from tools/ at runtime`);
    } else if (!allowed[p.kind].includes(target.kind)) {
      problems.push(`${name} (${p.kind}) may not depend on ${dep} (${target.kind})`);
    }
  }
  for (const dep of Object.keys(p.json.devDependencies ?? {})) {
    const target = pkgs.get(dep);
    if (target && target.group === 'tools' && dep !== '@wirestack-tools/testkit') {
      problems.push(`${name}: devDependency on ${dep}; only the test kit may be used from tools/`);
    }
    if (target && target.group !== 'tools' && !allowed[p.kind].includes(target.kind)) {
      problems.push(`${name} (${p.kind}) may not depend on ${dep} (${target.kind}), even in tests`);
    }
  }
  for (const file of sourceFiles(join(p.dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const rel = file.slice(root.length + 1);
    // Static imports/re-exports (`import ... from 'x'`, `import 'x'`, `export ... from 'x'`) and import('x').
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ];
    for (const m of specs) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const dep = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (dep === name) problems.push(`${rel}: imports its own package by name`);
      else if (!(dep in runtime)) problems.push(`${rel}: imports ${spec}, not declared in dependencies`);
      if (dep === 'fast-check' && !/arbitraries/.test(rel)) problems.push(`${rel}: fast-check outside ./arbitraries`);
    }
    if (p.kind === 'codec' || p.kind === 'core') {
      if (/\bBuffer\./.test(text) || /\bnode:/.test(text)) problems.push(`${rel}: codecs use Uint8Array, not Node APIs`);
    }
    if (p.kind === 'engine' && /\b(Date\.now|setTimeout|setInterval|performance\.now)\s*\(/.test(text)) {
      if (!/[/\\]transport[/\\]|transport\.ts$/.test(file)) problems.push(`${rel}: engines are sans-I/O (no clock, no timers)`);
    }
  }
}

// Cycles, over all declared workspace dependencies.
const state = new Map();
function visit(name, path) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'active') {
    problems.push(`dependency cycle: ${[...path, name].join(' -> ')}`);
    return;
  }
  state.set(name, 'active');
  const j = pkgs.get(name).json;
  for (const dep of Object.keys({ ...j.dependencies, ...j.peerDependencies, ...j.devDependencies })) {
    if (pkgs.has(dep)) visit(dep, [...path, name]);
  }
  state.set(name, 'done');
}
for (const name of pkgs.keys()) visit(name, []);

if (problems.length > 0) {
  console.error(`layering: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`layering: ${pkgs.size} packages, rules hold`);

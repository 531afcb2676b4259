#!/usr/bin/env node
/**
 * The pack check: what users get from `npm install @wirestack/<name>` works.
 * Run by the root `npm test` after the build; needs each package's dist.
 *
 *   node tools/pack-check/pack-check.mjs                  every published package
 *   node tools/pack-check/pack-check.mjs core arp         some (plus what they depend on)
 *   node tools/pack-check/pack-check.mjs --keep core      keep the temporary project
 *
 * For every non-private package in packages/*:
 *   1. `npm pack` it; every file the exports map, main, module and types
 *      name must be in the tarball.
 *   2. Install all tarballs, in one offline `npm install`, into an empty
 *      project outside the workspace (no workspace links, no hoisted
 *      devDependencies). Offline with an empty cache means the packages need
 *      nothing but each other: no third-party runtime dependency, and
 *      fast-check (an optional peer) is not installed.
 *   3. Without fast-check: the main entry loads through `import` (ESM) and
 *      `require` (CJS) with the same, non-empty set of exports, so it never
 *      loads fast-check; subpaths such as ./arbitraries may fail, but only
 *      for want of fast-check.
 *   4. Still without fast-check: a snippet that imports every main export by
 *      name type-checks, with the workspace's tsc (nodenext, strict,
 *      skipLibCheck false, no @types/node), once as ESM (.mts, so the
 *      package's .d.ts) and once as CJS (.cts, so its .d.cts).
 *   5. With the workspace's fast-check linked in: every subpath loads in both
 *      formats with the same exports and type-checks in both, and the CJS
 *      main entry still does not load fast-check.
 * Prints one line per package, then the failures; exits 1 on any failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const workspaceFastCheck = join(root, 'node_modules', 'fast-check');
/** Compiler options of the consumer snippets: a strict user on nodenext, no Node or DOM types. */
const tscOptions = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022',
  '--strict', '--noEmit', '--skipLibCheck', 'false', '--pretty', 'false', '--noErrorTruncation'];
/**
 * Export conditions that only the workspace uses (tests and type-checks
 * read sources through it); their targets are not published.
 */
const workspaceOnlyConditions = new Set(['@wirestack/source']);

// ------------------------------------------------------------------- helpers

/** The environment of child npm/node processes, without what `npm test` adds for the workspace. */
function childEnv() {
  const env = { ...process.env, NODE_PATH: '' };
  for (const key of Object.keys(env)) {
    if (/^npm_(package|lifecycle)_/.test(key) || /^npm_config_(local_prefix|workspaces?|include_workspace_root)$/.test(key)) {
      delete env[key];
    }
  }
  return env;
}

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function firstLines(text, n = 5) {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^npm warn Unknown user config/.test(l)).slice(0, n).join('\n      ');
}

/** '@wirestack/core' + './arbitraries' -> 'wirestack-core--arbitraries', for file names. */
function slug(name, subpath = '.') {
  return `${name.replace(/^@/, '').replace(/\//g, '-')}${subpath === '.' ? '' : subpath.slice(1).replace(/\//g, '-')}`;
}

function specifier(name, subpath) {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
}

// ---------------------------------------------------------------- discovery

function workspacePackages() {
  const dir = join(root, 'packages');
  const found = new Map();
  for (const entry of readdirSync(dir).sort()) {
    const file = join(dir, entry, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    if (json.private) continue;
    found.set(json.name, { name: json.name, dir: join(dir, entry), json });
  }
  return found;
}

/** The requested packages and every workspace package they need at runtime (those must be packed too). */
function withDependencies(all, names) {
  const out = new Set();
  const visit = (name) => {
    if (out.has(name)) return;
    out.add(name);
    const json = all.get(name).json;
    const optional = json.peerDependenciesMeta ?? {};
    const deps = [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.peerDependencies ?? {}).filter((d) => !optional[d]?.optional)];
    for (const dep of deps) if (all.has(dep)) visit(dep);
  };
  names.forEach(visit);
  return [...out];
}

/**
 * Every file path the package.json points at: exports targets (all
 * conditions but the workspace-only ones), main, module, types, typings.
 * Returns [{ where, target }], `where` naming the subpath and conditions.
 */
function referencedFiles(json) {
  const refs = [];
  const walk = (value, where) => {
    if (typeof value === 'string') refs.push({ where, target: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (workspaceOnlyConditions.has(key)) continue;
        walk(v, where ? `${where} > ${key}` : key);
      }
    }
  };
  if (typeof json.exports === 'string' || Array.isArray(json.exports)) walk(json.exports, 'exports .');
  else if (json.exports) for (const [sub, v] of Object.entries(json.exports)) walk(v, `exports ${sub}`);
  for (const field of ['main', 'module', 'types', 'typings']) if (typeof json[field] === 'string') refs.push({ where: field, target: json[field] });
  return refs;
}

/** Subpaths to load at runtime: every exports key but ./package.json and patterns. */
function subpaths(json) {
  if (!json.exports || typeof json.exports === 'string' || Array.isArray(json.exports)) return ['.'];
  const keys = Object.keys(json.exports);
  if (!keys.every((k) => k.startsWith('.'))) return ['.']; // a conditions object for "." alone
  return keys.filter((k) => k !== './package.json' && !k.includes('*'));
}

function inTarball(files, target) {
  const path = target.replace(/^\.\//, '');
  if (!path.includes('*')) return files.has(path);
  const pattern = new RegExp(`^${path.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
  return [...files].some((f) => pattern.test(f));
}

// ----------------------------------------------------------------- the steps

function pack(all, names, into) {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', into, ...names.flatMap((n) => ['-w', relative(root, all.get(n).dir)])];
  const r = run('npm', args, root);
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const packed = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  return new Map(packed.map((p) => [p.name, { tarball: join(into, p.filename), files: new Set(p.files.map((f) => f.path)) }]));
}

function install(project, tarballs) {
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'wirestack-pack-check-consumer', private: true }, null, 2));
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--offline',
    '--cache', join(project, '.npm-cache'), ...tarballs];
  const r = run('npm', args, project);
  if (r.status !== 0) throw new Error(`npm install of the tarballs failed (a third-party runtime dependency?):\n${r.stderr}`);
}

/** Small programs run inside the consumer project: load a specifier, print its export names. */
function writeProbes(project) {
  writeFileSync(join(project, 'probe.mjs'), `
const spec = process.argv[2];
let result;
try {
  const m = await import(spec);
  result = { ok: true, keys: Object.keys(m).filter((k) => k !== '__esModule').sort() };
} catch (e) {
  result = { ok: false, code: e?.code, message: String(e?.message ?? e).split('\\n')[0] };
}
process.stdout.write(JSON.stringify(result));
`);
  writeFileSync(join(project, 'probe.cjs'), `
const spec = process.argv[2];
let result;
try {
  const m = require(spec);
  result = { ok: true, keys: Object.keys(m).filter((k) => k !== '__esModule').sort(),
    loadsFastCheck: Object.keys(require.cache).some((f) => /[\\\\/]fast-check[\\\\/]/.test(f)) };
} catch (e) {
  result = { ok: false, code: e?.code, message: String(e?.message ?? e).split('\\n')[0] };
}
process.stdout.write(JSON.stringify(result));
`);
}

function probe(project, format, spec) {
  const r = run(process.execPath, [join(project, format === 'esm' ? 'probe.mjs' : 'probe.cjs'), spec], project);
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { ok: false, code: `exit ${r.status}`, message: firstLines(r.stderr, 1) };
  }
}

function missingFastCheck(result) {
  return !result.ok && /MODULE_NOT_FOUND/.test(result.code ?? '') && /fast-check/.test(result.message);
}

/** Loads a specifier both ways; returns [problems, keys]. */
function loadBoth(project, spec) {
  const esm = probe(project, 'esm', spec);
  const cjs = probe(project, 'cjs', spec);
  const problems = [];
  if (!esm.ok) problems.push(`import('${spec}') failed: ${esm.code ?? ''} ${esm.message}`);
  if (!cjs.ok) problems.push(`require('${spec}') failed: ${cjs.code ?? ''} ${cjs.message}`);
  if (esm.ok && esm.keys.length === 0) problems.push(`import('${spec}') has no exports`);
  if (esm.ok && cjs.ok) {
    const onlyEsm = esm.keys.filter((k) => !cjs.keys.includes(k));
    const onlyCjs = cjs.keys.filter((k) => !esm.keys.includes(k));
    if (onlyEsm.length > 0 || onlyCjs.length > 0) {
      problems.push(`'${spec}' exports differ: only in ESM [${onlyEsm.join(', ')}], only in CJS [${onlyCjs.join(', ')}]`);
    }
  }
  return { problems, keys: esm.ok ? esm.keys : [], cjs };
}

/** A consumer file importing every runtime export of spec by name, so tsc checks each is declared. */
function snippet(spec, keys) {
  const names = keys.map((k) => (k === 'default' ? 'default as default_' : k));
  const used = keys.map((k) => (k === 'default' ? 'default_' : k));
  return `import { ${names.join(', ')} } from '${spec}';\nexport const used: readonly unknown[] = [${used.join(', ')}];\n`;
}

/**
 * Type-checks the snippets (one tsc program for all) and returns problems
 * per package name; errors outside any package's files go under ''.
 */
function typeCheck(project, snippets) {
  const dir = join(project, 'snippets');
  mkdirSync(dir, { recursive: true });
  const owners = new Map();
  const files = [];
  for (const { pkg, spec, keys, file } of snippets) {
    for (const ext of ['mts', 'cts']) {
      const path = join(dir, `${file}.${ext}`);
      writeFileSync(path, snippet(spec, keys));
      owners.set(relative(project, path), pkg);
      files.push(path);
    }
  }
  const problems = new Map();
  if (files.length === 0) return problems;
  const r = run(process.execPath, [tsc, ...tscOptions, ...files], project);
  if (r.status === 0) return problems;
  for (const line of (r.stdout + r.stderr).split('\n')) {
    if (!/error TS\d+/.test(line)) continue;
    const file = line.split('(')[0];
    const inPackage = file.match(/node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\//);
    const owner = owners.get(file) ?? (inPackage ? inPackage[1] : '');
    const format = /\.(mts|d\.ts)\(/.test(line) ? 'ESM types' : /\.(cts|d\.cts)\(/.test(line) ? 'CJS types' : 'types';
    if (!problems.has(owner)) problems.set(owner, []);
    problems.get(owner).push(`${format}: ${line.trim()}`);
  }
  if (problems.size === 0) problems.set('', [`tsc exited ${r.status}: ${firstLines(r.stdout + r.stderr)}`]);
  return problems;
}

// --------------------------------------------------------------------- main

function main() {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const all = workspacePackages();
  const requested = argv.filter((a) => a !== '--keep').map((a) => (a.startsWith('@') ? a : `@wirestack/${a}`));
  for (const name of requested) {
    if (!all.has(name)) {
      console.error(`pack-check: no published package ${name} in packages/ (have: ${[...all.keys()].join(', ')})`);
      return 2;
    }
  }
  const checked = requested.length > 0 ? requested : [...all.keys()];
  if (checked.length === 0) {
    console.error('pack-check: no published packages found in packages/');
    return 1;
  }
  if (!existsSync(tsc)) {
    console.error(`pack-check: ${relative(root, tsc)} missing; run npm ci first`);
    return 1;
  }

  const work = mkdtempSync(join(tmpdir(), 'wirestack-pack-check-'));
  const cleanup = () => (keep ? console.log(`pack-check: kept ${work}`) : rmSync(work, { recursive: true, force: true }));
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return check(all, checked, work);
  } finally {
    cleanup();
  }
}

function check(all, checked, work) {
  const problems = new Map(checked.map((n) => [n, []]));
  const notes = new Map(checked.map((n) => [n, []]));
  const other = []; // problems in no checked package's files (a dependency's declarations, tsc itself)
  const fail = (name, message) => problems.get(name).push(message);
  const attribute = (byOwner, suffix) => {
    for (const [owner, messages] of byOwner) {
      for (const m of messages) {
        if (problems.has(owner)) fail(owner, `${m}${suffix}`);
        else other.push(`[${owner || 'tsc'}] ${m}${suffix}`);
      }
    }
  };

  // 1. Pack, and find every referenced file in its tarball.
  const tarballDir = join(work, 'tarballs');
  mkdirSync(tarballDir);
  const packed = pack(all, withDependencies(all, checked), tarballDir);
  for (const name of checked) {
    const p = packed.get(name);
    if (!p) {
      fail(name, 'npm pack produced no tarball');
      continue;
    }
    const targets = [...new Set(referencedFiles(all.get(name).json).map((r) => r.target))];
    const missing = targets.filter((t) => !inTarball(p.files, t));
    if (missing.length > 0) {
      fail(name, `${missing.length} of the ${targets.length} files package.json names are not in the tarball (not built? not in "files"?): ${missing.join(', ')}`);
    }
    notes.get(name).push(`${p.files.size} files`);
  }
  // The packages whose tarball is whole go on; the others would only fail again below.
  const loadable = checked.filter((n) => problems.get(n).length === 0);

  // 2. Install every tarball into an empty project outside the workspace.
  const project = join(work, 'consumer');
  mkdirSync(project);
  install(project, [...packed.values()].map((p) => p.tarball));
  writeProbes(project);
  const fastCheck = [probe(project, 'esm', 'fast-check'), probe(project, 'cjs', 'fast-check')];
  if (fastCheck.some((r) => r.ok)) {
    throw new Error('fast-check resolves from the temporary project (a global install?), so the check that main entries load without it would prove nothing');
  }

  // 3. Runtime, without fast-check.
  const mainSnippets = [];
  const later = [];
  for (const name of loadable) {
    const main = loadBoth(project, name);
    main.problems.forEach((m) => fail(name, m));
    if (main.keys.length > 0) {
      notes.get(name).push(`esm+cjs ${main.keys.length} exports`);
      mainSnippets.push({ pkg: name, spec: name, keys: main.keys, file: slug(name) });
    }
    for (const sub of subpaths(all.get(name).json).filter((s) => s !== '.')) {
      const spec = specifier(name, sub);
      for (const format of ['esm', 'cjs']) {
        const r = probe(project, format, spec);
        if (!r.ok && !missingFastCheck(r)) fail(name, `${format} ${spec} without fast-check: ${r.code ?? ''} ${r.message} (only a missing fast-check is expected)`);
      }
      later.push({ pkg: name, spec, sub });
    }
  }

  // 4. Types of the main entries, without fast-check.
  const mainTypes = typeCheck(project, mainSnippets);
  attribute(mainTypes, '');
  for (const s of mainSnippets) if (!mainTypes.has(s.pkg)) notes.get(s.pkg).push('types esm+cjs');

  // 5. With fast-check: subpaths load and type-check; the CJS main entry still leaves fast-check alone.
  if (later.length > 0) {
    if (!existsSync(workspaceFastCheck)) throw new Error(`${relative(root, workspaceFastCheck)} missing; run npm ci first`);
    symlinkSync(realpathSync(workspaceFastCheck), join(project, 'node_modules', 'fast-check'), 'dir');
    const subSnippets = [];
    for (const { pkg, spec, sub } of later) {
      const loaded = loadBoth(project, spec);
      loaded.problems.forEach((m) => fail(pkg, `${m} (with fast-check)`));
      if (loaded.keys.length > 0) {
        subSnippets.push({ pkg, spec, keys: loaded.keys, file: slug(pkg, sub) });
        notes.get(pkg).push(`${sub} esm+cjs ${loaded.keys.length} exports`);
      }
    }
    for (const name of loadable) {
      if (probe(project, 'cjs', name).loadsFastCheck) fail(name, `require('${name}') loads fast-check`);
    }
    const subTypes = typeCheck(project, subSnippets);
    attribute(subTypes, ' (with fast-check)');
    for (const s of subSnippets) if (!subTypes.has(s.pkg)) notes.get(s.pkg).push(`./${s.spec.slice(s.pkg.length + 1)} types esm+cjs`);
  }

  // Report.
  const width = Math.max(...checked.map((n) => n.length));
  for (const name of checked) {
    const bad = problems.get(name);
    console.log(`${bad.length === 0 ? 'ok  ' : 'FAIL'}  ${name.padEnd(width)}  ${bad.length === 0 ? notes.get(name).join('; ') : `${bad.length} problem(s)`}`);
  }
  if (other.length > 0) problems.set('(other)', other);
  const failed = [...problems.keys()].filter((n) => problems.get(n).length > 0);
  if (failed.length === 0) {
    console.log(`pack-check: all ${checked.length} package(s) install and load as ESM and CJS, with types, without fast-check`);
    return 0;
  }
  console.error(`\npack-check: ${failed.filter((n) => n !== '(other)').length} of ${checked.length} package(s) failed:`);
  for (const name of failed) {
    console.error(`  ${name}`);
    for (const m of problems.get(name)) console.error(`    - ${m}`);
  }
  return 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`pack-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

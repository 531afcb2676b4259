/**
 * The pack check must fail on the faults it exists for. Each test builds a
 * small fake workspace (hand-written "dist" files, no build) next to a copy
 * of pack-check.mjs, with the real workspace's typescript and fast-check
 * linked in, runs the check on it and reads its verdict.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const realRoot = join(here, '..', '..', '..');
const made = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const exportsMap = {
  '.': {
    import: { types: './dist/index.d.ts', default: './dist/index.js' },
    require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
  },
  './arbitraries': {
    import: { types: './dist/arbitraries.d.ts', default: './dist/arbitraries.js' },
    require: { types: './dist/arbitraries.d.cts', default: './dist/arbitraries.cjs' },
  },
  './package.json': './package.json',
};

/** A package as the build makes it: `answer` in the main entry, `arb` (fast-check) in ./arbitraries. */
function pkg(name, overrides = {}) {
  const { files = {}, json = {} } = overrides;
  return {
    json: {
      name,
      version: '1.0.0',
      type: 'module',
      exports: exportsMap,
      files: ['dist'],
      peerDependencies: { 'fast-check': '^4.0.0' },
      peerDependenciesMeta: { 'fast-check': { optional: true } },
      ...json,
    },
    files: {
      'dist/index.js': 'export const answer = 42;\n',
      'dist/index.cjs': 'exports.answer = 42;\n',
      'dist/index.d.ts': 'export declare const answer: number;\n',
      'dist/index.d.cts': 'export declare const answer: number;\n',
      'dist/arbitraries.js': "import * as fc from 'fast-check';\nexport function arb() { return fc.nat(); }\n",
      'dist/arbitraries.cjs': "const fc = require('fast-check');\nexports.arb = function arb() { return fc.nat(); };\n",
      'dist/arbitraries.d.ts': "import type { Arbitrary } from 'fast-check';\nexport declare function arb(): Arbitrary<number>;\n",
      'dist/arbitraries.d.cts': "import type { Arbitrary } from 'fast-check';\nexport declare function arb(): Arbitrary<number>;\n",
      ...files,
    },
  };
}

/** Writes a workspace of the given packages and runs the check in it. */
function runCheck(packages, args = []) {
  const ws = mkdtempSync(join(tmpdir(), 'wirestack-pack-check-test-'));
  made.push(ws);
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'fake-workspace', private: true, workspaces: ['packages/*'] }));
  mkdirSync(join(ws, 'tools', 'pack-check'), { recursive: true });
  copyFileSync(join(here, '..', 'pack-check.mjs'), join(ws, 'tools', 'pack-check', 'pack-check.mjs'));
  mkdirSync(join(ws, 'node_modules'));
  for (const dep of ['typescript', 'fast-check']) {
    symlinkSync(realpathSync(join(realRoot, 'node_modules', dep)), join(ws, 'node_modules', dep), 'dir');
  }
  for (const p of packages) {
    const dir = join(ws, 'packages', p.json.name.split('/')[1]);
    for (const [file, text] of Object.entries({ 'package.json': JSON.stringify(p.json, null, 2), ...p.files })) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  }
  const r = spawnSync(process.execPath, [join(ws, 'tools', 'pack-check', 'pack-check.mjs'), ...args], { cwd: ws, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The lines of the failure summary that belong to one package. */
function problemsOf(err, name) {
  const lines = err.split('\n');
  const start = lines.findIndex((l) => l.trim() === name);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('    - '));
  return rest.slice(0, end < 0 ? rest.length : end).join('\n');
}

describe('pack-check', { timeout: 120_000 }, () => {
  it('passes sound packages and fails each fault, naming it', () => {
    const base = pkg('@wirestack/base');
    const good = pkg('@wirestack/good', {
      json: { dependencies: { '@wirestack/base': '1.0.0' } },
      files: {
        'dist/index.js': "import { answer as base } from '@wirestack/base';\nexport const answer = base + 1;\n",
        'dist/index.cjs': "const { answer: base } = require('@wirestack/base');\nexports.answer = base + 1;\n",
      },
    });
    const missing = pkg('@wirestack/missing', { files: { 'dist/index.cjs': undefined } });
    delete missing.files['dist/index.cjs'];
    const loadsFastCheck = pkg('@wirestack/loadsfc', {
      files: {
        'dist/index.js': "import * as fc from 'fast-check';\nexport const answer = fc ? 42 : 0;\n",
        'dist/index.cjs': "const fc = require('fast-check');\nexports.answer = fc ? 42 : 0;\n",
      },
    });
    const untyped = pkg('@wirestack/untyped', {
      files: { 'dist/index.d.ts': 'export declare const other: number;\n', 'dist/index.d.cts': 'export declare const other: number;\n' },
    });
    const nodeTypes = pkg('@wirestack/nodetypes', {
      files: { 'dist/index.d.ts': 'export declare const answer: Buffer;\n' },
    });
    const differs = pkg('@wirestack/differs', { files: { 'dist/index.cjs': 'exports.answer = 42;\nexports.extra = 1;\n' } });
    const brokenArbitraries = pkg('@wirestack/brokenarb', {
      files: { 'dist/arbitraries.js': "import './helper.js';\nexport const arb = 1;\n" },
    });
    const { status, out, err } = runCheck([base, good, missing, loadsFastCheck, untyped, nodeTypes, differs, brokenArbitraries]);

    assert.equal(status, 1, out + err);
    assert.match(out, /^ok {4}@wirestack\/base +\S/m);
    assert.match(out, /^ok {4}@wirestack\/good +.*esm\+cjs 1 exports; types esm\+cjs; \.\/arbitraries esm\+cjs 1 exports/m);
    for (const name of ['missing', 'loadsfc', 'untyped', 'nodetypes', 'differs', 'brokenarb']) {
      assert.match(out, new RegExp(`^FAIL  @wirestack/${name} `, 'm'));
    }
    assert.match(err, /pack-check: 6 of 8 package\(s\) failed/);
    assert.match(problemsOf(err, '@wirestack/missing'), /not in the tarball.*\.\/dist\/index\.cjs/);
    assert.match(problemsOf(err, '@wirestack/loadsfc'), /import\('@wirestack\/loadsfc'\) failed: ERR_MODULE_NOT_FOUND.*fast-check/);
    assert.match(problemsOf(err, '@wirestack/loadsfc'), /require\('@wirestack\/loadsfc'\) loads fast-check/);
    const untypedProblems = problemsOf(err, '@wirestack/untyped');
    assert.match(untypedProblems, /ESM types: .*error TS2305/);
    assert.match(untypedProblems, /CJS types: .*error TS2305/);
    const nodeTypesProblems = problemsOf(err, '@wirestack/nodetypes');
    assert.match(nodeTypesProblems, /ESM types: .*nodetypes\/dist\/index\.d\.ts.*Buffer/);
    assert.doesNotMatch(nodeTypesProblems, /CJS types/);
    assert.match(problemsOf(err, '@wirestack/differs'), /exports differ: only in ESM \[\], only in CJS \[extra\]/);
    assert.match(problemsOf(err, '@wirestack/brokenarb'), /esm @wirestack\/brokenarb\/arbitraries without fast-check: ERR_MODULE_NOT_FOUND .*helper\.js/);
  });

  it('checks only the packages named, packing what they depend on', () => {
    const base = pkg('@wirestack/base');
    const good = pkg('@wirestack/good', {
      json: { dependencies: { '@wirestack/base': '1.0.0' } },
      files: { 'dist/index.js': "export { answer } from '@wirestack/base';\n", 'dist/index.cjs': "exports.answer = require('@wirestack/base').answer;\n" },
    });
    const broken = pkg('@wirestack/broken', { files: { 'dist/index.js': 'export const answer = ;\n' } });
    const { status, out, err } = runCheck([base, good, broken], ['good']);
    assert.equal(status, 0, out + err);
    assert.match(out, /^ok {4}@wirestack\/good /m);
    assert.doesNotMatch(out, /@wirestack\/(base|broken)/);
    assert.equal(runCheck([base], ['nope']).status, 2);
  });

  it('fails when a package needs a third-party runtime dependency', () => {
    const leaky = pkg('@wirestack/leaky', { json: { dependencies: { 'left-pad': '1.3.0' } } });
    const { status, err } = runCheck([leaky]);
    assert.equal(status, 1);
    assert.match(err, /npm install of the tarballs failed/);
  });
});

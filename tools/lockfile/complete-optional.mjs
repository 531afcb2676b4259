/**
 * npm records in package-lock.json only the platform-specific optional
 * packages (nx's and rollup's native binaries, ...) whose metadata it could
 * fetch. Where the registry serves only this platform's binaries (as the
 * build machines here do: the others answer 404), the lock lacks the rest,
 * and `npm ci` then refuses the lock as "not in sync" ("Missing:
 * @nx/nx-darwin-arm64@ from lock file"). Known npm behaviour, see
 * npm/cli#4828.
 *
 * This restores an entry for every optional dependency the lock declares
 * but does not list, with its exact version and the os/cpu/libc read from
 * the package's conventional name, so `npm ci` skips it on other platforms
 * without fetching it. Run by the root `postinstall`, so the lock stays
 * complete after every `npm install`; `--check` (the lint step) fails
 * instead of writing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lockPath = fileURLToPath(new URL('../../package-lock.json', import.meta.url));
const check = process.argv.includes('--check');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'netbsd', 'android', 'openharmony', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

/** os/cpu/libc from a name like `@rollup/rollup-linux-arm-musleabihf` or `@nx/nx-win32-x64-msvc`. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === 'linux') {
    if (parts.some((p) => p.startsWith('musl'))) platform.libc = ['musl'];
    else if (parts.some((p) => p.startsWith('gnu'))) platform.libc = ['glibc'];
  }
  return platform;
}

/** Where npm would place `dep` required from the package at `path`: nearest node_modules up the tree. */
function resolved(path, dep) {
  for (let base = path; ; ) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

const added = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolved(path, dep)) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue; // only exact, platform-named binaries
    packages[`node_modules/${dep}`] = {
      version: spec,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added.push(`${dep}@${spec}`);
  }
}

if (added.length === 0) {
  console.log('lockfile: every optional platform package is listed');
} else if (check) {
  console.error(`lockfile: ${added.length} optional platform packages missing from package-lock.json (run: node tools/lockfile/complete-optional.mjs):\n  ${added.join('\n  ')}`);
  process.exit(1);
} else {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lockfile: restored ${added.length} optional platform packages`);
}

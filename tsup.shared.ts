import type { Options } from 'tsup';

/**
 * One build recipe for every published package: ESM + CJS + .d.ts, one entry
 * per subpath export. `tsconfig.build.json` resolves sibling packages through
 * their built `dist` (not their sources), so a package's declarations import
 * `@wirestack/core` instead of inlining a copy of it.
 */
export function packageBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    splitting: false,
    tsconfig: 'tsconfig.build.json',
  };
}

import { defineConfig } from 'vitest/config';

/**
 * Tests import sibling packages from their TypeScript sources (the
 * `@wirestack/source` export condition), so `npm test` needs no build first.
 */
export function packageTests() {
  return defineConfig({
    resolve: { conditions: ['@wirestack/source', 'import', 'module', 'default'] },
    ssr: { resolve: { conditions: ['@wirestack/source'], externalConditions: ['@wirestack/source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Generated code imports the package by its public subpaths; inside this repo they resolve to the sources.
    alias: [
      { find: /^tars-contracts\/runtime$/, replacement: here('./runtime/index.ts') },
      { find: /^tars-contracts\/testing$/, replacement: here('./testing/index.ts') },
      { find: /^tars-contracts\/generated$/, replacement: here('./generated/index.ts') },
      { find: /^tars-contracts$/, replacement: here('./index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

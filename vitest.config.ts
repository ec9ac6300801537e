import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Inside the repo the packages resolve to their sources (as in tsconfig.json's paths; tsx reads those).
    alias: [
      { find: /^@tars-contracts\/runtime$/, replacement: here('./runtime/index.ts') },
      { find: /^@tars-contracts\/runtime\/contract$/, replacement: here('./runtime/contract.ts') },
      { find: /^@tars-contracts\/testing$/, replacement: here('./testing/index.ts') },
      { find: /^@tars-contracts\/generator$/, replacement: here('./generator/generate.ts') },
      { find: /^tars-contracts$/, replacement: here('./sdk/index.ts') },
      { find: /^tars-contracts\/contract$/, replacement: here('./sdk/contract.ts') },
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

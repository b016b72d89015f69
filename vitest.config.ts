import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'server/**/*.test.ts',
      'nodes/**/*.test.ts',
      'templates/**/*.test.ts',
      'web/**/*.test.{ts,tsx}',
      'bench/**/*.test.ts',
      'docs/**/*.test.ts',
      // The example node pack's own tests, as a pack's author would run them.
      'examples/**/*.test.ts',
    ],
    // Two cores here: a couple of forks keep the suite quick without starving real servers under test.
    pool: 'forks',
    maxWorkers: 2,
    // isolated-vm asks for this on Node 20+; every process that may host isolates gets it.
    execArgv: ['--no-node-snapshot'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['server/testing/global-setup.ts'],
  },
});

import { test as base, expect } from '@playwright/test';
import { type RunningServer, startServer } from './server.ts';

/** One real server per spec file (worker scope); `baseURL` points the browser at it. */
export const test = base.extend<object, { server: RunningServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

export { expect };

/** Screenshots are test artifacts: people look at them after a run. */
export const screenshotPath = (name: string) => `test-results/screenshots/${name}.png`;

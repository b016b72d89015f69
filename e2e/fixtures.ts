import { test as base, expect } from '@playwright/test';
import { OWNER, sessionCookie, setUpOwner } from './owner.ts';
import { type RunningServer, startServer } from './server.ts';

interface SignedInServer extends RunningServer {
  /** The owner's session cookie value, for `page.request` calls and new browser contexts. */
  readonly session: string;
}

/**
 * One real server per worker, set up with an owner; every page starts signed in as that owner
 * (the session cookie is put into the browser context, as a real sign-in leaves it).
 */
export const test = base.extend<object, { server: SignedInServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const server = await startServer();
      const session = await setUpOwner(server);
      await use({ ...server, session });
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
  storageState: async ({ server }, use) => {
    await use({ cookies: [sessionCookie(server.url, server.session)], origins: [] });
  },
});

export { expect, OWNER };

/** Screenshots are test artifacts: people look at them after a run. */
export const screenshotPath = (name: string) => `test-results/screenshots/${name}.png`;

import { test as base, expect } from '@playwright/test';
import { type RunningServer, startServer } from './server.ts';

/** The owner every spec signs in as; created through the setup endpoint of a fresh server. */
export const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'correct horse battery' };

interface SignedInServer extends RunningServer {
  /** The owner's session cookie value, for `page.request` calls and new browser contexts. */
  readonly session: string;
}

async function setUpOwner(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  if (response.status !== 201) throw new Error(`setup answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')?.match(/stepwise_session=([^;]+)/)?.[1];
  if (!cookie) throw new Error('setup set no session cookie');
  return cookie;
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
    const { hostname } = new URL(server.url);
    await use({
      cookies: [
        {
          name: 'stepwise_session',
          value: server.session,
          domain: hostname,
          path: '/',
          expires: -1,
          httpOnly: true,
          secure: false,
          sameSite: 'Strict',
        },
      ],
      origins: [],
    });
  },
});

export { expect };

/** Screenshots are test artifacts: people look at them after a run. */
export const screenshotPath = (name: string) => `test-results/screenshots/${name}.png`;

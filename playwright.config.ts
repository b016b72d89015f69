import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: a real Stepwise server (`e2e/server.ts`, as `npm start` runs it, with its own
 * data dir and embedded PostgreSQL) driven through real Chromium. Playwright cannot download
 * browsers here, so the system's Chromium is used (`CHROMIUM_PATH`, else /usr/bin/chromium).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  // Each spec file gets its own server; two cores run two at most.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});

import type { Route } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Loading and error states, with the server's answers held back or failed by the browser's own
 * request routing: what a person sees while a page waits, when the API fails, and that "Try
 * again" recovers once it answers.
 */

const busy = {
  status: 503,
  contentType: 'application/json',
  body: JSON.stringify({ error: { code: 'unavailable', message: 'The store is busy; try again shortly' } }),
};

test('the workflows page shows its loading state, then an error that "Try again" recovers from', async ({ page }) => {
  // The list's first answer is held (loading), then answers fail (error), then the server answers.
  let mode: 'hold' | 'fail' | 'pass' = 'hold';
  const held: Route[] = [];
  await page.route(
    (url) => url.pathname === '/api/v1/workflows',
    async (route) => {
      if (route.request().method() !== 'GET' || mode === 'pass') return route.fallback();
      if (mode === 'hold') held.push(route);
      else await route.fulfill(busy);
    },
  );
  await page.goto('/workflows');
  await expect(page.getByText('Loading workflows…')).toBeVisible();
  await page.screenshot({ path: screenshotPath('workflows-loading'), fullPage: true });

  // After the client's own retries of a 5xx, the page says what went wrong.
  mode = 'fail';
  for (const route of held.splice(0)) await route.fulfill(busy);
  const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong' });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(alert).toContainText('The store is busy; try again shortly');
  await page.screenshot({ path: screenshotPath('workflows-error'), fullPage: true });

  mode = 'pass';
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.getByText('Loading workflows…')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /New workflow/ }).first()).toBeVisible();
});

test('a request the server refuses outright is not retried and says why at once', async ({ page }) => {
  let calls = 0;
  await page.route(
    (url) => url.pathname === '/api/v1/schedules',
    (route) => {
      calls++;
      return route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'forbidden', message: 'Your role cannot see schedules' } }),
      });
    },
  );
  await page.goto('/schedules');
  const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong' });
  await expect(alert).toContainText('Your role cannot see schedules');
  // A 4xx is an answer, not a hiccup: asked once (React's development double effects aside).
  expect(calls).toBe(1);
});

import { expect, screenshotPath, test } from './fixtures.ts';

test('the app loads and shows the workflows page with its navigation', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole('heading', { name: 'Workflows', exact: true })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Executions');
  await page.screenshot({ path: screenshotPath('workflows-empty'), fullPage: true });
});

test('pages opened by URL load without warnings in the console', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
  });
  for (const path of ['/workflows', '/executions', '/schedules', '/admin/audit']) {
    await page.goto(path);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(warnings.filter((text) => /HydrateFallback/.test(text))).toEqual([]);
});

import { expect, screenshotPath, test } from './fixtures.ts';

test('the app loads and shows the workflows page with its navigation', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole('heading', { name: 'Workflows', exact: true })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Executions');
  await page.screenshot({ path: screenshotPath('workflows-empty'), fullPage: true });
});

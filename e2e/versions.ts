import { expect, type Page } from '@playwright/test';

/*
 * The version moves several journeys make through the browser: the editor's "Save version" and the
 * versions page's Publish. Each waits until the page says it is done.
 */

/** In the editor: "Save version" with `message`, until the page confirms version 1. */
export async function saveFirstVersion(page: Page, message: string): Promise<void> {
  await page.getByRole('button', { name: 'Save version' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save version' });
  await dialog.getByLabel('What changed?').fill(message);
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
}

/** From the editor: to the versions page, and publish version 1 there. */
export async function publishFirstVersion(page: Page): Promise<void> {
  await page.getByRole('link', { name: /Versions/ }).click();
  await page.getByTestId('version-1').getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('dialog', { name: 'Publish v1?' }).getByRole('button', { name: 'Publish v1' }).click();
  await expect(page.getByTestId('version-1')).toContainText('Published');
}

import type { Locator, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * A first hour with Stepwise, as a new user goes: create a workflow, drop an If, see what it still
 * needs at once, mistype an expression and read why it is wrong under the field, be refused
 * "Save version" with the reason, fix it, try an edge that would loop and read why nothing was
 * connected, then save a version. Every message is read as that user would read it.
 */

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);

async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('editor-canvas'), { targetPosition: { x, y } });
}

/** Presses on a port and moves onto another node's input; the caller lets go (or looks first). */
async function dragEdge(page: Page, from: Locator, port: string, to: Locator): Promise<void> {
  const a = await from.locator(`.react-flow__handle.source[data-handleid="${port}"]`).boundingBox();
  const b = await to.locator('.react-flow__handle.target').boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 30, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
}

async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  await field.press('Escape');
}

test('a new user builds a first workflow and is told, in plain words, what is wrong and why', async ({ page }) => {
  await page.goto('/workflows');
  await page.getByRole('button', { name: 'New workflow' }).first().click();
  const create = page.getByRole('dialog', { name: 'New workflow' });
  await create.getByLabel('Name').fill('Big orders');
  await create.getByRole('button', { name: 'Create and open' }).click();
  await expect(node(page, 'Start')).toBeVisible();
  await expect(page.getByTestId('problems-none')).toBeVisible();

  // An If dropped on the canvas: the badge turns red at once, and its empty rule is flagged.
  await dragFromPalette(page, 'condition.if', 620, 140);
  await expect(node(page, 'If')).toBeVisible();
  const badge = page.getByRole('button', { name: /\d+ problems?/ });
  await expect(badge).toBeVisible();
  await node(page, 'If').click();
  const panel = page.getByRole('complementary', { name: 'Node settings' });
  const left = panel.locator('[data-field="config.rules.0.left"]');
  await expect(left.getByRole('alert')).toHaveText('Left of rule 1 is required');

  // A half-typed expression: the field says what is wrong with it, in the user's own text.
  await typeInto(panel.getByRole('textbox', { name: 'Left' }), '{{ input.}}');
  await expect(left.getByRole('alert')).toHaveText(
    'Left of rule 1: "{{ input.}}": the expression stops after "input." — a name should follow the dot',
  );
  await panel.getByLabel('Operator').selectOption('greaterThan');
  await typeInto(panel.getByRole('textbox', { name: 'Right' }), '100');
  await badge.click();
  await expect(page.getByText('the expression stops after "input."').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('new-user-expression-problem') });
  await badge.click();

  // "Save version" is refused, naming the node, the field and the text.
  await page.getByRole('button', { name: 'Save version' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save version' });
  await dialog.getByRole('button', { name: 'Save version' }).click();
  const refused = dialog.getByRole('alert');
  await expect(refused).toContainText('Nothing was saved');
  await expect(refused).toContainText('If: Left of rule 1: "{{ input.}}": the expression stops after "input."');
  await page.screenshot({ path: screenshotPath('new-user-save-refused') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Fixed: the message under the field goes as the text is typed.
  await typeInto(panel.getByRole('textbox', { name: 'Left' }), '{{ input.total }}');
  await expect(left.getByRole('alert')).toHaveCount(0);

  // A step after the If, then an edge back into the If: that would loop, and the canvas says so.
  await dragFromPalette(page, 'transform.set', 620, 290);
  await expect(node(page, 'Set fields')).toBeVisible();
  await dragEdge(page, node(page, 'If'), 'true', node(page, 'Set fields'));
  await page.mouse.up();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  await dragEdge(page, node(page, 'Set fields'), 'main', node(page, 'If'));
  const hint = page.getByTestId('connection-refusal');
  await expect(hint).toHaveText('Connecting "Set fields" back to "If" makes a loop; workflows must not loop');
  await page.screenshot({ path: screenshotPath('new-user-loop-hint') });
  await page.mouse.up();
  await expect(hint).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toHaveText(
    'Not connected: Connecting "Set fields" back to "If" makes a loop; workflows must not loop',
  );
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('new-user-loop-refused') });

  // The trigger into the If, and the workflow is ready: a version is saved.
  await dragEdge(page, node(page, 'Start'), 'main', node(page, 'If'));
  await page.mouse.up();
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeHidden();
  await expect(page.getByTestId('problems-none')).toBeVisible();
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Save version' }).click();
  await dialog.getByLabel('What changed?').fill('Flags big orders');
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('new-user-version-saved') });
});

test('a failed run is retried once, and each run links to the other', async ({ page }) => {
  // A published workflow whose script fails: the kind of run a new user retries.
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'check',
        type: 'transform.script',
        name: 'Check stock',
        position: { x: 300, y: 0 },
        config: { code: "throw new Error('out of stock');" },
      },
    ],
    edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'check' }],
  };
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Restock order', graph } });
  const { id } = (await created.json()) as { id: string };
  await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true } });
  await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } });

  await page.goto(`/workflows/${id}/versions`);
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('dialog', { name: 'Run v1 now' }).getByRole('button', { name: 'Start run' }).click();
  await expect(page.getByTestId('node-Check stock')).toHaveAttribute('data-status', 'failed');
  const first = page.url();

  // Retried: the retry opens, fails the same way, and names the run it retries.
  await page.getByRole('button', { name: 'Retry from failed step' }).click();
  await expect(page).not.toHaveURL(first);
  await expect(page.getByTestId('node-Check stock')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByText('Retry of', { exact: true })).toBeVisible();
  // The retry itself may be retried: that is how to go on.
  await expect(page.getByRole('button', { name: 'Retry from failed step' })).toBeVisible();

  // Back on the first run: it links to its retry and offers no second one.
  await page.getByText('Retry of', { exact: true }).locator('..').getByRole('link').click();
  await expect(page).toHaveURL(first);
  await expect(page.getByText('Retried as', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /Retry/ })).toHaveCount(0);
  await expect(page.getByText(/retry that run to go on/)).toBeVisible();
  await page.screenshot({ path: screenshotPath('new-user-retried-once') });
});

import type { Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * A new user on a five-step workflow, as issue 15 items 5 and 6 found it: fit and tidy keep node
 * titles readable, nodes not renamed do not say their type twice, the shortcuts popover gets out of
 * the way, a paste lands under the pointer, the side panels fold away to give the canvas room.
 */

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);

/** The canvas zoom, read from the transform React Flow puts on its viewport. */
async function zoom(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').evaluate((element) => element.style.transform);
  const scale = /scale\(([\d.]+)\)/.exec(transform)?.[1];
  if (!scale) throw new Error(`no scale in "${transform}"`);
  return Number(scale);
}

/** Both paths of the viewport transform settle before the next step reads it (fit animates). */
async function settledZoom(page: Page): Promise<number> {
  let last = -1;
  await expect
    .poll(async () => {
      const now = await zoom(page);
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
  return last;
}

const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: `/tmp/shots-canvas/${name}.png` });
  await page.screenshot({ path: screenshotPath(name) });
};

const fiveSteps = {
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Manual trigger', position: { x: 0, y: 0 }, config: { fields: [] } },
    {
      id: 'shape',
      type: 'transform.set',
      name: 'Set fields',
      position: { x: 320, y: 0 },
      config: { fields: [{ path: 'total', value: '{{ input.total }}' }], keepInput: true },
    },
    {
      id: 'score',
      type: 'transform.script',
      name: 'Score the lead',
      position: { x: 640, y: 0 },
      config: { code: 'return { score: input.total > 100 ? 10 : 1 };', timeoutMs: 1000, memoryMb: 64 },
    },
    {
      id: 'again',
      type: 'transform.set',
      name: 'Set fields 2',
      position: { x: 960, y: 0 },
      config: { fields: [], keepInput: true },
    },
    {
      id: 'notify',
      type: 'action.http',
      name: 'Notify sales',
      position: { x: 1280, y: 0 },
      config: { method: 'POST', url: 'https://example.com/hook', timeoutMs: 10000, failOnError: true },
    },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'shape' },
    { id: 'e2', source: 'shape', sourcePort: 'main', target: 'score' },
    { id: 'e3', source: 'score', sourcePort: 'main', target: 'again' },
    { id: 'e4', source: 'again', sourcePort: 'main', target: 'notify' },
  ],
};

test('a new user’s canvas stays readable, gets out of the way and makes room', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Lead scoring', graph: fiveSteps } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);
  await expect(node(page, 'Manual trigger')).toBeVisible();

  // Fit and tidy: no further out than keeps titles readable (a row of five once shrank to ~45 %).
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  expect(await settledZoom(page)).toBeGreaterThanOrEqual(0.8);
  await page.getByRole('button', { name: 'Tidy up (auto-layout)' }).click();
  expect(await settledZoom(page)).toBeGreaterThanOrEqual(0.8);
  await expect(node(page, 'Score the lead')).toBeInViewport();
  await shot(page, 'canvas-fit-readable');

  // A node not renamed shows its name once; a renamed one says what type it is underneath.
  await expect(node(page, 'Set fields')).toHaveText('Set fields');
  await expect(node(page, 'Set fields 2')).toHaveText('Set fields 2');
  await expect(node(page, 'Score the lead')).toHaveText('Score the leadScript');

  // The shortcuts popover: Escape closes it; so does a click on a node, which also selects the node.
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(help).toBeVisible();
  await shot(page, 'canvas-shortcuts-open');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(help).toBeVisible();
  await node(page, 'Score the lead').click();
  await expect(help).toBeHidden();
  const settings = page.getByRole('complementary', { name: 'Node settings' });
  await expect(settings.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Score the lead');

  // Copy, point at an empty place, paste: the copy's top-left corner is where the pointer is.
  await page.keyboard.press('ControlOrMeta+c');
  const canvas = await page.getByTestId('editor-canvas').boundingBox();
  if (!canvas) throw new Error('no canvas');
  const pointer = { x: canvas.x + 120, y: canvas.y + canvas.height - 150 };
  await page.mouse.move(pointer.x, pointer.y, { steps: 4 });
  await page.keyboard.press('ControlOrMeta+v');
  const pasted = node(page, 'Score the lead 2');
  await expect(pasted).toBeVisible();
  const box = await pasted.boundingBox();
  expect(Math.abs((box?.x ?? 0) - pointer.x)).toBeLessThan(4);
  expect(Math.abs((box?.y ?? 0) - pointer.y)).toBeLessThan(4);
  await shot(page, 'canvas-pasted-at-pointer');

  // Both side panels fold away, the canvas takes the room, and they stay folded after a reload.
  const before = canvas.width;
  await page.getByRole('button', { name: 'Hide the node palette' }).click();
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await expect(page.getByRole('complementary', { name: 'Node palette' })).toBeHidden();
  await expect(settings).toBeHidden();
  await expect
    .poll(async () => (await page.getByTestId('editor-canvas').boundingBox())?.width ?? 0)
    .toBeGreaterThan(before + 500);
  await shot(page, 'canvas-panels-folded');
  await page.reload();
  await expect(node(page, 'Manual trigger')).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Node palette' })).toBeHidden();
  await page.getByRole('button', { name: 'Show the node palette' }).click();
  await page.getByRole('button', { name: 'Show the node settings' }).click();
  await expect(page.getByRole('complementary', { name: 'Node palette' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Node settings' })).toBeVisible();
});

test('a new user turns a manual trigger into a schedule in place and reads it in words', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', {
    data: {
      name: 'Morning digest',
      graph: {
        nodes: [
          { id: 'start', type: 'trigger.manual', name: 'Kick off', position: { x: 0, y: 0 }, config: { fields: [] } },
          {
            id: 'send',
            type: 'action.http',
            name: 'Post digest',
            position: { x: 320, y: 0 },
            config: { method: 'POST', url: 'https://example.com/digest', body: { text: '{{ trigger.scheduledFor }}' } },
          },
        ],
        edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'send' }],
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);
  await node(page, 'Kick off').click();
  const settings = page.getByRole('complementary', { name: 'Node settings' });

  // Manual → Schedule: same node, same name, still connected; it starts every day at 09:00.
  await settings.getByText('Schedule', { exact: true }).click();
  await expect(settings.getByText('Schedule · trigger.schedule')).toBeVisible();
  await expect(settings.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Kick off');
  await expect(node(page, 'Kick off')).toContainText('Schedule');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  const summary = settings.getByTestId('cron-summary');
  await expect(summary).toContainText('At 09:00');
  await expect(summary.getByRole('listitem')).toHaveCount(3);

  // The simple mode writes the cron; the time zone is picked, not typed.
  await settings.getByLabel('Unit').selectOption('minutes');
  await expect(settings.getByTestId('cron-written')).toHaveText('*/15 * * * *');
  await expect(summary).toContainText('Every 15 minutes');
  await settings.getByLabel('Unit').selectOption('days');
  await settings.getByLabel('At time').fill('07:30');
  await settings.getByLabel(/Timezone/).selectOption('Europe/Paris');
  await expect(summary).toContainText('At 07:30 (Europe/Paris)');
  await expect(summary.getByRole('listitem').first()).toContainText('07:30 in Europe/Paris');
  await shot(page, 'schedule-trigger-form');

  // Raw cron: weekdays only, read back in words.
  await settings.getByText('Cron', { exact: true }).click();
  await settings.getByLabel('Cron expression').fill('0 9 * * 1-5');
  await expect(summary).toContainText('At 09:00, Monday through Friday');

  // The change is the draft's: it is saved and read back as a schedule with its edge.
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  const draft = (await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json()) as {
    graph: { nodes: Array<{ id: string; type: string; name: string; config: unknown }>; edges: unknown[] };
  };
  expect(draft.graph.nodes.find((candidate) => candidate.id === 'start')).toMatchObject({
    type: 'trigger.schedule',
    name: 'Kick off',
    config: { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
  });
  expect(draft.graph.edges).toHaveLength(1);

  // The HTTP body is a JSON editor whose expressions stand out.
  await node(page, 'Post digest').click();
  await expect(settings.locator('.cm-expression')).toHaveText('{{ trigger.scheduledFor }}');
  await shot(page, 'http-body-json-editor');
});

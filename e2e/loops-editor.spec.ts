import type { Locator, Page } from '@playwright/test';
import { closeBody, dragFromPalette, drawEdge, dropIntoFrame, frame, handle, node } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Loops on the canvas, through the browser only: a loop is a frame, a node dropped into it joins
 * its body, the body is connected from the frame's inner "each item" port and back to its "result"
 * port, and the server accepts the result as a version. Workflow names are this spec's own (the
 * specs share one server).
 */

async function createWorkflow(page: Page, name: string, graph: unknown): Promise<string> {
  const created = await page.request.post('/api/v1/workflows', { data: { name, graph } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

test('builds a loop on the canvas: a node dropped in its frame is its body, and the version is accepted', async ({
  page,
}) => {
  const id = await createWorkflow(page, 'Loops editor: build a loop', { nodes: [], edges: [] });
  await page.goto(`/workflows/${id}`);
  // Room for the frame: the settings panel folds away (remembered in this browser only).
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await dragFromPalette(page, 'trigger.manual', 140, 200);
  await dragFromPalette(page, 'flow.loop', 400, 140);
  const loop = frame(page, 'Loop over items');
  await expect(loop).toBeVisible();
  await expect(loop).toContainText('Each ofinput· one at a time');

  // Dropped inside the frame's body area, the Set node joins the loop's body.
  await dropIntoFrame(page, 'transform.set', loop, 240, 150);
  const set = node(page, 'Set fields');
  await expect(set).toBeVisible();

  await drawEdge(page, handle(node(page, 'Manual trigger'), 'source'), handle(loop, 'target', 'in'));
  await closeBody(page, loop, set, set);
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

  // The draft the server holds: the Set node inside the loop, the body closed.
  const draft = (await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json()) as {
    graph: {
      nodes: Array<{ id: string; parentId?: string }>;
      edges: Array<{ source: string; sourcePort: string; target: string }>;
    };
    problems: unknown[];
  };
  expect(draft.graph.nodes.find((candidate) => candidate.id === 'set_fields')?.parentId).toBe('loop_over_items');
  expect(draft.graph.edges.map((edge) => `${edge.source}.${edge.sourcePort}→${edge.target}`).sort()).toEqual([
    'loop_over_items.body→set_fields',
    'manual_trigger.main→loop_over_items',
    'set_fields.main→loop_over_items',
  ]);
  await page.screenshot({ path: screenshotPath('loop-editor-built') });

  await page.getByRole('button', { name: 'Save version' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save version' });
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();

  // Dragged out of the frame by its title, the node leaves the body: the editor then says what is wrong.
  const grip = await set.boundingBox();
  if (!grip) throw new Error('node not visible');
  await page.mouse.move(grip.x + 40, grip.y + 20);
  await page.mouse.down();
  await page.mouse.move(grip.x + 40, grip.y + 420, { steps: 10 });
  await page.mouse.up();
  // Out of the frame, it is no longer the body's start and end: those edges go (one undo brings them back).
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  const problems = page.getByRole('button', { name: /problem/i }).first();
  await problems.click();
  await expect(page.getByText('has no body: connect its body port to the first node inside its frame')).toBeVisible();
  await problems.click();

  // Dragged back, the frame lights up while the node is over it, and the node joins the body again.
  const away = await set.boundingBox();
  if (!away) throw new Error('node not visible');
  await page.mouse.move(away.x + 40, away.y + 20);
  await page.mouse.down();
  await page.mouse.move(away.x + 40, away.y - 400, { steps: 10 });
  await expect(loop).toHaveAttribute('data-dropping', 'true');
  await page.screenshot({ path: screenshotPath('loop-editor-drop-target') });
  await page.mouse.up();
  await expect(loop).not.toHaveAttribute('data-dropping', 'true');
  // Undo twice (the drag back, the drag out): the body is whole again.
  await page.keyboard.press('ControlOrMeta+z');
  await page.keyboard.press('ControlOrMeta+z');
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await expect(page.getByTestId('problems-none')).toBeVisible();
});

test('opens a workflow with a body of three nodes and a nested loop, each node inside its frame', async ({ page }) => {
  const at = (x: number, y: number) => ({ x, y });
  const set = (
    id: string,
    name: string,
    position: { x: number; y: number },
    parentId: string | null,
    value: string,
  ) => ({
    id,
    type: 'transform.set',
    name,
    position,
    ...(parentId ? { parentId } : {}),
    config: { fields: [{ path: 'value', value }] },
  });
  const id = await createWorkflow(page, 'Loops editor: nested frames', {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0, 180), config: {} },
      {
        id: 'orders',
        type: 'flow.loop',
        name: 'Each order',
        position: at(320, 60),
        size: { width: 1180, height: 520 },
        config: { items: '{{ input.orders }}', concurrency: 5, onItemError: 'skip' },
      },
      set('fetch', 'Fetch order', at(70, 110), 'orders', '{{ item.id }}'),
      {
        id: 'lines',
        type: 'flow.loop',
        name: 'Each line',
        position: at(360, 90),
        parentId: 'orders',
        size: { width: 420, height: 220 },
        config: { items: '{{ steps["Fetch order"].output.value }}' },
      },
      set('price', 'Price line', at(110, 100), 'lines', '{{ item.sku }}'),
      set('total', 'Order total', at(880, 110), 'orders', '{{ steps["Each line"].output }}'),
      set('report', 'Report', at(1600, 180), null, '{{ steps["Each order"].output }}'),
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'main', target: 'orders' },
      { id: 'e2', source: 'orders', sourcePort: 'body', target: 'fetch' },
      { id: 'e3', source: 'fetch', sourcePort: 'main', target: 'lines' },
      { id: 'e4', source: 'lines', sourcePort: 'body', target: 'price' },
      { id: 'e5', source: 'price', sourcePort: 'main', target: 'lines' },
      { id: 'e6', source: 'lines', sourcePort: 'done', target: 'total' },
      { id: 'e7', source: 'total', sourcePort: 'main', target: 'orders' },
      { id: 'e8', source: 'orders', sourcePort: 'done', target: 'report' },
    ],
  });
  await page.setViewportSize({ width: 1920, height: 1000 });
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  const outer = frame(page, 'Each order');
  const inner = frame(page, 'Each line');
  await expect(outer).toContainText('Each ofinput.orders· 5 at once · skips failed items');
  await expect(inner).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(8);
  // Each body node is drawn inside its frame.
  const within = async (child: Locator, parent: Locator) => {
    const c = await child.boundingBox();
    const p = await parent.boundingBox();
    if (!c || !p) throw new Error('not visible');
    expect(c.x).toBeGreaterThan(p.x);
    expect(c.y).toBeGreaterThan(p.y);
    expect(c.x + c.width).toBeLessThan(p.x + p.width);
    expect(c.y + c.height).toBeLessThan(p.y + p.height);
  };
  await within(node(page, 'Fetch order'), outer);
  await within(inner, outer);
  await within(node(page, 'Price line'), inner);
  await within(node(page, 'Order total'), outer);
  await expect(page.getByTestId('problems-none')).toBeVisible();
  await page.screenshot({ path: screenshotPath('loop-editor-nested') });

  // Tidy up lays each body out inside its frame, left to right, and fits the frames around them.
  await page.getByRole('button', { name: 'Tidy up (auto-layout)' }).click();
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  await within(node(page, 'Fetch order'), outer);
  await within(inner, outer);
  await within(node(page, 'Price line'), inner);
  await within(node(page, 'Order total'), outer);
  const left = async (locator: Locator) => (await locator.boundingBox())?.x ?? Number.NaN;
  expect(await left(node(page, 'Fetch order'))).toBeLessThan(await left(inner));
  expect(await left(inner)).toBeLessThan(await left(node(page, 'Order total')));
  expect(await left(outer)).toBeLessThan(await left(node(page, 'Report')));
  await page.screenshot({ path: screenshotPath('loop-editor-tidy') });
});

import { typeInto } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * A node pack as an analyst meets it: the example pack (examples/node-pack/, which e2e/server.ts
 * names in NODE_PACKS) has its nodes in the palette's kind groups, labelled with the pack; one
 * added to a workflow says in its panel where it comes from, and a run of that workflow goes
 * through the server's own worker processes, which loaded the pack too.
 */

test('the palette offers a pack’s nodes labelled with the pack, and a workflow using one runs', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', {
    data: {
      name: 'Pack greeting',
      graph: {
        nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 80, y: 160 }, config: {} }],
        edges: [],
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);

  const palette = page.getByRole('complementary', { name: 'Node palette' });
  const textCase = palette
    .getByRole('region', { name: 'Transforms' })
    .getByTestId('palette-transform.example.textCase');
  await expect(textCase).toBeVisible();
  await expect(textCase.getByTestId('pack-label')).toHaveText('example@1.0.0');
  // The pack's own SVG icon is shown as an image, never as markup in the page.
  await expect(textCase.locator('img[src^="data:image/svg+xml,"]')).toBeVisible();
  const joke = palette.getByRole('region', { name: 'Actions' }).getByTestId('palette-action.example.randomJoke');
  await expect(joke.getByTestId('pack-label')).toHaveText('example@1.0.0');
  // Built-ins carry no label.
  await expect(palette.getByTestId('palette-transform.set').getByTestId('pack-label')).toHaveCount(0);

  // The pack's name finds its nodes.
  const search = palette.getByRole('searchbox', { name: 'Search nodes' });
  await search.fill('example');
  await expect(palette.getByRole('button')).toHaveCount(2);
  await palette.screenshot({ path: screenshotPath('palette-node-pack-search') });
  await search.fill('');
  await textCase.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('palette-node-pack') });

  // Added after the selected trigger, connected from it; its panel names the pack.
  await page.getByTestId('node-Start').click();
  await textCase.click();
  const panel = page.getByRole('complementary', { name: 'Node settings' });
  await expect(panel.getByText('transform.example.textCase')).toBeVisible();
  await expect(panel.getByTestId('pack-label')).toHaveText('example@1.0.0');
  await expect(panel.getByText('From the node pack')).toBeVisible();
  await typeInto(panel.getByRole('textbox', { name: 'Text' }), '{{ input.name }}');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('node-pack-panel') });

  // A test run of the draft: the server's worker processes run the pack's node.
  const started = await page.request.post(`/api/v1/workflows/${id}/runs`, {
    data: { draft: true, payload: { name: 'ada lovelace' } },
  });
  expect(started.status()).toBe(201);
  const { executionId } = (await started.json()) as { executionId: string };
  await expect
    .poll(
      async () => {
        const execution = await (await page.request.get(`/api/v1/executions/${executionId}`)).json();
        return { status: execution.status, last: execution.steps?.at(-1)?.output };
      },
      { timeout: 30_000 },
    )
    .toEqual({ status: 'succeeded', last: { name: 'ada lovelace', text: 'Ada Lovelace' } });
});

test('a pack’s credential type is offered on the credentials page, labelled with the pack', async ({ page }) => {
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Type').selectOption({ label: 'Joke service API key (example@1.0.0)' });
  await expect(dialog.getByTestId('pack-label')).toHaveText('example@1.0.0');
  await dialog.getByLabel('Name').fill('Pack jokes key');
  await dialog.getByLabel('API key').fill('jk_pack_secret_value');
  await page.screenshot({ path: screenshotPath('node-pack-credential') });
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(page.getByRole('cell', { name: /^Pack jokes key\b/ })).toBeVisible();
  const listed = (await (await page.request.get('/api/v1/credentials')).json()) as {
    items: Array<{ name: string; type: string }>;
  };
  expect(listed.items.find((item) => item.name === 'Pack jokes key')?.type).toBe('example.jokeApiKey');
  expect(JSON.stringify(listed)).not.toContain('jk_pack_secret_value');
});

import { chromium } from 'playwright-core';
import { SESSION_COOKIE, sessionCookie, setUpOwner } from '../e2e/owner.ts';
import { startServer } from '../e2e/server.ts';
import { bigGraph } from './graphs.ts';
import { percentile, report } from './stats.ts';

/**
 * The editor opening a 500-node workflow in headless Chromium against a real server: time from
 * navigation until the canvas is interactive (nodes drawn, and a click on one selects it and
 * opens its settings). Each run uses a fresh browser context (cold cache). Target (issue 14): p50 ≤ 0.8 s.
 *
 * The clock starts at navigation, in a tab that is open and quiet: before it, the machine is left
 * to settle (BENCH_SETTLE_MS, default 1 s). Closing the previous run's context tears down its
 * renderer, and opening the new one starts a renderer and a network context; on two cores that
 * work took the CPU from the server and the page (measured: the workflow's answer 200 ms late every
 * other run, first nodes drawn ~300 ms later). A person opening a workflow is not starting a fresh
 * browser profile at that instant; the figure is the editor's, not Chromium's start-up.
 */
export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const session = await setUpOwner(server);
    const created = await fetch(`${server.url}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${session}` },
      body: JSON.stringify({ name: 'Bench 500', graph: bigGraph(500) }),
    });
    if (created.status !== 201) throw new Error(`creating the workflow answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };

    const durations: number[] = [];
    let rendered = 0;
    const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 1000);
    for (let index = 0; index <= runs; index++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([sessionCookie(server.url, session)]);
      const page = await context.newPage();
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const start = performance.now();
      await page.goto(`${server.url}/workflows/${id}`, { waitUntil: 'commit' });
      const node = page.locator('.react-flow__node').first();
      await node.waitFor({ state: 'visible', timeout: 30_000 });
      const name = (await node.locator('[data-testid^="node-"]').getAttribute('data-testid'))?.slice('node-'.length);
      await node.click();
      await page
        .getByRole('complementary', { name: 'Node settings' })
        .getByRole('textbox', { name: 'Name' })
        .and(page.locator(`[value="${name}"]`))
        .waitFor({ timeout: 30_000 });
      const elapsed = performance.now() - start;
      rendered = await page.locator('.react-flow__node').count();
      // BENCH_SCREENSHOT=<file.png>: how the big workflow looks when it opens.
      if (index === runs && process.env.BENCH_SCREENSHOT) await page.screenshot({ path: process.env.BENCH_SCREENSHOT });
      if (index > 0) durations.push(elapsed); // the first run warms the server and the OS file cache
      await context.close();
    }
    durations.sort((a, b) => a - b);
    report('editor: open 500-node workflow until interactive', {
      p50_ms: percentile(durations, 50),
      max_ms: durations[durations.length - 1] ?? Number.NaN,
      runs: durations.length,
      nodes_drawn: rendered,
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}

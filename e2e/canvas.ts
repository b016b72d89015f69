import type { Locator, Page } from '@playwright/test';

/**
 * Building workflows on the editor's canvas as a person does (drag from the palette, drop into a
 * loop's frame, draw edges between handles, type into a settings field), shared by the specs that
 * build through the canvas: the loop specs and the approvals journey.
 */

export const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
export const frame = (page: Page, name: string) => page.getByTestId(`loop-${name}`);

/** A handle of a node or frame: a loop has `in` and `return` (targets), `body` and `done` (sources). */
export const handle = (owner: Locator, kind: 'source' | 'target', id?: string) =>
  owner.locator(`.react-flow__handle.${kind}${id ? `[data-handleid="${id}"]` : ''}`);

/** Drops a node type from the palette at a point of the canvas (relative to its top-left corner). */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('editor-canvas'), { targetPosition: { x, y } });
}

/** Drops a node type into a loop's frame, `x`/`y` from the frame's top-left corner (below its header). */
export async function dropIntoFrame(page: Page, type: string, into: Locator, x: number, y: number): Promise<void> {
  const box = await into.boundingBox();
  const canvas = await page.getByTestId('editor-canvas').boundingBox();
  if (!box || !canvas) throw new Error('frame not visible');
  await dragFromPalette(page, type, box.x - canvas.x + x, box.y - canvas.y + y);
}

/** Draws an edge from one handle to another with the mouse. */
export async function drawEdge(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Connects a loop's body: its `body` handle to the body's first node, the last node back to its `return` handle. */
export async function closeBody(page: Page, loop: Locator, first: Locator, last: Locator): Promise<void> {
  await drawEdge(page, handle(loop, 'source', 'body'), handle(first, 'target'));
  await drawEdge(page, handle(last, 'source'), handle(loop, 'target', 'return'));
}

/** Replaces a settings field's text by typing, as a person does, then closes any completion list. */
export async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  await field.press('Escape');
}

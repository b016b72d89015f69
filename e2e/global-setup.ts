import { rmSync } from 'node:fs';

/**
 * Screenshots are kept outside Playwright's output folder (which it empties per run) so people can
 * find them in one place; emptied here, so a page that stopped being captured leaves no stale picture.
 */
export default function globalSetup(): void {
  rmSync('test-results/screenshots', { recursive: true, force: true });
}

import { fetchEarly } from './early-answers.ts';

/**
 * The first script a page runs, before the app's own code (React, the router, the pages) has
 * loaded: it starts what the page opened will need, so that travels alongside that code rather
 * than after it. A workflow opened by URL (a link, a reload) needs the editor's code and the
 * workflow's data; every page needs the session check.
 */
fetchEarly(['/auth/me']);
const editorUrl = /^\/workflows\/([^/]+)\/?$/.exec(window.location.pathname);
if (editorUrl) {
  const id = editorUrl[1] ?? ''; // as the editor will ask for it; a mismatch only wastes the early fetch
  fetchEarly([`/workflows/${id}`, `/workflows/${id}/draft`, '/node-types']);
  void import('../editor/editor-page.tsx');
}

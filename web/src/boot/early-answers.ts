/**
 * GETs started before the app needs them, taken by the API client (api/client.ts) when it asks for
 * the same path. No imports: boot/early.ts runs this before the app's own code has even loaded.
 */

/** How long an early answer may wait for the page that asked for it before it counts as stale. */
const EARLY_ANSWER_TTL_MS = 10_000;
const earlyAnswers = new Map<string, { startedAt: number; answer: Promise<Response | undefined> }>();

/**
 * Starts GETs a page opened by URL will need before the app has even checked the session, so they
 * travel alongside that check instead of after it. The first `call` of a GET to the same path
 * takes the answer (once, and only while fresh); a failed or refused one is simply asked again,
 * the normal way, so errors and 401s are handled as usual. Any write (signing in or out, a save)
 * drops the answers not yet taken: they may describe the world before it.
 */
export function fetchEarly(paths: readonly string[]): void {
  for (const path of paths) {
    const answer = fetch(`/api/v1${path}`, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? response : undefined))
      .catch(() => undefined);
    earlyAnswers.set(path, { startedAt: Date.now(), answer });
  }
}

export function takeEarlyAnswer(url: string): Promise<Response | undefined> | undefined {
  const early = earlyAnswers.get(url);
  if (!early) return undefined;
  earlyAnswers.delete(url);
  return Date.now() - early.startedAt <= EARLY_ANSWER_TTL_MS ? early.answer : undefined;
}

/** Any write (signing in or out, a save) drops the answers not yet taken: they may describe the world before it. */
export function dropEarlyAnswers(): void {
  earlyAnswers.clear();
}

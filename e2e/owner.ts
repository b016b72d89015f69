import type { RunningServer } from './server.ts';

/** The owner e2e specs and browser benchmarks sign in as; created through a fresh server's setup. */
export const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'correct horse battery' };

export const SESSION_COOKIE = 'stepwise_session';

/** Creates the first admin on a fresh server and answers their session cookie's value. */
export async function setUpOwner(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  if (response.status !== 201) throw new Error(`setup answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')?.match(new RegExp(`${SESSION_COOKIE}=([^;]+)`))?.[1];
  if (!cookie) throw new Error('setup set no session cookie');
  return cookie;
}

/** The session as a browser context's cookie, as a real sign-in leaves it. */
export function sessionCookie(serverUrl: string, value: string) {
  return {
    name: SESSION_COOKIE,
    value,
    domain: new URL(serverUrl).hostname,
    path: '/',
    expires: -1,
    httpOnly: true,
    secure: false,
    sameSite: 'Strict' as const,
  };
}

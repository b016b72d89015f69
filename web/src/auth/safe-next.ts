/**
 * Where to go after signing in: only a path of this app. `//evil.example` or an absolute URL
 * would make the login page an open redirect.
 */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/workflows';
  return next;
}

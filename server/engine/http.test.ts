import { describe, expect, it } from 'vitest';
import { withQueryParameters } from './http.ts';

describe('withQueryParameters', () => {
  it('adds each parameter encoded, replaces one of the same name, and keeps the others as written', () => {
    const url = new URL('https://api.example.com/v1/search?q=a%20b&api_key=from-node&tag=x+y#top');
    const next = withQueryParameters(url, [['api_key', 'k/1 2&3']]);
    expect(next.href).toBe('https://api.example.com/v1/search?q=a%20b&tag=x+y&api_key=k%2F1%202%263#top');
    expect(next.searchParams.get('api_key')).toBe('k/1 2&3');
    expect(url.href).toContain('api_key=from-node'); // the URL given is left as it was
  });

  it('finds a parameter of the same name however it was encoded', () => {
    const url = new URL('https://api.example.com/?api%5Fkey=old&x=1');
    expect(withQueryParameters(url, [['api_key', 'new']]).search).toBe('?x=1&api_key=new');
  });
});

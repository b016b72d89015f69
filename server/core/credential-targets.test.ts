import { describe, expect, it } from 'vitest';
import { normalizeTarget, targetsAllow } from './credential-targets.ts';

describe('credential targets', () => {
  it('normalize scheme, host, default port and trailing slashes, and refuse what is not a target', () => {
    expect(normalizeTarget('HTTPS://Api.Example.com:443/v1/')).toEqual({ target: 'https://api.example.com/v1' });
    expect(normalizeTarget('http://127.0.0.1:8080')).toEqual({ target: 'http://127.0.0.1:8080' });
    for (const text of [
      'api.example.com',
      'ftp://x.test',
      'https://u:p@x.test',
      'https://x.test/?a=1',
      'https://*.x.test',
    ]) {
      expect(normalizeTarget(text)).toHaveProperty('error');
    }
  });

  it('allow the same origin under the path prefix only', () => {
    const targets = ['https://api.example.com/v1', 'http://127.0.0.1:8080'];
    const allows = (url: string) => targetsAllow(targets, new URL(url));
    expect(allows('https://api.example.com/v1')).toBe(true);
    expect(allows('https://API.example.com:443/v1/orders?x=1')).toBe(true);
    expect(allows('https://api.example.com/v10')).toBe(false);
    expect(allows('https://api.example.com/v1/../admin')).toBe(false); // resolved to /admin
    expect(allows('http://api.example.com/v1')).toBe(false); // scheme
    expect(allows('https://api.example.com.evil.test/v1')).toBe(false);
    expect(allows('http://127.0.0.1:8080/anything')).toBe(true);
    expect(allows('http://127.0.0.1:8081/')).toBe(false); // port
    expect(targetsAllow([], new URL('https://api.example.com/v1'))).toBe(false);
  });
});

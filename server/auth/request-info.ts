import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';

/** The reverse proxies (`TRUSTED_PROXIES`) whose X-Forwarded-For and X-Forwarded-Proto are believed. */
export class ProxyTrust {
  private readonly list = new BlockList();
  private readonly size: number;

  /** `entries`: addresses and CIDR blocks, as the config checked them. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
    this.size = entries.length;
  }

  trusts(address: string | null): boolean {
    if (!address || this.size === 0) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

const PROXY_TRUST = 'stepwise.proxyTrust';

/** Middleware: the trusted proxies `clientIp` and `isHttps` consult for every request after it. */
export function trustProxies(entries: readonly string[]): MiddlewareHandler {
  const trust = new ProxyTrust(entries);
  return async (c, next) => {
    c.set(PROXY_TRUST, trust);
    await next();
  };
}

/** An IPv4 peer of a dual-stack socket reads `::ffff:10.0.0.1`: the same address as `10.0.0.1`. */
const plain = (address: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address);

function peerOf(c: Context): string | null {
  try {
    const address = getConnInfo(c).remote.address;
    return address ? plain(address) : null;
  } catch {
    return null;
  }
}

/** The peer, when it is a trusted proxy: its forwarded headers are believed. */
function trustedPeer(c: Context): boolean {
  const trust = c.get(PROXY_TRUST) as ProxyTrust | undefined;
  return trust?.trusts(peerOf(c)) ?? false;
}

/**
 * The client's address, or null (in-process requests in tests have no socket). The socket's peer,
 * unless it is a trusted proxy: then X-Forwarded-For is read from its nearest hop back, each
 * trusted proxy passing the word on, and the first address that is no trusted proxy is the client
 * (what an untrusted hop claims about earlier hops may be forged, so nothing before it is read).
 */
export function clientIp(c: Context): string | null {
  const peer = peerOf(c);
  if (!trustedPeer(c)) return peer;
  const trust = c.get(PROXY_TRUST) as ProxyTrust;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((hop) => plain(hop.trim()));
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) break;
    client = hop;
    if (!trust.trusts(hop)) break;
  }
  return client;
}

/**
 * HTTPS as the client sees it: the URL, or X-Forwarded-Proto from a trusted proxy (its last
 * value, the one the nearest proxy set). Anyone else's X-Forwarded-Proto is ignored.
 */
export function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (!trustedPeer(c)) return false;
  const proto = (c.req.header('x-forwarded-proto') ?? '').split(',').pop()?.trim().toLowerCase();
  return proto === 'https';
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Defence in depth against cross-site request forgery, beyond the SameSite=Strict cookie: a
 * state-changing request that a browser marks as coming from another site (Sec-Fetch-Site), or
 * whose Origin is not this server, is refused. Answers the reason, or undefined when it may pass.
 */
export function crossSiteProblem(c: Context): string | undefined {
  if (!UNSAFE_METHODS.has(c.req.method)) return undefined;
  const site = c.req.header('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return `a ${site} request may not change anything`;
  const origin = c.req.header('origin');
  if (origin === undefined) return undefined; // not a browser, or a same-origin GET-like navigation
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return 'the Origin header is not a URL';
  }
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  // The scheme too: http://host and https://host are different origins (another server, say).
  const scheme = isHttps(c) ? 'https:' : 'http:';
  return originUrl.host === host && originUrl.protocol === scheme
    ? undefined
    : `requests from ${origin} may not change anything here`;
}

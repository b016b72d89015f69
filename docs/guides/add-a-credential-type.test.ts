import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialCatalogue, findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretJsonSchema } from '../../nodes/credentials/define.ts';
import { sendWithCredential } from '../../server/engine/authenticated-http.ts';
import { sendHttp } from '../../server/engine/http.ts';
import { testHttpServer } from '../../server/testing/engine.ts';

/*
 * The guide's example is built from the guide itself: its code block is written to a file (its
 * imports pointed at nodes/credentials/), imported, and a request is sent with it through the
 * worker's authenticated HTTP path to a real server on 127.0.0.1.
 */

const guide = readFileSync(new URL('add-a-credential-type.md', import.meta.url), 'utf8');
const credentials = fileURLToPath(new URL('../../nodes/credentials/', import.meta.url));

/** The guide's `ts` code block that starts with `// <path>`. */
function codeBlock(firstLine: string): string {
  const block = [...guide.matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((match) => match[1] as string)
    .find((code) => code.startsWith(firstLine));
  if (!block) throw new Error(`the guide has no code block starting with ${firstLine}`);
  return block;
}

/** The guide's definition as a module: its relative imports lead to nodes/credentials/. */
async function buildExample(dir: string): Promise<CredentialDefinition> {
  const source = codeBlock('// nodes/credentials/token.credential.ts')
    .replace(/from '\.\/([^']+)'/g, (_, file: string) => `from '${pathToFileURL(join(credentials, file)).href}'`)
    .replace(/from 'zod'/g, `from '${import.meta.resolve('zod')}'`);
  const file = join(dir, 'token.credential.ts');
  writeFileSync(file, source);
  return ((await import(file)) as { default: CredentialDefinition }).default;
}

const KEY = 'nbx-0123456789abcdef';
let dir: string;
let token: CredentialDefinition;
let server: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stepwise-guide-'));
  token = await buildExample(dir);
  // An API that echoes the header it was sent, as careless ones do.
  server = await testHttpServer((request, response) => {
    response.writeHead(request.headers.authorization === `Token ${KEY}` ? 200 : 401, {
      'content-type': 'application/json',
    });
    response.end(JSON.stringify({ authorization: request.headers.authorization }));
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The catalogue with the guide's type added, as its step 2 does. */
const withToken = (type: string) => (type === token.type ? token : findCredentialType(type));

const stored = (allowedTargets: string[]) => ({
  name: 'NetBox',
  type: 'token',
  secret: { key: KEY },
  allowedTargets,
  useRoles: [],
  useUserIds: [],
});

describe('the guide “Add a credential type”', () => {
  it('defines a new type: its secret is checked, naming the field, and its key is a secret field', () => {
    expect(token).toMatchObject({ type: 'token', title: 'Token auth', secretFields: ['key'] });
    expect(findCredentialType('token')).toBeUndefined(); // new: not in the catalogue yet
    expect(token.secret.safeParse({ key: KEY }).success).toBe(true);
    const refused = token.secret.safeParse({ key: 'a\r\nX-Injected: 1' });
    expect(refused.error?.issues[0]?.path).toEqual(['key']);
    expect(secretJsonSchema(token)).toMatchObject({
      properties: { key: { type: 'string', title: 'Key', writeOnly: true } },
      required: ['key'],
    });
  });

  it('authenticates a request through the worker’s path and masks the key out of the answer', async () => {
    const answer = await sendWithCredential(
      sendHttp,
      stored([`${server.url}/api`]),
      { method: 'GET', url: `${server.url}/api/status/`, headers: {}, timeoutMs: 5000 },
      undefined,
      withToken,
    );
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Token ${KEY}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(JSON.stringify({ authorization: 'Token ••••••' }));
    expect(JSON.stringify(answer)).not.toContain(KEY);
  });

  it('keeps it to the credential’s allowed targets', async () => {
    const before = server.requests.length;
    const refused = sendWithCredential(
      sendHttp,
      stored([`${server.url}/api`]),
      { method: 'GET', url: `${server.url}/admin`, headers: {}, timeoutMs: 5000 },
      undefined,
      withToken,
    );
    await expect(refused).rejects.toThrow(`credential "NetBox" may not be sent to ${server.url}/admin`);
    expect(server.requests.length).toBe(before);
  });

  it('shows the catalogue line as the catalogue really is, plus the new type', () => {
    const line = codeBlock("import token from './token.credential.ts';").match(/credentialCatalogue = \[([^\]]+)\]/);
    // Imported under a camel-case name (signingKey) for a type named in kebab case (signing-key).
    const listed = line?.[1]?.split(',').map((name) => name.trim().replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    const types = credentialCatalogue.map((definition) => definition.type);
    expect(listed?.filter((name) => name !== 'token')).toEqual(types);
  });
});

import { describe, expect, it } from 'vitest';
import { credentialCatalogue, findCredentialType, httpCredentialTypes } from './catalogue.ts';
import { type CredentialDefinition, secretJsonSchema, secretValues } from './define.ts';

// One valid secret per type; a new type without one fails the first test here.
const examples: Record<string, Record<string, unknown>> = {
  bearer: { token: 'tok-123456' },
  basic: { username: 'ada', password: 'pa55word' },
  header: { header: 'X-Api-Key', value: 'key-123456' },
  query: { name: 'api_key', key: 'key-abcdef' },
  hmac: { secret: 'a shared secret of 32 characters' },
  smtp: { host: 'smtp.example.com', username: 'bob', password: 'pa55word' },
  postgres: { host: 'db.example.com', database: 'orders', user: 'stepwise', password: 'pa55word', ssl: 'verify-full' },
  oauth2: {
    authorizationUrl: 'https://auth.example.com/authorize',
    tokenUrl: 'https://auth.example.com/token',
    clientId: 'stepwise',
    clientSecret: 'client-secret-123456',
    scopes: 'read, write  admin',
  },
  'signing-key': { secret: 'a signing key of 16 or more characters' },
};

const types = credentialCatalogue as readonly CredentialDefinition[];
const http = (type: string) => {
  const definition = findCredentialType(type);
  return definition?.http?.(definition.secret.parse(examples[type]));
};

describe('credential catalogue', () => {
  it('lists each type once, each with an example here', () => {
    const names = types.map((definition) => definition.type);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(examples).sort());
  });

  it('finds every type, and nothing else', () => {
    for (const definition of types) expect(findCredentialType(definition.type)).toBe(definition);
    expect(findCredentialType('ssh')).toBeUndefined();
    expect(findCredentialType('toString')).toBeUndefined();
  });

  it('names secret fields that its secret has, and parses each example', () => {
    for (const definition of types) {
      expect(definition.secretFields.length, definition.type).toBeGreaterThan(0);
      for (const field of definition.secretFields) expect(Object.keys(definition.secret.shape)).toContain(field);
      expect(definition.secret.safeParse(examples[definition.type]).success, definition.type).toBe(true);
    }
  });

  it('offers HTTP requests exactly the types that declare how to authenticate one', () => {
    expect(httpCredentialTypes).toEqual(
      types.filter((definition) => definition.http || definition.httpToken).map((d) => d.type),
    );
    expect(httpCredentialTypes).toContain('oauth2');
    expect(httpCredentialTypes).not.toContain('hmac');
    expect(httpCredentialTypes).not.toContain('signing-key');
  });

  it('authenticates requests as each HTTP-style type declares', () => {
    expect(http('bearer')).toEqual({ headers: { authorization: 'Bearer tok-123456' } });
    const encoded = Buffer.from('ada:pa55word').toString('base64');
    expect(http('basic')).toEqual({ headers: { authorization: `Basic ${encoded}` }, masked: [encoded] });
    expect(http('header')).toEqual({ headers: { 'x-api-key': 'key-123456' } });
    expect(http('query')).toEqual({ query: { api_key: 'key-abcdef' } });
  });

  it('sends an OAuth 2 access token as its settings say, and connects as its grant says', () => {
    const oauth2 = findCredentialType('oauth2') as CredentialDefinition;
    const settings = oauth2.secret.parse(examples.oauth2);
    expect(oauth2.httpToken?.(settings, 'at-1')).toEqual({ headers: { authorization: 'Bearer at-1' } });
    const inQuery = oauth2.secret.parse({ ...examples.oauth2, sendTokenAs: 'queryParameter' });
    expect(oauth2.httpToken?.(inQuery, 'at-1')).toEqual({ query: { access_token: 'at-1' } });
    expect(oauth2.connects?.(settings)).toEqual({ interactive: true, scopes: ['read', 'write', 'admin'] });
    const machine = oauth2.secret.parse({
      ...examples.oauth2,
      grantType: 'clientCredentials',
      authorizationUrl: undefined,
    });
    expect(oauth2.connects?.(machine)).toEqual({ interactive: false, scopes: ['read', 'write', 'admin'] });
  });

  it('refuses an OAuth 2 code grant without an authorization URL, and endpoints that are not http(s)', () => {
    const oauth2 = findCredentialType('oauth2') as CredentialDefinition;
    const missing = oauth2.secret.safeParse({ ...examples.oauth2, authorizationUrl: undefined });
    expect(missing.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['authorizationUrl']);
    const ftp = oauth2.secret.safeParse({ ...examples.oauth2, tokenUrl: 'ftp://auth.example.com/token' });
    expect(ftp.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['tokenUrl']);
  });

  it('offers presets that only fill in settings the type has, each giving valid settings with a client id', () => {
    const oauth2 = findCredentialType('oauth2') as CredentialDefinition;
    expect(oauth2.presets?.map((preset) => preset.name)).toEqual([
      'google',
      'microsoft',
      'github',
      'slack',
      'salesforce',
    ]);
    for (const preset of oauth2.presets ?? []) {
      for (const field of Object.keys(preset.values))
        expect(Object.keys(oauth2.secret.shape), preset.name).toContain(field);
      expect(oauth2.secret.safeParse({ ...preset.values, clientId: 'id' }).success, preset.name).toBe(true);
    }
  });

  it('encodes basic auth as UTF-8, as servers decode it', () => {
    const basic = findCredentialType('basic');
    const applied = basic?.http?.({ username: 'zoë', password: 'pässwörd€' });
    expect(applied?.masked).toEqual([Buffer.from('zoë:pässwörd€').toString('base64')]);
  });

  it('serves each secret’s JSON Schema with the secret fields marked write-only, and titled fields', () => {
    const schema = secretJsonSchema(findCredentialType('header') as CredentialDefinition) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.properties.header).toMatchObject({ type: 'string', title: 'Header name' });
    expect(schema.properties.header?.writeOnly).toBeUndefined();
    expect(schema.properties.value).toMatchObject({ type: 'string', title: 'Header value', writeOnly: true });
    for (const definition of types) {
      const properties = (secretJsonSchema(definition) as { properties: Record<string, { title?: string }> })
        .properties;
      for (const [field, property] of Object.entries(properties)) {
        expect(property.title, `${definition.type}.${field}`).toEqual(expect.any(String));
      }
    }
  });

  it('describes an SMTP server: defaults for port and security, titled security choices, the password write-only', () => {
    const definition = findCredentialType('smtp') as CredentialDefinition;
    expect(definition.secret.parse({ host: 'smtp.example.com' })).toEqual({
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      allowSelfSigned: false,
    });
    const schema = secretJsonSchema(definition) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.password).toMatchObject({ writeOnly: true });
    expect(schema.properties.username?.writeOnly).toBeUndefined();
    expect(schema.properties.security).toMatchObject({ default: 'starttls' });
    const choices = schema.properties.security?.anyOf as { const: string; title: string }[] | undefined;
    expect(choices?.map((choice) => choice.const)).toEqual(['starttls', 'tls', 'none']);
    expect(choices?.[2]?.title).toContain('only for a relay on your own network');
    const refused = definition.secret.safeParse({ host: 'smtp.example.com', password: 'pa55word' });
    expect(refused.error?.issues).toEqual([
      expect.objectContaining({ path: ['username'], message: 'a password needs a user name' }),
    ]);
    for (const host of ['smtp://smtp.example.com', 'smtp.example.com:587', 'bob@smtp.example.com']) {
      expect(definition.secret.safeParse({ host }).success, host).toBe(false);
    }
    expect(definition.secret.safeParse({ host: 'smtp.example.com', from: 'Orders' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['from'], message: 'an email address, e.g. Orders <orders@example.com>' }),
    ]);
    for (const host of ['smtp.example.com', '10.0.0.5', '::1', 'fd00::25']) {
      expect(definition.secret.safeParse({ host }).success, host).toBe(true);
    }
  });

  it('lists the values of the secret fields only', () => {
    const header = findCredentialType('header') as CredentialDefinition;
    expect(secretValues(header, { header: 'X-Api-Key', value: 'key-123456' })).toEqual(['key-123456']);
    const basic = findCredentialType('basic') as CredentialDefinition;
    expect(secretValues(basic, { username: 'ada', password: '' })).toEqual([]);
  });
});

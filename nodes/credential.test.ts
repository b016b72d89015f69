import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findNodeType } from './catalogue.ts';
import { credentialCatalogue } from './credentials/catalogue.ts';

/** The config JSON Schema as `/api/v1/node-types` serves it. */
const propertyOf = (type: string, key: string) => {
  const config = findNodeType(type)?.config ?? z.object({});
  const schema = z.toJSONSchema(config, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return { property: schema.properties[key], required: schema.required ?? [] };
};

describe('credential fields', () => {
  it('tell the form which credential types fit, in the JSON Schema', () => {
    const http = propertyOf('action.http', 'credentialId');
    // Every type of the credential catalogue that can authenticate a request (with its secret, or a
    // token it obtains), and only those.
    const httpTypes = credentialCatalogue
      .filter((type) => type.http !== undefined || type.httpToken !== undefined)
      .map((type) => type.type);
    expect(httpTypes).toEqual(expect.arrayContaining(['bearer', 'query', 'oauth2']));
    expect(httpTypes).not.toContain('hmac');
    expect(http.property).toMatchObject({ type: 'string', format: 'credential', credentialTypes: httpTypes });
    expect(http.required).not.toContain('credentialId');
    const webhook = propertyOf('trigger.webhook', 'secretCredentialId');
    expect(webhook.property).toMatchObject({ type: 'string', format: 'credential', credentialTypes: ['hmac'] });
    expect(webhook.property?.description).toMatch(/HMAC-SHA256/);
  });

  it('still parse as an optional non-empty string', () => {
    const http = findNodeType('action.http')?.config;
    const url = 'https://example.com';
    expect(http?.safeParse({ url }).success).toBe(true);
    expect(http?.safeParse({ url, credentialId: 'any-id' }).success).toBe(true);
    expect(http?.safeParse({ url, credentialId: '' }).success).toBe(false);
    const webhook = findNodeType('trigger.webhook')?.config;
    expect(webhook?.safeParse({ path: 'a', secretCredentialId: 'x' }).success).toBe(true);
    expect(webhook?.safeParse({ path: 'a', secretCredentialId: '' }).success).toBe(false);
  });
});

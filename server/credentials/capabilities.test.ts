import { describe, expect, it } from 'vitest';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { capabilities, capabilityOf } from './capabilities.ts';
import { SIGNATURE_HEADER, signBody } from './hmac.capability.ts';

const SECRET = 'a shared secret of 32 characters';
const now = () => Math.floor(Date.now() / 1000);
const request = (rawBody: string, signature: string | undefined) => ({
  rawBody,
  header: (name: string) => (name === SIGNATURE_HEADER ? signature : undefined),
});

describe('credential capabilities', () => {
  it('belong to protocol types of the credential catalogue, one each', () => {
    const types = capabilities.map((capability) => capability.type);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) {
      const definition = findCredentialType(type);
      expect(definition, type).toBeDefined();
      // HTTP-style types need no capability: the worker applies their declaration.
      expect(definition?.http, type).toBeUndefined();
    }
    expect(capabilityOf('bearer')).toBeUndefined();
  });

  it('give a webhook’s hmac secret no operation to sign with: only a signing-key signs for nodes', () => {
    expect(Object.keys(capabilityOf('hmac')?.operations ?? {})).toEqual([]);
    expect(Object.keys(capabilityOf('signing-key')?.operations ?? {})).toEqual(['signing-key.hmac']);
  });

  it('let an hmac credential verify a webhook signed with its secret, and refuse any other', () => {
    const verify = capabilityOf('hmac')?.verifyWebhook;
    expect(verify).toBeDefined();
    const body = '{"order":1}';
    const signed = verify?.({ secret: SECRET }, request(body, signBody(SECRET, body, now())));
    expect(signed).toMatchObject({ digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(verify?.({ secret: SECRET }, request(body, signBody('another secret, 32 chars long', body, now())))).toEqual(
      {
        problem: 'the signature does not match',
      },
    );
    expect(verify?.({ secret: SECRET }, request(body, undefined))).toEqual({
      problem: `missing ${SIGNATURE_HEADER} header`,
    });
  });

  it('refuse every request when the stored secret does not fit the type, instead of verifying with it', () => {
    const verify = capabilityOf('hmac')?.verifyWebhook;
    const body = '{}';
    expect(verify?.({ token: SECRET }, request(body, signBody(SECRET, body, now())))).toEqual({
      problem: "the webhook's hmac credential holds no valid secret",
    });
  });
});

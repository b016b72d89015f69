import { createHmac, timingSafeEqual } from 'node:crypto';
import hmac from '../../nodes/credentials/hmac.credential.ts';
import { defineCapability, type RefusedSignature, type VerifiedSignature } from './define-capability.ts';

/*
 * The HMAC credential type's protocol: webhook senders sign each request with the shared secret,
 * and the webhook route checks the signature before anything else (docs/security.md).
 */

/** The header a signed webhook carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body bytes>">`. */
export const SIGNATURE_HEADER = 'x-stepwise-signature';
/** How far a signature's timestamp may be from now: replays of older requests are refused. */
export const SIGNATURE_TOLERANCE_S = 300;

export function signBody(secret: string, rawBody: Uint8Array | string, timestamp: number): string {
  return `t=${timestamp},v1=${signatureDigest(secret, rawBody, timestamp).toString('hex')}`;
}

/**
 * HMAC-SHA256 of `<t>.` and then the body's bytes as received (a string: its UTF-8 bytes), never of
 * text decoded from them: a binary upload's bytes are not valid UTF-8, and decoding would change them.
 */
function signatureDigest(secret: string, rawBody: Uint8Array | string, timestamp: number): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** Why a signature is refused, or undefined when it is valid. Compares digests in constant time. */
export function signatureProblem(
  secret: string,
  rawBody: Uint8Array | string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  const result = verifySignature(secret, rawBody, header, nowSeconds);
  return 'problem' in result ? result.problem : undefined;
}

/**
 * Verifies a signature header; answers why it is refused, or the signature with the moment its
 * timestamp leaves the tolerance window: a copy sent before then would verify too, so it must be
 * remembered until then to refuse replays.
 */
export function verifySignature(
  secret: string,
  rawBody: Uint8Array | string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): RefusedSignature | VerifiedSignature {
  if (!header) return { problem: `missing ${SIGNATURE_HEADER} header` };
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const [name, ...rest] = part.trim().split('=');
      return [name, rest.join('=')];
    }),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp)) return { problem: 'the signature has no timestamp (t=)' };
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_S)
    return { problem: 'the signature timestamp is too old or in the future' };
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  const expected = signatureDigest(secret, rawBody, timestamp);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { problem: 'the signature does not match' };
  // The expected digest, not the header's text: other spellings of the same signature (upper-case
  // hex, spaces, parts reordered) are the same signature.
  return { digest: expected.toString('hex'), validUntilMs: (timestamp + SIGNATURE_TOLERANCE_S + 1) * 1000 };
}

export default defineCapability(hmac, {
  verifyWebhook: (secret, request) => verifySignature(secret.secret, request.rawBody, request.header(SIGNATURE_HEADER)),
});

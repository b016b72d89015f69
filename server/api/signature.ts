import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a signed webhook carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'x-stepwise-signature';
/** How far a signature's timestamp may be from now: replays of older requests are refused. */
export const SIGNATURE_TOLERANCE_S = 300;

export function signBody(secret: string, rawBody: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** Why a signature is refused, or undefined when it is valid. Compares digests in constant time. */
export function signatureProblem(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  if (!header) return `missing ${SIGNATURE_HEADER} header`;
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const [name, ...rest] = part.trim().split('=');
      return [name, rest.join('=')];
    }),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp)) return 'the signature has no timestamp (t=)';
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_S)
    return 'the signature timestamp is too old or in the future';
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match';
  return undefined;
}

import { z } from 'zod';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { capabilityOf } from './capabilities.ts';

/*
 * "Test connection": an admin asks, a worker tries the credential (the API process makes no
 * outbound call), and its answer comes back over PostgreSQL NOTIFY, as run events do. The API side
 * is server/engine/credential-test-requests.ts, the worker's server/engine/credential-test-task.ts.
 */

/** What a test reports: whether the credential got through, the answer's status if one came, in words. */
export const ConnectionTestResult = z
  .object({
    ok: z.boolean().describe('The far side answered 2xx'),
    status: z.number().int().optional().describe('The HTTP status of the answer, when one came'),
    message: z.string(),
  })
  .meta({ id: 'ConnectionTestResult' });
export type ConnectionTestResult = z.output<typeof ConnectionTestResult>;

/** Who asks for a test: use limits apply to it as to a run's user. */
export const ConnectionTestUser = z.object({ id: z.string(), roles: z.array(z.string()) });

/** A test as a worker's job carries it; parsed, as every job payload is (it may be older than the code). */
export const ConnectionTestJob = z.object({
  /** The id its answer is sent back under. */
  testId: z.string(),
  credentialId: z.string(),
  /** Where an HTTP-style credential sends its GET; none for a type that tests itself. */
  url: z.string().optional(),
  user: ConnectionTestUser,
  /** The API stops waiting then: a job picked up later is dropped. */
  expiresAt: z.iso.datetime(),
});
export type ConnectionTestJob = z.output<typeof ConnectionTestJob>;

/** How the API asks for a test and waits for a worker's answer. */
export interface ConnectionTester {
  /** Undefined when no worker answered in time. */
  test(request: Omit<ConnectionTestJob, 'testId' | 'expiresAt'>): Promise<ConnectionTestResult | undefined>;
}

/**
 * How credentials of `type` are tested: `direct` when its capability (server/credentials/) reaches
 * the far side itself (SMTP verify, `select 1`), `token` for a type whose requests carry a token
 * (OAuth 2: a worker asks its provider for one), `url` for an HTTP-style type, sent with a GET to a
 * URL the admin gives; undefined when it cannot be (it is never sent anywhere).
 */
export function testKind(type: string): 'direct' | 'token' | 'url' | undefined {
  const capability = capabilityOf(type);
  if (capability?.testConnection) return 'direct';
  if (capability?.renewTokens) return 'token';
  if (findCredentialType(type)?.http) return 'url';
  return undefined;
}

export function isTestable(type: string): boolean {
  return testKind(type) !== undefined;
}

import { and, eq, gt, isNull } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { webhookTests } from './schema.ts';

/** A workflow's test URL as stored: armed, and maybe taken. */
export interface WebhookTestRow {
  workflowId: string;
  nodeId: string;
  armedBy: string | null;
  armedAt: string;
  expiresAt: string;
  capturedAt: string | null;
  payload: unknown;
  refusal: unknown;
}

const columns = {
  workflowId: webhookTests.workflowId,
  nodeId: webhookTests.nodeId,
  armedBy: webhookTests.armedBy,
  armedAt: webhookTests.armedAt,
  expiresAt: webhookTests.expiresAt,
  capturedAt: webhookTests.capturedAt,
  payload: webhookTests.payload,
  refusal: webhookTests.refusal,
};

/**
 * Arms the workflow's test URL, replacing any earlier one (its token stops working, whatever it
 * captured is forgotten): the editor shows one listening test at a time.
 */
export function armWebhookTest(
  db: Db,
  values: {
    workflowId: string;
    nodeId: string;
    tokenHash: string;
    armedBy: string | null;
    armedAt?: string;
    expiresAt: string;
  },
): WebhookTestRow {
  const row = { armedAt: nowIso(), ...values, capturedAt: null, payload: null, refusal: null };
  db.insert(webhookTests).values(row).onConflictDoUpdate({ target: webhookTests.workflowId, set: row }).run();
  return { ...row };
}

/** The workflow's test URL, armed or taken; undefined when none was armed. */
export function getWebhookTest(db: Db, workflowId: string): WebhookTestRow | undefined {
  return db.select(columns).from(webhookTests).where(eq(webhookTests.workflowId, workflowId)).get();
}

/** The test URL a token opens, whatever its state (the caller says why it is closed). */
export function webhookTestByToken(db: Db, tokenHash: string): WebhookTestRow | undefined {
  return db.select(columns).from(webhookTests).where(eq(webhookTests.tokenHash, tokenHash)).get();
}

/**
 * Takes the request for the test URL: only while it is open (not taken, not expired) and still this
 * token's, in one statement, so of two requests at once exactly one is captured.
 */
export function captureWebhookTest(db: Db, tokenHash: string, payload: unknown, now = new Date()): boolean {
  const at = now.toISOString();
  return (
    db
      .update(webhookTests)
      .set({ capturedAt: at, payload, refusal: null })
      .where(
        and(eq(webhookTests.tokenHash, tokenHash), isNull(webhookTests.capturedAt), gt(webhookTests.expiresAt, at)),
      )
      .run().changes > 0
  );
}

/** Notes a refused request on an open test URL, so the editor can say why nothing arrived. */
export function refuseWebhookTest(db: Db, tokenHash: string, refusal: unknown): void {
  db.update(webhookTests)
    .set({ refusal })
    .where(and(eq(webhookTests.tokenHash, tokenHash), isNull(webhookTests.capturedAt)))
    .run();
}

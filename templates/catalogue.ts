import approveExpenseOverLimit from './approve-expense-over-limit.template.ts';
import backfillInBatches from './backfill-in-batches.template.ts';
import checkOrderOrStop from './check-order-or-stop.template.ts';
import csvUploadSummary from './csv-upload-summary.template.ts';
import dailyReportEmail from './daily-report-email.template.ts';
import dedupeSortLeads from './dedupe-sort-leads.template.ts';
import type { Template } from './define.ts';
import errorAlertChat from './error-alert-chat.template.ts';
import errorAlertEmail from './error-alert-email.template.ts';
import nightlyPostgresCleanup from './nightly-postgres-cleanup.template.ts';
import overdueInvoicesDigest from './overdue-invoices-digest.template.ts';
import retryFlakyApiThenAlert from './retry-flaky-api-then-alert.template.ts';
import routeSupportTickets from './route-support-tickets.template.ts';
import signupFollowUp from './signup-follow-up.template.ts';
import syncNewOrders from './sync-new-orders.template.ts';
import webhookToSlack from './webhook-to-slack.template.ts';
import xmlFeedDigest from './xml-feed-digest.template.ts';

/**
 * Every bundled template, in the gallery's order (the most asked-for first). Adding a template =
 * one file + one line here (docs/guides/add-a-template.md); templates/templates.test.ts validates
 * each one as a saved version would be.
 */
export const templates: readonly Template[] = [
  csvUploadSummary,
  dailyReportEmail,
  approveExpenseOverLimit,
  retryFlakyApiThenAlert,
  errorAlertEmail,
  errorAlertChat,
  syncNewOrders,
  dedupeSortLeads,
  webhookToSlack,
  routeSupportTickets,
  overdueInvoicesDigest,
  checkOrderOrStop,
  signupFollowUp,
  backfillInBatches,
  xmlFeedDigest,
  nightlyPostgresCleanup,
];

const bySlug = new Map(templates.map((template) => [template.slug, template]));

export function findTemplate(slug: string): Template | undefined {
  return bySlug.get(slug);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../server/core/graph/model.ts';
import { testEngine } from '../server/testing/engine.ts';
import { testSmtpServer } from '../server/testing/smtp.ts';
import { findTemplate } from './catalogue.ts';
import type { Template } from './define.ts';

/*
 * The acceptance journey on the real engine: the csv-upload-summary template as it is
 * bundled, its one credential field picked (as the user does after "Use template"), run with a
 * webhook's payload: a text/csv body, then a multipart upload. A real worker, PostgreSQL, a stored
 * smtp credential and a real SMTP server on 127.0.0.1.
 *
 *   Upload ──▶ Parse CSV ──▶ Each row ══body══▶ [ Row ] ──▶ Each row ──done──▶ Totals ──▶ Email summary
 */

const USER = { name: 'mailer', password: 'pa55-templates-7c1e' };
let engine: Awaited<ReturnType<typeof testEngine>>;
let smtp: Awaited<ReturnType<typeof testSmtpServer>>;
let graph: Graph;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  smtp = await testSmtpServer({ security: 'starttls', user: USER });
  const credential = await engine.repos.credentials.insert(engine.masterKey, {
    name: 'Finance mail',
    type: 'smtp',
    // The template leaves From empty: the credential's default sender signs its mail.
    secret: {
      host: '127.0.0.1',
      port: smtp.port,
      username: USER.name,
      password: USER.password,
      from: 'Stepwise <stepwise@example.com>',
      allowSelfSigned: true,
    },
  });
  const template = findTemplate('csv-upload-summary') as Template;
  graph = {
    ...template.graph,
    nodes: template.graph.nodes.map((node) =>
      node.id === 'send' ? { ...node, config: { ...node.config, credentialId: credential.id } } : node,
    ),
  };
});
afterAll(async () => {
  await smtp?.close();
  await engine?.close();
});

const CSV =
  'name,email,amount\nAda, ADA@Example.com ,120.5\nGrace,grace@example.com,80\n"Hopper, Grace",hopper@example.com,\n';

const webhook = (body: unknown, type: string) => ({
  method: 'POST',
  path: 'csv-upload',
  headers: { 'content-type': type },
  query: {},
  body,
});

async function runAndReadMail(payload: unknown) {
  const before = smtp.received.length;
  const started = await engine.run(graph, payload);
  const { execution, steps } = await engine.finished(started.id, 60_000);
  expect(execution.status, JSON.stringify(execution.error)).toBe('succeeded');
  expect(smtp.received).toHaveLength(before + 1);
  return { mail: smtp.received.at(-1), steps };
}

describe('csv-upload-summary on the engine', () => {
  it('parses a text/csv upload, tidies each row in the loop and emails the summary', async () => {
    const { mail, steps } = await runAndReadMail(webhook(CSV, 'text/csv'));
    expect(steps.filter((step) => step.nodeId === 'row' && step.status === 'succeeded')).toHaveLength(3);
    expect(steps.find((step) => step.nodeId === 'totals')?.output).toEqual({ rows: 3, total: 200.5, largest: 120.5 });
    expect(mail?.rcptTo).toEqual(['finance@example.com']);
    expect(mail?.mailFrom).toBe('stepwise@example.com');
    expect(mail?.parsed.subject).toBe('CSV upload: 3 rows, 200.50 in total');
    expect(mail?.parsed.text?.trim()).toBe(
      [
        'Rows: 3',
        'Total amount: 200.50',
        'Largest amount: 120.5',
        '',
        'Ada <ada@example.com>: 120.5',
        'Grace <grace@example.com>: 80',
        'Hopper, Grace <hopper@example.com>: 0',
      ].join('\n'),
    );
  }, 90_000);

  it('reads the same CSV sent as a multipart file upload', async () => {
    const content = Buffer.from(CSV).toString('base64');
    const upload = {
      fields: {},
      files: [{ field: 'file', name: 'rows.csv', type: 'text/csv', size: CSV.length, content }],
    };
    const { mail } = await runAndReadMail(webhook(upload, 'multipart/form-data; boundary=x'));
    expect(mail?.parsed.subject).toBe('CSV upload: 3 rows, 200.50 in total');
    expect(mail?.parsed.text).toContain('Hopper, Grace <hopper@example.com>: 0');
  }, 90_000);
});

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** The test-only self-signed certificate for localhost and 127.0.0.1 (fixtures/smtp-tls/README.md). */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/smtp-tls/${name}`, import.meta.url));
export const TEST_TLS = { key: fixture('key.pem'), cert: fixture('cert.pem') };

/** A message the server took: the SMTP envelope (who was really sent to, Bcc included) and the parsed mail. */
export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  readonly user: string | undefined;
  /** Whether the connection was encrypted when the message was sent. */
  readonly secure: boolean;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export interface TestSmtpOptions {
  /** `tls`: TLS from the first byte; `starttls`: offered and required before AUTH; `none`: plain. Default `starttls`. */
  readonly security?: 'tls' | 'starttls' | 'none';
  /** The one user name and password it accepts; none: no sign-in. */
  readonly user?: { readonly name: string; readonly password: string };
  /** How it refuses a sign-in; default `535 Authentication failed`. */
  readonly refusal?: (username: string, password: string) => string;
  /** Recipients refused, by address, with the reply code (550 for good, 450 for now). */
  readonly refuse?: Readonly<Record<string, 450 | 550>>;
  /**
   * Answers the first message's data with `451` after reading it whole (kept in `refusedCopies`):
   * the sender retries, as after a lost answer, and the two copies can be compared.
   */
  readonly refuseFirstData?: boolean;
  /** Listen here instead of a free port (a server that was down comes up). */
  readonly port?: number;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), keeping what it receives parsed by mailparser. */
export async function testSmtpServer(options: TestSmtpOptions = {}) {
  const security = options.security ?? 'starttls';
  const received: ReceivedMail[] = [];
  const refusedCopies: ReceivedMail[] = [];
  const logins: { user: string; password: string; method: string }[] = [];
  const config: SMTPServerOptions = {
    ...TEST_TLS,
    secure: security === 'tls',
    disabledCommands: [...(security === 'none' ? ['STARTTLS'] : []), ...(options.user ? [] : ['AUTH'])],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: security === 'none',
    logger: false,
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      const password = auth.password ?? '';
      logins.push({ user, password, method: auth.method });
      if (options.user && user === options.user.name && password === options.user.password) {
        callback(null, { user });
        return;
      }
      callback(
        Object.assign(new Error(options.refusal?.(user, password) ?? 'Authentication failed'), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      const code = options.refuse?.[address.address];
      if (code)
        callback(Object.assign(new Error(`No mailbox here by that name: ${address.address}`), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const refuse = options.refuseFirstData === true && refusedCopies.length === 0;
        (refuse ? refusedCopies : received).push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          raw,
          parsed: await simpleParser(raw),
        });
        if (refuse) callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        else callback();
      });
    },
  };
  const server = new SMTPServer(config);
  // A client that gives up mid-handshake (an untrusted certificate) is an error event here, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    received,
    refusedCopies,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 where nothing listens (a server that is down): taken, then freed. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

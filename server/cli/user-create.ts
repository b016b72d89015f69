import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Email, PersonName, RoleName } from '../api/account-schemas.ts';
import { hashPassword, Password } from '../auth/passwords.ts';
import { loadConfig } from '../config.ts';
import { openRepositories } from '../store/sqlite-repositories.ts';
import { EmailTaken } from '../store/users.ts';

const Options = z.object({ email: Email, name: PersonName, role: RoleName.default('admin') });

/** The password: STEPWISE_PASSWORD, else the first line of standard input (never argv: it shows in `ps`). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.STEPWISE_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** `stepwise user create --email E --name N [--role analyst|operator|admin]`: e.g. the first admin of a server. */
export async function userCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
  });
  const options = Options.safeParse(values);
  if (!options.success)
    throw new Error(`usage: stepwise user create --email E --name N [--role R]\n${z.prettifyError(options.error)}`);
  const password = Password.safeParse(await readPassword());
  if (!password.success) throw new Error(`password: ${z.prettifyError(password.error)}`);
  const passwordHash = await hashPassword(password.data);
  const store = openRepositories(loadConfig().sqliteFile);
  try {
    const user = await store.users.insert({ ...options.data, passwordHash });
    await store.audit.append({
      actorKind: 'system',
      actorId: null,
      actorLabel: 'stepwise user create',
      action: 'user.created',
      objectType: 'user',
      objectId: user.id,
      details: { role: user.role },
    });
    process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
  } catch (error) {
    if (error instanceof EmailTaken) throw new Error(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { loadMasterKey, masterKeyFrom } from '../security/master-key.ts';
import { openRepositories } from '../store/sqlite-repositories.ts';

/**
 * `stepwise rotate-master-key`: re-encrypts every credential under a new key (from
 * STEPWISE_NEW_MASTER_KEY, else freshly generated), in one transaction.
 *
 * With a key file, the new key is first written beside it (`master.key.next`, 0600), then the
 * credentials are re-encrypted, then the file replaces `master.key`: a crash at any point leaves
 * a key that opens every credential on disk. With STEPWISE_MASTER_KEY, nothing can be written for
 * the operator: the new key is printed, to be put into the environment before the next start.
 * A running server keeps the old key in memory: restart it after rotating.
 */
export async function rotateMasterKey(): Promise<void> {
  const config = loadConfig();
  const current = loadMasterKey(config.dataDir, config.masterKey);
  const fromEnv = process.env.STEPWISE_NEW_MASTER_KEY;
  const material = fromEnv ? Buffer.from(fromEnv, 'base64') : randomBytes(32);
  const next = masterKeyFrom(material);
  const keyFile = join(config.dataDir, 'master.key');
  const pending = `${keyFile}.next`;
  if (!config.masterKey) writeFileSync(pending, material.toString('base64'), { mode: 0o600 });
  const store = openRepositories(config.sqliteFile);
  try {
    // The credentials and the audit entry that says so commit together.
    const count = await store.transaction(async (tx) => {
      const rotated = await tx.credentials.rotate(current, next);
      await tx.audit.append({
        actorKind: 'system',
        actorId: null,
        actorLabel: 'stepwise rotate-master-key',
        action: 'master_key.rotated',
        objectType: 'master_key',
        objectId: next.id,
        details: { from: current.id, credentials: rotated },
      });
      return rotated;
    });
    if (config.masterKey) {
      process.stdout.write(
        `re-encrypted ${count} credential(s). The key comes from STEPWISE_MASTER_KEY: set it to the new key\n` +
          `before the next start (and restart a running server):\n\nSTEPWISE_MASTER_KEY=${material.toString('base64')}\n`,
      );
    } else {
      renameSync(pending, keyFile);
      process.stdout.write(
        `re-encrypted ${count} credential(s); ${keyFile} holds the new key. Restart a running server.\n`,
      );
    }
  } catch (error) {
    if (existsSync(pending)) renameSync(pending, `${pending}.unused`);
    throw error;
  } finally {
    await store.close();
  }
}

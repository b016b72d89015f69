import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Whether a user (uid, gid) may walk down to `target`: every existing ancestor directory needs
 * execute permission for that user, whether through its owner, group or "other" bits. The root
 * user launches PostgreSQL as another user, and a checkout under a 0700 home is out of its reach.
 */
export function canTraverse(target: string, uid: number, gid: number): boolean {
  let current = resolve(target);
  for (;;) {
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(current);
    } catch {
      stat = undefined; // not created yet: it will be created with suitable permissions
    }
    if (stat?.isDirectory()) {
      const bit = stat.uid === uid ? 0o100 : stat.gid === gid ? 0o010 : 0o001;
      if ((stat.mode & bit) === 0) return false;
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

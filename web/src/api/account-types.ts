/**
 * Accounts: the signed-in user, users, API keys, audit entries and credentials, typed from the
 * server's own zod schemas (type-only imports: nothing of the server reaches the bundle).
 */
import type { z } from 'zod';
import type { RoleName, User as UserSchema } from '../../../server/api/account-schemas.ts';
import type { ApiKey as ApiKeySchema } from '../../../server/api/routes/api-keys.ts';
import type { AuditEntry as AuditEntrySchema } from '../../../server/api/routes/audit.ts';
import type {
  CredentialChoice as CredentialChoiceSchema,
  Credential as CredentialSchema,
} from '../../../server/api/routes/credentials.ts';

export type Role = z.output<typeof RoleName>;
export type User = z.output<typeof UserSchema>;
export type ApiKey = z.output<typeof ApiKeySchema>;
export type AuditEntry = z.output<typeof AuditEntrySchema>;
export type Credential = z.output<typeof CredentialSchema>;
export type CredentialChoice = z.output<typeof CredentialChoiceSchema>;

export interface Me {
  readonly user: User;
  readonly authenticatedWith: 'session' | 'api_key';
  readonly keyRole: Role | null;
  /** Where users and webhook senders reach Stepwise (`PUBLIC_URL`), without a trailing slash. */
  readonly publicUrl: string;
}

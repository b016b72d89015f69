/**
 * Accounts: the signed-in user, users, API keys, audit entries, credentials and their types, typed from the
 * server's own zod schemas (type-only imports: nothing of the server reaches the bundle).
 */
import type { z } from 'zod';
import type { RoleName, User as UserSchema } from '../../../server/api/account-schemas.ts';
import type { ApiKey as ApiKeySchema } from '../../../server/api/routes/api-keys.ts';
import type { AuditEntry as AuditEntrySchema } from '../../../server/api/routes/audit.ts';
import type {
  CredentialChoice as CredentialChoiceSchema,
  Credential as CredentialSchema,
  CredentialTypeShape,
} from '../../../server/api/routes/credentials.ts';
import type { Variable as VariableSchema } from '../../../server/api/routes/variables.ts';
import type { ConnectionTestResult as ConnectionTestResultSchema } from '../../../server/credentials/connection-test.ts';

export type Role = z.output<typeof RoleName>;
export type User = z.output<typeof UserSchema>;
export type ApiKey = z.output<typeof ApiKeySchema>;
export type AuditEntry = z.output<typeof AuditEntrySchema>;
export type Credential = z.output<typeof CredentialSchema>;
export type CredentialChoice = z.output<typeof CredentialChoiceSchema>;
/** A type of the credential catalogue, with the JSON Schema its secret's form is rendered from. */
export type CredentialTypeInfo = z.output<typeof CredentialTypeShape>;
export type ConnectionTestResult = z.output<typeof ConnectionTestResultSchema>;
/** A workspace variable (`{{ vars.NAME }}`): not secret, so its value is shown. */
export type Variable = z.output<typeof VariableSchema>;

export interface Me {
  readonly user: User;
  readonly authenticatedWith: 'session' | 'api_key';
  readonly keyRole: Role | null;
  /** Where users and webhook senders reach Stepwise (`PUBLIC_URL`), without a trailing slash. */
  readonly publicUrl: string;
}

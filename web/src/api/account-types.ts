/** Accounts: the signed-in user, users, API keys and audit entries, as the API answers them. */
export type Role = 'analyst' | 'operator' | 'admin';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly active: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string | null;
}

export interface Me {
  readonly user: User;
  readonly authenticatedWith: 'session' | 'api_key';
  readonly keyRole: Role | null;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: Role;
  readonly userId: string;
  readonly userEmail: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actorKind: string;
  readonly actorId: string | null;
  readonly actorLabel: string;
  readonly apiKeyId: string | null;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly ip: string | null;
  readonly details: unknown;
}

export interface Credential {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

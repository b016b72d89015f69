/** A role's name (`analyst`, `operator`, `admin`); the core does not import the store's types. */
type Role = string;

/** Who may use a credential besides admins; both empty: every editor (analysts and admins) may. */
export interface UseLimits {
  readonly useRoles: readonly Role[];
  readonly useUserIds: readonly string[];
}

/** The person a use is made for: who saves a graph, starts a run, or the run's starter or author. */
export interface CredentialUser {
  readonly id: string;
  /** Every role the use acts with (a user's, and that of the API key they call with): each must pass. */
  readonly roles: readonly Role[];
  readonly active: boolean;
}

export const isLimited = (limits: UseLimits): boolean => limits.useRoles.length > 0 || limits.useUserIds.length > 0;

/** Whether `user` may use a credential: anyone when it has no limits; else admins, listed roles, listed users. */
export function mayUseCredential(limits: UseLimits, user: CredentialUser | undefined): boolean {
  if (!isLimited(limits)) return true;
  if (!user?.active) return false;
  if (limits.useUserIds.includes(user.id)) return true;
  return user.roles.every((role) => role === 'admin' || limits.useRoles.includes(role));
}

/** The limits as an error may say them. */
export function describeLimits(limits: UseLimits): string {
  const parts = [
    'admins',
    ...(limits.useRoles.length > 0 ? [`role ${limits.useRoles.join(', ')}`] : []),
    ...(limits.useUserIds.length > 0 ? [`${limits.useUserIds.length} listed user(s)`] : []),
  ];
  return parts.join(', ');
}

/** The credential ids a graph's nodes name (`credentialId`, `secretCredentialId`, ...), with where. */
export function credentialReferences(graph: unknown): Array<{ nodeName: string; field: string; credentialId: string }> {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node: { name?: unknown; id?: unknown; config?: unknown }) => {
    if (!node || typeof node.config !== 'object' || node.config === null) return [];
    return Object.entries(node.config as Record<string, unknown>)
      .filter(([field, value]) => /credentialid$/i.test(field) && typeof value === 'string' && value !== '')
      .map(([field, value]) => ({
        nodeName: String(node.name ?? node.id ?? '?'),
        field: `config.${field}`,
        credentialId: value as string,
      }));
  });
}

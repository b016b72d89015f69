/**
 * A short name for an id (an execution's, an audited object's). Ids are UUIDv7: their first
 * characters are the creation time, shared by everything made in the same minute or so, so the
 * short name is their random end.
 */
export const shortId = (id: string): string => id.replace(/-/g, '').slice(-8);

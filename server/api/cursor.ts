import { z } from 'zod';

/** Keyset pagination: the position after a page's last item, opaque to clients. */
export const encodeCursor = (position: Record<string, string>) =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** A query parameter holding a cursor from `encodeCursor`, decoded and checked against `shape`. */
export const cursorParam = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .string()
    .max(500)
    .transform((text, ctx) => {
      try {
        return z.object(shape).parse(JSON.parse(Buffer.from(text, 'base64url').toString()));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
        return z.NEVER;
      }
    });

/**
 * One page of a keyset listing: the store was asked for `limit + 1` rows, so one more row than
 * the page means there is a next page, which starts after the page's last item.
 */
export function page<Row>(
  rows: readonly Row[],
  limit: number,
  position: (row: Row) => Record<string, string>,
): { rows: Row[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { rows: items, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}

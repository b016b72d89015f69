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

import { z } from 'zod';

/**
 * Node and credential types that templates use but that other parts of issue 17 are still building
 * (each in its own branch). Until they are merged, the node catalogue does not know them, so a
 * template using one cannot be checked by its real schema: its config is checked by the shape the
 * issue agreed on instead (below), and everything else of the template as usual. Once a type is
 * in the catalogue its real schema decides and its entry here is unused: delete it then.
 */
export const PENDING_NODE_TYPES: Record<string, { readonly builtBy: string; readonly config: z.ZodType }> = {
  'action.email': {
    builtBy: 'the email part (smtp credential + Send email node)',
    config: z
      .strictObject({
        credentialId: z.string().min(1).optional(),
        from: z.string().optional(),
        to: z.string().min(1),
        cc: z.string().optional(),
        bcc: z.string().optional(),
        replyTo: z.string().optional(),
        subject: z.string().min(1),
        text: z.string().optional(),
        html: z.string().optional(),
        attachments: z.string().optional(),
      })
      .refine((config) => config.text !== undefined || config.html !== undefined, 'a text or an html body'),
  },
  'transform.csvParse': {
    builtBy: 'the formats part (CSV, XML, dates, crypto)',
    config: z.strictObject({
      text: z.string().default('{{ input }}'),
      delimiter: z.string().min(1).max(5).default(','),
      headers: z.boolean().default(true),
      quote: z.string().max(1).optional(),
      skipEmptyLines: z.boolean().optional(),
      trim: z.boolean().optional(),
    }),
  },
  'transform.xmlToJson': {
    builtBy: 'the formats part (CSV, XML, dates, crypto)',
    // Not agreed in the issue beyond its name: the shape the formats branch gives it.
    config: z.strictObject({
      text: z.string().default('{{ input }}'),
      attributes: z.boolean().optional(),
      attributePrefix: z.string().optional(),
      textKey: z.string().optional(),
      alwaysArray: z.array(z.string().min(1)).default([]),
      stripNamespaces: z.boolean().optional(),
    }),
  },
  'action.postgres': {
    builtBy: 'the postgres part (postgres credential + query node)',
    config: z.strictObject({
      credentialId: z.string().min(1).optional(),
      query: z.string().min(1),
      parameters: z.array(z.string()).default([]),
      maxRows: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
    }),
  },
};

/** Credential types of the pending node types: the config field they fill, and the node types that take them. */
export const PENDING_CREDENTIAL_TYPES: Record<string, { readonly nodeTypes: readonly string[] }> = {
  smtp: { nodeTypes: ['action.email'] },
  postgres: { nodeTypes: ['action.postgres'] },
};

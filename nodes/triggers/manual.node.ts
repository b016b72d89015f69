import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { FORBIDDEN_KEYS } from '../paths.ts';

const FieldType = z.enum(['string', 'number', 'boolean', 'object', 'array', 'any']);

const InputField = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .refine((name) => !FORBIDDEN_KEYS.has(name), { message: 'must not be __proto__, prototype or constructor' }),
  type: FieldType.default('any'),
  required: z.boolean().default(true),
  description: z.string().max(500).optional(),
});
export type InputField = z.output<typeof InputField>;

const fieldSchema: Record<z.infer<typeof FieldType>, () => z.ZodType> = {
  string: () => z.string(),
  number: () => z.number(),
  boolean: () => z.boolean(),
  object: () => z.record(z.string(), z.unknown()),
  array: () => z.array(z.unknown()),
  any: () => z.unknown(),
};

/** The zod schema a run's payload must satisfy; extra fields are let through. */
export function payloadSchema(fields: readonly InputField[]): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const schema = fieldSchema[field.type]();
    shape[field.name] = field.required ? schema : schema.optional();
  }
  return z.looseObject(shape);
}

export default defineNode({
  type: 'trigger.manual',
  kind: 'trigger',
  title: 'Manual trigger',
  description: 'Starts a run by hand or through the API, optionally checking the payload’s shape.',
  icon: 'play',
  docs: [
    "Starts a run when someone presses Test run or Run now, or when a program calls `POST /api/v1/workflows/<id>/runs`. The payload of that request is the run's trigger data, read later as `trigger` (and as `input` by the first step).",
    'List the fields you expect to make the trigger check each payload: a run whose payload lacks a required field or has one of the wrong type is refused before any step runs. Fields you do not list pass through unchanged.',
  ].join('\n\n'),
  config: z
    .strictObject({
      fields: z.array(InputField).max(100).default([]).describe('Expected payload fields; empty accepts any payload'),
    })
    .superRefine((config, ctx) => {
      const seen = new Set<string>();
      config.fields.forEach((field, index) => {
        if (seen.has(field.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', index, 'name'],
            message: `field "${field.name}" is listed twice`,
          });
        }
        seen.add(field.name);
      });
    }),
  async execute({ config, input }) {
    if (config.fields.length === 0) return { output: input };
    const parsed = payloadSchema(config.fields).safeParse(input ?? {});
    if (!parsed.success)
      throw new NonRetryableError(`payload does not match the trigger's fields: ${z.prettifyError(parsed.error)}`);
    return { output: parsed.data };
  },
});

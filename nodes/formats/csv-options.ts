import { z } from 'zod';

/**
 * The field separator, as typed in a settings form: one to five characters, where the two
 * characters `\t` stand for a tab (a form's text box cannot hold one typed by hand).
 */
export const delimiterField = z
  .string()
  .min(1)
  .max(5)
  .refine((value) => !/[\r\n]/.test(value), { message: 'must not hold a line break' })
  .default(',')
  .describe('What separates the fields: , or ; or | (\\t for a tab)');

/** The separator a form's text stands for. */
export const delimiterOf = (typed: string): string => typed.replaceAll('\\t', '\t');

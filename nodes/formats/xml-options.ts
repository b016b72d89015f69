import { z } from 'zod';
import { FORBIDDEN_KEYS } from '../paths.ts';

/**
 * How attributes and text show in JSON, shared by XML to JSON and JSON to XML so one reads back what
 * the other writes: `<line sku="A">2</line>` is `{ "line": { "@_sku": "A", "#text": "2" } }`.
 */
export const attributePrefixField = z
  .string()
  .min(1)
  .max(10)
  .default('@_')
  .describe('What starts a field that is an attribute, e.g. @_ in @_id');

export const textKeyField = z
  .string()
  .min(1)
  .max(50)
  .refine((key) => !FORBIDDEN_KEYS.has(key), { message: 'must not be __proto__, prototype or constructor' })
  .default('#text')
  .describe('The field holding an element’s text when it also has attributes');

/**
 * An XML name (element or attribute): a letter or `_` first, then letters, digits, `-`, `.`, `_`,
 * with at most one `:` for a namespace prefix. Stricter than the XML grammar at its edges (no
 * other punctuation), which is what a JSON key meant as a name looks like.
 */
export const XML_NAME = /^[\p{L}_][\p{L}\p{N}._-]*(?::[\p{L}_][\p{L}\p{N}._-]*)?$/u;

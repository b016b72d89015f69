import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { readText, textField } from './text-value.ts';
import { attributePrefixField, textKeyField, XML_NAME } from './xml-options.ts';

/**
 * Limits on entities a document declares itself (`<!DOCTYPE [<!ENTITY …>]>`), so a small document
 * cannot expand into a huge one (the "billion laughs"). fast-xml-parser never expands an entity
 * inside another one, and refuses external (`SYSTEM`) entities outright; these bound the rest.
 */
const ENTITY_LIMITS = {
  enabled: true,
  maxEntityCount: 100,
  maxEntitySize: 10_000,
  maxTotalExpansions: 1_000,
  maxExpandedLength: 100_000,
} as const;

/** An element name or a dot path of them, e.g. line or order.lines.line. */
const elementPath = z
  .string()
  .min(1)
  .max(500)
  .refine((path) => path.split('.').every((name) => XML_NAME.test(name)), {
    message: 'must be an element name such as line, or a dot path such as order.lines.line',
  });

export default defineNode({
  type: 'transform.xmlToJson',
  kind: 'transform',
  title: 'XML to JSON',
  description: 'Reads XML text (or an uploaded XML file) into a JSON object.',
  icon: 'code-xml',
  docs: [
    'The XML comes from an expression, by default the input itself (`{{ input }}`): a webhook that receives `application/xml` hands its body over as text, `{{ trigger.body }}`. An uploaded file (`{{ trigger.body.files[0] }}`) is read too.',
    'Each element becomes a field named like it, holding its text, or an object of its children. Attributes are kept as fields starting with `@_` (the prefix can be changed): `<order id="7"><line sku="A">2</line><line sku="B">1</line></order>` gives `{ "order": { "@_id": "7", "line": [{ "@_sku": "A", "#text": "2" }, { "@_sku": "B", "#text": "1" }] } }`. Read them with `{{ input.order["@_id"] }}`.',
    'An element that appears more than once in the same place becomes a list; one that appears once does not, so a list of one order would not be a list. Name the elements that must always be lists in "always lists", by name (`line`) or by path (`order.line`).',
    'Values are always text, as written (`0012` stays `"0012"`); spaces around them are trimmed, CDATA is read as text, comments and the `<?xml ?>` declaration are left out. Character references (`&#233;`, `&lt;`) are decoded. Entities the document declares itself are expanded within limits (at most 100 of them and 100,000 characters in all); an external entity, a document that is not well-formed, or an element named `__proto__` or `constructor` fails the step, naming the line where it can.',
    'JSON to XML writes it back: the same prefix and text field give the same XML.',
  ].join('\n\n'),
  config: z.strictObject({
    text: textField('The XML text, e.g. {{ trigger.body }}, or an uploaded file, e.g. {{ trigger.body.files[0] }}'),
    attributes: z.boolean().default(true).describe('Keep attributes as fields (on) or leave them out (off)'),
    attributePrefix: attributePrefixField,
    textKey: textKeyField,
    alwaysArray: z
      .array(elementPath)
      .max(100)
      .default([])
      .describe('Elements that are always lists, even when there is one, e.g. line or order.line'),
    stripNamespaces: z.boolean().default(false).describe('Drop namespace prefixes from names: soap:Body becomes Body'),
  }),
  async execute({ config, ctx }) {
    // Loaded by the first run of an XML node, not by every process that loads the catalogue.
    const { XMLParser, XMLValidator } = await import('fast-xml-parser');
    const text = readText(await ctx.evaluate(config.text), 'text');
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      const where = col === undefined ? `line ${line}` : `line ${line}, column ${col}`;
      throw new NonRetryableError(`config.text: the XML is not well-formed at ${where}: ${msg}`);
    }
    const arrays = new Set(config.alwaysArray);
    const parser = new XMLParser({
      ignoreAttributes: !config.attributes,
      attributeNamePrefix: config.attributePrefix,
      textNodeName: config.textKey,
      removeNSPrefix: config.stripNamespaces,
      // Text stays text: `0012` is an id, not the number 12.
      parseTagValue: false,
      parseAttributeValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      processEntities: ENTITY_LIMITS,
      // Decodes character references (`&#233;`) as well as HTML's named entities (`&nbsp;`).
      htmlEntities: true,
      isArray: (name, path, _leaf, isAttribute) =>
        !isAttribute && (arrays.has(name) || (typeof path === 'string' && arrays.has(path))),
    });
    try {
      return { output: parser.parse(text) };
    } catch (error) {
      throw new NonRetryableError(`config.text: the XML cannot be read: ${(error as Error).message}`);
    }
  },
});

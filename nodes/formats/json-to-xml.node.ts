import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { describeValue } from '../lists/list-value.ts';
import { isPlainObject } from '../paths.ts';
import { template } from '../template.ts';
import { attributePrefixField, textKeyField, XML_NAME } from './xml-options.ts';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** How the fields of the value are told apart: attributes by their prefix, text by its field. */
interface Naming {
  readonly attributePrefix: string;
  readonly textKey: string;
}

export default defineNode({
  type: 'transform.jsonToXml',
  kind: 'transform',
  title: 'JSON to XML',
  description: 'Writes a JSON object out as XML text.',
  icon: 'code-xml',
  docs: [
    'The value comes from an expression, by default the input itself (`{{ input }}`). The output is `{ "xml": "…" }`: send it on with `{{ input.xml }}` in an HTTP request’s body.',
    'Each field becomes an element named like it; a list becomes the element repeated; fields starting with `@_` (the prefix can be changed) become attributes, and `#text` the element’s text beside them: `{ "order": { "@_id": "7", "line": [{ "@_sku": "A", "#text": "2" }, { "@_sku": "B", "#text": "1" }] } }` gives `<order id="7"><line sku="A">2</line><line sku="B">1</line></order>`.',
    'The value must have exactly one field, the root element, unless you name a root: then the whole value goes inside it (`{ "id": 7 }` with root `order` gives `<order><id>7</id></order>`). Texts are escaped (`<` as `&lt;`, `&` as `&amp;`); numbers and true/false are written as text; null and an empty object give an empty element.',
    'A field name that cannot be an XML name (`first name`, `1st`), an attribute holding an object, or a list inside a list fails the step, naming where it is. "Pretty" puts each element on its own line, indented by two spaces; the `<?xml ?>` declaration comes first unless you turn it off.',
  ].join('\n\n'),
  config: z.strictObject({
    value: template('The object to write, e.g. {{ input.order }}').default('{{ input }}'),
    root: z
      .string()
      .regex(XML_NAME, 'must be an XML name such as order')
      .max(200)
      .optional()
      .describe('An element to put the whole value in, e.g. order (empty: the value’s one field is the root)'),
    attributePrefix: attributePrefixField,
    textKey: textKeyField,
    pretty: z.boolean().default(false).describe('Put each element on its own line, indented'),
    declaration: z.boolean().default(true).describe('Start with <?xml version="1.0" encoding="UTF-8"?>'),
  }),
  async execute({ config, ctx }) {
    // Loaded by the first run of an XML node, not by every process that loads the catalogue.
    const { XMLBuilder } = await import('fast-xml-parser');
    const value = await ctx.evaluate(config.value);
    const document = config.root === undefined ? value : { [config.root]: value };
    if (!isPlainObject(document) || Object.keys(document).length !== 1) {
      throw new NonRetryableError(
        `config.value: expected an object with exactly one field, the root element (or name a root), got ${describeValue(value)}`,
      );
    }
    const [rootName, rootValue] = Object.entries(document)[0] as [string, unknown];
    if (Array.isArray(rootValue)) {
      throw new NonRetryableError(
        `config.value: the root "${rootName}" holds a list, which would make several roots; put the list in a field, e.g. { "${rootName}": { "item": [ … ] } }`,
      );
    }
    checkNames(document, config, '');
    const xml = new XMLBuilder({
      ignoreAttributes: false,
      attributeNamePrefix: config.attributePrefix,
      textNodeName: config.textKey,
      format: config.pretty,
      indentBy: '  ',
      suppressEmptyNode: true,
      // `selected="true"`, never the bare `selected` that HTML allows and XML does not.
      suppressBooleanAttributes: false,
      processEntities: true,
    }).build(document) as string;
    return { output: { xml: `${config.declaration ? DECLARATION : ''}${xml.trim()}` } };
  },
});

/**
 * Refuses, naming the path, what the builder would write as broken XML: names that are not XML
 * names, attributes or text holding objects, lists directly inside lists.
 */
function checkNames(element: Record<string, unknown>, naming: Naming, path: string): void {
  for (const [key, child] of Object.entries(element)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === naming.textKey) {
      if (isPlainObject(child) || Array.isArray(child)) {
        throw new NonRetryableError(`config.value: the text "${at}" holds ${describeValue(child)}; text is one value`);
      }
      continue;
    }
    const attribute = key.startsWith(naming.attributePrefix);
    const name = attribute ? key.slice(naming.attributePrefix.length) : key;
    if (!XML_NAME.test(name)) {
      throw new NonRetryableError(
        `config.value: "${name}" (at ${at}) cannot be an XML ${attribute ? 'attribute' : 'element'} name`,
      );
    }
    if (attribute) {
      if (isPlainObject(child) || Array.isArray(child)) {
        throw new NonRetryableError(
          `config.value: the attribute "${at}" holds ${describeValue(child)}; an attribute is one value`,
        );
      }
      continue;
    }
    const items = Array.isArray(child) ? child : [child];
    for (const [index, item] of items.entries()) {
      const itemAt = Array.isArray(child) ? `${at}.${index}` : at;
      if (Array.isArray(item)) {
        throw new NonRetryableError(
          `config.value: "${itemAt}" is a list inside a list, which XML cannot hold; put the inner list in a field`,
        );
      }
      if (isPlainObject(item)) checkNames(item, naming, itemAt);
    }
  }
}

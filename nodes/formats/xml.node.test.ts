import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import jsonToXmlNode from './json-to-xml.node.ts';
import xmlToJsonNode from './xml-to-json.node.ts';

/** XML to JSON with `text` as what its text field evaluates to (the input, by default). */
async function toJson(text: unknown, config: Record<string, unknown> = {}) {
  const { evaluate } = answeringTemplates({ '{{ input }}': text });
  return (
    await xmlToJsonNode.execute({
      config: xmlToJsonNode.config.parse(config),
      input: text,
      ctx: testContext({ evaluate }),
    })
  ).output;
}

async function toXml(value: unknown, config: Record<string, unknown> = {}): Promise<string> {
  const { evaluate } = answeringTemplates({ '{{ input }}': value });
  const { output } = await jsonToXmlNode.execute({
    config: jsonToXmlNode.config.parse(config),
    input: value,
    ctx: testContext({ evaluate }),
  });
  return (output as { xml: string }).xml;
}

const order =
  '<order id="7" status="paid"><customer vip="true">Ada &amp; Co</customer><line sku="A">2</line><line sku="B">1</line><note/></order>';
const orderJson = {
  order: {
    '@_id': '7',
    '@_status': 'paid',
    customer: { '@_vip': 'true', '#text': 'Ada & Co' },
    line: [
      { '@_sku': 'A', '#text': '2' },
      { '@_sku': 'B', '#text': '1' },
    ],
    note: '',
  },
};

/** A document declaring entities that would expand to a billion "lol"s if each expanded the next. */
const billionLaughs = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE lolz [',
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, level) => {
    const inner = level === 0 ? '&lol;' : `&lol${level};`;
    return `<!ENTITY lol${level + 1} "${inner.repeat(10)}">`;
  }),
  ']>',
  '<lolz>&lol9;</lolz>',
].join('\n');

describe('XML to JSON config', () => {
  it('reads the input, keeping attributes as @_ fields and text as #text, by default', () => {
    expect(xmlToJsonNode.config.parse({})).toEqual({
      text: '{{ input }}',
      attributes: true,
      attributePrefix: '@_',
      textKey: '#text',
      alwaysArray: [],
      stripNamespaces: false,
    });
  });

  it('refuses element paths that are not XML names, and a text field that reaches the prototype', () => {
    expect(issuePaths(xmlToJsonNode.config, { alwaysArray: ['line', 'order..line'] })).toEqual([['alwaysArray', 1]]);
    expect(issuePaths(xmlToJsonNode.config, { alwaysArray: ['first name'] })).toEqual([['alwaysArray', 0]]);
    expect(issuePaths(xmlToJsonNode.config, { textKey: '__proto__' })).toEqual([['textKey']]);
    expect(issuePaths(xmlToJsonNode.config, { attributePrefix: '' })).toEqual([['attributePrefix']]);
  });
});

describe('XML to JSON', () => {
  it('keeps attributes, text beside them, repeated elements as lists, values as text', async () => {
    expect(await toJson(order)).toEqual(orderJson);
    expect(await toJson('<r><zip>01234</zip><n>1e3</n></r>')).toEqual({ r: { zip: '01234', n: '1e3' } });
  });

  it('makes the elements named in "always lists" lists even when there is one, by name or by path', async () => {
    const one = '<order><line sku="A"/><tag>x</tag><meta><tag>y</tag></meta></order>';
    expect(await toJson(one, { alwaysArray: ['line'] })).toEqual({
      order: { line: [{ '@_sku': 'A' }], tag: 'x', meta: { tag: 'y' } },
    });
    expect(await toJson(one, { alwaysArray: ['order.meta.tag'] })).toEqual({
      order: { line: { '@_sku': 'A' }, tag: 'x', meta: { tag: ['y'] } },
    });
  });

  it('leaves attributes out, uses another prefix and text field, strips namespaces when asked', async () => {
    expect(await toJson(order, { attributes: false })).toEqual({
      order: { customer: 'Ada & Co', line: ['2', '1'], note: '' },
    });
    expect(await toJson('<a x="1">t</a>', { attributePrefix: '$', textKey: '_' })).toEqual({ a: { $x: '1', _: 't' } });
    const soap = '<s:Envelope xmlns:s="urn:s"><s:Body><m:Ping xmlns:m="urn:m">hi</m:Ping></s:Body></s:Envelope>';
    expect(await toJson(soap, { stripNamespaces: true, attributes: false })).toEqual({
      Envelope: { Body: { Ping: 'hi' } },
    });
    expect(await toJson(soap, { attributes: false })).toEqual({ 's:Envelope': { 's:Body': { 'm:Ping': 'hi' } } });
  });

  it('decodes character references and reads CDATA as text, leaving out the declaration and comments', async () => {
    const text =
      '<?xml version="1.0"?><!-- a comment --><a t="&#65;&lt;">caf&#233; &#x1F600; <![CDATA[<raw> & more]]></a>';
    expect(await toJson(text)).toEqual({ a: { '@_t': 'A<', '#text': 'café 😀<raw> & more' } });
  });

  it('expands the document’s own entities, but not a billion laughs: entities inside entities stay unexpanded', async () => {
    expect(await toJson('<!DOCTYPE a [<!ENTITY co "Stepwise Ltd">]><a>&co;</a>')).toEqual({ a: 'Stepwise Ltd' });
    const laughs = (await toJson(billionLaughs)) as { lolz: string };
    expect(laughs.lolz.length).toBeLessThan(100);
  });

  it('refuses a document whose entities expand past the limit, and external entities', async () => {
    const wide = `<!DOCTYPE a [<!ENTITY x "${'x'.repeat(5_000)}">]><a>${'&x;'.repeat(50)}</a>`;
    const refused = toJson(wide);
    await expect(refused).rejects.toThrow(NonRetryableError);
    await expect(refused).rejects.toThrow(/^config\.text: the XML cannot be read: .*limit exceeded/);
    await expect(toJson('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')).rejects.toThrow(
      'config.text: the XML cannot be read: External entities are not supported',
    );
  });

  it('refuses XML that is not well-formed, naming the field, the line and the column', async () => {
    const broken = toJson('<order>\n  <line>1</lines>\n</order>');
    await expect(broken).rejects.toThrow(NonRetryableError);
    await expect(broken).rejects.toThrow(
      "config.text: the XML is not well-formed at line 2, column 10: Expected closing tag 'line' (opened in line 2, col 3) instead of closing tag 'lines'.",
    );
    await expect(toJson('')).rejects.toThrow('config.text: the XML is not well-formed at line 1: Start tag expected.');
    await expect(toJson('<a b="1" b="2"/>')).rejects.toThrow("Attribute 'b' is repeated.");
  });

  it('refuses elements that would reach an object’s prototype', async () => {
    await expect(toJson('<r><__proto__><x>1</x></__proto__></r>')).rejects.toThrow(
      /^config\.text: the XML cannot be read: .*"__proto__"/,
    );
    await expect(toJson('<constructor/>')).rejects.toThrow(/"constructor"/);
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('fails on anything but text, naming the field, and reads an uploaded file', async () => {
    await expect(toJson({ order: 1 })).rejects.toThrow(
      'config.text: expected text (or an uploaded file), got an object: {"order":1}',
    );
    const content = Buffer.from('<a>é</a>').toString('base64');
    expect(await toJson({ field: 'f', name: 'a.xml', type: 'text/xml', size: 9, content })).toEqual({ a: 'é' });
  });
});

describe('JSON to XML', () => {
  it('writes attributes, text, repeated elements and empty ones, with the declaration', async () => {
    expect(await toXml(orderJson)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<order id="7" status="paid"><customer vip="true">Ada &amp; Co</customer><line sku="A">2</line><line sku="B">1</line><note/></order>',
    );
  });

  it('escapes text and attributes, writes numbers, booleans and null, pretty when asked', async () => {
    const value = { a: { '@_q': 'say "hi" & <go>', n: 1.5, yes: true, none: null, t: 'x < y & z' } };
    expect(await toXml(value, { declaration: false })).toBe(
      '<a q="say &quot;hi&quot; &amp; &lt;go&gt;"><n>1.5</n><yes>true</yes><none/><t>x &lt; y &amp; z</t></a>',
    );
    expect(await toXml({ a: { b: ['1', '2'], c: { '@_k': 'v' } } }, { pretty: true, declaration: false })).toBe(
      '<a>\n  <b>1</b>\n  <b>2</b>\n  <c k="v"/>\n</a>',
    );
  });

  it('puts the value inside a named root', async () => {
    expect(await toXml({ id: 7, tags: ['a', 'b'] }, { root: 'order', declaration: false })).toBe(
      '<order><id>7</id><tags>a</tags><tags>b</tags></order>',
    );
    expect(await toXml('hello', { root: 'greeting', declaration: false })).toBe('<greeting>hello</greeting>');
  });

  it('refuses a value without exactly one root, or a root holding a list, naming the field', async () => {
    await expect(toXml({ a: 1, b: 2 })).rejects.toThrow(
      'config.value: expected an object with exactly one field, the root element (or name a root), got an object: {"a":1,"b":2}',
    );
    await expect(toXml([1])).rejects.toThrow('config.value: expected an object with exactly one field');
    await expect(toXml({ item: [1, 2] })).rejects.toThrow(
      'config.value: the root "item" holds a list, which would make several roots',
    );
  });

  it('refuses names XML cannot hold, objects in attributes, lists in lists, naming where', async () => {
    const failure = toXml({ order: { lines: [{ 'first name': 'Ada' }] } });
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow(
      'config.value: "first name" (at order.lines.0.first name) cannot be an XML element name',
    );
    await expect(toXml({ order: { '@_1st': 'x' } })).rejects.toThrow(
      'config.value: "1st" (at order.@_1st) cannot be an XML attribute name',
    );
    await expect(toXml({ order: { '@_meta': { a: 1 } } })).rejects.toThrow(
      'config.value: the attribute "order.@_meta" holds an object: {"a":1}; an attribute is one value',
    );
    await expect(toXml({ order: { grid: [[1, 2]] } })).rejects.toThrow(
      'config.value: "order.grid.0" is a list inside a list, which XML cannot hold',
    );
    await expect(toXml({ order: { '#text': ['a'] } })).rejects.toThrow(
      'config.value: the text "order.#text" holds a list: ["a"]; text is one value',
    );
  });
});

describe('XML round trip', () => {
  it('XML to JSON to XML keeps attributes, text and repeated elements', async () => {
    const json = await toJson(order);
    expect(await toXml(json, { declaration: false })).toBe(order);
    expect(await toJson(await toXml(json))).toEqual(orderJson);
  });

  it('round-trips with another prefix and text field, and a single element kept a list', async () => {
    const one = '<feed><entry id="1">only</entry></feed>';
    const config = { attributePrefix: '$', textKey: '_value' };
    const json = await toJson(one, { ...config, alwaysArray: ['entry'] });
    expect(json).toEqual({ feed: { entry: [{ $id: '1', _value: 'only' }] } });
    expect(await toXml(json, { ...config, declaration: false })).toBe(one);
  });
});

import type { PackSdk } from '../../nodes/pack-sdk.ts';

/** "Aa" drawn in the transform accent: a node's own icon, which the editor shows as an image. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#0369a1" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m3 15 4-8 4 8"/><path d="M4 13h6"/><circle cx="18" cy="12" r="3"/><path d="M21 9v6"/></svg>';

const CASES = ['upper', 'lower', 'title', 'sentence', 'camel', 'snake', 'kebab'] as const;
type Case = (typeof CASES)[number];

/** The words of a text: runs of letters and digits, a lower-to-upper change starting a new one. */
const words = (text: string) =>
  text
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** `text` in `wanted` case; upper, lower, title and sentence keep the text's spaces and punctuation. */
export function changeCase(text: string, wanted: Case): string {
  switch (wanted) {
    case 'upper':
      return text.toUpperCase();
    case 'lower':
      return text.toLowerCase();
    case 'title':
      return text
        .toLowerCase()
        .replace(/(^|[^\p{L}\p{N}'’])(\p{L})/gu, (_, before, letter) => before + letter.toUpperCase());
    case 'sentence':
      return text.toLowerCase().replace(/\p{L}/u, (letter) => letter.toUpperCase());
    case 'camel':
      return words(text)
        .map((word, index) => (index === 0 ? word.toLowerCase() : capitalized(word)))
        .join('');
    case 'snake':
      return words(text)
        .map((word) => word.toLowerCase())
        .join('_');
    case 'kebab':
      return words(text)
        .map((word) => word.toLowerCase())
        .join('-');
  }
}

export default (sdk: PackSdk) =>
  sdk.defineNode({
    type: 'transform.example.textCase',
    kind: 'transform',
    title: 'Text case',
    description: 'Changes a text to upper, lower, title, sentence, camel, snake or kebab case.',
    docs: [
      'Reads a text, usually from an expression such as `{{ input.name }}`, and writes it in the case you pick into a copy of the input, at the field you name (default `text`).',
      'Title case capitalizes every word ("ada lovelace" gives "Ada Lovelace"); camel, snake and kebab case join the words ("Order ID" gives `orderId`, `order_id`, `order-id`). A number or true/false is changed as its text; a list or object fails the step at once.',
    ].join('\n\n'),
    icon: { svg: ICON },
    config: sdk.z.strictObject({
      text: sdk.template('The text to change, e.g. {{ input.name }}'),
      case: sdk.z.enum(CASES).default('title').describe('The case to write the text in'),
      field: sdk.fieldPath.default('text').describe('Where the result goes in the output, e.g. customer.name'),
    }),
    async execute({ config, input, ctx }) {
      const value = await ctx.evaluate(config.text);
      if (typeof value === 'object' && value !== null) {
        throw new sdk.NonRetryableError(`text: ${Array.isArray(value) ? 'a list' : 'an object'} is not a text`);
      }
      const changed = changeCase(value === null || value === undefined ? '' : String(value), config.case);
      return { output: sdk.setAtPath(sdk.isPlainObject(input) ? input : {}, config.field, changed) };
    },
  });

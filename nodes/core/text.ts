/**
 * Text helpers: `core.concat` (ComfyUI: StringConcatenate), `core.replace` (ComfyUI:
 * StringReplace, every occurrence, literally) and `core.format` (a template with {a}…{d}
 * placeholders filled from linked values; {{ and }} write literal braces).
 */
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import { valueToText } from './value-text.js';

export const concatNode = defineNode({
  type: 'core.concat',
  title: 'Concatenate',
  category: 'utils/string',
  description: 'Joins two texts with a delimiter between them.',
  aliases: ['StringConcatenate'],
  inputs: {
    string_a: { type: 'STRING', default: '', multiline: true },
    string_b: { type: 'STRING', default: '', multiline: true },
    delimiter: { type: 'STRING', default: '' },
  },
  outputs: { STRING: { type: 'STRING' } },
  run: (inputs) => ({ STRING: inputs.string_a + inputs.delimiter + inputs.string_b }),
});

export const replaceNode = defineNode({
  type: 'core.replace',
  title: 'Replace',
  category: 'utils/string',
  description: 'Replaces every occurrence of a text (no patterns).',
  aliases: ['StringReplace'],
  inputs: {
    string: { type: 'STRING', default: '', multiline: true },
    find: { type: 'STRING', default: '', multiline: true },
    replace: { type: 'STRING', default: '', multiline: true },
  },
  outputs: { STRING: { type: 'STRING' } },
  // A function replacement keeps "$&"-style sequences in `replace` literal.
  run: (inputs) => ({ STRING: inputs.string.replaceAll(inputs.find, () => inputs.replace) }),
});

export const FORMAT_NAMES = ['a', 'b', 'c', 'd'] as const;
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

/** Fills `{name}` placeholders from `values`; names a missing value or a stray brace clearly. */
export function formatTemplate(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (match, name: string | undefined, offset: number) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (name === undefined) {
      throw new SwitchyardError('invalid_input', `template has a lone "${match}" at position ${offset}; write "${match}${match}" for a literal brace`, { input: 'template', position: offset });
    }
    if (!(FORMAT_NAMES as readonly string[]).includes(name)) {
      throw new SwitchyardError('invalid_input', `template placeholder {${name}} at position ${offset} is unknown; use ${FORMAT_NAMES.map((n) => `{${n}}`).join(', ')}`, { input: 'template', placeholder: name, position: offset });
    }
    if (values[name] === undefined) {
      throw new SwitchyardError('invalid_input', `template uses {${name}} but input "${name}" is not connected`, { input: name });
    }
    return valueToText(values[name]);
  });
}

export const formatNode = defineNode({
  type: 'core.format',
  title: 'Format Text',
  category: 'utils/string',
  description: 'Fills {a}, {b}, {c}, {d} in a template with the linked values ({{ and }} for literal braces).',
  inputs: {
    template: { type: 'STRING', default: '{a}', multiline: true },
    a: { type: '*', optional: true },
    b: { type: '*', optional: true },
    c: { type: '*', optional: true },
    d: { type: '*', optional: true },
  },
  outputs: { STRING: { type: 'STRING' } },
  // A literal template's syntax (stray braces, unknown placeholders) is checked before anything
  // runs; whether a placeholder's input is connected is only known from the links, at run time.
  validate(inputs) {
    if (typeof inputs.template !== 'string') return undefined;
    try {
      formatTemplate(inputs.template, { a: '', b: '', c: '', d: '' });
      return undefined;
    } catch (error) {
      if (error instanceof SwitchyardError) return `input "template": ${error.message}`;
      throw error;
    }
  },
  run: (inputs) => ({ STRING: formatTemplate(inputs.template, { a: inputs.a, b: inputs.b, c: inputs.c, d: inputs.d }) }),
});

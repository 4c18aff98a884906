/**
 * Primitive value nodes: one widget in, the same value out. They let a workflow name a value
 * once and link it to several inputs (ComfyUI: PrimitiveInt, PrimitiveFloat, PrimitiveString,
 * PrimitiveStringMultiline, PrimitiveBoolean).
 */
import { defineNode } from '../../engine/nodes/index.js';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export const intNode = defineNode({
  type: 'core.int',
  title: 'Int',
  category: 'utils/primitive',
  description: 'An integer value.',
  // ComfyUI's PrimitiveInt has a "control after generate" widget, so its saved value list holds one more entry.
  aliases: ['PrimitiveInt'],
  inputs: { value: { type: 'INT', default: 0, min: -MAX_SAFE, max: MAX_SAFE, control: true } },
  outputs: { INT: { type: 'INT' } },
  run: (inputs) => ({ INT: inputs.value }),
});

export const floatNode = defineNode({
  type: 'core.float',
  title: 'Float',
  category: 'utils/primitive',
  description: 'A number value.',
  aliases: ['PrimitiveFloat'],
  inputs: { value: { type: 'FLOAT', default: 0, step: 0.1 } },
  outputs: { FLOAT: { type: 'FLOAT' } },
  run: (inputs) => ({ FLOAT: inputs.value }),
});

export const stringNode = defineNode({
  type: 'core.string',
  title: 'String',
  category: 'utils/primitive',
  description: 'A one-line text value.',
  aliases: ['PrimitiveString'],
  inputs: { value: { type: 'STRING', default: '' } },
  outputs: { STRING: { type: 'STRING' } },
  run: (inputs) => ({ STRING: inputs.value }),
});

export const stringMultilineNode = defineNode({
  type: 'core.string_multiline',
  title: 'String (Multiline)',
  category: 'utils/primitive',
  description: 'A multi-line text value.',
  aliases: ['PrimitiveStringMultiline'],
  inputs: { value: { type: 'STRING', default: '', multiline: true } },
  outputs: { STRING: { type: 'STRING' } },
  run: (inputs) => ({ STRING: inputs.value }),
});

export const booleanNode = defineNode({
  type: 'core.boolean',
  title: 'Boolean',
  category: 'utils/primitive',
  description: 'A true/false value.',
  aliases: ['PrimitiveBoolean'],
  inputs: { value: { type: 'BOOLEAN', default: false } },
  outputs: { BOOLEAN: { type: 'BOOLEAN' } },
  run: (inputs) => ({ BOOLEAN: inputs.value }),
});

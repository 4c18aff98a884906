/**
 * `core.show_text`: an output node that shows a value as text (`ui.text`) and passes the text
 * on. With it a workflow of core nodes alone has an output, e.g. for headless checks.
 */
import { defineNode } from '../../engine/nodes/index.js';
import { valueToText } from './value-text.js';

export const showTextNode = defineNode({
  type: 'core.show_text',
  title: 'Show Text',
  category: 'utils',
  description: 'Shows a value as text in the run results.',
  output: true,
  inputs: { value: { type: '*' } },
  outputs: { STRING: { type: 'STRING' } },
  run(inputs) {
    const text = valueToText(inputs.value);
    return { STRING: text, ui: { text: [text] } };
  },
});

/**
 * The rules of widget inputs (editor/src/graph/widget-inputs.ts, bundled for Node as the page
 * gets it): which widgets the node menu offers to convert to inputs and back, how the converted
 * names are kept in a node's properties (tolerating whatever a file holds there), and that
 * names reach litegraph's HTML menu as text.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { importEditorModules } from './editor-modules.js';

interface State { widget: string; linked: boolean; converted: boolean }
interface Rules {
  CONVERTED_PROPERTY: string;
  readConverted(properties: Record<string, unknown> | undefined): string[];
  setConverted(properties: Record<string, unknown>, name: string, on: boolean): void;
  isInputShown(state: State): boolean;
  convertChoices(states: State[]): { toInput: { widget: string; label: string }[]; toWidget: { widget: string; label: string }[] };
  menuText(text: string): string;
}

let rules: Rules;

before(async () => {
  rules = await importEditorModules<Rules>('graph/widget-inputs.ts');
});


test('the menu offers unlinked widgets as inputs, and linked or converted ones back as widgets', () => {
  const states: State[] = [
    { widget: 'width', linked: false, converted: false },
    { widget: 'height', linked: true, converted: false },
    { widget: 'batch_size', linked: false, converted: true },
    { widget: 'color', linked: true, converted: true },
  ];
  const { toInput, toWidget } = rules.convertChoices(states);
  assert.deepEqual(toInput, [{ widget: 'width', label: 'Convert width to input' }]);
  assert.deepEqual(toWidget.map((choice) => choice.label), ['Convert height to widget', 'Convert batch_size to widget', 'Convert color to widget']);
  assert.deepEqual(states.map(rules.isInputShown), [false, true, true, true]);
  assert.deepEqual(rules.convertChoices([]), { toInput: [], toWidget: [] });
});

test('converted names live in the node properties, once each, and the property goes when none is left', () => {
  const properties: Record<string, unknown> = { 'Node name for S&R': 'EmptyImage' };
  rules.setConverted(properties, 'width', true);
  rules.setConverted(properties, 'width', true);
  rules.setConverted(properties, 'height', true);
  assert.deepEqual(properties[rules.CONVERTED_PROPERTY], ['width', 'height']);
  rules.setConverted(properties, 'width', false);
  assert.deepEqual(rules.readConverted(properties), ['height']);
  rules.setConverted(properties, 'height', false);
  assert.deepEqual(properties, { 'Node name for S&R': 'EmptyImage' }, 'nothing of ours is left in the file');
  rules.setConverted(properties, 'seed', false);
  assert.deepEqual(properties, { 'Node name for S&R': 'EmptyImage' });
});

test('a malformed property in a file reads as what it holds of names, or nothing', () => {
  assert.deepEqual(rules.readConverted(undefined), []);
  assert.deepEqual(rules.readConverted({ [rules.CONVERTED_PROPERTY]: 'width' }), []);
  assert.deepEqual(rules.readConverted({ [rules.CONVERTED_PROPERTY]: ['width', 3, null, 'width', 'seed'] }), ['width', 'seed']);
  const properties: Record<string, unknown> = { [rules.CONVERTED_PROPERTY]: { width: true } };
  rules.setConverted(properties, 'seed', true);
  assert.deepEqual(properties[rules.CONVERTED_PROPERTY], ['seed'], 'rewritten as a list');
});

test('widget names reach the HTML menu as text', () => {
  assert.equal(rules.menuText('Convert <img src=x onerror=alert(1)> to input'), 'Convert &#60;img src=x onerror=alert(1)&#62; to input');
  assert.equal(rules.menuText(`a & "b" 'c'`), 'a &#38; &#34;b&#34; &#39;c&#39;');
});

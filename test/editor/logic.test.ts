/**
 * The editor's browser-independent rules, run in Node: its source modules (which touch no DOM)
 * are bundled with esbuild into a temp file and imported. Link types must follow exactly the
 * engine's rule (compared pair by pair with engine/nodes/data-types.ts), seeds advance by their
 * control mode within their range, numbers are coerced as the input declares, node search
 * finds by title, type id, alias, category and letters in order, and durations read well.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { typesCompatible as engineTypesCompatible } from '../../engine/nodes/data-types.js';
import { importEditorModules } from './editor-modules.js';

interface Input { name: string; type: string; optional: boolean; lazy: boolean; widget: boolean; default?: number | string | boolean; min?: number; max?: number; step?: number; round?: number; control?: boolean }
interface Description { type: string; version: number; title: string; category: string; description: string; pack: string; aliases: string[]; output_node: boolean; never_cache: boolean; inputs: Input[]; outputs: { name: string; type: string }[]; deprecated?: boolean }
interface EditorLogic {
  typesCompatible(from: string, to: string): boolean;
  nextControlledValue(input: Input, value: number, mode: string, random?: () => number): number;
  coerceNumber(input: Input, value: unknown): number;
  searchNodes(descriptions: Description[], query: string, limit?: number): { description: Description; score: number }[];
  byCategory(descriptions: Description[]): Map<string, Description[]>;
  formatDuration(ms: number): string;
}

let logic: EditorLogic;

before(async () => {
  logic = await importEditorModules<EditorLogic>('graph/type-rules.ts', 'graph/widgets.ts', 'ui/node-search.ts', 'graph/run-state.ts');
});

test('the canvas accepts exactly the links the engine accepts', () => {
  const types = ['IMAGE', 'MASK', 'LATENT', 'INT', 'FLOAT', 'STRING', 'COMBO', 'BOOLEAN', '*', 'IMAGE,MASK', 'INT,FLOAT', 'MODEL', 'CUSTOM_PACK_TYPE'];
  for (const from of types) {
    for (const to of types) assert.equal(logic.typesCompatible(from, to), engineTypesCompatible(from, to), `${from} → ${to}`);
  }
  assert.equal(logic.typesCompatible('IMAGE', 'STRING'), false);
  assert.equal(logic.typesCompatible('INT', 'FLOAT'), true);
  assert.equal(logic.typesCompatible('FLOAT', 'INT'), false);
});

test('seeds advance by their control mode and stay in range', () => {
  const seed: Input = { name: 'seed', type: 'INT', optional: false, lazy: false, widget: true, min: 0, max: 10, control: true };
  assert.equal(logic.nextControlledValue(seed, 4, 'fixed'), 4);
  assert.equal(logic.nextControlledValue(seed, 4, 'increment'), 5);
  assert.equal(logic.nextControlledValue(seed, 10, 'increment'), 0, 'wraps at the maximum');
  assert.equal(logic.nextControlledValue(seed, 0, 'decrement'), 10, 'wraps at the minimum');
  for (const random of [0, 0.5, 0.999999]) {
    const value = logic.nextControlledValue(seed, 4, 'randomize', () => random);
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 10, String(value));
  }
  const wide: Input = { ...seed, max: Number.MAX_SAFE_INTEGER };
  const big = logic.nextControlledValue(wide, 0, 'randomize', () => 0.75);
  assert.ok(Number.isSafeInteger(big) && big > 2 ** 32, 'a wide range gets values beyond 32 bits');
});

test('numbers are coerced as the input declares them', () => {
  const int: Input = { name: 'steps', type: 'INT', optional: false, lazy: false, widget: true, default: 20, min: 1, max: 150 };
  assert.equal(logic.coerceNumber(int, 3.6), 4);
  assert.equal(logic.coerceNumber(int, 0), 1);
  assert.equal(logic.coerceNumber(int, 1e9), 150);
  assert.equal(logic.coerceNumber(int, 'not a number'), 20, 'garbage becomes the default');
  const float: Input = { name: 'cfg', type: 'FLOAT', optional: false, lazy: false, widget: true, min: 0, max: 30, round: 0.01 };
  assert.equal(logic.coerceNumber(float, 7.456), 7.46);
  assert.equal(logic.coerceNumber(float, 0.1 + 0.2), 0.3);
});

const node = (type: string, title: string, category: string, aliases: string[] = [], deprecated = false): Description => ({
  type, title, category, aliases, deprecated, version: 1, description: '', pack: 'test', output_node: false, never_cache: false, inputs: [], outputs: [],
});
const catalog = [
  node('image.invert', 'Invert Image', 'image', ['ImageInvert']),
  node('image.save', 'Save Image', 'image', ['SaveImage']),
  node('diffusion.ksampler', 'KSampler', 'sampling', ['KSampler']),
  node('image.empty', 'Empty Image', 'image', ['EmptyImage']),
  node('diffusion.empty_latent', 'Empty Latent Image', 'latent', ['EmptyLatentImage']),
  node('core.old', 'Old Thing', 'utils', [], true),
];

test('node search: every word must match; titles rank first; letters in order also match', () => {
  const types = (query: string) => logic.searchNodes(catalog, query).map((hit) => hit.description.type);
  assert.deepEqual(types('empty image'), ['image.empty', 'diffusion.empty_latent']);
  assert.deepEqual(types('invert'), ['image.invert']);
  assert.deepEqual(types('ImageInvert'), ['image.invert'], 'by alias');
  assert.deepEqual(types('diffusion.ks'), ['diffusion.ksampler'], 'by type id');
  assert.deepEqual(types('ksmp'), ['diffusion.ksampler'], 'letters in order');
  assert.deepEqual(types('latent'), ['diffusion.empty_latent']);
  assert.deepEqual(types('nothing like this'), []);
  assert.ok(types('').length === catalog.length - 1, 'deprecated types are not listed without a query');
  assert.deepEqual(types('old'), ['core.old'], 'but they can be found');
  assert.deepEqual([...logic.byCategory(catalog).keys()], ['image', 'latent', 'sampling']);
});

test('durations read well', () => {
  assert.equal(logic.formatDuration(12.4), '12 ms');
  assert.equal(logic.formatDuration(3400), '3.40 s');
  assert.equal(logic.formatDuration(125_000), '2 min 5 s');
});

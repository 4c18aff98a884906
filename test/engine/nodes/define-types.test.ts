/** Compile-time and run-time checks of the node contract: inferred input/output types and declaration checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode, createImage, SwitchyardError } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';

const blur = defineNode({
  type: 'test.blur',
  title: 'Blur',
  category: 'test',
  inputs: {
    image: { type: 'IMAGE' },
    radius: { type: 'FLOAT', default: 1, min: 0, max: 10 },
    mode: { type: 'COMBO', options: ['fast', 'slow'] },
    mask: { type: 'MASK', optional: true },
    extra: { type: 'IMAGE', lazy: true, optional: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run(inputs) {
    const image: ImageValue = inputs.image;
    const radius: number = inputs.radius;
    const mode: 'fast' | 'slow' = inputs.mode;
    const lazy: () => Promise<ImageValue | undefined> = inputs.extra;
    void radius; void mode; void lazy; void inputs.mask;
    return { IMAGE: image };
  },
});

defineNode({
  type: 'test.wrong',
  title: 'Wrong',
  category: 'test',
  inputs: {},
  outputs: { IMAGE: { type: 'IMAGE' } },
  // @ts-expect-error — returning a number where an IMAGE is declared does not compile
  run() {
    return { IMAGE: 5 };
  },
});

test('defineNode derives widget, input and output order from the declaration', () => {
  assert.deepEqual(blur.inputNames, ['image', 'radius', 'mode', 'mask', 'extra']);
  assert.deepEqual(blur.widgetNames, ['radius', 'mode']);
  assert.deepEqual(blur.outputNames, ['IMAGE']);
  assert.equal(blur.version, 1);
  assert.equal(blur.cache, true);
  assert.ok(createImage(2, 2).data.length === 12);
});

test('defineNode refuses a broken declaration with node_definition_invalid', () => {
  assert.throws(
    () => defineNode({ type: 'bad type!', title: '', category: 'x', inputs: { '0': { type: 'INT', min: 5, max: 1 } }, outputs: {}, run() {} }),
    (error: unknown) => error instanceof SwitchyardError && error.code === 'node_definition_invalid' && /min 5 > max 1/.test(error.message),
  );
});

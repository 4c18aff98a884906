/** Mask generators and ops: `image.solid_mask` (ComfyUI: SolidMask) and `image.invert_mask` (ComfyUI: InvertMask). */
import { createMask, defineNode } from '../../../engine/nodes/index.js';
import type { MaskValue } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, allocateValues, requireDimension } from '../limits.js';

export function invertMaskValues(mask: MaskValue): MaskValue {
  const out = allocateValues(mask.data.length, 'mask');
  for (let i = 0; i < out.length; i++) out[i] = 1 - mask.data[i]!;
  return createMask(mask.width, mask.height, mask.count, out);
}

export const solidMask = defineNode({
  type: 'image.solid_mask',
  title: 'Solid Mask',
  category: 'mask',
  description: 'A mask of one value.',
  aliases: ['SolidMask'],
  inputs: {
    value: { type: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
    width: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
    height: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
  },
  outputs: { MASK: { type: 'MASK' } },
  run(inputs) {
    const width = requireDimension('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireDimension('height', inputs.height, 1, MAX_RESOLUTION);
    return { MASK: createMask(width, height, 1, allocateValues(width * height, 'mask').fill(inputs.value)) };
  },
});

export const invertMask = defineNode({
  type: 'image.invert_mask',
  title: 'Invert Mask',
  category: 'mask',
  description: 'Inverts a mask (1 - value).',
  aliases: ['InvertMask'],
  inputs: { mask: { type: 'MASK' } },
  outputs: { MASK: { type: 'MASK' } },
  run: (inputs) => ({ MASK: invertMaskValues(inputs.mask) }),
});

/** `image.empty` (ComfyUI: EmptyImage): a batch filled with one colour given as 0xRRGGBB. */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, allocateValues, requireDimension, tooManyValues } from '../limits.js';

/** 0xRRGGBB → [r, g, b] in 0..1. */
export function colorToRgb(color: number): [number, number, number] {
  const value = requireDimension('color', color, 0, 0xffffff);
  return [((value >> 16) & 0xff) / 255, ((value >> 8) & 0xff) / 255, (value & 0xff) / 255];
}

export const emptyImage = defineNode({
  type: 'image.empty',
  title: 'Empty Image',
  category: 'image',
  description: 'A batch of images of one colour.',
  aliases: ['EmptyImage'],
  inputs: {
    width: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
    height: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
    batch_size: { type: 'INT', default: 1, min: 1, max: 4096 },
    color: { type: 'INT', default: 0, min: 0, max: 0xffffff, tooltip: 'Colour as 0xRRGGBB.' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  // Each size may be within its range while the batch as a whole is not: say so before running.
  validate(inputs) {
    const { width, height, batch_size: count } = inputs;
    if (typeof width !== 'number' || typeof height !== 'number' || typeof count !== 'number') return undefined;
    return tooManyValues(width * height * count * 3, `an empty image of ${width}x${height}, batch of ${count}`);
  },
  run(inputs) {
    const width = requireDimension('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireDimension('height', inputs.height, 1, MAX_RESOLUTION);
    const count = requireDimension('batch_size', inputs.batch_size, 1, 4096);
    const [r, g, b] = colorToRgb(inputs.color);
    const data = allocateValues(width * height * count * 3, 'empty image');
    for (let i = 0; i < data.length; i += 3) {
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
    return { IMAGE: createImage(width, height, count, data) };
  },
});

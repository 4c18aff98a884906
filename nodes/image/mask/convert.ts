/**
 * Image ↔ mask conversions: `image.to_mask` (ComfyUI: ImageToMask, one colour channel of every
 * frame) and `image.mask_to_image` (ComfyUI: MaskToImage, the mask in all three channels).
 */
import { createImage, createMask, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue, MaskValue } from '../../../engine/nodes/index.js';
import { allocateValues } from '../limits.js';

export const MASK_CHANNELS = ['red', 'green', 'blue'] as const;
export type MaskChannel = (typeof MASK_CHANNELS)[number];

export function imageChannelToMask(image: ImageValue, channel: MaskChannel): MaskValue {
  const offset = MASK_CHANNELS.indexOf(channel);
  const out = allocateValues(image.width * image.height * image.count, 'mask');
  for (let p = 0; p < out.length; p++) out[p] = image.data[p * 3 + offset]!;
  return createMask(image.width, image.height, image.count, out);
}

export function maskToRgb(mask: MaskValue): ImageValue {
  const out = allocateValues(mask.data.length * 3, 'image');
  for (let p = 0; p < mask.data.length; p++) {
    const v = mask.data[p]!;
    out[p * 3] = v;
    out[p * 3 + 1] = v;
    out[p * 3 + 2] = v;
  }
  return createImage(mask.width, mask.height, mask.count, out);
}

export const imageToMask = defineNode({
  type: 'image.to_mask',
  title: 'Convert Image to Mask',
  category: 'mask',
  description: 'One colour channel of the image as a mask.',
  aliases: ['ImageToMask'],
  inputs: {
    image: { type: 'IMAGE' },
    channel: { type: 'COMBO', options: MASK_CHANNELS, default: 'red' },
  },
  outputs: { MASK: { type: 'MASK' } },
  run: (inputs) => ({ MASK: imageChannelToMask(inputs.image, inputs.channel) }),
});

export const maskToImage = defineNode({
  type: 'image.mask_to_image',
  title: 'Convert Mask to Image',
  category: 'mask',
  description: 'The mask as a grey RGB image.',
  aliases: ['MaskToImage'],
  inputs: { mask: { type: 'MASK' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run: (inputs) => ({ IMAGE: maskToRgb(inputs.mask) }),
});

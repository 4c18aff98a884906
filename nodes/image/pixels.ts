/**
 * Plain pixel-buffer helpers shared by the image ops: cropping interleaved planes (images have
 * 3 channels, masks 1) and the centre box ComfyUI crops to before scaling to a new aspect.
 */
import { allocateValues } from './limits.js';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Copies the `box` out of every frame of interleaved planes. The box must lie inside the frame. */
export function cropPlanes(data: Float32Array, width: number, height: number, count: number, channels: number, box: Box): Float32Array {
  const out = allocateValues(box.width * box.height * channels * count, 'cropped image');
  const rowLength = box.width * channels;
  for (let frame = 0; frame < count; frame++) {
    for (let row = 0; row < box.height; row++) {
      const from = ((frame * height + box.top + row) * width + box.left) * channels;
      out.set(data.subarray(from, from + rowLength), (frame * box.height + row) * rowLength);
    }
  }
  return out;
}

/**
 * The centred box of a `width`×`height` frame that has the aspect ratio of target size, as
 * ComfyUI's "crop: center" cuts it (equal margins, rounded) before resizing.
 */
export function centerCropBox(width: number, height: number, targetWidth: number, targetHeight: number): Box {
  const aspect = width / height;
  const targetAspect = targetWidth / targetHeight;
  let marginX = 0;
  let marginY = 0;
  if (aspect > targetAspect) marginX = Math.round((width - width * (targetAspect / aspect)) / 2);
  else if (aspect < targetAspect) marginY = Math.round((height - height * (aspect / targetAspect)) / 2);
  return { left: marginX, top: marginY, width: Math.max(1, width - 2 * marginX), height: Math.max(1, height - 2 * marginY) };
}

/** Frame `index` of a batch as a view (no copy). */
export function frameView(data: Float32Array, frameLength: number, index: number): Float32Array {
  return data.subarray(index * frameLength, (index + 1) * frameLength);
}

/**
 * The built-in `diffusion` pack: text to image with ONNX exports of SD-family models, on the
 * engine's model manager. So far: SD 1.x/2.x through the one-node `diffusion.text_to_image`
 * (and the `demo-sd15` stand-in its set-up step writes). Schedulers, noise and the tokenizer
 * live in this pack (`sampling/`, `text/`).
 */
import { definePack } from '../../engine/nodes/index.js';
import { textToImage } from './nodes/text-to-image.js';

export default definePack({
  name: 'diffusion',
  version: '0.1.0',
  engine: '^0.1.0',
  description: 'Text to image with ONNX exports of Stable Diffusion models (SD 1.x/2.x so far), with a tiny demo stand-in.',
  nodes: [textToImage],
});

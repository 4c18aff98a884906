/**
 * The built-in `image` pack: loading, saving and previewing images (sharp), and the basic image
 * and mask operations, with ComfyUI's node names as aliases so its workflow files run.
 */
import { definePack } from '../../engine/nodes/index.js';
import { loadImage } from './load.js';
import { saveImage } from './save.js';
import { previewImage } from './preview.js';
import { emptyImage } from './ops/empty.js';
import { imageScale, imageScaleBy } from './ops/scale.js';
import { imageResize } from './ops/resize.js';
import { imageCrop } from './ops/crop.js';
import { imagePadForOutpaint } from './ops/pad.js';
import { imageCompositeMasked } from './ops/composite.js';
import { imageBlur } from './ops/blur.js';
import { imageGrayscale, imageInvert } from './ops/color.js';
import { imageBatch } from './ops/batch.js';
import { imageToMask, maskToImage } from './mask/convert.js';
import { invertMask, solidMask } from './mask/solid.js';

export { readPngText, insertPngText } from './png-text.js';

export default definePack({
  name: 'image',
  version: '0.1.0',
  engine: '^0.1.0',
  description: 'Image loading, saving, previewing and basic image/mask operations (sharp).',
  nodes: [
    loadImage, saveImage, previewImage,
    emptyImage, imageScale, imageScaleBy, imageResize, imageCrop, imagePadForOutpaint, imageCompositeMasked,
    imageBlur, imageInvert, imageGrayscale, imageBatch,
    imageToMask, maskToImage, solidMask, invertMask,
  ],
});

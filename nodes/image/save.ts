/**
 * `image.save` (ComfyUI: SaveImage): writes each image of the batch as a PNG into the output
 * folder, numbered after the prefix, with the workflow embedded as PNG text (`prompt`,
 * `workflow`) so the file can be dragged back into an editor.
 */
import { defineNode } from '../../engine/nodes/index.js';
import { checkFilenamePrefix } from './prefix.js';
import { workflowText, writeImageFiles } from './write-files.js';

export const saveImage = defineNode({
  type: 'image.save',
  title: 'Save Image',
  category: 'image',
  description: 'Saves images as PNG files in the output folder (<prefix>_00001_.png, ...), with the workflow embedded.',
  aliases: ['SaveImage'],
  output: true,
  inputs: {
    images: { type: 'IMAGE', tooltip: 'The images to save.' },
    filename_prefix: { type: 'STRING', default: 'Switchyard', tooltip: 'File name prefix; may start with subfolders of the output folder, e.g. "portraits/test".' },
  },
  outputs: {},
  // A literal prefix is checked before anything runs (writeImageFiles checks it again).
  validate: async (inputs, ctx) => {
    if (typeof inputs.filename_prefix !== 'string') return undefined;
    const problem = await checkFilenamePrefix(inputs.filename_prefix, ctx.folders.output);
    return problem === undefined ? undefined : `input "filename_prefix": ${problem}`;
  },
  async run(inputs, ctx) {
    const images = await writeImageFiles(inputs.images, {
      folder: ctx.folders.output,
      type: 'output',
      prefix: inputs.filename_prefix,
      compressionLevel: 4,
      text: workflowText(ctx.workflow),
      throwIfAborted: () => ctx.throwIfAborted(),
    });
    ctx.log.debug({ files: images.map((file) => file.filename) }, 'images saved');
    return { ui: { images } };
  },
});

/**
 * `POST /api/video/{svd,animatediff,wan21}` and `POST /api/talking-head/infinitetalk`.
 *
 * - svd: image → video (Stable Video Diffusion); frames, fps, motion bucket, noise augmentation.
 * - animatediff: prompt → video (SD 1.5 + a motion module); frames, fps, motion scale.
 * - wan21: image + prompt → video (Wan 2.1 image-to-video, run on a remote ComfyUI: no ONNX
 *   export exists and it needs a large GPU).
 * - infinitetalk: portrait image + speech audio → talking-head video (also remote).
 *
 * Node-id contracts of their workflows (`legacy/video-<model>`, `legacy/talking-head-infinitetalk`):
 * workflows/legacy/README.md. Every answer carries the video file with a URL (and base64 on
 * request), the frame count asked for (null when the audio decides it) and the fps.
 */
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import type { RunRecord } from '../../queue/types.js';
import { VideoAnswerSchema, type AnswerKit, type LegacyFile } from './answer.js';
import { audioField, dimension, flag, imageField, optionalNumber, optionalText, requiredText, seedField } from './fields.js';
import type { NodeNeed } from './needs.js';
import { defineLegacyRoute, definedParams, type LegacyRoute } from './table.js';

async function theVideo(kit: AnswerKit, run: RunRecord, workflow: string, base64: boolean): Promise<LegacyFile> {
  const [video] = await kit.videos({ base64 });
  if (!video) throw new SwitchyardError('internal', `the workflow ${workflow} finished without saving a video`, { run_id: run.id });
  return video;
}

const VIDEO_ALIASES = { num_frames: 'frames', video_length: 'frames', cfg: 'guidance_scale', num_inference_steps: 'steps' } as const;

const svd = defineLegacyRoute({
  path: '/api/video/svd',
  summary: 'Animate an image into a short video (Stable Video Diffusion)',
  task: 'image-to-video',
  model: 'svd',
  workflow: 'legacy/video-svd',
  body: z.object({
    image: imageField(),
    frames: optionalNumber({ min: 1, max: 128, integer: true, default: 14 }),
    fps: optionalNumber({ min: 1, max: 60, integer: true, default: 7 }),
    motion_bucket_id: optionalNumber({ min: 1, max: 1023, integer: true, default: 127 }),
    noise_aug_strength: optionalNumber({ min: 0, max: 1, default: 0.02 }),
    width: dimension(1024),
    height: dimension(576),
    steps: optionalNumber({ min: 1, max: 100, integer: true, default: 20 }),
    guidance_scale: optionalNumber({ min: 0, max: 20, default: 2.5 }),
    seed: seedField(),
    return_base64: flag(false),
  }),
  aliases: { ...VIDEO_ALIASES, motion: 'motion_bucket_id', image_base64: 'image' },
  response: VideoAnswerSchema,
  needs: [
    { type: 'LoadImage', pack: 'image' },
    { type: 'ImageOnlyCheckpointLoader', pack: 'video' },
    { type: 'SVD_img2vid_Conditioning', pack: 'video' },
    { type: 'KSampler', pack: 'diffusion' },
    { type: 'VAEDecode', pack: 'diffusion' },
    { type: 'SaveVideo', pack: 'video' },
  ],
  params: (body, media) => ({
    'image.image': media(body.image),
    'conditioning.video_frames': body.frames,
    'conditioning.fps': body.fps,
    'conditioning.motion_bucket_id': body.motion_bucket_id,
    'conditioning.augmentation_level': body.noise_aug_strength,
    'conditioning.width': body.width,
    'conditioning.height': body.height,
    'sampler.seed': body.seed,
    'sampler.steps': body.steps,
    'sampler.cfg': body.guidance_scale,
    'save.fps': body.fps,
  }),
  async answer(body, run, kit) {
    return { success: true as const, model: 'svd', video: await theVideo(kit, run, 'legacy/video-svd', body.return_base64), frames: body.frames, fps: body.fps, seed: body.seed, ...kit.timing() };
  },
});

const animatediff = defineLegacyRoute({
  path: '/api/video/animatediff',
  summary: 'A short video from a prompt (AnimateDiff on SD 1.5)',
  task: 'text-to-video',
  model: 'animatediff',
  workflow: 'legacy/video-animatediff',
  body: z.object({
    prompt: requiredText(),
    negative_prompt: optionalText(''),
    frames: optionalNumber({ min: 1, max: 64, integer: true, default: 16 }),
    fps: optionalNumber({ min: 1, max: 60, integer: true, default: 8 }),
    motion_scale: optionalNumber({ min: 0, max: 2, default: 1 }),
    width: dimension(512, 1024),
    height: dimension(512, 1024),
    steps: optionalNumber({ min: 1, max: 100, integer: true, default: 20 }),
    guidance_scale: optionalNumber({ min: 0, max: 30, default: 7.5 }),
    seed: seedField(),
    return_base64: flag(false),
  }),
  aliases: { ...VIDEO_ALIASES, motion: 'motion_scale', negative: 'negative_prompt' },
  response: VideoAnswerSchema,
  needs: [
    { type: 'CheckpointLoaderSimple', pack: 'diffusion' },
    { type: 'CLIPTextEncode', pack: 'diffusion' },
    { type: 'EmptyLatentImage', pack: 'diffusion' },
    { type: 'AnimateDiffLoader', pack: 'video' },
    { type: 'KSampler', pack: 'diffusion' },
    { type: 'VAEDecode', pack: 'diffusion' },
    { type: 'SaveVideo', pack: 'video' },
  ],
  params: (body) => ({
    'positive.text': body.prompt,
    'negative.text': body.negative_prompt,
    'latent.width': body.width,
    'latent.height': body.height,
    'latent.batch_size': body.frames,
    'motion.motion_scale': body.motion_scale,
    'sampler.seed': body.seed,
    'sampler.steps': body.steps,
    'sampler.cfg': body.guidance_scale,
    'save.fps': body.fps,
  }),
  async answer(body, run, kit) {
    return { success: true as const, model: 'animatediff', video: await theVideo(kit, run, 'legacy/video-animatediff', body.return_base64), frames: body.frames, fps: body.fps, seed: body.seed, ...kit.timing() };
  },
});

/** Wan 2.1 and InfiniteTalk have no ONNX exports: their workflows hand the work to a remote ComfyUI. */
const REMOTE_NEEDS: readonly NodeNeed[] = [
  { type: 'RemoteComfyWorkflow', pack: 'comfyui' },
  { type: 'SaveVideo', pack: 'video' },
];

const wan21 = defineLegacyRoute({
  path: '/api/video/wan21',
  summary: 'Animate an image following a prompt (Wan 2.1 image-to-video, on a remote ComfyUI)',
  task: 'image-to-video',
  model: 'wan21',
  workflow: 'legacy/video-wan21',
  body: z.object({
    image: imageField(),
    prompt: optionalText(''),
    negative_prompt: optionalText(''),
    frames: optionalNumber({ min: 1, max: 161, integer: true, default: 81 }),
    fps: optionalNumber({ min: 1, max: 60, integer: true, default: 16 }),
    width: dimension(832, 1280),
    height: dimension(480, 1280),
    steps: optionalNumber({ min: 1, max: 100, integer: true, default: 30 }),
    guidance_scale: optionalNumber({ min: 0, max: 20, default: 5 }),
    seed: seedField(),
    return_base64: flag(false),
  }),
  aliases: { ...VIDEO_ALIASES, image_base64: 'image', negative: 'negative_prompt' },
  response: VideoAnswerSchema,
  needs: [{ type: 'LoadImage', pack: 'image' }, ...REMOTE_NEEDS],
  params: (body, media) => ({
    'image.image': media(body.image),
    'wan.prompt': body.prompt,
    'wan.negative_prompt': body.negative_prompt,
    'wan.frames': body.frames,
    'wan.width': body.width,
    'wan.height': body.height,
    'wan.steps': body.steps,
    'wan.cfg': body.guidance_scale,
    'wan.seed': body.seed,
    'save.fps': body.fps,
  }),
  async answer(body, run, kit) {
    return { success: true as const, model: 'wan21', video: await theVideo(kit, run, 'legacy/video-wan21', body.return_base64), frames: body.frames, fps: body.fps, seed: body.seed, ...kit.timing() };
  },
});

const infinitetalk = defineLegacyRoute({
  path: '/api/talking-head/infinitetalk',
  summary: 'A talking-head video from a portrait and speech audio (InfiniteTalk, on a remote ComfyUI)',
  task: 'talking-head video',
  model: 'infinitetalk',
  workflow: 'legacy/talking-head-infinitetalk',
  body: z.object({
    image: imageField(),
    audio: audioField(),
    prompt: optionalText(''),
    fps: optionalNumber({ min: 1, max: 60, integer: true, default: 25 }),
    width: dimension(512, 1280),
    height: dimension(512, 1280),
    steps: optionalNumber({ min: 1, max: 100, integer: true, default: 20 }),
    seed: seedField(),
    return_base64: flag(false),
  }),
  aliases: { portrait: 'image', source_image: 'image', image_base64: 'image', audio_base64: 'audio', num_inference_steps: 'steps' },
  response: VideoAnswerSchema,
  needs: [{ type: 'LoadImage', pack: 'image' }, { type: 'LoadAudio', pack: 'audio' }, ...REMOTE_NEEDS],
  params: (body, media) =>
    definedParams({
      'portrait.image': media(body.image),
      'audio.audio': media(body.audio),
      'talk.prompt': body.prompt,
      'talk.width': body.width,
      'talk.height': body.height,
      'talk.steps': body.steps,
      'talk.seed': body.seed,
      'save.fps': body.fps,
    }),
  async answer(body, run, kit) {
    return { success: true as const, model: 'infinitetalk', video: await theVideo(kit, run, 'legacy/talking-head-infinitetalk', body.return_base64), frames: null, fps: body.fps, seed: body.seed, ...kit.timing() };
  },
});

export const VIDEO_ROUTES: LegacyRoute[] = [svd, animatediff, wan21];
export const TALKING_HEAD_ROUTES: LegacyRoute[] = [infinitetalk];

/**
 * The fused sampler loop (families with an `affine` denoiser: SD 1.x, SDXL, SD3) against the
 * reference loop over `denoise`, on real onnxruntime sessions of the generated stand-ins: the
 * same latents bit for bit for every sampler, guided (cfg ≠ 1) and single-branch, two latent
 * items, img2img part way down the schedule, an LCM UNet (guidance embedded, one branch), and
 * the same previews and progress. Flux (packed tokens) has no affine path and keeps the reference.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ImageValue, LatentValue } from '../../../../engine/nodes/index.js';
import { generateDemoModels } from '../../../../nodes/diffusion/demo/generate.js';
import { sd15StandIn } from '../../../../nodes/diffusion/demo/sd15.js';
import { loadDiffusionModel } from '../../../../nodes/diffusion/model/load.js';
import { SAMPLERS, type DiffusionRuntime } from '../../../../nodes/diffusion/model/types.js';
import { emptyLatent } from '../../../../nodes/diffusion/pipeline/latent.js';
import { sample, type SampleRequest } from '../../../../nodes/diffusion/pipeline/sample.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-sample-'));
const loaded: { value: DiffusionRuntime; release: () => Promise<void> }[] = [];
const models: Record<string, DiffusionRuntime> = {};

before(async () => {
  await generateDemoModels(root, { only: ['demo-sd15', 'demo-sd3', 'demo-flux'] });
  const lcmDir = join(root, 'demo-lcm');
  for (const [path, content] of Object.entries(sd15StandIn(15, { lcm: true }).files)) {
    mkdirSync(dirname(join(lcmDir, path)), { recursive: true });
    writeFileSync(join(lcmDir, path), content);
  }
  for (const id of ['demo-sd15', 'demo-sd3', 'demo-flux', 'demo-lcm']) {
    const model = await loadDiffusionModel(root, id);
    loaded.push(model);
    models[id] = model.value;
  }
});
after(async () => {
  for (const model of loaded) await model.release();
  rmSync(root, { recursive: true, force: true });
});

/** The same runtime without its fused path: sample() then runs the reference loop. */
function referenceOnly(runtime: DiffusionRuntime): DiffusionRuntime {
  return { ...runtime, affine: undefined };
}

interface Recorded {
  latent: LatentValue;
  steps: number[];
  previews: ImageValue[];
}

async function run(runtime: DiffusionRuntime, request: SampleRequest): Promise<Recorded> {
  const steps: number[] = [];
  const previews: ImageValue[] = [];
  const latent = await sample(runtime, { ...request, onStep: (done) => steps.push(done), onPreview: (image) => previews.push(image), previewEvery: 2 });
  return { latent, steps, previews };
}

function assertSame(fused: Recorded, reference: Recorded, label: string): void {
  assert.deepEqual(fused.latent.samples.dims, reference.latent.samples.dims, label);
  assert.ok(Buffer.from(fused.latent.samples.data.buffer).equals(Buffer.from(reference.latent.samples.data.buffer)), `${label}: latents differ`);
  assert.deepEqual(fused.steps, reference.steps, `${label}: progress`);
  assert.equal(fused.previews.length, reference.previews.length, `${label}: previews`);
  fused.previews.forEach((p, i) => assert.ok(Buffer.from(p.data.buffer).equals(Buffer.from(reference.previews[i]!.data.buffer)), `${label}: preview ${i}`));
}

async function requestFor(runtime: DiffusionRuntime, overrides: Partial<SampleRequest>): Promise<SampleRequest> {
  const positive = await runtime.encodeText('a red barn in a green field');
  const negative = await runtime.encodeText('blurry');
  const multiple = runtime.latentMultiple;
  return { positive, negative, latent: emptyLatent(2, runtime.latentChannels, 6 * multiple, 5 * multiple), seed: 11, steps: 5, cfg: 6, sampler: 'euler', scheduler: 'normal', ...overrides };
}

test('SD 1.x and SD3: the fused loop gives the reference loop\'s latents, progress and previews bit for bit, every sampler, cfg 6 and 1', async () => {
  for (const id of ['demo-sd15', 'demo-sd3']) {
    const runtime = models[id]!;
    assert.ok(runtime.affine, `${id} has a fused path`);
    for (const sampler of SAMPLERS) {
      for (const cfg of [6, 1]) {
        const request = await requestFor(runtime, { sampler, cfg, scheduler: sampler === 'lcm' ? 'sgm_uniform' : 'karras' });
        assertSame(await run(runtime, request), await run(referenceOnly(runtime), request), `${id} ${sampler} cfg ${cfg}`);
      }
    }
  }
});

test('img2img part way down the schedule (denoise 0.6, no added noise or with it) matches the reference loop', async () => {
  const runtime = models['demo-sd15']!;
  const base = await requestFor(runtime, { sampler: 'dpmpp_2m', denoise: 0.6, steps: 4 });
  const data = Float32Array.from(base.latent.samples.data, (_, i) => Math.sin(i * 0.1));
  const latent: LatentValue = { kind: 'latent', samples: { dims: base.latent.samples.dims, data } };
  for (const addNoise of [true, false]) {
    const request = { ...base, latent, addNoise };
    assertSame(await run(runtime, request), await run(referenceOnly(runtime), request), `addNoise ${addNoise}`);
  }
});

test('an LCM UNet (guidance embedded, one branch) matches the reference loop; Flux has no fused path', async () => {
  const lcm = models['demo-lcm']!;
  assert.equal(lcm.embedsGuidance, true);
  const request = await requestFor(lcm, { sampler: 'lcm', scheduler: 'sgm_uniform', cfg: 1.5, steps: 4 });
  assertSame(await run(lcm, request), await run(referenceOnly(lcm), request), 'lcm');
  assert.equal(models['demo-flux']!.affine, undefined);
});

test('an interruption between steps stops the fused loop', async () => {
  const runtime = models['demo-sd15']!;
  const controller = new AbortController();
  const request = await requestFor(runtime, { steps: 8, signal: controller.signal, onStep: (done) => done === 2 && controller.abort(new Error('stop here')) });
  await assert.rejects(sample(runtime, request), /stop here/);
});

/**
 * The older API's two status routes, answered honestly:
 *
 * - `GET /api/tts/status` — text-to-speech arrives with a later pack, so `available` is false
 *   (with the reason) until a TTS node type is registered. Speech engines found on this machine
 *   are listed (espeak-ng, detected once by running `espeak-ng --version`).
 * - `GET /api/comfyui/status` — the older API forwarded work to a ComfyUI server; this server
 *   speaks ComfyUI's API itself, so it answers `available: true, mode: "built-in"` with its own
 *   base URL, endpoints and queue counts. When a remote ComfyUI is configured
 *   (`SWITCHYARD_COMFYUI_URL`), it is probed (`GET /system_stats`, short timeout) and reported.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ServerContext } from '../context.js';

/** Node types that would make TTS available (planned for the audio pack). */
export const TTS_NODE_TYPES = ['TextToSpeech'] as const;
const TTS_REASON = 'text-to-speech arrives with the audio pack (a later audio / TTS issue, not filed yet); no TTS node type is installed';
const PROBE_TIMEOUT_MS = 2000;

export const SpeechEngineSchema = z.object({
  name: z.string(),
  version: z.string().nullable(),
  note: z.string(),
});

export const TtsStatusSchema = z.object({
  success: z.literal(true),
  available: z.boolean(),
  reason: z.string().nullable().describe('Why TTS is not available (null when it is)'),
  engines: z.array(SpeechEngineSchema).describe('Speech engines found on this machine'),
  node_types: z.object({ needed: z.array(z.string()), missing: z.array(z.string()) }),
});

export const RemoteComfyStatusSchema = z.object({
  url: z.string(),
  reachable: z.boolean(),
  status: z.number().int().nullable().describe('HTTP status of GET /system_stats'),
  version: z.string().nullable().describe("The remote's comfyui_version, when it reports one"),
  elapsed_ms: z.number().int().nonnegative(),
  error: z.string().nullable(),
});

export const ComfyStatusSchema = z.object({
  success: z.literal(true),
  available: z.literal(true),
  mode: z.literal('built-in'),
  url: z.string().describe("This server's base URL: ComfyUI clients point here"),
  endpoints: z.record(z.string(), z.string()),
  queue: z.object({ running: z.number().int(), pending: z.number().int(), finished: z.number().int() }),
  remote: RemoteComfyStatusSchema.nullable().describe('The configured remote ComfyUI (SWITCHYARD_COMFYUI_URL), probed now; null when none is set'),
});

type SpeechEngine = z.infer<typeof SpeechEngineSchema>;

/** Runs `espeak-ng --version` once per process; undefined when it is not installed or fails. */
let espeak: Promise<SpeechEngine | undefined> | undefined;
export function detectEspeak(): Promise<SpeechEngine | undefined> {
  espeak ??= new Promise((resolve) => {
    let output = '';
    let child: ChildProcessByStdio<null, Readable, null>;
    try {
      child = spawn('espeak-ng', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: PROBE_TIMEOUT_MS });
    } catch {
      resolve(undefined);
      return;
    }
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0) return resolve(undefined);
      const version = /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? null;
      resolve({ name: 'espeak-ng', version, note: 'found on this machine; the audio pack will use it to speak and to phonemise for Piper voices' });
    });
  });
  return espeak;
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** The URL without credentials, for showing. */
function shownUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Probes a remote ComfyUI with `GET /system_stats`. Never throws: problems are the answer. */
export async function probeComfy(remote: string): Promise<z.infer<typeof RemoteComfyStatusSchema>> {
  const base = new URL(remote.endsWith('/') ? remote : `${remote}/`);
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  try {
    // fetch refuses URLs with credentials: they travel as Basic auth (a proxy in front of ComfyUI may want them).
    const headers: Record<string, string> = {};
    if (base.username !== '' || base.password !== '') {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
    }
    const target = new URL('system_stats', shownUrl(base));
    const response = await fetch(target, { headers, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
    let version: string | null = null;
    if (response.ok) {
      const stats = (await response.json().catch(() => undefined)) as { system?: { comfyui_version?: unknown } } | undefined;
      version = typeof stats?.system?.comfyui_version === 'string' ? stats.system.comfyui_version : null;
    } else {
      await response.body?.cancel();
    }
    return {
      url: shownUrl(base),
      reachable: response.ok,
      status: response.status,
      version,
      elapsed_ms: elapsed(),
      error: response.ok ? null : `GET /system_stats answered ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${PROBE_TIMEOUT_MS} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { url: shownUrl(base), reachable: false, status: null, version: null, elapsed_ms: elapsed(), error: reason };
  }
}

export function legacyStatusRoutes(ctx: ServerContext): Router {
  const router = Router();

  router.get('/api/tts/status', async (_req, res) => {
    const missing = TTS_NODE_TYPES.filter((type) => !ctx.engine.registry.has(type));
    const engine = await detectEspeak();
    const available = missing.length < TTS_NODE_TYPES.length;
    const body: z.infer<typeof TtsStatusSchema> = {
      success: true,
      available,
      reason: available ? null : TTS_REASON,
      engines: engine ? [engine] : [],
      node_types: { needed: [...TTS_NODE_TYPES], missing },
    };
    res.json(body);
  });

  router.get('/api/comfyui/status', async (req, res) => {
    const base = baseUrl(req);
    const counts = await ctx.queue.counts();
    const wsBase = base.replace(/^http/, 'ws');
    const body: z.infer<typeof ComfyStatusSchema> = {
      success: true,
      available: true,
      mode: 'built-in',
      url: base,
      endpoints: {
        prompt: `${base}/prompt`,
        queue: `${base}/queue`,
        history: `${base}/history`,
        object_info: `${base}/object_info`,
        view: `${base}/view`,
        upload_image: `${base}/upload/image`,
        system_stats: `${base}/system_stats`,
        ws: `${wsBase}/ws`,
      },
      queue: { running: counts.running, pending: counts.queued, finished: counts.finished },
      remote: ctx.config.comfyuiUrl ? await probeComfy(ctx.config.comfyuiUrl) : null,
    };
    res.json(body);
  });

  return router;
}

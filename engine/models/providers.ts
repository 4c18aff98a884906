/**
 * Which onnxruntime execution providers (EPs) model sessions use, and with how many threads.
 * The configured list (setting `executionProviders`, env `SWITCHYARD_EXECUTION_PROVIDERS`;
 * `cpu` by default) is checked against what this onnxruntime-node build can use on this
 * machine: a name it does not know, or a provider whose libraries are missing (CUDA without
 * its install step), is one `provider_unavailable` error that names the usable providers and
 * how to enable CUDA — raised when a session opens or the setting changes, never a native crash.
 * Thread counts resolve to numbers here (`null` intra-op threads: `min(4, CPU count)`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { SwitchyardError } from '../errors.js';
import type { ResolvedSessionOptions } from './session.js';

/** A provider name as onnxruntime-node spells it: lower case (`cpu`, `cuda`, `tensorrt`, `webgpu`, …). */
export const PROVIDER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
/** Upper bound for either thread count (a typo guard, not a tuning hint). */
export const MAX_THREADS = 256;

export interface ProviderSupport {
  name: string;
  /** Shipped inside onnxruntime-node's own binaries. */
  bundled: boolean;
  /** Its libraries are present: bundled, or installed next to the binding (CUDA/TensorRT need the NVIDIA libraries too). */
  installed: boolean;
}

/** What this process's onnxruntime-node offers. */
export interface ProviderCatalog {
  /** Every backend this build knows, installed or not (empty when it did not load). */
  providers: readonly ProviderSupport[];
  version: string | null;
  /** Why onnxruntime-node did not load; null when it did. */
  error: string | null;
}

/** The provider settings as configured (the shape of the settings keys). */
export interface SessionSettings {
  executionProviders: readonly string[];
  /** null: `defaultIntraOpThreads()`. */
  intraOpThreads: number | null;
  interOpThreads: number;
}

export const DEFAULT_SESSION_SETTINGS: Readonly<SessionSettings> = Object.freeze({ executionProviders: Object.freeze(['cpu']), intraOpThreads: null, interOpThreads: 1 });

interface OrtModule {
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
  env?: { versions?: Record<string, string> };
}

/** Where onnxruntime-node keeps a provider's shared library, by platform. */
function providerLibrary(name: string): string | undefined {
  if (process.platform === 'linux') return `libonnxruntime_providers_${name}.so`;
  if (process.platform === 'win32') return `onnxruntime_providers_${name}.dll`;
  return undefined;
}

function probeCatalog(): ProviderCatalog {
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('onnxruntime-node');
    const ort = require('onnxruntime-node') as OrtModule;
    if (typeof ort.listSupportedBackends !== 'function') throw new Error('this onnxruntime-node has no listSupportedBackends()');
    const bindingDir = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const providers = ort.listSupportedBackends().map((backend) => {
      const library = providerLibrary(backend.name);
      return { name: backend.name, bundled: backend.bundled, installed: backend.bundled || (library !== undefined && existsSync(join(bindingDir, library))) };
    });
    return { providers, version: ort.env?.versions?.node ?? ort.env?.versions?.common ?? null, error: null };
  } catch (error) {
    return { providers: [], version: null, error: error instanceof Error ? error.message : String(error) };
  }
}

let catalog: ProviderCatalog | undefined;

/** Found once per process: what this onnxruntime-node build supports does not change while it runs. */
export function providerCatalog(): ProviderCatalog {
  catalog ??= probeCatalog();
  return catalog;
}

/** Providers whose libraries are present, `cpu` first (empty when onnxruntime-node did not load). */
export function usableProviders(from: ProviderCatalog = providerCatalog()): string[] {
  if (from.error !== null) return [];
  const names = from.providers.filter((p) => p.installed).map((p) => p.name);
  return ['cpu', ...names.filter((name) => name !== 'cpu')];
}

/** Trims, lower-cases and de-duplicates a provider list, keeping its order. */
export function normalizeProviders(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.trim().toLowerCase()).filter((name) => name !== ''))];
}

const CUDA_HELP =
  'To use CUDA, fetch onnxruntime-node\'s CUDA binaries on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9 ' +
  '(`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js`; npm skips that install script here), ' +
  'then set executionProviders to ["cuda", "cpu"]; see README "GPU / execution providers".';

/**
 * The `provider_unavailable` error for `requested` (normalised), or undefined when every one of
 * them can be used here. For `openSession`, the settings change and the start-up warning alike.
 */
export function providerProblem(requested: readonly string[], from: ProviderCatalog = providerCatalog()): SwitchyardError | undefined {
  const wanted = normalizeProviders(requested);
  const usable = usableProviders(from);
  const known = from.providers.map((p) => p.name);
  const details = { requested: wanted, usable, known };
  if (wanted.length === 0) {
    return new SwitchyardError('provider_unavailable', `no execution provider is configured; use one of: ${usable.join(', ') || 'none'} (e.g. ["cpu"])`, details);
  }
  if (from.error !== null) {
    return new SwitchyardError('provider_unavailable', `onnxruntime-node did not load, so no execution provider (${wanted.join(', ')}) can be used: ${from.error}`, { ...details, unavailable: wanted });
  }
  const build = from.version === null ? 'onnxruntime-node' : `onnxruntime-node ${from.version}`;
  const reasons: string[] = [];
  const unavailable: string[] = [];
  for (const name of wanted) {
    if (usable.includes(name)) continue;
    unavailable.push(name);
    if (!known.includes(name)) reasons.push(`"${name}" is not an execution provider ${build} knows (it knows ${known.join(', ')})`);
    else reasons.push(`"${name}" is not installed: its libraries are not next to onnxruntime-node's binding`);
  }
  if (unavailable.length === 0) return undefined;
  const help = unavailable.some((name) => name === 'cuda' || name === 'tensorrt') ? ` ${CUDA_HELP}` : ' Set executionProviders (setting) or SWITCHYARD_EXECUTION_PROVIDERS to providers from that list.';
  const message = `execution provider${unavailable.length > 1 ? 's' : ''} not available: ${reasons.join('; ')}. Available in this onnxruntime-node: ${usable.join(', ')} (GET /api/health's onnxruntime.available says which have a device on this machine).${help}`;
  return new SwitchyardError('provider_unavailable', message, { ...details, unavailable });
}

/** Answers `requested` normalised, or throws `provider_unavailable` naming what is usable here. */
export function checkExecutionProviders(requested: readonly string[], from: ProviderCatalog = providerCatalog()): string[] {
  const problem = providerProblem(requested, from);
  if (problem) throw problem;
  return normalizeProviders(requested);
}

/** Intra-op threads when none are configured: up to 4, fewer on a smaller machine (several nodes and runs share the CPUs). */
export function defaultIntraOpThreads(cpuCount: number = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cpuCount)));
}

function threadCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new SwitchyardError('usage', `${name} must be an integer from 1 to ${MAX_THREADS}, got ${String(value)}`, { [name]: value });
  }
  return value;
}

/**
 * The options sessions open with, from (partial) settings: missing keys take the defaults
 * (`['cpu']`, `defaultIntraOpThreads()`, 1). Names are normalised, not checked against the
 * machine (`providerProblem` does that). Answers a frozen object.
 */
export function resolveSessionOptions(settings: Partial<SessionSettings> = {}, cpuCount?: number): ResolvedSessionOptions {
  const providers = normalizeProviders(settings.executionProviders ?? DEFAULT_SESSION_SETTINGS.executionProviders);
  for (const name of providers) {
    if (!PROVIDER_NAME_PATTERN.test(name)) throw new SwitchyardError('usage', `"${name}" is not an execution provider name (lower-case letters, digits, - and _, like cpu or cuda)`, { provider: name });
  }
  return Object.freeze({
    providers: Object.freeze(providers.length > 0 ? providers : ['cpu']),
    intraOpThreads: threadCount('intraOpThreads', settings.intraOpThreads ?? defaultIntraOpThreads(cpuCount)),
    interOpThreads: threadCount('interOpThreads', settings.interOpThreads ?? DEFAULT_SESSION_SETTINGS.interOpThreads),
  });
}

function threadsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_THREADS) throw new SwitchyardError('usage', `${name} must be an integer from 1 to ${MAX_THREADS}, got "${raw}"`, { variable: name });
  return value;
}

/**
 * `SWITCHYARD_EXECUTION_PROVIDERS` (comma-separated, e.g. `cuda,cpu`), `SWITCHYARD_INTRA_OP_THREADS`
 * and `SWITCHYARD_INTER_OP_THREADS`; only the ones set. A malformed value is a `usage` error.
 */
export function sessionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SessionSettings> {
  const settings: Partial<SessionSettings> = {};
  const raw = env.SWITCHYARD_EXECUTION_PROVIDERS;
  if (raw !== undefined && raw.trim() !== '') {
    const providers = normalizeProviders(raw.split(','));
    const bad = providers.filter((name) => !PROVIDER_NAME_PATTERN.test(name));
    if (bad.length > 0) throw new SwitchyardError('usage', `SWITCHYARD_EXECUTION_PROVIDERS must be provider names separated by commas (like cuda,cpu), got "${raw}"`, { variable: 'SWITCHYARD_EXECUTION_PROVIDERS' });
    settings.executionProviders = providers;
  }
  const intra = threadsFromEnv(env, 'SWITCHYARD_INTRA_OP_THREADS');
  if (intra !== undefined) settings.intraOpThreads = intra;
  const inter = threadsFromEnv(env, 'SWITCHYARD_INTER_OP_THREADS');
  if (inter !== undefined) settings.interOpThreads = inter;
  return settings;
}

/** `base` with the keys `over` defines (undefined leaves a key alone; null is a value). */
export function layerSessionSettings(base: Partial<SessionSettings>, over: Partial<SessionSettings> = {}): Partial<SessionSettings> {
  const defined = Object.fromEntries(Object.entries(over).filter(([, value]) => value !== undefined)) as Partial<SessionSettings>;
  return { ...base, ...defined };
}

/**
 * The pack loader: one code path for built-in packs, packs-folder packs and npm packages.
 * Each candidate is checked (manifest, engine range), imported, checked again (a real
 * `definePack` result, the engine range it declares, no clash with node types already
 * registered) and then registered with its data types. A pack that fails any step is reported
 * in `failed`, logged and skipped; the others keep working and the process stays up.
 */
import type { Logger } from '../nodes/context.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { PackDefinition } from '../nodes/pack.js';
import { ENGINE_VERSION } from '../version.js';
import { discoverPacks, type PackCandidate } from './discover.js';
import { resolveEntry } from './manifest.js';
import { describeThrown, importPack } from './import-pack.js';
import { engineIncompatibility } from './compat.js';
import { guardRejections, type RejectionGuard } from './rejection-guard.js';
import { ensurePublicApiResolution } from './api-resolution.js';
import type { FailedPack, LoadedPack, LoadPacksOptions, PackFailureCode, PackReport } from './types.js';

export type { FailedPack, LoadedPack, LoadPacksOptions, PackFailureCode, PackReport, PackSource } from './types.js';

interface LoadContext {
  registry: NodeRegistry;
  log: Logger;
  engineVersion: string;
  guard: RejectionGuard;
  /** Pack name → folder, of packs loaded so far. */
  loadedNames: Map<string, string>;
}

class PackFailure extends Error {
  constructor(readonly code: PackFailureCode, readonly reason: string, readonly packName?: string) {
    super(reason);
  }
}

/** Which pack already owns each clashing name, for a reason a person can act on. */
function describeClashes(clashes: readonly string[], registry: NodeRegistry): string {
  return clashes
    .map((name) => {
      const existing = registry.resolve(name);
      if (!existing) return `${name} (declared twice in this pack)`;
      const owner = registry.packOf(existing.node.type) ?? 'unknown pack';
      return existing.alias ? `${name} (alias of ${existing.node.type} from pack ${owner})` : `${name} (from pack ${owner})`;
    })
    .join(', ');
}

async function importChecked(candidate: PackCandidate, context: LoadContext): Promise<PackDefinition> {
  const name = candidate.hint;
  if (candidate.problem) throw new PackFailure('pack_load_failed', candidate.problem, name);
  // A manifest's engine range is checked before any of the pack's code runs.
  if (candidate.manifest) {
    const incompatible = engineIncompatibility(candidate.manifest.engine, context.engineVersion);
    if (incompatible) throw new PackFailure('pack_incompatible', incompatible, name);
  }
  const entry = await resolveEntry(candidate.dir, candidate.packageJson, candidate.manifest);
  if (!entry.ok) throw new PackFailure('pack_load_failed', entry.reason, name);
  const imported = await importPack(entry.file);
  const rejections = await context.guard.drain();
  if (rejections.length > 0) {
    throw new PackFailure('pack_load_failed', `unhandled promise rejection while loading: ${describeThrown(rejections[0])}`, imported.ok ? imported.pack.name : name);
  }
  if (!imported.ok) throw new PackFailure('pack_load_failed', imported.reason, name);
  return imported.pack;
}

/** Merges package.json's manifest with the module's pack and checks they agree where it matters. */
function mergeManifest(candidate: PackCandidate, pack: PackDefinition, context: LoadContext): { version: string; engine: string; description?: string } {
  const manifest = candidate.manifest;
  if (manifest?.name !== undefined && manifest.name !== pack.name) {
    throw new PackFailure('pack_load_failed', `package.json names the pack "${manifest.name}" but the module's pack is "${pack.name}"`, pack.name);
  }
  const incompatible = engineIncompatibility(pack.engine, context.engineVersion);
  if (incompatible) throw new PackFailure('pack_incompatible', incompatible, pack.name);
  const declaredVersion = manifest?.version ?? candidate.packageJson?.version;
  if (declaredVersion !== undefined && declaredVersion !== pack.version) {
    context.log.warn({ pack: pack.name, path: candidate.dir, packageVersion: declaredVersion, moduleVersion: pack.version }, `pack ${pack.name}: package.json says version ${declaredVersion}, the module says ${pack.version}; using package.json's`);
  }
  const description = pack.description ?? candidate.packageJson?.description;
  return { version: declaredVersion ?? pack.version, engine: manifest?.engine ?? pack.engine, ...(description !== undefined ? { description } : {}) };
}

function register(candidate: PackCandidate, pack: PackDefinition, context: LoadContext): void {
  const { registry } = context;
  const previous = context.loadedNames.get(pack.name);
  if (previous !== undefined) throw new PackFailure('pack_conflict', `a pack named "${pack.name}" is already loaded from ${previous}`, pack.name);
  const clashes = registry.conflicts(pack.nodes);
  if (clashes.length > 0) throw new PackFailure('pack_conflict', `redefines existing node types or aliases: ${describeClashes(clashes, registry)}`, pack.name);
  registry.addAll(pack.nodes, pack.name);
  if (pack.dataTypes && pack.dataTypes.length > 0) {
    for (const info of pack.dataTypes) {
      if (registry.dataType(info.name)) context.log.debug({ pack: pack.name, dataType: info.name }, 'data type already known; the first definition stays');
    }
    registry.addDataTypes(pack.dataTypes);
  }
  context.loadedNames.set(pack.name, candidate.dir);
}

async function loadCandidate(candidate: PackCandidate, context: LoadContext): Promise<LoadedPack | FailedPack> {
  try {
    const pack = await importChecked(candidate, context);
    const merged = mergeManifest(candidate, pack, context);
    register(candidate, pack, context);
    const loaded: LoadedPack = { name: pack.name, ...merged, source: candidate.source, path: candidate.dir, nodeTypes: pack.nodes.map((node) => node.type) };
    context.log.info({ pack: loaded.name, version: loaded.version, source: loaded.source, nodes: loaded.nodeTypes.length }, `pack ${loaded.name} loaded`);
    return loaded;
  } catch (error) {
    const failure = error instanceof PackFailure ? error : new PackFailure('pack_load_failed', describeThrown(error));
    const failed: FailedPack = { name: failure.packName ?? candidate.hint, path: candidate.dir, source: candidate.source, code: failure.code, reason: failure.reason };
    const entry = { pack: failed.name, path: failed.path, source: failed.source, code: failed.code, reason: failed.reason };
    const message = `pack ${failed.name} skipped: ${failed.reason}`;
    if (failed.code === 'pack_load_failed') context.log.error(entry, message);
    else context.log.warn(entry, message);
    return failed;
  }
}

/** Loads every pack it finds into `options.registry`; never throws for a pack's fault. */
export async function loadPacks(options: LoadPacksOptions): Promise<PackReport> {
  ensurePublicApiResolution();
  const report: PackReport = { loaded: [], failed: [] };
  const candidates = await discoverPacks(options);
  const guard = guardRejections();
  const context: LoadContext = { registry: options.registry, log: options.log, engineVersion: options.engineVersion ?? ENGINE_VERSION, guard, loadedNames: new Map() };
  try {
    for (const candidate of candidates) {
      const result = await loadCandidate(candidate, context);
      if ('code' in result) report.failed.push(result);
      else report.loaded.push(result);
    }
  } finally {
    guard.dispose();
  }
  return report;
}

/**
 * Finding pack candidates on disk, in load order: built-in packs (subfolders of the built-in
 * folder, by name), then each packs folder's subfolders (by name), then installed npm packages
 * named `switchyard-nodes-*` / `@scope/switchyard-nodes-*` or carrying a `switchyard` key.
 * Nothing is imported here; a folder that is clearly not a pack is skipped with a debug line.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../nodes/context.js';
import { parseSwitchyardKey, readPackageJson, type PackageJson, type SwitchyardManifestKey } from './manifest.js';
import type { PackSource } from './types.js';

export interface PackCandidate {
  source: PackSource;
  /** The pack's folder. */
  dir: string;
  /** A name to report before the module says its own: the manifest's, the package's, or the folder's. */
  hint: string;
  packageJson?: PackageJson;
  manifest?: SwitchyardManifestKey;
  /** Set when the candidate is known to be broken before import (unreadable package.json, bad manifest key). */
  problem?: string;
}

const NPM_PACK_NAME = /^(@[^/]+\/)?switchyard-nodes-/;

/** Subfolder names of `dir`, sorted; following symlinks; `[]` when the folder does not exist. */
async function subfolders(dir: string, log: Logger): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') log.debug({ dir }, 'pack folder does not exist');
    else log.warn({ dir, err: (error as Error).message }, 'pack folder could not be read');
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) names.push(entry.name);
    else if (entry.isSymbolicLink()) {
      try {
        if ((await stat(join(dir, entry.name))).isDirectory()) names.push(entry.name);
      } catch {
        log.debug({ path: join(dir, entry.name) }, 'broken symlink skipped');
      }
    }
  }
  return names.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function withManifest(candidate: PackCandidate, packageJson: PackageJson): PackCandidate {
  candidate.packageJson = packageJson;
  if (packageJson.switchyard !== undefined) {
    const parsed = parseSwitchyardKey(packageJson.switchyard);
    if (parsed.ok) candidate.manifest = parsed.manifest;
    else candidate.problem = parsed.reason;
  }
  candidate.hint = candidate.manifest?.name ?? packageJson.name ?? candidate.hint;
  return candidate;
}

/** A built-in or packs-folder subfolder: a pack when it has a package.json or an index module. */
async function folderCandidate(dir: string, name: string, source: PackSource, log: Logger): Promise<PackCandidate | undefined> {
  const candidate: PackCandidate = { source, dir, hint: name };
  const pkg = await readPackageJson(dir);
  if (pkg.kind === 'invalid') return { ...candidate, problem: pkg.reason };
  if (pkg.kind === 'ok') return withManifest(candidate, pkg.packageJson);
  if ((await exists(join(dir, 'index.js'))) || (await exists(join(dir, 'index.mjs')))) return candidate;
  log.debug({ path: dir }, 'folder is not a pack (no package.json, index.js or index.mjs); ignored');
  return undefined;
}

/** An installed npm package: a pack when its name says so or its package.json has a `switchyard` key. */
async function npmCandidate(dir: string, name: string): Promise<PackCandidate | undefined> {
  const byName = NPM_PACK_NAME.test(name);
  const pkg = await readPackageJson(dir);
  if (pkg.kind !== 'ok') return byName ? { source: 'npm', dir, hint: name, problem: pkg.kind === 'invalid' ? pkg.reason : 'package.json is missing' } : undefined;
  if (!byName && pkg.packageJson.switchyard === undefined) return undefined;
  return withManifest({ source: 'npm', dir, hint: name }, pkg.packageJson);
}

async function npmPackageNames(nodeModules: string, log: Logger): Promise<string[]> {
  const names: string[] = [];
  for (const name of await subfolders(nodeModules, log)) {
    if (name.startsWith('@')) {
      for (const scoped of await subfolders(join(nodeModules, name), log)) names.push(`${name}/${scoped}`);
    } else names.push(name);
  }
  return names.sort();
}

export interface DiscoverOptions {
  builtinDir: string;
  packsDirs: readonly string[];
  nodeModulesDirs: readonly string[];
  log: Logger;
}

/** Every pack candidate in load order; a folder reached twice (same real path) is kept once. */
export async function discoverPacks(options: DiscoverOptions): Promise<PackCandidate[]> {
  const { log } = options;
  const found: PackCandidate[] = [];
  for (const name of await subfolders(options.builtinDir, log)) {
    const candidate = await folderCandidate(join(options.builtinDir, name), name, 'builtin', log);
    if (candidate) found.push(candidate);
  }
  for (const packsDir of options.packsDirs) {
    for (const name of await subfolders(packsDir, log)) {
      const candidate = await folderCandidate(join(packsDir, name), name, 'folder', log);
      if (candidate) found.push(candidate);
    }
  }
  for (const nodeModules of options.nodeModulesDirs) {
    for (const name of await npmPackageNames(nodeModules, log)) {
      const candidate = await npmCandidate(join(nodeModules, name), name);
      if (candidate) found.push(candidate);
    }
  }
  const seen = new Set<string>();
  const unique: PackCandidate[] = [];
  for (const candidate of found) {
    const real = await realpath(candidate.dir).catch(() => candidate.dir);
    if (seen.has(real)) {
      log.debug({ path: candidate.dir }, 'pack folder reached twice; loaded once');
      continue;
    }
    seen.add(real);
    unique.push(candidate);
  }
  return unique;
}

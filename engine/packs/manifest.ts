/**
 * Reading a pack's package.json: the `switchyard` manifest key (`{name?, version?, engine,
 * entry?}`) and the module entry it points at (`switchyard.entry`, then `exports`, `main`,
 * `index.js`/`index.mjs`). The entry must stay inside the pack's folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';

const SwitchyardKeySchema = z.object({
  name: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  engine: z.string().min(1, 'engine (a semver range) is required'),
  entry: z.string().min(1).optional(),
});

export type SwitchyardManifestKey = z.infer<typeof SwitchyardKeySchema>;

/** The parts of package.json the loader reads; the rest is ignored. */
export interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  main?: string;
  exports?: unknown;
  /** Present (even malformed) when the package declares itself a Switchyard pack. */
  switchyard?: unknown;
}

export type PackageJsonResult =
  | { kind: 'absent' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; packageJson: PackageJson };

export async function readPackageJson(dir: string): Promise<PackageJsonResult> {
  let text: string;
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'invalid', reason: `package.json could not be read: ${(error as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `package.json is not valid JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'invalid', reason: 'package.json is not a JSON object' };
  const raw = parsed as Record<string, unknown>;
  const pick = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    kind: 'ok',
    packageJson: { name: pick('name'), version: pick('version'), description: pick('description'), main: pick('main'), exports: raw.exports, switchyard: raw.switchyard },
  };
}

/** Parses the `switchyard` key; a message per problem when it is malformed. */
export function parseSwitchyardKey(value: unknown): { ok: true; manifest: SwitchyardManifestKey } | { ok: false; reason: string } {
  const result = SwitchyardKeySchema.safeParse(value);
  if (result.success) return { ok: true, manifest: result.data };
  const problems = result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return { ok: false, reason: `package.json "switchyard" key is malformed: ${problems.join('; ')}` };
}

/** Picks the ESM entry from an `exports` value: the "." subpath, then the import/node/default conditions. */
function entryFromExports(exports: unknown, depth = 0): string | undefined {
  if (depth > 4 || exports === null || exports === undefined) return undefined;
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const found = entryFromExports(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  if ('.' in map) return entryFromExports(map['.'], depth + 1);
  for (const condition of ['import', 'node', 'default']) {
    if (condition in map) {
      const found = entryFromExports(map[condition], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Where the pack's module is, or why there is none. */
export async function resolveEntry(dir: string, packageJson: PackageJson | undefined, manifest: SwitchyardManifestKey | undefined): Promise<{ ok: true; file: string } | { ok: false; reason: string }> {
  const declared = manifest?.entry ?? entryFromExports(packageJson?.exports) ?? packageJson?.main;
  if (declared !== undefined) {
    const file = resolve(dir, declared);
    const inside = relative(dir, file);
    if (inside.startsWith('..') || isAbsolute(inside)) return { ok: false, reason: `entry "${declared}" points outside the pack's folder` };
    if (!(await isFile(file))) return { ok: false, reason: `entry "${declared}" does not exist` };
    return { ok: true, file };
  }
  for (const name of ['index.js', 'index.mjs']) {
    const file = join(dir, name);
    if (await isFile(file)) return { ok: true, file };
  }
  return { ok: false, reason: 'no entry module: set "main", "exports" or "switchyard.entry" in package.json, or add index.js' };
}

/**
 * Imports the editor's browser-free source modules into Node tests: they are TypeScript written
 * for the editor's bundle, so esbuild bundles them (everything each one exports) into a temp
 * file, which is imported. The temp folder is removed when the process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoRoot } from '../helpers/repo.js';

/** `modules`: paths under editor/src (e.g. `graph/widgets.ts`); answers their exports, typed by the caller. */
export async function importEditorModules<T>(...modules: string[]): Promise<T> {
  const src = join(repoRoot, 'editor', 'src');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-editor-modules-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'modules.mjs');
  await build({
    stdin: { contents: modules.map((path) => `export * from ${JSON.stringify(join(src, path))};`).join('\n'), resolveDir: src, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}

#!/usr/bin/env node
// Builds the browser editor into editor/dist/: type-checks editor/src with its own tsconfig
// (DOM lib, bundler resolution), bundles editor/src/main.ts (litegraph, socket.io client and
// the CSS included; nothing from a CDN) and the dashboard, editor/src/dashboard/main.ts, with
// esbuild into content-hashed files under assets/, writes index.html and dashboard.html
// pointing at them, and stores gzip and brotli copies next to each text file so the server
// can send them without compressing per request. `node editor/build.mjs`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const editorDir = dirname(fileURLToPath(import.meta.url));
const root = join(editorDir, '..');
const outDir = join(editorDir, 'dist');
const COMPRESSIBLE = /\.(js|css|map|svg|json|html)$/;

/** Type-checks editor/src; throws with tsc's report when it fails. */
export function typecheckEditor() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(editorDir, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`editor type-check failed:\n${result.stdout}${result.stderr}`);
}

/** A page from its template (`src/index.html`, `src/dashboard/dashboard.html`) with the hashed names filled in. */
function pageHtml(templatePath, script, style, icon) {
  const template = readFileSync(templatePath, 'utf8');
  return template
    .replace('%SCRIPT%', `/assets/${script}`)
    .replace('%STYLE%', `/assets/${style}`)
    .replace('%ICON%', `/assets/${icon}`);
}

function hashedCopy(source, assetsDir) {
  const body = readFileSync(source);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const name = basename(source).replace(/(\.[^.]+)$/, `-${hash}$1`);
  writeFileSync(join(assetsDir, name), body);
  return name;
}

function compressAll(dir) {
  for (const name of readdirSync(dir)) {
    if (!COMPRESSIBLE.test(name)) continue;
    const body = readFileSync(join(dir, name));
    if (body.length < 1024) continue;
    writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  }
}

/** Builds editor/dist; answers the file names written under assets/. */
export async function buildEditor({ typecheck = true, minify = true } = {}) {
  if (typecheck) typecheckEditor();
  const esbuild = await import('esbuild');
  // Build next to the old output and swap at the end: a running server never sees half a build.
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const assetsDir = join(staging, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { editor: join(editorDir, 'src', 'main.ts'), dashboard: join(editorDir, 'src', 'dashboard', 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify,
    sourcemap: 'linked',
    legalComments: 'linked',
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const entryFiles = (entry) => {
    const script = outputs.find((name) => new RegExp(`^${entry}-.*\\.js$`).test(name));
    const style = outputs.find((name) => new RegExp(`^${entry}-.*\\.css$`).test(name));
    if (!script || !style) throw new Error(`esbuild wrote no ${entry} script or stylesheet (${outputs.join(', ')})`);
    return { script, style };
  };
  const editor = entryFiles('editor');
  const dashboard = entryFiles('dashboard');
  const icon = hashedCopy(join(editorDir, 'src', 'favicon.svg'), assetsDir);
  writeFileSync(join(staging, 'index.html'), pageHtml(join(editorDir, 'src', 'index.html'), editor.script, editor.style, icon));
  writeFileSync(join(staging, 'dashboard.html'), pageHtml(join(editorDir, 'src', 'dashboard', 'dashboard.html'), dashboard.script, dashboard.style, icon));
  compressAll(assetsDir);
  writeFileSync(join(staging, '.build-stamp'), new Date().toISOString());
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return readdirSync(join(outDir, 'assets'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  try {
    const files = await buildEditor({ typecheck: !process.argv.includes('--no-typecheck'), minify: !process.argv.includes('--no-minify') });
    process.stderr.write(`editor built into ${outDir} (${files.length} files) in ${Date.now() - started} ms\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

export { outDir as editorOutDir };

#!/usr/bin/env node
// Set-up shared by `npm start` and `npm test`: plain Node, no dependencies, fast when nothing is
// missing. Installs missing Debian packages (as root; with --test also those only tests use,
// such as Chromium for the editor's browser tests), runs `npm ci` when node_modules is missing
// or stale, builds when sources changed (the TypeScript build, then the browser editor into
// editor/dist), and generates the demo models when present. The container build runs the same
// script: SWITCHYARD_SETUP_SKIP (comma-separated: system, npm, build, editor, models) skips
// steps, SWITCHYARD_BUILD_PROJECT picks the tsconfig to build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const forTests = process.argv.includes('--test');
const say = (line) => { if (!quiet) process.stderr.write(`[setup] ${line}\n`); };
const skip = new Set((process.env.SWITCHYARD_SETUP_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const buildProject = process.env.SWITCHYARD_BUILD_PROJECT || 'tsconfig.json';

/** Debian packages the project uses, by the command that proves each is present (`tests`: only with --test). */
const SYSTEM_PACKAGES = [
  { command: 'ffmpeg', pkg: 'ffmpeg', why: 'video encoding' },
  { command: 'chromium', pkg: 'chromium', why: "the editor's browser tests (they are skipped without it)", tests: true },
];

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', ...options });
  if (result.error) throw new Error(`${cmd} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}`);
}

function hasCommand(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => (forTests || !p.tests) && !hasCommand(p.command));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    say(`missing system packages: ${names.join(', ')} (${missing.map((p) => p.why).join(', ')}); install them with your package manager (e.g. sudo apt-get install -y ${names.join(' ')}). Features that need them will answer "not available".`);
    return;
  }
  say(`installing Debian packages: ${names.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env });
}

function mtime(path) {
  try { return statSync(path).mtimeMs; } catch { return 0; }
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && mtime(installed) >= mtime(lock)) return;
  say('installing npm packages (npm ci)');
  // onnxruntime-node's install script downloads CUDA libraries; package.json denies it
  // (allowScripts) and this variable covers npm versions that ignore allowScripts.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' };
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { env });
}

// The editor is not part of the TypeScript build: ensureEditor builds it with its own stamp.
const SOURCE_DIRS = ['engine', 'nodes', 'test', 'bench'];
const BUILD_STAMP = join(root, 'dist', '.build-stamp');

function newestSource() {
  let newest = Math.max(mtime(join(root, buildProject)), mtime(join(root, 'package-lock.json')));
  const stack = SOURCE_DIRS.map((d) => join(root, d)).filter((d) => existsSync(d));
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'artifacts') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else newest = Math.max(newest, mtime(full));
    }
  }
  return newest;
}

function ensureBuild() {
  if (existsSync(BUILD_STAMP) && mtime(BUILD_STAMP) >= newestSource()) return;
  say(`building (tsc -p ${buildProject})`);
  // A clean build: stale outputs of deleted sources must not linger in dist/.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', buildProject]);
  mkdirSync(dirname(BUILD_STAMP), { recursive: true });
  writeFileSync(BUILD_STAMP, new Date().toISOString());
}

const EDITOR_DIR = join(root, 'editor');
const EDITOR_STAMP = join(EDITOR_DIR, 'dist', '.build-stamp');

function newestEditorSource() {
  let newest = Math.max(mtime(join(root, 'package-lock.json')), mtime(join(EDITOR_DIR, 'build.mjs')), mtime(join(EDITOR_DIR, 'tsconfig.json')));
  const stack = [join(EDITOR_DIR, 'src')];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else newest = Math.max(newest, mtime(full));
    }
  }
  return newest;
}

/** The browser editor (editor/build.mjs: type-check, bundle, index.html) into editor/dist. */
async function ensureEditor() {
  // Trees without the editor's sources (the container's build stage before it copies them) have nothing to build.
  if (!existsSync(join(EDITOR_DIR, 'src', 'main.ts'))) return;
  if (existsSync(EDITOR_STAMP) && mtime(EDITOR_STAMP) >= newestEditorSource()) return;
  const unbuilt = existsSync(join(EDITOR_DIR, 'dist', 'index.html')) ? 'the editor build is older than its sources' : 'the editor is not built';
  if (process.env.NODE_ENV === 'production') {
    say(`${unbuilt}; not building it in production (NODE_ENV=production): build it where dev dependencies are installed (node editor/build.mjs)`);
    return;
  }
  if (!existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))) {
    say(`${unbuilt} and esbuild (a dev dependency) is not installed: run npm install, then node editor/build.mjs; the server shows its landing page meanwhile`);
    return;
  }
  say('building the editor (editor/build.mjs)');
  const { buildEditor } = await import(pathToFileURL(join(EDITOR_DIR, 'build.mjs')).href);
  await buildEditor();
}

/** Each built-in pack may ship demo models: `dist/nodes/<pack>/demo/generate.js --if-missing`. */
function ensureDemoModels() {
  const packs = join(root, 'dist', 'nodes');
  if (!existsSync(packs)) return;
  for (const pack of readdirSync(packs).sort()) {
    const generator = join(packs, pack, 'demo', 'generate.js');
    if (existsSync(generator)) run(process.execPath, [generator, '--if-missing']);
  }
}

try {
  if (!skip.has('system')) ensureSystemPackages();
  if (!skip.has('npm')) ensureNodeModules();
  if (!skip.has('build')) ensureBuild();
  if (!skip.has('editor')) await ensureEditor();
  if (!skip.has('models')) ensureDemoModels();
} catch (error) {
  process.stderr.write(`[setup] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

/**
 * The container image must hold every file the app loads at run time (the older API once
 * shipped an image without a module it imported). No Docker engine runs here, so this test
 * replays the Dockerfile's COPY steps into temp folders — the build stage's sources, a real
 * `tsc` over them and the editor's build, then the runtime stage's copies — and runs the app
 * from that image tree, editor page included (built in the build stage, never in the image).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { repoRoot } from './helpers/repo.js';

interface CopyStep { from?: string; sources: string[]; dest: string }
interface Stage { name?: string; base: string; copies: CopyStep[]; runs: string[]; env: Record<string, string>; user?: string }

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const rawLine of joined.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [instruction, ...rest] = line.split(/\s+/);
    const upper = instruction!.toUpperCase();
    if (upper === 'FROM') {
      const asIndex = rest.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ base: rest[0]!, name: asIndex >= 0 ? rest[asIndex + 1] : undefined, copies: [], runs: [], env: {} });
      continue;
    }
    const stage = stages.at(-1);
    assert.ok(stage, `instruction before FROM: ${line}`);
    if (upper === 'COPY') {
      const flags = rest.filter((w) => w.startsWith('--'));
      const args = rest.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      stage.copies.push({ from, sources: args.slice(0, -1), dest: args.at(-1)! });
    } else if (upper === 'RUN') {
      stage.runs.push(rest.join(' '));
    } else if (upper === 'ENV') {
      for (const pair of rest) {
        const eq = pair.indexOf('=');
        if (eq > 0) stage.env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    } else if (upper === 'USER') {
      stage.user = rest[0];
    }
  }
  return stages;
}

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const work = mkdtempSync(join(tmpdir(), 'switchyard-image-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Replays one COPY from the context: a folder's contents go to dest; files go into dest/ by name. */
function copyInto(root: string, step: CopyStep, fromDir: string): void {
  for (const source of step.sources) {
    const src = join(fromDir, source);
    assert.ok(existsSync(src), `COPY source ${source} does not exist in the build context`);
    const isDir = statSync(src).isDirectory();
    const intoDir = isDir || step.dest.endsWith('/') || step.sources.length > 1;
    const target = isDir ? join(root, step.dest) : intoDir ? join(root, step.dest, source.split('/').at(-1)!) : join(root, step.dest);
    // .dockerignore keeps these out of the context.
    cpSync(src, target, { recursive: true, preserveTimestamps: true, filter: (path) => !/(^|\/)(node_modules|dist|data|artifacts)(\/|$)/.test(relative(fromDir, path)) });
  }
}

test('the Dockerfile is multi-stage, installs ffmpeg and runs as a non-root user', () => {
  assert.ok(stages.length >= 2, 'expected a build stage and a runtime stage');
  const runtime = stages.at(-1)!;
  assert.ok(runtime.runs.some((r) => /apt-get install[^&]*\bffmpeg\b/.test(r)), 'the runtime stage installs ffmpeg');
  assert.ok(runtime.user && runtime.user !== 'root' && runtime.user !== '0', 'the runtime stage switches to a non-root user');
  const build = stages.find((s) => s.name === 'build');
  assert.ok(build, 'a stage named build');
  assert.ok(build.runs.some((r) => r.includes('node scripts/setup.mjs')), 'the build stage runs the same set-up script as npm start');
  assert.match(dockerfile, /ENTRYPOINT \[[^\]]*node scripts\/setup\.mjs/, 'the entry point runs the set-up script before the app');
  assert.match(dockerfile, /ONNXRUNTIME_NODE_INSTALL=skip/, "onnxruntime-node's CUDA download is skipped");
  // The editor is built where its dev dependencies are (esbuild, litegraph); the image gets the build only.
  const buildText = dockerfile.slice(dockerfile.indexOf(' AS build'), dockerfile.lastIndexOf('\nFROM '));
  assert.match(buildText, /COPY editor \.\/editor[\s\S]*RUN node scripts\/setup\.mjs/, 'the build stage copies the editor before its set-up runs');
  assert.ok(runtime.copies.some((c) => c.from === 'build' && c.sources.includes('/app/editor/dist')), 'the runtime stage copies editor/dist from the build stage');
  assert.ok(!runtime.copies.some((c) => c.from === undefined && c.sources.some((s) => s === 'editor' || s.startsWith('editor/src'))), "the runtime stage does not copy the editor's sources");
});

test('the image tree built from the Dockerfile runs the app: every file it loads was copied', async () => {
  const build = stages.find((s) => s.name === 'build')!;
  const runtime = stages.at(-1)!;
  // Build stage: its COPY steps from the context, then the compile it runs.
  const buildRoot = join(work, 'build');
  for (const step of build.copies) copyInto(buildRoot, step, repoRoot);
  symlinkSync(join(repoRoot, 'node_modules'), join(buildRoot, 'node_modules'), 'dir');
  // The build stage's set-up, with the stage's ENV (skips, build project), as `RUN node scripts/setup.mjs` does.
  const setup = spawnSync(process.execPath, ['scripts/setup.mjs'], { cwd: buildRoot, encoding: 'utf8', env: { ...process.env, ...build.env } });
  assert.equal(setup.status, 0, `set-up in the build stage failed:\n${setup.stdout}${setup.stderr}`);
  assert.ok(existsSync(join(buildRoot, 'dist', '.build-stamp')), 'the build stage built dist/');

  // Runtime stage: copies from the build stage and from the context.
  const imageRoot = join(work, 'image');
  mkdirSync(imageRoot, { recursive: true });
  for (const step of runtime.copies) {
    if (step.from === 'build') {
      const sources = step.sources.filter((s) => !s.startsWith('/app/node_modules'));
      if (sources.length < step.sources.length) symlinkSync(join(repoRoot, 'node_modules'), join(imageRoot, 'node_modules'), 'dir');
      for (const source of sources) cpSync(join(buildRoot, source.replace(/^\/app\//, '')), join(imageRoot, step.dest), { recursive: true, preserveTimestamps: true });
    } else {
      copyInto(imageRoot, step, repoRoot);
    }
  }

  // Every bare import in the compiled app is a production dependency (devDependencies are pruned).
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const stack = [join(imageRoot, 'dist')];
  const missing: string[] = [];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) { stack.push(full); continue; }
      if (!entry.name.endsWith('.js')) continue;
      const code = readFileSync(full, 'utf8');
      for (const match of code.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const spec = match[1]!;
        if (spec.startsWith('.')) {
          if (!existsSync(join(dirname(full), spec))) missing.push(`${relative(imageRoot, full)} imports ${spec}, which is not in the image`);
          continue;
        }
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in pkg.dependencies)) missing.push(`${relative(imageRoot, full)} imports ${name}, which is not a production dependency`);
      }
    }
  }
  assert.deepEqual(missing, []);

  // The entry point runs from the image tree alone: the set-up re-check changes nothing, packs
  // load, and the default command runs the example workflow.
  const data = join(work, 'data');
  const env = { ...process.env, ...runtime.env, SWITCHYARD_DATA: data, SWITCHYARD_LOG_LEVEL: 'silent' };
  const entrypoint = JSON.parse(/ENTRYPOINT\s+(\[.*\])/.exec(dockerfile)![1]!) as string[];
  const cmdArgs = JSON.parse(/CMD\s+(\[.*\])/.exec(dockerfile)![1]!) as string[];
  assert.ok(cmdArgs.length > 0, 'the image has a default command');
  const stamp = readFileSync(join(imageRoot, 'dist', '.build-stamp'), 'utf8');
  assert.ok(existsSync(join(imageRoot, 'editor', 'dist', 'index.html')), 'the image holds the built editor');
  assert.ok(!existsSync(join(imageRoot, 'editor', 'src')), "the image holds no editor sources");
  const editorStamp = readFileSync(join(imageRoot, 'editor', 'dist', '.build-stamp'), 'utf8');
  const launch = (args: string[]) => spawnSync(entrypoint[0]!, [...entrypoint.slice(1), ...args], { cwd: imageRoot, encoding: 'utf8', env });

  const nodes = launch(['nodes', '--json']);
  assert.equal(nodes.status, 0, nodes.stderr);
  assert.equal(readFileSync(join(imageRoot, 'dist', '.build-stamp'), 'utf8'), stamp, 'the entry point did not rebuild inside the image');
  assert.equal(readFileSync(join(imageRoot, 'editor', 'dist', '.build-stamp'), 'utf8'), editorStamp, 'the entry point did not rebuild the editor inside the image');
  const types = (JSON.parse(nodes.stdout) as { type: string }[]).map((d) => d.type);
  assert.ok(types.includes('image.save') && types.includes('core.int'), 'built-in packs load in the image');
  const run = launch(['run', 'workflows/basics/image-chain.json', '--json']);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as { status: string; outputs: Record<string, { images?: string[] }> };
  assert.equal(report.status, 'success');
  const images = Object.values(report.outputs).flatMap((o) => o.images ?? []);
  assert.ok(images.length > 0 && images.every((p) => existsSync(p) && p.startsWith(data)), 'the example workflow wrote its image into the data folder');

  // The default command serves on all interfaces, so it insists on a token…
  assert.deepEqual(cmdArgs.slice(0, 1), ['serve']);
  const noToken = spawnSync(entrypoint[0]!, [...entrypoint.slice(1), ...cmdArgs], { cwd: imageRoot, encoding: 'utf8', env: { ...env, SWITCHYARD_PORT: '0', SWITCHYARD_TOKEN: '' } });
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /without an API token/);
  // …and with one it answers authenticated requests.
  const token = 'docker-test-token';
  const child = spawn(entrypoint[0]!, [...entrypoint.slice(1), ...cmdArgs], { cwd: imageRoot, env: { ...env, SWITCHYARD_PORT: '0', SWITCHYARD_TOKEN: token } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
        const match = /serving on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!.replace('0.0.0.0', '127.0.0.1'));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    assert.equal((await fetch(`${url}/api/packs`)).status, 401);
    assert.equal((await fetch(`${url}/api/packs`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    // The editor page is served from the image (public: it asks for the token itself), with its bundled assets.
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /id="switchyard-data-types"/, 'GET / is the editor page');
    const script = /src="(\/assets\/editor-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page loads its bundled script');
    const asset = await fetch(`${url}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-encoding'), 'br', 'the pre-compressed copy is sent');
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

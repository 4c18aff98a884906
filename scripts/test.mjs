#!/usr/bin/env node
// Runs the whole suite with node's test runner over the compiled tests in dist/test (the
// set-up step has just type-checked and built them). Only `*.test.js` files are test files;
// extra arguments narrow the run to some files or folders.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function collect(path, into) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), into);
  } else if (path.endsWith('.test.js')) {
    into.push(path);
  }
  return into;
}

const targets = process.argv.slice(2);
const files = (targets.length > 0 ? targets : [join('dist', 'test')]).flatMap((t) => collect(join(root, t), []));
if (files.length === 0) {
  process.stderr.write('no test files found\n');
  process.exit(1);
}
const args = ['--enable-source-maps', '--test', '--test-concurrency=2', ...files];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SWITCHYARD_LOG_LEVEL: process.env.SWITCHYARD_LOG_LEVEL ?? 'silent' } });
process.exit(result.status ?? 1);

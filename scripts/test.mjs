#!/usr/bin/env node
// Runs the whole suite with node's test runner over the compiled tests in dist/test (the
// set-up step has just type-checked and built them). Extra arguments narrow it to files/dirs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targets = process.argv.slice(2);
const args = ['--enable-source-maps', '--test', '--test-concurrency=2', ...(targets.length > 0 ? targets : [join('dist', 'test')])];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SWITCHYARD_LOG_LEVEL: process.env.SWITCHYARD_LOG_LEVEL ?? 'silent' } });
process.exit(result.status ?? 1);

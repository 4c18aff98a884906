#!/usr/bin/env node
// The `switchyard` command: runs the compiled CLI, building first when needed.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'engine', 'cli', 'main.js');
if (!existsSync(main)) {
  const setup = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
}
const { main: runCli } = await import(pathToFileURL(main).href);
process.exitCode = await runCli(process.argv.slice(2));

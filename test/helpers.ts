/** Shared by the tests: where the built packages are, and how to run the generator and the bin. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { BASELINE_FILE } from '../lib/record.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled generator, as yo loads it. */
export const GENERATOR = path.join(ROOT, 'generators/app/index.js');
/** The bundled create bin. */
export const BIN = path.join(ROOT, 'packages/create-distroless-python/dist/cli.js');

/** Runs the create bin with stdin closed (not a TTY). */
export function runBin(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

/** Every file under dir (relative path → content), for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

/** The files a project's baseline (lib/record) says were generated, by path. */
export function baselineOf(text: string | undefined): Record<string, string> {
  expect(text, 'no baseline file').toBeDefined();
  const data = JSON.parse(text!) as { version: string; files: Record<string, string[]> };
  return Object.fromEntries(Object.entries(data.files).map(([f, lines]) => [f, lines.join('\n')]));
}

/**
 * A generated project's files without its record: checks first that the baseline holds exactly
 * what was generated (every file but `.yo-rc.json`, as written), then leaves it out.
 */
export function generatedFiles(files: Record<string, string>): Record<string, string> {
  const { [BASELINE_FILE]: baseline, ...rest } = files;
  const { '.yo-rc.json': _record, ...generated } = rest;
  expect(baselineOf(baseline)).toEqual(generated);
  return rest;
}

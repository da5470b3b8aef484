/**
 * Existing projects converted with --existing, then built and run for real on the stand-ins:
 * hash-checked requirements with an include, an installable pyproject package with a console
 * script, a flat main.py, and a project with an old python:3.11 Dockerfile (replaced with
 * --force, now a standalone 3.11 on cc-debian13).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { ROOT, runBin } from '../helpers.js';
import { dockerBuildkit, standaloneBuildArgs } from './standins.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];

const docker = dockerBuildkit;

function convert(fixture: string, ...flags: string[]): string {
  return convertAs(fixture, true, ...flags);
}

function convertAs(fixture: string, pin: boolean, ...flags: string[]): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-existing-')), fixture);
  cpSync(path.join(ROOT, 'test/fixtures/existing', fixture), dir, { recursive: true });
  // The fixtures' hashes are placeholders; pin the stand-in index's real wheels.
  // [file, distribution, last digit of its placeholder]; uv.lock's sdist placeholder (3) stays.
  const pins: Record<string, [string, string, string][]> = {
    'hashed-requirements': [
      ['requirements.txt', 'markupsafe', '1'],
      ['requirements/base.txt', 'emoji', '2'],
    ],
    'uv-lock-project': [['uv.lock', 'emoji', '4']],
  };
  for (const [file, name, digit] of s?.index && pin ? (pins[fixture] ?? []) : []) {
    const full = path.join(dir, file);
    writeFileSync(full, readFileSync(full, 'utf8').replace(`sha256:${'0'.repeat(63)}${digit}`, `sha256:${s!.index!.distributions[name].sha256}`));
  }
  const r = runBin(['--existing', dir, '--yes', ...flags], path.dirname(dir));
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

async function buildAndRun(dir: string, args: string[]): Promise<string> {
  const tag = `dp-e2e-existing/${path.basename(dir)}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(tag);
  const index = s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : [];
  const build = await docker(['build', '--network', 'host', ...args, ...index, '-t', tag, dir]);
  expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
  const run = await docker(['run', '--rm', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', tag]);
  expect(run.stderr).toBe('');
  const user = await docker(['image', 'inspect', '--format', '{{.Config.User}}', tag]);
  expect(user.stdout.trim()).toBe('65532:65532');
  return run.stdout;
}

afterAll(async () => {
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
  await docker(['image', 'prune', '--force', '--filter', 'label=standins=1']);
});

describe.skipIf(!e2e.ok)('existing projects, converted, built and run', () => {
  const debian = () => ['--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`];

  it('hash-checked requirements with an include', async () => {
    if (s!.mode !== 'standin') return; // the placeholders are replaced with the stand-in index's hashes only
    const out = await buildAndRun(convert('hashed-requirements'), debian());
    expect(out).toBe(`hashed 👌 markupsafe ${s!.index!.distributions.markupsafe.version}\n`);
  });

  it('with a wrong hash, the build fails: pip really checks them', async () => {
    if (s!.mode !== 'standin') return;
    const dir = convertAs('hashed-requirements', false);
    const build = await docker(['build', '--network', 'host', ...debian(), '--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`, '-t', 'dp-e2e-existing/unpinned', dir]);
    expect(build.code).not.toBe(0);
    expect(build.stdout + build.stderr).toContain('THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE');
  });

  it('a uv.lock, exported frozen by uv in the build stage and installed hash-checked', async () => {
    if (s!.mode !== 'standin') return; // the placeholders are replaced with the stand-in index's hashes only
    const dir = convert('uv-lock-project');
    const out = await buildAndRun(dir, ['--build-arg', `UV_IMAGE=${s!.uv}`, ...debian()]);
    expect(out).toBe('locked 🔒\n');
  });

  it('an installable pyproject package, started through its [project.scripts] entry', async () => {
    expect(await buildAndRun(convert('pyproject-package'), debian())).toBe('<p><em>tool</em> runs</p>\n');
  });

  it('a flat main.py', async () => {
    expect(await buildAndRun(convert('flat-main'), debian())).toBe('flat main\n');
  });

  it('an old python:3.11 Dockerfile, replaced with --force: a standalone 3.11 on cc-debian13', async () => {
    const dir = convert('old-dockerfile', '--force');
    const out = await buildAndRun(dir, standaloneBuildArgs(s!, s!.cc.nonroot));
    expect(out).toBe(`🐍 server on Python ${s!.pythons['3.11']}\n`);
  });
});

/**
 * An index whose URL carries credentials, for real: a project generated with --index-secret is
 * built by BuildKit with the URL as a secret, and the credentials are then looked for in the
 * image's history, its configuration and every byte of its layers (docker save). The same search
 * finds them when the URL is given the other way, as a build argument, so it can fail. The
 * legacy builder refuses the secret's syntax, saying BuildKit is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';
import { runCommand } from './standins.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];
const docker = (args: string[], buildkit = true) =>
  runCommand('/usr/bin/docker', args, { timeoutMs: 600_000, env: { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0', BUILDKIT_PROGRESS: 'plain' } });

afterAll(async () => {
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

const TOKEN = 's3cr3t-index-token-4b1f';

/** The index URL with credentials: the stand-in index ignores them, pip sends them. */
function credentialed(): string {
  const url = new URL(s!.indexUrl);
  url.username = 'ci-user';
  url.password = TOKEN;
  return url.href;
}

function generate(...flags: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dp-e2e-secret-'));
  const r = runBin(['app', '--yes', '--deps', 'emoji markupsafe', ...flags], cwd);
  expect(r.status, r.stderr).toBe(0);
  return path.join(cwd, 'app');
}

/** Where the token appears: the history, the configuration, the layers' bytes. */
async function leaks(image: string): Promise<string[]> {
  const found: string[] = [];
  const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image]);
  if (history.stdout.includes(TOKEN)) found.push('history');
  const config = await docker(['image', 'inspect', image]);
  if (config.stdout.includes(TOKEN)) found.push('configuration');
  const tar = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-save-')), 'image.tar');
  expect((await docker(['save', '--output', tar, image])).code).toBe(0);
  // Layers are tar files inside the tar: grep every byte of both levels.
  const layers = execFileSync('bash', ['-c', 'cd "$(dirname "$1")" && tar -xf "$1" && for l in */layer.tar; do tar -xOf "$l"; done | grep -c -a -F "$2" || true', 'grep', tar, TOKEN], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (Number(layers.trim()) > 0) found.push('layers');
  return found;
}

describe.skipIf(!e2e.ok || !s?.indexUrl)('an index URL with credentials', () => {
  it('--index-secret: BuildKit builds it from the secret, the app runs, and the credentials are nowhere in the image', async () => {
    const dir = generate('--index-secret');
    const file = path.join(path.dirname(dir), 'index-url');
    writeFileSync(file, credentialed());
    const tag = `dp-e2e-secret/app-${Math.random().toString(36).slice(2, 8)}`;
    tags.push(tag);
    // --no-cache: a step that mounts a secret is cached without it, and a cached step prints nothing.
    const build = await docker(['build', '--no-cache', '--network', 'host', '--secret', `id=pip_index_url,src=${file}`, '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, '-t', tag, dir]);
    expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
    // pip did use that index: it names it, credentials masked.
    expect(build.stdout + build.stderr).toContain('Looking in indexes: http://ci-user:****@127.0.0.1:');
    const run = await docker(['run', '--rm', '--read-only', tag]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Distroless is');
    expect(await leaks(tag)).toEqual([]);
  });

  it('as a build argument instead, the same search finds the credentials: in the build stage\'s history', async () => {
    const dir = generate();
    const stage = `dp-e2e-secret/arg-${Math.random().toString(36).slice(2, 8)}`;
    tags.push(stage);
    const build = await docker(['build', '--network', 'host', '--target', 'build', '--build-arg', `PIP_INDEX_URL=${credentialed()}`, '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, '-t', stage, dir], false);
    expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(await leaks(stage)).toContain('history');
  });

  it('the legacy builder refuses the secret\'s syntax, saying BuildKit is needed', async () => {
    const dir = generate('--index-secret');
    const build = await docker(['build', '--network', 'host', '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, dir], false);
    expect(build.code).not.toBe(0);
    expect(build.stderr).toMatch(/BuildKit/);
  });
});

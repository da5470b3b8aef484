/**
 * Web servers, for real on the stand-ins: new Flask+gunicorn and FastAPI+uvicorn projects and two
 * converted public projects are built, run read-only, without capabilities, without new
 * privileges, as uid 65532, asked over HTTP on the published port by a real client (Node's
 * fetch), reported healthy by their shell-less HEALTHCHECK where they have one, and stopped by
 * `docker stop` in under 2 s without SIGKILL. A command whose console script no dependency
 * installs fails the build, naming it.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { ROOT, runBin } from '../helpers.js';
import { dockerBuildkit } from './standins.js';
import { get } from './http.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];
const containers: string[] = [];
const HARDENED = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

const docker = dockerBuildkit;

afterAll(async () => {
  if (containers.length) await docker(['rm', '-f', ...containers]);
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

function generate(name: string, ...flags: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dp-e2e-servers-'));
  const r = runBin([name, '--yes', ...flags], cwd);
  expect(r.status, r.stderr).toBe(0);
  return path.join(cwd, name);
}

/** A fixture of test/fixtures/real copied and converted; `sub` is the project inside it. */
function convert(fixture: string, sub: string, ...flags: string[]): { dir: string; stderr: string } {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-servers-')), fixture);
  cpSync(path.join(ROOT, 'test/fixtures/real', fixture), root, { recursive: true });
  const dir = path.join(root, sub);
  const r = runBin(['--existing', dir, '--yes', '--force', ...flags], root);
  expect(r.status, r.stderr).toBe(0);
  return { dir, stderr: r.stderr };
}

async function build(dir: string): Promise<{ code: number; output: string; tag: string }> {
  const tag = `dp-e2e-servers/${path.basename(dir)}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(tag);
  const args = ['--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`];
  const index = s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : [];
  // --no-cache: the tests read the check stage's output, which a cached step does not print (and
  // hash-checked bytecode makes a venv byte-identical across builds, so its check stage is cached).
  const r = await docker(['build', '--no-cache', '--network', 'host', ...args, ...index, '-t', tag, dir]);
  return { code: r.code, output: `${r.stdout}\n${r.stderr}`, tag };
}

/**
 * Runs the image hardened with its port published on a free loopback port, asks each path over
 * HTTP, waits for `healthy` when the image has a health check, then stops it and measures.
 */
async function serve(tag: string, port: number, paths: string[]): Promise<{ bodies: Record<string, { status: number; body: string }>; stopMs: number; exitCode: number; health?: string; logs: string }> {
  // Health checks every second here, so the test need not wait for the image's 30 s interval.
  const run = await docker(['run', '-d', ...HARDENED, '--health-interval', '1s', '--health-start-period', '0s', '--publish', `127.0.0.1::${port}`, tag]);
  expect(run.code, run.stderr).toBe(0);
  const id = run.stdout.trim();
  containers.push(id);
  const user = await docker(['inspect', '--format', '{{.Config.User}}', id]);
  expect(user.stdout.trim()).toBe('65532:65532');
  const published = (await docker(['port', id, `${port}/tcp`])).stdout.trim().split('\n')[0];
  const base = `http://${published}`;
  const bodies: Record<string, { status: number; body: string }> = {};
  const deadline = Date.now() + 30_000;
  for (const p of paths) bodies[p] = await get(`${base}${p}`, deadline);
  const hasHealth = (await docker(['inspect', '--format', '{{if .Config.Healthcheck}}yes{{end}}', id])).stdout.trim() === 'yes';
  let health: string | undefined;
  if (hasHealth) {
    for (let i = 0; i < 60; i++) {
      health = (await docker(['inspect', '--format', '{{.State.Health.Status}}', id])).stdout.trim();
      if (health !== 'starting') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const started = Date.now();
  const stop = await docker(['stop', '--time', '10', id]);
  const stopMs = Date.now() - started;
  expect(stop.code, stop.stderr).toBe(0);
  const exitCode = Number((await docker(['inspect', '--format', '{{.State.ExitCode}}', id])).stdout.trim());
  const logs = await docker(['logs', id]);
  return { bodies, stopMs, exitCode, health, logs: logs.stdout + logs.stderr };
}

describe.skipIf(!e2e.ok)('servers, built and run hardened', () => {
  it('a new Flask app on gunicorn answers on its port, is healthy, and stops on SIGTERM at once', async () => {
    const dir = generate('flask-web', '--deps', 'flask gunicorn', '--entrypoint', 'gunicorn app:app');
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    expect(image.output).toContain('runtime check: Python 3.13');
    expect(image.output).toContain('gunicorn is in the venv');
    const r = await serve(image.tag, 8000, ['/', '/health']);
    expect(r.bodies['/']).toEqual({ status: 200, body: '{"message":"Hello from flask-web"}\n' });
    expect(r.bodies['/health']).toEqual({ status: 200, body: '{"status":"ok"}\n' });
    expect(r.health).toBe('healthy');
    // gunicorn's worker heartbeat needs a temporary directory: /dev/shm on a read-only root.
    expect(r.logs).not.toContain('No usable temporary directory');
    expect(r.logs).toContain('Listening at: http://0.0.0.0:8000');
    expect(r.exitCode).toBe(0); // 137 would be SIGKILL
    expect(r.stopMs).toBeLessThan(2000);
  });

  it('a new FastAPI app on uvicorn, in a package (app.main:app), likewise', async () => {
    const dir = generate('fastapi-web', '--deps', 'fastapi uvicorn', '--entrypoint', 'uvicorn app.main:app', '--port', '8080');
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    expect(image.output).toContain('uvicorn is in the venv');
    const r = await serve(image.tag, 8080, ['/', '/health', '/nothing']);
    expect(r.bodies['/']).toEqual({ status: 200, body: '{"message":"Hello from fastapi-web"}' });
    expect(r.bodies['/health']).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(r.bodies['/nothing'].status).toBe(404);
    expect(r.health).toBe('healthy');
    expect(r.exitCode).toBe(0);
    expect(r.stopMs).toBeLessThan(2000);
  });

  it('docker/awesome-compose flask, converted: python app.py from its Dockerfile, port 8000 from the compose file one level up', async () => {
    const { dir, stderr } = convert('awesome-compose-flask', 'app', '--python', '3.13');
    expect(stderr).toContain('found: entrypoint python app.py: from Dockerfile ENTRYPOINT (stage builder) + CMD (stage builder)\n');
    expect(stderr).toContain('found: port 8000: from ../compose.yaml services.web.ports\n');
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    const r = await serve(image.tag, 8000, ['/']);
    expect(r.bodies['/']).toEqual({ status: 200, body: 'Hello World!' });
    // Werkzeug's server as PID 1 would ignore SIGTERM: the image stops it with SIGINT.
    expect(r.stopMs).toBeLessThan(2000);
    expect(r.exitCode).not.toBe(137);
  });

  it('docker/awesome-compose fastapi, converted: no start command of its own (its base image had one), so --entrypoint gives it', async () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-servers-')), 'awesome-compose-fastapi');
    cpSync(path.join(ROOT, 'test/fixtures/real/awesome-compose-fastapi'), root, { recursive: true });
    const refused = runBin(['--existing', root, '--yes', '--force'], root);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/\nerror: --entrypoint: no start command found .*; give one\n$/);

    const { dir, stderr } = convert('awesome-compose-fastapi', '.', '--entrypoint', 'uvicorn app.main:app', '--python', '3.13');
    expect(stderr).toContain('found: port 8000: from compose.yaml services.api.ports\n');
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    const r = await serve(image.tag, 8000, ['/']);
    expect(r.bodies['/']).toEqual({ status: 200, body: '{"message":"OK"}' });
    expect(r.exitCode).toBe(0);
    expect(r.stopMs).toBeLessThan(2000);
  });

  it('a command whose console script no dependency installs fails the build, naming it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-e2e-servers-'));
    const r = runBin(['no-server', '--yes', '--deps', 'flask', '--entrypoint', 'gunicorn app:app'], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: gunicorn comes from gunicorn, which is not a dependency: add it (e.g. --deps 'gunicorn'), or the build fails at the check stage\n");
    const image = await build(path.join(cwd, 'no-server'));
    expect(image.code).not.toBe(0);
    expect(image.output).toContain('runtime check failed: the start command gunicorn is not in the venv (/opt/venv/bin/gunicorn is missing)');
  });

  it.each([
    // Flask's development server as PID 1 has no SIGTERM handler: the image stops it with SIGINT.
    ['flask run', ['--deps', 'flask', '--entrypoint', 'flask --app web run'], 5000, '{"message":"Hello from web"}\n'],
    // A script given a port serves the standard library's http.server sample.
    ['a script with --port', ['--deps', '-', '--port', '8081'], 8081, '{"message": "Hello from web"}'],
    // gunicorn with uvicorn's worker class serves an ASGI app, here FastAPI's.
    ['gunicorn with an ASGI worker', ['--deps', 'fastapi gunicorn uvicorn', '--entrypoint', 'gunicorn -k uvicorn.workers.UvicornWorker web:app'], 8000, '{"message":"Hello from web"}'],
  ])('%s: serves, is healthy and stops in under 2 s without SIGKILL', async (_label, flags, port, body) => {
    const dir = generate('web', ...(flags as string[]));
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    const r = await serve(image.tag, port as number, ['/', '/health']);
    expect(r.bodies['/']).toEqual({ status: 200, body });
    expect(r.bodies['/health'].status).toBe(200);
    expect(r.health).toBe('healthy');
    expect(r.exitCode).not.toBe(137);
    expect(r.stopMs).toBeLessThan(2000);
  });
});

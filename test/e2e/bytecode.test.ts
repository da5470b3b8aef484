/**
 * Bytecode and stopping, for real on the stand-ins (whose standard library, like distroless's,
 * ships without .pyc files): at start, the modules of the standard library, the venv and the app
 * are loaded from bytecode, counted from PYTHONVERBOSE's "code object from" lines, for the demo
 * and a Flask app on gunicorn; they still are after every file's timestamp is rewritten (as
 * image flatteners and SOURCE_DATE_EPOCH rewriting do); the demo stays within 6 MB of its base;
 * a worker that never returns stops on `docker stop` in under 2 s without SIGKILL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';
import { dockerBuildkit } from './standins.js';
import { get } from './http.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const docker = dockerBuildkit;
const tags: string[] = [];
const containers: string[] = [];
const HARDENED = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

afterAll(async () => {
  if (containers.length) await docker(['rm', '-f', ...containers]);
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

function generate(name: string, ...flags: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dp-e2e-bytecode-'));
  const r = runBin([name, '--yes', ...flags], cwd);
  expect(r.status, r.stderr).toBe(0);
  return path.join(cwd, name);
}

const tag = (name: string) => {
  const t = `dp-e2e-bytecode/${name}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(t);
  return t;
};

async function build(dir: string): Promise<string> {
  const t = tag(path.basename(dir));
  const index = s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : [];
  const r = await docker(['build', '--network', 'host', '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, ...index, '-t', t, dir]);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return t;
}

/** The same image flattened, with the time of every file of the venv, the app and the standard library rewritten. */
async function retimed(image: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-e2e-retime-'));
  const entrypoint = (await docker(['inspect', '--format', '{{json .Config.Entrypoint}}', image])).stdout.trim();
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${image} AS image`,
      `FROM ${s!.debianSlim} AS touch`,
      'COPY --from=image / /image',
      'RUN find /image/opt/venv /image/app /image/usr/lib/python3.13 -exec touch -h -d @86400 {} +',
      'FROM scratch',
      'COPY --from=touch /image /',
      'USER 65532:65532',
      'WORKDIR /app',
      'ENV PYTHONUNBUFFERED=1 TMPDIR=/dev/shm',
      `ENTRYPOINT ${entrypoint}`,
      '',
    ].join('\n'),
  );
  const t = tag('retimed');
  const r = await docker(['build', '-t', t, dir]);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return t;
}

type Counts = Record<'stdlib' | 'venv' | 'app', { source: string[]; bytecode: number }>;

/** Where each module's code came from, by tree: PYTHONVERBOSE prints "code object from <file>". */
function counts(verbose: string): Counts {
  const out: Counts = { stdlib: { source: [], bytecode: 0 }, venv: { source: [], bytecode: 0 }, app: { source: [], bytecode: 0 } };
  for (const m of verbose.matchAll(/^# code object from '?([^'\s]+)'?$/gm)) {
    const file = m[1];
    const tree = file.startsWith('/usr/lib/python3') ? 'stdlib' : file.startsWith('/opt/venv/') ? 'venv' : file.startsWith('/app/') ? 'app' : undefined;
    if (!tree) continue;
    if (file.endsWith('.pyc')) out[tree].bytecode++;
    else out[tree].source.push(file);
  }
  return out;
}

async function runVerbose(image: string): Promise<string> {
  const r = await docker(['run', '--rm', ...HARDENED, '-e', 'PYTHONVERBOSE=1', image]);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

describe.skipIf(!e2e.ok)('bytecode at start', () => {
  let demo: string;

  it('the demo loads at most 5 % of its standard-library modules from source, none of the venv\'s, and stays within 6 MB of its base', async () => {
    demo = await build(generate('demo'));
    const c = counts(await runVerbose(demo));
    const stdlib = c.stdlib.source.length + c.stdlib.bytecode;
    expect(stdlib).toBeGreaterThan(30);
    expect(c.stdlib.source.length, c.stdlib.source.join('\n')).toBeLessThanOrEqual(stdlib * 0.05);
    expect(c.venv.source).toEqual([]);
    expect(c.venv.bytecode).toBeGreaterThan(0);
    const size = async (image: string) => Number((await docker(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim());
    expect((await size(demo)) - (await size(s!.runtime.nonroot))).toBeLessThan(6_000_000);
  });

  it('after every file\'s timestamp is rewritten, nothing of the venv, the app or the standard library is compiled again', async () => {
    const c = counts(await runVerbose(await retimed(demo)));
    expect(c.venv.source).toEqual([]);
    expect(c.stdlib.source.length).toBeLessThanOrEqual((c.stdlib.source.length + c.stdlib.bytecode) * 0.05);
    expect(c.venv.bytecode).toBeGreaterThan(0);
  });

  it('a Flask app on gunicorn serves with at most 5 % of its standard-library modules from source, none of its own or the venv\'s', async () => {
    // Not servers.test's dependencies: a shared check stage would come from the cache, without its output there.
    const dir = generate('flask-bytecode', '--deps', 'flask gunicorn markdown-it-py', '--entrypoint', 'gunicorn app:app');
    const image = await build(dir);
    const run = await docker(['run', '-d', ...HARDENED, '-e', 'PYTHONVERBOSE=1', '--publish', '127.0.0.1::8000', image]);
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    containers.push(id);
    const published = (await docker(['port', id, '8000/tcp'])).stdout.trim().split('\n')[0];
    expect((await get(`http://${published}/`, Date.now() + 30_000)).status).toBe(200);
    await docker(['stop', id]);
    const logs = await docker(['logs', id]);
    const c = counts(logs.stderr);
    const stdlib = c.stdlib.source.length + c.stdlib.bytecode;
    expect(stdlib).toBeGreaterThan(100);
    expect(c.stdlib.source.length, c.stdlib.source.join('\n')).toBeLessThanOrEqual(stdlib * 0.05);
    expect(c.venv.source, c.venv.source.join('\n')).toEqual([]);
    expect(c.app.source).toEqual([]);
    expect(c.app.bytecode).toBeGreaterThan(0);
  });
});

describe.skipIf(!e2e.ok)('a clean stop', () => {
  it('a worker that never returns stops on docker stop in under 2 s, without SIGKILL', async () => {
    const dir = generate('worker', '--deps', '-');
    writeFileSync(path.join(dir, 'src/app.py'), 'import time\n\nwhile True:\n    time.sleep(1)\n');
    const image = await build(dir);
    const run = await docker(['run', '-d', ...HARDENED, image]);
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    containers.push(id);
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    expect((await docker(['stop', '--time', '5', id])).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    const exitCode = Number((await docker(['inspect', '--format', '{{.State.ExitCode}}', id])).stdout.trim());
    expect(exitCode).not.toBe(137);
  });
});

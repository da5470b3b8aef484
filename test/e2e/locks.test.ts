/**
 * Projects whose dependencies are in a Poetry, Pipenv or PDM lock written by the real tool
 * (locktools.ts) against the local index, converted with --existing, built on the stand-ins and
 * served: the build stage reads the lock (lock_requirements.py), pip installs its production
 * pins hash-checked, the dev group stays out, and a wrong hash in the lock fails the build.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';
import { lockWith, type LockTool } from './locktools.js';
import { dockerBuildkit as docker } from './standins.js';
import { get } from './http.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];
const containers: string[] = [];

afterAll(async () => {
  if (containers.length) await docker(['rm', '-f', ...containers]);
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

const APP = `import importlib.metadata

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"flask": importlib.metadata.version("flask"), "gunicorn": importlib.metadata.version("gunicorn")}
`;

/** The same Flask app on gunicorn, its dependencies declared the tool's way, with a dev group. */
const PROJECTS: Record<LockTool, Record<string, string>> = {
  poetry: {
    'pyproject.toml': '[tool.poetry]\nname = "locked-poetry"\nversion = "1.0.0"\ndescription = ""\nauthors = []\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.13"\nflask = "*"\ngunicorn = "*"\n\n[tool.poetry.group.dev.dependencies]\nmarkdown-it-py = "*"\n',
  },
  pipenv: {
    Pipfile: '[packages]\nflask = "*"\ngunicorn = "*"\n\n[dev-packages]\nmarkdown-it-py = "*"\n\n[requires]\npython_version = "3.13"\n',
  },
  pdm: {
    'pyproject.toml': '[project]\nname = "locked-pdm"\nversion = "1.0.0"\nrequires-python = ">=3.13"\ndependencies = ["flask", "gunicorn"]\n\n[dependency-groups]\ndev = ["markdown-it-py"]\n\n[tool.pdm]\ndistribution = false\n',
  },
};
const LOCKS: Record<LockTool, string> = { poetry: 'poetry.lock', pipenv: 'Pipfile.lock', pdm: 'pdm.lock' };

async function lockedProject(tool: LockTool): Promise<string> {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-locks-')), `locked-${tool}`);
  mkdirSync(dir);
  for (const [file, content] of Object.entries({ ...PROJECTS[tool], 'app.py': APP, Procfile: 'web: gunicorn --bind 0.0.0.0:8000 app:app\n', '.python-version': '3.13\n' })) {
    writeFileSync(path.join(dir, file), content);
  }
  // Poetry keeps the index in pyproject.toml ('project'): the lock is byte for byte Poetry's.
  await lockWith(tool, dir, s!.indexUrl, { poetrySource: 'project' });
  return dir;
}

function convert(dir: string): string {
  const r = runBin(['--existing', dir, '--yes'], path.dirname(dir));
  expect(r.status, r.stderr).toBe(0);
  return r.stderr;
}

async function build(dir: string): Promise<{ code: number; output: string; tag: string }> {
  const tag = `dp-e2e-locks/${path.basename(dir)}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(tag);
  const r = await docker([
    'build', '--network', 'host',
    '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`,
    '--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`, '-t', tag, dir,
  ]);
  return { code: r.code, output: `${r.stdout}\n${r.stderr}`, tag };
}

describe.skipIf(!e2e.ok || s?.mode !== 'standin')('lock files made by the real tools, built and served', () => {
  it.each(['poetry', 'pipenv', 'pdm'] as const)('%s: the lock is read in the build stage, its main pins installed hash-checked, its dev group left out', async (tool) => {
    const dir = await lockedProject(tool);
    const stderr = convert(dir);
    expect(stderr).toContain(`found: dependencies: ${LOCKS[tool]} (`);
    const image = await build(dir);
    expect(image.code, image.output).toBe(0);
    expect(image.output).toMatch(/lock_requirements: \d+ of \d+ locked packages are for production/);
    const run = await docker(['run', '-d', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--publish', '127.0.0.1::8000', image.tag]);
    expect(run.code, run.stderr).toBe(0);
    containers.push(run.stdout.trim());
    const published = (await docker(['port', run.stdout.trim(), '8000/tcp'])).stdout.trim().split('\n')[0];
    const response = await get(`http://${published}/`, Date.now() + 30_000);
    const { distributions } = s!.index!;
    expect(response).toEqual({ status: 200, body: `${JSON.stringify({ flask: distributions.flask.version, gunicorn: distributions.gunicorn.version })}\n` });
    // The dev group (markdown-it-py, and mdurl under it) is not in the venv.
    const dev = await docker(['run', '--rm', '--entrypoint', '/opt/venv/bin/python', image.tag, '-c', 'import importlib.util as u; print(u.find_spec("markdown_it"), u.find_spec("mdurl"))']);
    expect(dev.stdout.trim(), dev.stderr).toBe('None None');
  });

  it('a wrong hash in the lock fails the build, naming the package', async () => {
    const dir = await lockedProject('pipenv');
    const lock = path.join(dir, 'Pipfile.lock');
    const real = s!.index!.distributions.flask.sha256;
    const text = readFileSync(lock, 'utf8');
    expect(text).toContain(`sha256:${real}`);
    writeFileSync(lock, text.replaceAll(`sha256:${real}`, `sha256:${'0'.repeat(64)}`));
    convert(dir);
    const image = await build(dir);
    expect(image.code).not.toBe(0);
    expect(image.output).toContain('THESE PACKAGES DO NOT MATCH THE HASHES');
    expect(image.output).toMatch(/flask==/i);
  });
});

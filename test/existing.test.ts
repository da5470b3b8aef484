/**
 * Converting existing projects (`create-distroless-python --existing`, `yo distroless-python:docker`):
 * what is detected in six realistic fixtures, what is written, and that every file of the
 * user's is byte-identical afterwards.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import { detect } from '../lib/detect.js';
import { BLOCK_START, theirRules } from '../lib/dockerignore.js';
import { ROOT, runBin, snapshot } from './helpers.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/existing');
const ADDED = ['.dockerignore', 'DISTROLESS.md', 'Dockerfile', 'Makefile'];

/** A fresh copy of a fixture, and its files before anything ran. */
function copy(name: string): { dir: string; before: Record<string, string> } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-existing-')), name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return { dir, before: snapshot(dir) };
}

/** The user's files after a run: everything that was there before, as it is now. */
function userFiles(dir: string, before: Record<string, string>): Record<string, string> {
  const now = snapshot(dir);
  return Object.fromEntries(Object.keys(before).map((f) => [f, now[f]]));
}

const CASES = [
  {
    fixture: 'hashed-requirements',
    found: [
      'found: dependencies: requirements.txt (2 requirements, hash-checked; includes requirements/base.txt)',
      'found: Python 3.13: from .python-version',
      'found: entrypoint app.py: from app.py (its __main__ block)',
    ],
    dockerfile: [
      'COPY requirements.txt /tmp/requirements/requirements.txt\n',
      'COPY requirements/base.txt /tmp/requirements/requirements/base.txt\n',
      'install --no-cache-dir --no-compile --requirement /tmp/requirements/requirements.txt \\\n && /opt/venv/bin/python -m compileall -q -j 0 --invalidation-mode checked-hash /opt/venv\n',
      'ENTRYPOINT ["/opt/venv/bin/python", "/app/app.py"]',
    ],
  },
  {
    fixture: 'pyproject-package',
    found: [
      'found: dependencies: pyproject.toml [project].dependencies (1); the project is installed too',
      'found: Python 3.13: from pyproject.toml requires-python >=3.11',
      'found: entrypoint tool.cli:main: from pyproject.toml [project.scripts] tool',
    ],
    dockerfile: [
      'COPY pyproject.toml /tmp/pyproject/pyproject.toml\n',
      'install --no-cache-dir --no-compile --no-deps /tmp/project \\\n',
      'ENTRYPOINT ["/opt/venv/bin/python", "-c", "import sys; from tool.cli import main; sys.exit(main())"]',
    ],
  },
  {
    fixture: 'src-layout',
    found: ['found: dependencies: requirements.txt (1 requirement)', 'found: entrypoint service: from src/service/__main__.py'],
    dockerfile: ['PYTHONPATH=/app/src', 'ENTRYPOINT ["/opt/venv/bin/python", "-m", "service"]'],
  },
  {
    fixture: 'uv-lock-project',
    found: ['found: dependencies: uv.lock (1 locked packages, exported frozen with their hashes)', 'found: Python 3.13: from pyproject.toml requires-python >=3.13', 'found: entrypoint main.py: from main.py (its __main__ block)'],
    dockerfile: [
      'ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.12.5\n',
      'COPY uv.lock /tmp/pyproject/uv.lock\n',
      'COPY --from=uv /uv /bin/uv\n',
      'uv export --frozen --no-dev --no-emit-project --project /tmp/pyproject --output-file /tmp/requirements.txt',
      'install --no-cache-dir --no-compile --require-hashes --requirement /tmp/requirements.txt \\\n && /opt/venv/bin/python -m compileall -q -j 0 --invalidation-mode checked-hash /opt/venv\n',
    ],
  },
  {
    fixture: 'flat-main',
    found: ['found: dependencies: requirements.txt (2 requirements)', 'found: entrypoint main.py: from main.py (its __main__ block)'],
    dockerfile: ['ENTRYPOINT ["/opt/venv/bin/python", "/app/main.py"]'],
  },
];

describe('an existing project', () => {
  it.each(CASES)('$fixture: detects, writes the four files, leaves every file of its own as it was', ({ fixture, found, dockerfile }) => {
    const { dir, before } = copy(fixture);
    const r = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    for (const line of found) expect(r.stderr).toContain(`${line}\n`);
    const after = snapshot(dir);
    expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual(ADDED);
    expect(userFiles(dir, before)).toEqual(before);
    expect(validate(after.Dockerfile)).toEqual([]);
    for (const text of dockerfile) expect(after.Dockerfile).toContain(text);
    const froms = DockerfileParser.parse(after.Dockerfile).getFROMs().map((f) => f.getImageName());
    expect(froms).toEqual([...(fixture === 'uv-lock-project' ? ['${UV_IMAGE}'] : []), '${BUILDER_IMAGE}', '${RUNTIME_IMAGE}', '${RUNTIME_IMAGE}']);
    // The runtime check is inline: nothing but the four files is added.
    expect(after.Dockerfile).toMatch(/^RUN \["\/usr\/bin\/python3", "-B", "-c", "import ctypes\\n/m);
    expect(after['DISTROLESS.md']).toContain(found[0].replace('found: ', '- '));
  });

  it.each(['makefile', 'GNUmakefile'])('a project whose make file is %s keeps it, and gets no Makefile that make would never read', (name) => {
    const { dir } = copy('hashed-requirements');
    writeFileSync(path.join(dir, name), 'test:\n\tpytest\n');
    const r = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: ${name}: yours is kept.`);
    expect(existsSync(path.join(dir, 'Makefile'))).toBe(false);
    expect(readFileSync(path.join(dir, name), 'utf8')).toBe('test:\n\tpytest\n');
  });

  it('old-dockerfile: Python and entrypoint from its Dockerfile; kept without --force, saved as .bak with it; its Makefile never touched', () => {
    const { dir, before } = copy('old-dockerfile');
    const refused = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('found: Python 3.11: from Dockerfile FROM python:3.11-slim\n');
    expect(refused.stderr).toContain('found: entrypoint python server.py: from Dockerfile CMD\n');
    expect(refused.stderr).toContain("note: Makefile: yours is kept; its targets run clash with distroless-python's.");
    expect(refused.stderr).toMatch(/error: directory: \S+ already has Dockerfile; nothing was written \(--force replaces Dockerfile, keeping Dockerfile.bak\)\n$/);
    expect(snapshot(dir)).toEqual(before);
    // The dry run lists the replacement, and says the same command would refuse it.
    const dry = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(dry.stdout).toMatch(/^would replace +\S+Dockerfile$/m);
    expect(dry.stderr).toMatch(/note: without --dry-run this would write nothing: \S+ already has Dockerfile \(--force replaces Dockerfile, keeping Dockerfile\.bak\)\n/);
    expect(runBin(['--existing', dir, '--yes', '--dry-run', '--force'], path.dirname(dir)).stderr).not.toContain('would write nothing');

    const forced = runBin(['--existing', dir, '--yes', '--force'], path.dirname(dir));
    expect(forced.status, forced.stderr).toBe(0);
    const after = snapshot(dir);
    expect(after['Dockerfile.bak']).toBe(before.Dockerfile);
    expect(after.Makefile).toBe(before.Makefile);
    expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual(['.dockerignore', 'DISTROLESS.md', 'Dockerfile.bak']);
    const { Dockerfile: _replaced, ...rest } = before;
    expect(userFiles(dir, rest)).toEqual(rest);
    expect(after.Dockerfile).toContain('uv python install 3.11');
    expect(after.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/python", "/app/server.py"]');
    expect(after['DISTROLESS.md']).toContain('Dockerfile: yours was saved as Dockerfile.bak.');
  });

  it('a .dockerignore of its own: kept without --force, naming it; merged with it, every rule of theirs first and byte for byte; a re-run adds no second block', () => {
    const { dir } = copy('flat-main');
    const theirs = '# ours, not yours\r\nnotes/\r\n!.env\r\n*.log';
    writeFileSync(path.join(dir, '.dockerignore'), theirs);
    const before = snapshot(dir);
    const refused = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /error: directory: \S+ already has \.dockerignore; nothing was written \(--force merges \.dockerignore with distroless-python's rules, keeping every rule of yours\)\n$/,
    );
    expect(snapshot(dir)).toEqual(before);
    const dry = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(dry.stdout).toMatch(/would merge {5}\S*flat-main\/\.dockerignore\n/);

    const forced = runBin(['--existing', dir, '--yes', '--force'], path.dirname(dir));
    expect(forced.status, forced.stderr).toBe(0);
    const after = snapshot(dir);
    expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual(['DISTROLESS.md', 'Dockerfile', 'Makefile']);
    // Theirs, with its last line ended, then ours, in its line endings.
    expect(after['.dockerignore'].startsWith(`${theirs}\r\n${BLOCK_START}\r\n`)).toBe(true);
    expect(theirRules(after['.dockerignore'])).toBe(`${theirs}\r\n`);
    const { '.dockerignore': _merged, ...rest } = before;
    expect(userFiles(dir, rest)).toEqual(rest);
    expect(after['DISTROLESS.md']).toContain('- .dockerignore: every rule of yours is kept, in its order;');

    const again = runBin(['--existing', dir, '--yes', '--force'], path.dirname(dir));
    expect(again.status, again.stderr).toBe(0);
    expect(snapshot(dir)['.dockerignore']).toBe(after['.dockerignore']);
  });

  it('flags override what was detected; --deps is refused, the project says what to install', () => {
    const { dir } = copy('flat-main');
    const r = runBin(['--existing', dir, '--yes', '--python', '3.12', '--no-nonroot', '--dry-run'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/would create {4}\S*flat-main\/Dockerfile\n/);
    const deps = runBin(['--existing', dir, '--yes', '--deps', 'emoji'], path.dirname(dir));
    expect(deps.status).toBe(1);
    expect(deps.stderr).toBe("error: --deps: not used with --existing: the project's requirements.txt, lock or pyproject.toml says what to install\n");
  });

  it('yo distroless-python:docker and yo distroless-python --existing refuse --deps as the bin does, writing nothing', async () => {
    for (const [generator, namespace, options] of [
      ['generators/docker/index.js', 'distroless-python:docker', {}],
      ['generators/app/index.js', 'distroless-python:app', { existing: true }],
    ] as const) {
      const { dir, before } = copy('flat-main');
      const context = helpers
        .run(path.join(ROOT, generator), { namespace })
        .cd(path.dirname(dir))
        .withArguments([path.basename(dir)])
        .withOptions({ yes: true, deps: 'emoji', ...options });
      await expect(context).rejects.toThrow("--deps: not used with --existing: the project's requirements.txt, lock or pyproject.toml says what to install");
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('a project with no entrypoint to find asks for one', () => {
    const empty = path.join(mkdtempSync(path.join(tmpdir(), 'dp-empty-')), 'empty');
    mkdirSync(empty);
    const none = runBin(['--existing', empty, '--yes'], tmpdir());
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('error: --entrypoint: no start command found (no compose command, Dockerfile CMD or ENTRYPOINT, Procfile, start script, [project.scripts], __main__.py, or main.py/app.py with a __main__ block); give one\n');
    expect(snapshot(empty)).toEqual({});
  });

  it('yo distroless-python:docker runs the same subgenerator', async () => {
    const { dir, before } = copy('src-layout');
    await helpers
      .run(path.join(ROOT, 'generators/docker/index.js'), { namespace: 'distroless-python:docker' })
      .cd(path.dirname(dir))
      .withArguments([path.basename(dir)])
      .withOptions({ yes: true });
    const after = snapshot(dir);
    expect(after.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/python", "-m", "service"]');
    expect(userFiles(dir, before)).toEqual(before);
  });

  it('detect() lists requirements.txt with its includes, and sees the hashes', () => {
    const d = detect(path.join(FIXTURES, 'hashed-requirements'));
    expect(d.install).toEqual({ kind: 'requirements', files: ['requirements.txt', 'requirements/base.txt'], hashes: true, count: 2, names: ['emoji', 'markupsafe'], specs: ['emoji', 'markupsafe'], project: false, projectLines: false });
    expect(d.problems).toEqual([]);
  });
});

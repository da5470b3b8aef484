/**
 * Where an existing project's dependencies come from (issue 12, item 1): requirements.txt (with
 * `.`/`-e .` lines and a [build-system] beside it), uv.lock, Poetry's, PDM's and Pipenv's locks,
 * [project]; VCS-derived versions; and the refusals, one line each, nothing written, for what
 * the build could not install (git or URL requirements, a Poetry project or Pipfile without a lock).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../lib/detect.js';
import { runBin, snapshot } from './helpers.js';

function project(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-deps-')), 'app');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const APP = { 'main.py': 'if __name__ == "__main__":\n    print("hi")\n', '.python-version': '3.13\n' };
const HASH = `sha256:${'a'.repeat(64)}`;

/** Converts with --yes and returns the exit status, stderr and the Dockerfile (if written). */
function convert(files: Record<string, string>, flags: string[] = []): { status: number | null; stderr: string; dockerfile?: string; unchanged: boolean } {
  const dir = project({ ...APP, ...files });
  const before = snapshot(dir);
  const r = runBin(['--existing', dir, '--yes', ...flags], dir);
  const after = snapshot(dir);
  return { status: r.status, stderr: r.stderr, dockerfile: after.Dockerfile, unchanged: JSON.stringify(after) === JSON.stringify(before) };
}

describe('dependency sources of an existing project', () => {
  it('a Poetry project without poetry.lock is refused in one line that names the fix; nothing is written', () => {
    const r = convert({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3"\n' });
    expect(r).toMatchObject({ status: 1, unchanged: true });
    expect(r.stderr).toBe(
      "error: directory: pyproject.toml has no [project] table; [tool.poetry] found, with dependencies but no poetry.lock to install them from (the image would have none): run 'poetry lock' and run again\n",
    );
  });

  it('a Pipfile without Pipfile.lock is refused in one line', () => {
    const r = convert({ Pipfile: '[packages]\nflask = "*"\n' });
    expect(r).toMatchObject({ status: 1, unchanged: true });
    expect(r.stderr).toBe("error: directory: Pipfile found, but no Pipfile.lock to install its packages from (the image would have none): run 'pipenv lock' and run again\n");
  });

  it.each([
    ['git+https://github.com/pallets/flask.git@3.1.0#egg=flask', 'git'],
    ['flask @ git+https://github.com/pallets/flask.git', 'git'],
    ['https://example.com/wheels/flask-3.1.0-py3-none-any.whl', 'a URL'],
    ['-e git+https://github.com/pallets/flask.git#egg=flask', 'git'],
  ])('requirements.txt line %s is refused: it installs from %s', (line, what) => {
    const r = convert({ 'requirements.txt': `emoji==2.14.1\n${line}\n` });
    expect(r).toMatchObject({ status: 1, unchanged: true });
    const target = line.replace(/^-e /, '');
    expect(r.stderr).toBe(
      `error: directory: requirements.txt: '${target}' installs from ${what}, not from an index, and the build stage has no git or network of its own: publish it to your index, pin it there, and run again\n`,
    );
  });

  it('a locked package from git is refused at generation, naming it', () => {
    const lock = JSON.stringify({ default: { lib: { git: 'https://github.com/a/lib.git', ref: 'abc' }, emoji: { version: '==2.14.1', hashes: [HASH] } } });
    const r = convert({ Pipfile: '[packages]\nemoji = "*"\n', 'Pipfile.lock': lock });
    expect(r).toMatchObject({ status: 1, unchanged: true });
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: directory: Pipfile.lock: lib comes from https://github.com/a/lib.git, not from an index, so the build cannot check it by hash (and has no git): publish it to your index, lock it from there, and run again',
    );
  });

  it('`-e .` in requirements.txt: the line is taken out of what pip reads first, and the project is installed after its code', () => {
    const files = { 'requirements.txt': 'emoji==2.14.1\n-e .\n', 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n' };
    const d = detect(project({ ...APP, ...files }));
    expect(d.install).toMatchObject({ kind: 'requirements', project: true, projectLines: true, count: 1, names: ['emoji'] });
    const r = convert(files);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('found: dependencies: requirements.txt (1 requirement); the project itself (its . line) is installed after its code');
    const sed = /^RUN sed -i -E '(.*)' \/tmp\/requirements\/requirements\.txt \\$/m.exec(r.dockerfile!);
    expect(sed, r.dockerfile).not.toBeNull();
    // The sed pattern, run by sed on the lines it must and must not take out.
    const kept = ['emoji==2.14.1', '.venv', '-e ./lib', '-r base.txt', 'file:./x'];
    const input = ['.', './', '-e .', '--editable=.', '-e file:.', '  .  # the app', ...kept].join('\n') + '\n';
    const out = spawnSync('sed', ['-E', sed![1]], { input, encoding: 'utf8' });
    expect(out.stdout).toBe(kept.join('\n') + '\n');
    expect(r.dockerfile).toMatch(/COPY \. \/app\n# The project itself[^\n]*\nRUN cp -a \/app \/tmp\/project \\\n && python3 -m pip --python \/opt\/venv\/bin\/python install --no-cache-dir --no-compile --no-deps \/tmp\/project/);
  });

  it('a [build-system] beside requirements.txt is installed too', () => {
    const d = detect(project({ ...APP, 'requirements.txt': 'emoji==2.14.1\n', 'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "x"\nversion = "1"\n' }));
    expect(d.install).toMatchObject({ kind: 'requirements', project: true, projectLines: false });
  });

  it.each([
    ['[build-system]\nrequires = ["hatchling", "hatch-vcs"]\n[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n', 'hatch-vcs'],
    ['[build-system]\nrequires = ["setuptools>=64", "setuptools_scm>=8"]\n[project]\nname = "x"\ndynamic = ["version"]\n', 'setuptools-scm'],
    ['[build-system]\nrequires = ["pdm-backend"]\n[project]\nname = "x"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "scm"\n', 'pdm-backend'],
  ])('a VCS-derived version (%#, %s) gets the PROJECT_VERSION build argument, given to the backend', (pyproject, mechanism) => {
    const r = convert({ 'pyproject.toml': pyproject });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`found: version: from git (${mechanism}, `);
    expect(r.dockerfile).toContain(`# ${mechanism} takes the version from git, which is not in the build context: give it with\n#   docker build --build-arg PROJECT_VERSION=1.2.3 .\nARG PROJECT_VERSION=0.0.0\n`);
    expect(r.dockerfile).toContain(' && SETUPTOOLS_SCM_PRETEND_VERSION="$PROJECT_VERSION" PDM_BUILD_SCM_VERSION="$PROJECT_VERSION" python3 -m pip --python /opt/venv/bin/python install --no-cache-dir --no-compile --no-deps /tmp/project');
  });

  it('a static version gets no build argument', () => {
    const r = convert({ 'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n[project]\nname = "x"\nversion = "1.0"\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.dockerfile).not.toContain('PROJECT_VERSION');
  });

  it.each([
    ['poetry', { 'pyproject.toml': '[tool.poetry]\nname = "x"\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\nemoji = "*"\n', 'poetry.lock': `[[package]]\nname = "emoji"\nversion = "2.14.1"\ngroups = ["main"]\nfiles = [{file = "e.whl", hash = "${HASH}"}]\n[metadata]\nlock-version = "2.1"\n` }, ['pyproject.toml', 'poetry.lock'], false],
    ['pdm', { 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["emoji"]\n[build-system]\nrequires = ["pdm-backend"]\n', 'pdm.lock': `[[package]]\nname = "emoji"\nversion = "2.14.1"\ngroups = ["default"]\nfiles = [{file = "e.whl", hash = "${HASH}"}]\n` }, ['pyproject.toml', 'pdm.lock'], true],
    ['pipenv', { Pipfile: '[packages]\nemoji = "*"\n', 'Pipfile.lock': JSON.stringify({ default: { emoji: { version: '==2.14.1', hashes: [HASH] } } }) }, ['Pipfile.lock'], false],
  ] as const)('%s: the lock is copied and read in the build stage, then installed with --require-hashes', (tool, files, copied, installed) => {
    const dir = project({ ...APP, ...files });
    expect(detect(dir).install).toMatchObject({ kind: 'lock', tool, files: copied, packages: 1, project: installed, names: ['emoji'] });
    const r = convert(files);
    expect(r.status, r.stderr).toBe(0);
    for (const file of copied) expect(r.dockerfile).toContain(`COPY ${file} /tmp/lock/${file}\n`);
    expect(r.dockerfile).toContain(`", "${tool}", "/tmp/lock", "/tmp/requirements.txt"]\nRUN python3 -m pip --python /opt/venv/bin/python install --no-cache-dir --no-compile --require-hashes --requirement /tmp/requirements.txt \\\n && /opt/venv/bin/python -m compileall -q -j 0 --invalidation-mode checked-hash /opt/venv\n`);
    expect(r.dockerfile!.includes('RUN cp -a /app /tmp/project')).toBe(installed);
  });

  it.each([
    ['psycopg==3.2.9', true],
    ['psycopg[pool]', true],
    ['psycopg[binary]==3.2.9', false],
    ['psycopg[c]', false],
    ['psycopg2-binary', false],
  ])('requirements.txt %s: psycopg without its binary or C build cannot find libpq in a distroless image (refused: %s)', (line, refused) => {
    const r = convert({ 'requirements.txt': `${line}\n` });
    if (!refused) return void expect(r.status, r.stderr).toBe(0);
    expect(r).toMatchObject({ status: 1, unchanged: true });
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: directory: psycopg without its binary or C build finds libpq with ctypes.util.find_library at run time, which needs ldconfig or a compiler, and a distroless image has neither: depend on psycopg[binary] (it bundles libpq) or psycopg[c] (it links libpq; give BUILD_PACKAGES="build-essential libpq-dev"), and run again',
    );
  });

  it('a new project with --deps psycopg is refused the same way, naming --deps', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-deps-new-'));
    const r = runBin(['app', '--yes', '--deps', 'psycopg flask'], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: --deps: psycopg without its binary or C build finds libpq with ctypes\.util\.find_library at run time/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('requirements.txt wins over a lock beside it, which is named as not used', () => {
    const d = detect(project({ ...APP, 'requirements.txt': 'emoji==2.14.1\n', Pipfile: '[packages]\nemoji = "*"\n', 'Pipfile.lock': '{"default": {}}' }));
    expect(d.install.kind).toBe('requirements');
    expect(d.problems).toContain('Pipfile.lock found too; requirements.txt is what the image installs');
  });

  it('the inline lock script in the Dockerfile is templates/lock_requirements.py, less its docstring and comments', () => {
    const r = convert({ Pipfile: '[packages]\nemoji = "*"\n', 'Pipfile.lock': JSON.stringify({ default: { emoji: { version: '==2.14.1', hashes: [HASH] } } }) });
    const inline = JSON.parse(/^RUN \["\/opt\/venv\/bin\/python", "-c", (".*"), "pipenv"/m.exec(r.dockerfile!)![1]) as string;
    const source = readFileSync(path.join(import.meta.dirname, '../templates/lock_requirements.py'), 'utf8');
    expect(inline).toContain('def closure(packages: dict, roots: list) -> dict:');
    const code = source.slice(source.indexOf('"""', 3) + 4).split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(inline.split('\n')).toEqual(code);
  });
});

/**
 * Which Python an existing project asks for (issue 12, item 2): every source real projects use,
 * each shown with its source, pins before the old image before ranges; a version that is not
 * offered becomes the nearest newer offered one with a loud line; never a silent default.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../lib/detect.js';
import { ROOT, runBin, snapshot } from './helpers.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-python-'));
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  return dir;
}

const python = (files: Record<string, string>) => {
  const d = detect(project(files));
  return { ...d.python, problems: d.problems };
};

describe('the Python a project asks for', () => {
  it.each([
    [{ '.python-version': '3.12\n' }, '3.12', '.python-version'],
    [{ '.python-version': '# the version\n\n3.11.4\n' }, '3.11', '.python-version (3.11.4)'],
    [{ 'runtime.txt': 'python-3.10.2\n' }, '3.10', 'runtime.txt (python-3.10.2)'],
    [{ '.tool-versions': 'nodejs 20.1.0\npython 3.12.7 3.11.9\n' }, '3.12', '.tool-versions (python 3.12.7)'],
    [{ Pipfile: '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.11"\n' }, '3.11', 'Pipfile [requires] python_version "3.11"'],
    [{ Pipfile: '[requires]\npython_full_version = "3.12.3"\n' }, '3.12', 'Pipfile [requires] python_full_version "3.12.3"'],
    [{ Dockerfile: 'FROM python:3.11-slim\nCMD ["python", "x.py"]\n' }, '3.11', 'Dockerfile FROM python:3.11-slim'],
    [{ Dockerfile: 'FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS build\nFROM debian\n' }, '3.12', 'Dockerfile FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim'],
    [{ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.11,<3.13"\n' }, '3.12', 'pyproject.toml requires-python >=3.11,<3.13'],
    [{ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\n' }, '3.13', 'pyproject.toml [tool.poetry.dependencies] python ^3.11'],
    [{ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "~3.12"\n' }, '3.12', 'pyproject.toml [tool.poetry.dependencies] python ~3.12'],
    // A patch release named exactly (teamhide/fastapi-boilerplate): that minor, not the default.
    [{ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "3.11.7"\n' }, '3.11', 'pyproject.toml [tool.poetry.dependencies] python 3.11.7'],
    [{ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.12.4,<3.13"\n' }, '3.12', 'pyproject.toml requires-python >=3.12.4,<3.13'],
  ])('%j: Python %s, from %s', (files, value, from) => {
    const found = python(files);
    expect(found.value).toBe(value);
    expect(found.from).toBe(from);
    expect(found.warning).toBeUndefined();
  });

  it('pins win over the old image, which wins over ranges; a disagreeing source is noted', () => {
    const found = python({ '.python-version': '3.12\n', Dockerfile: 'FROM python:3.11\n', 'pyproject.toml': '[project]\nname="x"\nrequires-python=">=3.10"\n' });
    expect(found).toMatchObject({ value: '3.12', from: '.python-version' });
    expect(found.problems).toContain('Dockerfile FROM python:3.11 asks for another Python than 3.12; .python-version wins');
    // a range that allows the chosen version does not disagree
    expect(found.problems.filter((p) => p.includes('requires-python'))).toEqual([]);
    expect(python({ Dockerfile: 'FROM python:3.11\n', 'pyproject.toml': '[project]\nname="x"\nrequires-python=">=3.10"\n' })).toMatchObject({ value: '3.11' });
  });

  it('a version not offered becomes the nearest newer offered one, loudly', () => {
    const found = python({ 'runtime.txt': 'python-3.9.18\n' });
    expect(found.value).toBe('3.10');
    expect(found.warning).toBe(
      'runtime.txt (python-3.9.18) asks for Python 3.9, which is not offered: using 3.10, the nearest newer one offered. Check that your pinned dependencies install and run on 3.10, or give --python',
    );
    expect(python({ '.python-version': '3.20\n' })).toMatchObject({ value: '3.14' });
    expect(python({ '.python-version': '3.20\n' }).warning).toMatch(/using 3\.14, the newest one offered/);
  });

  it('a known version not offered yet (3.15) says why, and the finding names what the file asked for', () => {
    const pin = python({ '.python-version': '3.15\n' });
    expect(pin).toMatchObject({ value: '3.14', from: '.python-version, which asks for 3.15' });
    expect(pin.warning).toMatch(/^\.python-version asks for Python 3\.15, which is not offered \(distroless has no 3\.15, and the pinned uv 0\.12\.5 \(2026-08-14\) has only 3\.15\.0rc1, a pre-release: .*\): using 3\.14, the newest one offered/);
  });

  it('a range no offered Python satisfies takes the nearest end of what is offered, loudly, never the default', () => {
    const newer = python({ 'pyproject.toml': '[project]\nname="x"\nrequires-python=">=3.15"\n' });
    expect(newer).toMatchObject({ value: '3.14', from: 'pyproject.toml requires-python >=3.15, which allows no offered Python' });
    expect(newer.warning).toMatch(/^pyproject\.toml requires-python >=3\.15 allows no offered Python: 3\.15 and later are not offered \(distroless has no 3\.15, .*\)\. Using 3\.14, the newest one offered, which it does not allow/);
    const older = python({ 'pyproject.toml': '[project]\nname="x"\n[tool.poetry.dependencies]\npython = "~3.8"\n' });
    expect(older).toMatchObject({ value: '3.10' });
    expect(older.warning).toMatch(/allows no offered Python: 3\.8 and earlier are not offered\. Using 3\.10, the oldest one offered, which it does not allow/);
  });

  it('what names no version is said, never read as one', () => {
    expect(python({ Dockerfile: 'FROM python:slim\n' }).value).toBeUndefined();
    const bad = python({ '.python-version': 'pypy\n', 'pyproject.toml': '[project]\nname="x"\nrequires-python=">=4"\n' });
    expect(bad.value).toBeUndefined();
    expect(bad.problems).toEqual([
      '.python-version (pypy) names no offered Python (offered: 3.10, 3.11, 3.12, 3.13, 3.14)',
      'pyproject.toml requires-python >=4 names no offered Python (offered: 3.10, 3.11, 3.12, 3.13, 3.14)',
    ]);
    expect(python({ Pipfile: '[requires\n' }).problems[0]).toMatch(/^Pipfile does not parse: /);
  });
});

describe('real projects', () => {
  const real = (fixture: string) => path.join(ROOT, 'test/fixtures/real', fixture);

  it.each([
    ['bakerydemo', '3.12', '.python-version', undefined],
    ['python-getting-started', '3.14', '.python-version', undefined],
    ['healthchecks', '3.14', 'docker/Dockerfile FROM python:3.14.7-slim-trixie', undefined],
    ['uv-docker-example', '3.12', 'Dockerfile FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim', undefined],
    ['fastapi-realworld-example-app', '3.10', 'Dockerfile FROM python:3.9.10-slim', /asks for Python 3\.9, which is not offered: using 3\.10/],
    ['awesome-compose-fastapi', '3.10', 'Dockerfile FROM tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim', /asks for Python 3\.9/],
  ])('%s: Python %s from %s', (fixture, value, from, warning) => {
    const d = detect(real(fixture));
    expect(d.python?.value).toBe(value);
    expect(d.python?.from).toBe(from);
    if (warning) expect(d.python?.warning).toMatch(warning);
    else expect(d.python?.warning).toBeUndefined();
  });

  it('microblog (FROM python:slim): no version anywhere, said in a warning with the default used', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-python-')), 'microblog');
    cpSync(real('microblog'), dir, { recursive: true });
    const r = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "warning: no Python version found (.python-version, runtime.txt, .tool-versions, Pipfile, the Dockerfile's image, requires-python, Poetry's python): using 3.13; give --python to choose\n",
    );
  });

  it("a version the project pins that the chosen runtime family lacks is refused naming the project's file; --python overrides it", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-python-')), 'pinned');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'app.py'), "print('hi')\n");
    writeFileSync(path.join(dir, 'requirements.txt'), 'emoji\n');
    writeFileSync(path.join(dir, '.python-version'), '3.13\n');
    const before = snapshot(dir);
    const r = runBin(['--existing', dir, '--yes', '--entrypoint', 'app.py', '--runtime', 'chainguard'], path.dirname(dir));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      "error: --python: .python-version asks for 3.13, which --runtime chainguard does not offer: Chainguard's free tier publishes only 'latest', which ran Python 3.14 when last checked (offered: 3.14); give --python to build on one of those",
    );
    expect(snapshot(dir)).toEqual(before);
    const ok = runBin(['--existing', dir, '--yes', '--entrypoint', 'app.py', '--runtime', 'chainguard', '--python', '3.14', '--dry-run'], path.dirname(dir));
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('a Python chosen outside the range the project allows is warned about, once', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-python-')), 'ranged');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'app.py'), "print('hi')\n");
    writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.12"\ndependencies = ["emoji"]\n');
    const warned = (args: string[]): string[] =>
      runBin(['--existing', dir, '--yes', '--entrypoint', 'app.py', '--dry-run', ...args], path.dirname(dir)).stderr.split('\n').filter((l) => l.includes('does not allow'));
    expect(warned(['--python', '3.11'])).toEqual(['warning: pyproject.toml requires-python >=3.12 does not allow Python 3.11: check that the project runs on it']);
    expect(warned(['--python', '3.14'])).toEqual([]);
    writeFileSync(path.join(dir, '.python-version'), '3.11\n');
    expect(warned([])).toEqual(['warning: pyproject.toml requires-python >=3.12 does not allow Python 3.11: check that the project runs on it']);
  });

  it('the loud line is shown by the bin, and not when --python is given', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-python-')), 'recipe-app-api');
    cpSync(real('recipe-app-api'), dir, { recursive: true });
    const r = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(r.stderr).toContain('found: Python 3.10: from Dockerfile FROM python:3.7-alpine\n');
    expect(r.stderr).toContain('warning: Dockerfile FROM python:3.7-alpine asks for Python 3.7, which is not offered: using 3.10, the nearest newer one offered.');
    const given = runBin(['--existing', dir, '--yes', '--dry-run', '--python', '3.13'], path.dirname(dir));
    expect(given.stderr).not.toContain('which is not offered');
  });

  it('DISTROLESS.md says a found Python was not used when another was chosen (datademofun/heroku-basic-flask\'s runtime.txt)', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-python-')), 'recipe-app-api');
    cpSync(real('recipe-app-api'), dir, { recursive: true });
    expect(runBin(['--existing', dir, '--yes', '--python', '3.13', '--force'], path.dirname(dir)).status).toBe(0);
    const md = readFileSync(path.join(dir, 'DISTROLESS.md'), 'utf8');
    expect(md).toContain('Python 3.10: from Dockerfile FROM python:3.7-alpine; not used: 3.13 was chosen');
  });
});

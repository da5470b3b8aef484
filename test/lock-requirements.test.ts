/**
 * templates/lock_requirements.py, the script the build stage runs (inline) to turn a Poetry, PDM
 * or Pipenv lock into hash-checked requirements for production. Run here with the machine's
 * python3 (3.11+), on real locks and on small locks that pin down each rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { ROOT } from './helpers.js';

const SCRIPT = path.join(ROOT, 'templates/lock_requirements.py');

function run(tool: string, dir: string): { status: number | null; stderr: string; requirements: Map<string, { line: string; marker: string; hashes: string[] }> } {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'dp-lock-')), 'requirements.txt');
  const r = spawnSync('python3', [SCRIPT, tool, dir, out], { encoding: 'utf8' });
  const requirements = new Map<string, { line: string; marker: string; hashes: string[] }>();
  if (r.status === 0) {
    for (const entry of readFileSync(out, 'utf8').split(/\n(?=\S)/).filter(Boolean)) {
      const first = entry.split(' \\\n')[0];
      const name = /^([^=[]+)/.exec(first)![1];
      requirements.set(name, { line: first, marker: first.includes(' ; ') ? first.split(' ; ')[1] : '', hashes: [...entry.matchAll(/--hash=(\S+)/g)].map((m) => m[1]) });
    }
  }
  return { status: r.status, stderr: r.stderr, requirements };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-lockp-'));
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  return dir;
}

const H = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('lock_requirements.py', () => {
  it('Poetry lock-version 1.1 (fastapi-realworld-example-app): the main closure is exactly what the lock marks category "main", with every hash of [metadata.files]', () => {
    const dir = path.join(ROOT, 'test/fixtures/real/fastapi-realworld-example-app');
    const lock = parseToml(readFileSync(path.join(dir, 'poetry.lock'), 'utf8')) as {
      package: { name: string; version: string; category: string }[];
      metadata: { files: Record<string, { hash: string }[]> };
    };
    const r = run('poetry', dir);
    expect(r.status, r.stderr).toBe(0);
    const main = lock.package.filter((p) => p.category === 'main');
    // The script does not read category: it walks the dependencies from [tool.poetry.dependencies].
    expect([...r.requirements.keys()].sort()).toEqual(main.map((p) => p.name.toLowerCase()).sort());
    for (const p of main) {
      const got = r.requirements.get(p.name.toLowerCase())!;
      expect(got.line.split(' ; ')[0]).toMatch(new RegExp(`==${p.version.replace(/\./g, '\\.')}$`));
      expect(got.hashes).toEqual(lock.metadata.files[p.name].map((f) => f.hash));
    }
    // pydantic[email,dotenv] pulls email-validator and python-dotenv in; a Windows-only package keeps its marker.
    expect(r.requirements.has('email-validator')).toBe(true);
    expect(r.requirements.get('win32-setctime')!.marker).toBe('sys_platform == "win32"');
    expect(r.stderr).toBe(`lock_requirements: ${main.length} of ${lock.package.length} locked packages are for production\n`);
  });

  it('Poetry lock-version 2.1: the packages whose groups hold main, with the main marker', () => {
    const dir = project({
      'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\n',
      'poetry.lock': `[[package]]\nname = "flask"\nversion = "3.1.0"\ngroups = ["main"]\nfiles = [{file = "f.whl", hash = "${H(1)}"}]\n\n[[package]]\nname = "colorama"\nversion = "0.4.6"\ngroups = ["main", "dev"]\nmarkers = {main = "platform_system == \\"Windows\\"", dev = "sys_platform == \\"win32\\""}\nfiles = [{file = "c.whl", hash = "${H(2)}"}]\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\ngroups = ["dev"]\nfiles = [{file = "p.whl", hash = "${H(3)}"}]\n\n[metadata]\nlock-version = "2.1"\n`,
    });
    const r = run('poetry', dir);
    expect(r.status, r.stderr).toBe(0);
    expect([...r.requirements.keys()]).toEqual(['colorama', 'flask']);
    expect(r.requirements.get('colorama')).toEqual({ line: 'colorama==0.4.6 ; platform_system == "Windows"', marker: 'platform_system == "Windows"', hashes: [H(2)] });
  });

  it('Poetry without groups: optional dependencies only through a requested extra; markers along a path are joined', () => {
    const dir = project({
      'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = { version = "*", extras = ["socks"] }\nlegacy = { version = "*", markers = "python_version < \\"3.12\\"" }\n',
      'poetry.lock': [
        `[[package]]\nname = "requests"\nversion = "2.32.3"\nfiles = [{file = "r.whl", hash = "${H(1)}"}]\n[package.dependencies]\nidna = "*"\nPySocks = {version = ">=1.5.6", optional = true}\nchardet = {version = "*", optional = true}\n[package.extras]\nsocks = ["PySocks (>=1.5.6,!=1.5.7)"]\nuse-chardet = ["chardet (>=3)"]\n`,
        `[[package]]\nname = "idna"\nversion = "3.10"\nfiles = [{file = "i.whl", hash = "${H(2)}"}]\n`,
        `[[package]]\nname = "pysocks"\nversion = "1.7.1"\nfiles = [{file = "s.whl", hash = "${H(3)}"}]\n`,
        `[[package]]\nname = "chardet"\nversion = "5.2.0"\nfiles = [{file = "c.whl", hash = "${H(4)}"}]\n`,
        `[[package]]\nname = "legacy"\nversion = "1.0"\nfiles = [{file = "l.whl", hash = "${H(5)}"}]\n[package.dependencies]\nwinonly = {version = "*", markers = "sys_platform == \\"win32\\""}\n`,
        `[[package]]\nname = "winonly"\nversion = "1.0"\nfiles = [{file = "w.whl", hash = "${H(6)}"}]\n`,
        '[metadata]\nlock-version = "2.0"\n',
      ].join('\n'),
    });
    const r = run('poetry', dir);
    expect(r.status, r.stderr).toBe(0);
    expect([...r.requirements.keys()]).toEqual(['idna', 'legacy', 'pysocks', 'requests', 'winonly']);
    expect(r.requirements.get('winonly')!.marker).toBe('(python_version < "3.12") and (sys_platform == "win32")');
    expect(r.requirements.get('pysocks')!.marker).toBe('');
  });

  it('PDM with inherit_metadata: the default group with its markers; without groups: the closure of [project].dependencies', () => {
    const withGroups = project({
      'pdm.lock': `[metadata]\ngroups = ["default", "dev"]\nstrategy = ["inherit_metadata"]\nlock_version = "4.5.0"\n\n[[package]]\nname = "click"\nversion = "8.1.7"\ngroups = ["default"]\nmarker = "python_version >= \\"3.8\\""\nfiles = [{file = "c.whl", hash = "${H(1)}"}]\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\ngroups = ["dev"]\nfiles = [{file = "p.whl", hash = "${H(2)}"}]\n`,
      'pyproject.toml': '[project]\nname = "x"\ndependencies = ["click"]\n',
    });
    const g = run('pdm', withGroups);
    expect(g.status, g.stderr).toBe(0);
    expect([...g.requirements.entries()]).toEqual([['click', { line: 'click==8.1.7 ; python_version >= "3.8"', marker: 'python_version >= "3.8"', hashes: [H(1)] }]]);
    const old = project({
      'pdm.lock': `[metadata]\nlock_version = "4.0"\n\n[[package]]\nname = "flask"\nversion = "3.1.0"\ndependencies = ["click>=8.1.3", "colorama; platform_system == \\"Windows\\""]\nfiles = [{file = "f.whl", hash = "${H(1)}"}]\n\n[[package]]\nname = "click"\nversion = "8.1.7"\nfiles = [{file = "c.whl", hash = "${H(2)}"}]\n\n[[package]]\nname = "colorama"\nversion = "0.4.6"\nfiles = [{file = "o.whl", hash = "${H(3)}"}]\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\nfiles = [{file = "p.whl", hash = "${H(4)}"}]\n`,
      'pyproject.toml': '[project]\nname = "x"\ndependencies = ["flask>=3"]\n[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n',
    });
    const o = run('pdm', old);
    expect(o.status, o.stderr).toBe(0);
    expect([...o.requirements.keys()]).toEqual(['click', 'colorama', 'flask']);
    expect(o.requirements.get('colorama')!.marker).toBe('platform_system == "Windows"');
  });

  it('Pipfile.lock: "default" only, extras and markers kept, the project itself (path ".") left to the project install', () => {
    const dir = project({
      'Pipfile.lock': JSON.stringify({
        _meta: { hash: { sha256: 'x' }, 'pipfile-spec': 6 },
        default: {
          requests: { hashes: [H(1), H(2)], version: '==2.32.3', extras: ['socks'], markers: "python_version >= '3.8'" },
          app: { path: '.', editable: true },
        },
        develop: { pytest: { hashes: [H(3)], version: '==8.0.0' } },
      }),
    });
    const r = run('pipenv', dir);
    expect(r.status, r.stderr).toBe(0);
    expect([...r.requirements.entries()]).toEqual([['requests', { line: "requests[socks]==2.32.3 ; python_version >= '3.8'", marker: "python_version >= '3.8'", hashes: [H(1), H(2)] }]]);
  });

  it('refuses, naming the package, what pip cannot check by hash: a git source, a package without hashes, a dependency missing from the lock', () => {
    const git = run('pipenv', project({ 'Pipfile.lock': JSON.stringify({ default: { lib: { git: 'https://github.com/a/lib.git', ref: 'abc' } } }) }));
    expect(git).toMatchObject({ status: 1, stderr: 'lock_requirements: lib comes from https://github.com/a/lib.git, not an index: pip cannot check it by hash\n' });
    const bare = run('pipenv', project({ 'Pipfile.lock': JSON.stringify({ default: { lib: { version: '==1.0', hashes: [] } } }) }));
    expect(bare).toMatchObject({ status: 1, stderr: 'lock_requirements: lib 1.0 has no hashes in the lock: lock it again with hashes\n' });
    const missing = run('poetry', project({ 'pyproject.toml': '[tool.poetry.dependencies]\nflask = "*"\n', 'poetry.lock': '[metadata]\nlock-version = "2.0"\n' }));
    expect(missing).toMatchObject({ status: 1, stderr: 'lock_requirements: flask is required but not in the lock: lock it again\n' });
  });
});

/**
 * Lock files written by the real tools (locktools.ts): Debian trixie's poetry, pipenv and pdm in
 * standin/locktools lock a tiny Flask + gunicorn project with a dev dependency (markdown-it-py)
 * against the local index only. Each lock must pin the whole dependency closure at the index's
 * versions with the index's wheel sha256s, keep the dev dependency apart, be owned by the caller,
 * leave the project's own file as it was, and come out byte-identical when locked again. The lock
 * formats these tool versions write are pinned here too, for the code that reads them.
 *
 * Skipped without Docker (see setup.ts; E2E=required fails instead) and with E2E_REAL_IMAGES=1,
 * where no image with the three tools is provided.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LOCK_FILES, POETRY_SOURCE_NAME, VERSIONS_LABEL, lockWith, locktoolsVersions, type LockTool } from './locktools.js';
import { docker, recipeHash, type IndexManifest } from './standins.js';

vi.setConfig({ testTimeout: 300_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;

/** A locked package, whatever the tool: its groups are 'main' or 'dev'. */
interface Locked {
  version: string;
  hashes: string[];
  groups: ('main' | 'dev')[];
  /** Environment marker, '' when none. */
  marker: string;
}

type Toml = Record<string, any>;

const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const sha = (hashes: string[]) => hashes.map((h) => h.replace(/^sha256:/, '')).sort();

/** Names the index's dependency closure of the given roots (on Linux, CPython 3.13: dependsOn). */
function closure(index: IndexManifest, roots: string[]): string[] {
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    const d = index.distributions[name];
    expect(d, `${name} in the index`).toBeTruthy();
    seen.add(name);
    d!.dependsOn.forEach(walk);
  };
  roots.forEach(walk);
  return [...seen].sort();
}

/** The sha256 of the index's wheel(s) of name at version. */
function indexHashes(index: IndexManifest, name: string, version: string): string[] {
  const d = index.distributions[name]!;
  return [d, ...(d.extraWheels ?? [])].filter((w) => w.version === version).map((w) => w.sha256).sort();
}

/** The project file and its lock for each tool: flask + gunicorn, markdown-it-py for development. */
function writeProject(tool: LockTool, main: string[], dev: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), `dp-e2e-lock-${tool}-`));
  const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  let file: string;
  let text: string;
  switch (tool) {
    case 'poetry':
      file = 'pyproject.toml';
      text = [
        '[project]', 'name = "demo"', 'version = "0.1.0"', 'requires-python = ">=3.13"', `dependencies = [${quoted(main)}]`, '',
        '[tool.poetry]', 'package-mode = false', '',
        '[tool.poetry.group.dev.dependencies]', `${dev} = "*"`, '',
      ].join('\n');
      break;
    case 'pdm':
      file = 'pyproject.toml';
      text = [
        '[project]', 'name = "demo"', 'version = "0.1.0"', 'requires-python = ">=3.13"', `dependencies = [${quoted(main)}]`, '',
        '[dependency-groups]', `dev = [${quoted([dev])}]`, '',
      ].join('\n');
      break;
    case 'pipenv':
      file = 'Pipfile';
      text = [
        '[[source]]', 'url = "https://pypi.org/simple"', 'verify_ssl = true', 'name = "pypi"', '',
        '[packages]', ...main.map((n) => `${n} = "*"`), '',
        '[dev-packages]', `${dev} = "*"`, '',
        '[requires]', 'python_version = "3.13"', '',
      ].join('\n');
      break;
  }
  writeFileSync(path.join(dir, file), text);
  return { dir, file };
}

/** The lock's packages by normalized name, in one shape for the three formats. */
function readLock(tool: LockTool, text: string): Map<string, Locked> {
  const out = new Map<string, Locked>();
  const add = (name: string, l: Locked) => {
    expect(out.has(norm(name)), `${name} locked once`).toBe(false);
    out.set(norm(name), l);
  };
  if (tool === 'pipenv') {
    const lock = JSON.parse(text) as Record<string, Record<string, { version: string; hashes: string[]; markers?: string }>>;
    for (const [section, group] of [['default', 'main'], ['develop', 'dev']] as const) {
      for (const [name, p] of Object.entries(lock[section] ?? {})) {
        add(name, { version: p.version.replace(/^==/, ''), hashes: sha(p.hashes), groups: [group], marker: p.markers ?? '' });
      }
    }
    return out;
  }
  const lock = parse(text) as Toml;
  for (const p of lock['package'] as Toml[]) {
    const groups = (p['groups'] as string[]).map((g) => (g === 'main' || g === 'default' ? 'main' : g === 'dev' ? 'dev' : g)) as Locked['groups'];
    const marker = (tool === 'poetry' ? p['markers'] : p['marker']) ?? '';
    add(p['name'], { version: p['version'], hashes: sha((p['files'] as Toml[]).map((f) => f['hash'])), groups, marker: String(marker) });
  }
  return out;
}

describe.skipIf(!e2e.ok || !s?.locktools)('lock files written by the real poetry, pipenv and pdm', () => {
  let index: IndexManifest;
  let main: string[];
  let dev: string;
  const locks: Partial<Record<LockTool, string>> = {};

  beforeAll(() => {
    index = s!.index!;
    main = [index.roles['wsgi-framework']!, index.roles['wsgi-server']!];
    dev = index.roles['with-dependency']!;
    expect([...main, dev]).toEqual(['flask', 'gunicorn', 'markdown-it-py']);
  });

  it('runs poetry, pipenv and pdm from trixie, in an image built from this recipe', async () => {
    const r = await docker(['image', 'inspect', '--format', '{{ index .Config.Labels "standins.recipe-hash" }}', s!.locktools]);
    expect(r.stdout.trim(), r.stderr).toBe(recipeHash('locktools'));
    const versions = await locktoolsVersions(s!.locktools);
    process.stderr.write(`locktools: ${VERSIONS_LABEL}=${Object.entries(versions).map(([t, v]) => `${t}=${v}`).join(' ')}\n`);
    const out = await docker(['run', '--rm', '--network', 'none', s!.locktools, 'sh', '-c', 'poetry --version; pipenv --version; pdm --version']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Poetry (version ${versions.poetry})`);
    expect(out.stdout).toContain(`pipenv, version ${versions.pipenv}`);
    expect(out.stdout).toContain(`PDM, version ${versions.pdm}`);
  });

  describe.each(['poetry', 'pipenv', 'pdm'] as const)('%s', (tool) => {
    let dir: string;
    let file: string;
    let before: string;

    it('locks flask and gunicorn (+ markdown-it-py for development) from the local index only', async () => {
      ({ dir, file } = writeProject(tool, main, dev));
      before = readFileSync(path.join(dir, file), 'utf8');
      const t0 = Date.now();
      await lockWith(tool, dir, s!.indexUrl);
      process.stderr.write(`locktools: ${tool} lock took ${Date.now() - t0} ms\n`);
      const lockPath = path.join(dir, LOCK_FILES[tool]);
      locks[tool] = readFileSync(lockPath, 'utf8');
      expect(statSync(lockPath).uid).toBe(process.getuid!());
      // Nothing else in the project (virtualenvs and caches went to the temporary HOME) ...
      expect(readdirSync(dir).sort()).toEqual([file, LOCK_FILES[tool]].sort());
      // ... and its own file is as it was.
      expect(readFileSync(path.join(dir, file), 'utf8')).toBe(before);
    });

    it("pins the dependency closure at the index's versions with the index's wheel sha256s", () => {
      const locked = readLock(tool, locks[tool]!);
      const mainClosure = closure(index, main);
      const devClosure = closure(index, [dev]).filter((n) => !mainClosure.includes(n));
      expect(mainClosure).toEqual(['blinker', 'click', 'flask', 'gunicorn', 'itsdangerous', 'jinja2', 'markupsafe', 'packaging', 'werkzeug']);
      expect(devClosure).toEqual(['markdown-it-py', 'mdurl']);
      // pipenv resolves for this platform; poetry and pdm for every one, so click's
      // `colorama; platform_system == "Windows"` is locked too, with that marker.
      const windowsOnly = tool === 'pipenv' ? [] : ['colorama'];
      expect([...locked.keys()].sort()).toEqual([...mainClosure, ...devClosure, ...windowsOnly].sort());
      for (const [name, l] of locked) {
        const d = index.distributions[name]!;
        expect(l.version, name).toBe(d.version);
        expect(l.hashes, name).toEqual(indexHashes(index, name, l.version));
        expect(l.hashes.length, name).toBeGreaterThan(0);
        expect(l.groups, name).toEqual([devClosure.includes(name) ? 'dev' : 'main']);
        if (windowsOnly.includes(name)) expect(l.marker, name).toBe('platform_system == "Windows"');
      }
      // The compiled one: the cp313 wheel of the version locked (the index also has a cp311 one of another).
      expect(locked.get('markupsafe')!.hashes).toEqual([index.distributions['markupsafe']!.sha256]);
    });

    it('writes the lock format of this tool version', () => {
      const text = locks[tool]!;
      if (tool === 'poetry') {
        const lock = parse(text) as Toml;
        expect(text).toMatch(/^# This file is automatically @generated by Poetry 2\.1\.\d+ and should not be changed by hand\.\n/);
        expect(lock['metadata']['lock-version']).toBe('2.1');
        expect(lock['metadata']['python-versions']).toBe('>=3.13');
        expect(lock['metadata']['content-hash']).toMatch(/^[0-9a-f]{64}$/);
        // groups (no category); markers only where there is one; no source: as locked from PyPI.
        for (const p of lock['package'] as Toml[]) {
          expect(Object.keys(p).sort(), p['name']).toEqual(
            expect.arrayContaining(['name', 'version', 'description', 'optional', 'python-versions', 'groups', 'files']),
          );
          expect(p['category'], p['name']).toBeUndefined();
          expect(p['source'], p['name']).toBeUndefined();
          expect(p['optional'], p['name']).toBe(false);
        }
        expect(text).not.toContain('127.0.0.1');
      } else if (tool === 'pdm') {
        const lock = parse(text) as Toml;
        expect(text.startsWith('# This file is @generated by PDM.\n')).toBe(true);
        expect(lock['metadata']).toEqual({
          groups: ['default', 'dev'],
          strategy: ['inherit_metadata'],
          lock_version: '4.5.0',
          content_hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          targets: [{ requires_python: '>=3.13' }],
        });
        expect(text).not.toContain('127.0.0.1');
      } else {
        const lock = JSON.parse(text);
        expect(Object.keys(lock).sort()).toEqual(['_meta', 'default', 'develop']);
        expect(lock._meta).toEqual({
          hash: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
          'pipfile-spec': 6,
          requires: { python_version: '3.13' },
          // The Pipfile's source, not the mirror the lock was resolved from.
          sources: [{ name: 'pypi', url: 'https://pypi.org/simple', verify_ssl: true }],
        });
        // Direct dependencies name their index; every package has a marker (its Requires-Python).
        for (const name of [...main]) expect(lock.default[name].index).toBe('pypi');
        expect(lock.develop[dev].index).toBe('pypi');
        expect(lock.default['click'].index).toBeUndefined();
        expect(text).not.toContain('127.0.0.1');
      }
    });

    it('writes the same lock again when nothing changed', async () => {
      await lockWith(tool, dir, s!.indexUrl);
      expect(readFileSync(path.join(dir, LOCK_FILES[tool]), 'utf8')).toBe(locks[tool]);
    });
  });

  it("poetry, { poetrySource: 'project' }: adds the index to pyproject.toml as primary and keeps it in poetry.lock", async () => {
    const { dir, file } = writeProject('poetry', main, dev);
    await lockWith('poetry', dir, s!.indexUrl, { poetrySource: 'project' });
    const pyproject = parse(readFileSync(path.join(dir, file), 'utf8')) as Toml;
    expect(pyproject['tool']['poetry']['source']).toEqual([{ name: POETRY_SOURCE_NAME, url: s!.indexUrl, priority: 'primary' }]);
    const text = readFileSync(path.join(dir, 'poetry.lock'), 'utf8');
    const lock = parse(text) as Toml;
    for (const p of lock['package'] as Toml[]) {
      expect(p['source'], p['name']).toEqual({ type: 'legacy', url: s!.indexUrl.replace(/\/$/, ''), reference: POETRY_SOURCE_NAME });
    }
    // The same resolution as the default mode, sources aside.
    const strip = (t: string) => t.replace(/\n\[package\.source\]\n(?:.+\n)+/g, '').replace(/^content-hash = .*$/m, '');
    expect(strip(text)).toBe(strip(locks.poetry!));
    // The default mode's content-hash is the one of the untouched pyproject.toml.
    const before = parse(locks.poetry!) as Toml;
    expect(lock['metadata']['content-hash']).not.toBe(before['metadata']['content-hash']);
  });
});

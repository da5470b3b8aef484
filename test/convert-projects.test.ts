/**
 * The real projects of test/fixtures/convert (sources and ground truth in its sources.json),
 * converted with `--existing --yes --force` in their repository layout (a monorepo member inside
 * its root): each is converted or refused in one line, as expected; the project's own files stay
 * byte-identical (an old Dockerfile kept as .bak, an old .dockerignore merged); DISTROLESS.md lists
 * every instruction of the old Dockerfile that was not carried over; lock files are read as their
 * own group markers say; and none exits 0 with a Dockerfile that installs nothing while the
 * project declares dependencies.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { detect } from '../lib/detect.js';
import { theirRules } from '../lib/dockerignore.js';
import { readOldDockerfile } from '../lib/old-dockerfile.js';
import { ROOT, runBin, snapshot } from './helpers.js';

const CONVERT = path.join(ROOT, 'test/fixtures/convert');
type Source = { repo: string; commit: string; project: string; facts: { mainDependencies: string[] | null } };
const SOURCES = JSON.parse(readFileSync(path.join(CONVERT, 'sources.json'), 'utf8')) as Record<string, Source>;

interface Case {
  flags?: string[];
  /** The last line of stderr, for a refusal. */
  refused?: string;
  /** Lines the conversion prints (each a prefix of a stderr line). */
  found?: string[];
}

const CASES: Record<string, Case> = {
  babybuddy: { found: ['found: dependencies: requirements.txt (47 requirements)', 'found: writes beside its code: an SQLite database (babybuddy/settings/base.py:118), MEDIA_ROOT (uploaded files) (babybuddy/settings/base.py:262)'] },
  cowrie: {
    refused: "error: --entrypoint: found 'python /cowrie/cowrie-env/bin/twistd -n --umask=0022 --pidfile= --logger cowrie.python.logfile.stdoutLogger cowrie' (docker/Dockerfile ENTRYPOINT + CMD), which is not usable: python needs a script path ending in .py or -m and a module (e.g. 'python -m uvicorn app:app'); give the command with --entrypoint",
  },
  ctfd: { refused: "error: --entrypoint: found 'gunicorn 'CTFd:create_app()' --bind 0.0.0.0:8000 --workers '$WORKERS' --worker-tmp-dir '$WORKER_TEMP_DIR' --worker-class '$WORKER_CLASS' --access-logfile '$ACCESS_LOG' --error-logfile '$ERROR_LOG'' (docker-entrypoint.sh (exec line), run by Dockerfile ENTRYPOINT), which is not usable: $WORKERS, $WORKER_TEMP_DIR, $WORKER_CLASS, $ACCESS_LOG, $ERROR_LOG are shell variables, which nothing expands in the image; give the command with --entrypoint" },
  'ctfd-given': { flags: ['--entrypoint', "gunicorn 'CTFd:create_app()' --bind 0.0.0.0:8000", '--port', '8000'], found: ['found: dependencies: requirements.txt (69 requirements)', 'found: writes beside its code: an SQLite database (CTFd/config.py:116), an upload folder (CTFd/config.py:222)'] },
  fava: { found: ['found: dependencies: uv.lock (94 locked packages, exported frozen with their hashes); the project is installed too', 'found: version: from git (setuptools-scm, '] },
  flaskbb: {
    refused: "error: directory: requirements.txt: 'flask-allows @ git+https://github.com/flaskbb/flask-allows.git@master#egg=flask-allows' installs from git, not from an index, and the build stage has no git or network of its own: publish it to your index, pin it there, and run again",
  },
  'full-stack-fastapi-backend': { found: ["found: dependencies: ../uv.lock, a uv workspace (80 locked packages; app's are exported frozen with their hashes); the image builds from the workspace root; the project is installed too"] },
  hatch: { found: ['found: dependencies: pyproject.toml [project].dependencies (19); the project is installed too', 'found: version: from git (hatch-vcs, '] },
  kinto: { found: ['found: dependencies: pyproject.toml [project].dependencies (14); the project is installed too', 'found: version: from git (setuptools-scm, '] },
  nautobot: { found: ["found: dependencies: poetry.lock (220 locked packages; the main group's are installed with their hashes, read from the lock at each build); the project is installed too", 'found: BUILD_PACKAGES '] },
  pdm: { found: ["found: dependencies: pdm.lock (100 locked packages; the default group's are installed with their hashes, read from the lock at each build); the project is installed too", 'found: version: from git (pdm-backend, '] },
  pinry: { refused: 'error: --entrypoint: no start command found (no compose command, Dockerfile CMD or ENTRYPOINT, Procfile, start script, [project.scripts], __main__.py, or main.py/app.py with a __main__ block); give one' },
  'pinry-given': { flags: ['--entrypoint', 'gunicorn pinry.wsgi -b 0.0.0.0:8000', '--port', '8000'], found: ['found: dependencies: requirements.txt (28 requirements, hash-checked); the project is installed too (pyproject.toml [build-system])'] },
  'postmodern-mono-server': { refused: "error: --entrypoint: found 'python /workspace/apps/server/postmodern/server/run.py' (Dockerfile CMD), which is not usable: must be a path relative to the project, not absolute; give the command with --entrypoint" },
  shynet: { found: ["found: dependencies: poetry.lock (83 locked packages; the main group's are installed with their hashes, read from the lock at each build); the project is installed too"] },
  'taiga-back': { found: ['found: dependencies: requirements.txt (89 requirements)', 'found: writes beside its code: MEDIA_ROOT (uploaded files) (settings/common.py:231)', 'found: BUILD_PACKAGES '] },
  tock: { refused: "error: --entrypoint: found 'python /tock/docker_entrypoint.py python manage.py runserver 0.0.0.0:8000' (docker-compose.yml services.application.entrypoint + command), which is not usable: must be a path relative to the project, not absolute; give the command with --entrypoint" },
  'tock-given': { flags: ['--entrypoint', 'gunicorn tock.wsgi -b 0.0.0.0:8000', '--port', '8000', '--python', '3.11'], found: ["found: dependencies: Pipfile.lock (45 locked packages; the default group's are installed with their hashes, read from the lock at each build)"] },
};

/** The fixture in its repository's layout: the project at its path, the repository root's files around it. */
function layout(fixture: string): { root: string; dir: string } {
  const source = SOURCES[fixture];
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-convert-')), 'repo');
  const dir = path.join(root, source.project || '.');
  mkdirSync(dir, { recursive: true });
  const from = path.join(CONVERT, fixture);
  if (existsSync(path.join(from, '_repo-root'))) cpSync(path.join(from, '_repo-root'), root, { recursive: true });
  for (const entry of readdirSync(from)) if (entry !== '_repo-root') cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true });
  return { root, dir };
}

const INSTALLS = /--require-hashes|--requirement|uv export --frozen|tomllib\.load/;

describe('real projects to convert (test/fixtures/convert)', () => {
  it('every fixture has a case here, and every case a fixture', () => {
    expect(Object.keys(CASES).map((c) => c.replace(/-given$/, '')).filter((c, i, all) => all.indexOf(c) === i).sort()).toEqual(Object.keys(SOURCES).sort());
  });

  it.each(Object.entries(CASES))('%s', (name, c) => {
    const fixture = name.replace(/-given$/, '');
    const { root, dir } = layout(fixture);
    const before = snapshot(root);
    const r = runBin(['--existing', dir, '--yes', '--force', ...(c.flags ?? [])], root);
    const after = snapshot(root);
    const lines = r.stderr.trim().split('\n');
    if (c.refused) {
      expect(r.status, r.stderr).toBe(1);
      expect(lines.at(-1)).toBe(c.refused);
      expect(after).toEqual(before);
      return;
    }
    expect(r.status, r.stderr).toBe(0);
    for (const line of c.found ?? []) expect(lines.some((l) => l.startsWith(line)), `${line}\n---\n${r.stderr}`).toBe(true);
    const prefix = path.relative(root, dir);
    const at = (file: string): string => (prefix ? `${prefix}/${file}` : file);
    // Every file of the project is as it was; what was added is ours, an old Dockerfile is kept.
    for (const [file, content] of Object.entries(before)) {
      if (file === at('Dockerfile')) expect(after[at('Dockerfile.bak')]).toBe(content);
      else if (file === at('.dockerignore') && detect(dir).install.kind !== 'uv-workspace') expect(after[file].startsWith(theirRules(content).trimEnd())).toBe(true);
      else expect(after[file], file).toBe(content);
    }
    // A uv workspace member builds from the root: its ignore file is Dockerfile.dockerignore, and its .dockerignore stays as it is.
    const workspace = detect(dir).install.kind === 'uv-workspace';
    const ignore = workspace ? [at('Dockerfile.dockerignore')] : before[at('.dockerignore')] ? [] : [at('.dockerignore')];
    expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual(
      [at('DISTROLESS.md'), ...(before[at('Dockerfile')] ? [at('Dockerfile.bak')] : [at('Dockerfile')]), ...ignore, ...(before[at('Makefile')] ? [] : [at('Makefile')])].sort(),
    );
    // Never an image without the dependencies the project declares.
    const dockerfile = after[at('Dockerfile')];
    if ((SOURCES[fixture].facts.mainDependencies ?? []).length > 0) expect(dockerfile).toMatch(INSTALLS);
    // Nothing of the old Dockerfile dropped without a word.
    const d = detect(dir);
    if (d.oldDockerfile) {
      const old = readOldDockerfile(d.oldDockerfile.file, d.oldDockerfile.text, { dependencies: 'x', unpinnedAllowed: true, managePy: false });
      const md = after[at('DISTROLESS.md')];
      for (const i of old.instructions.filter((x) => x.verdict === 'not carried')) expect(md, i.text).toContain(`\`${i.text.replaceAll('|', '\\|').replaceAll('`', "'")}\``);
    }
  });

  /** The lock's own word for production: Poetry 2.1's and PDM's groups, Poetry 1.1's category. */
  it.each([
    ['nautobot', 'poetry', 'poetry.lock'],
    ['shynet', 'poetry', 'poetry.lock'],
    ['pdm', 'pdm', 'pdm.lock'],
    ['tock', 'pipenv', 'Pipfile.lock'],
  ])('%s: lock_requirements.py selects what %s marks for production, with every direct dependency', (fixture, tool, lock) => {
    const dir = path.join(CONVERT, fixture);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'dp-convert-lock-')), 'requirements.txt');
    const r = spawnSync('python3', [path.join(ROOT, 'templates/lock_requirements.py'), tool, dir, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const norm = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');
    const selected = readFileSync(out, 'utf8').split('\n').filter((l) => /^\S/.test(l)).map((l) => norm(/^[^=[ ]+/.exec(l)![0])).sort();
    const text = readFileSync(path.join(dir, lock), 'utf8');
    const oracle =
      tool === 'pipenv'
        ? Object.keys((JSON.parse(text) as { default: Record<string, unknown> }).default)
        : ((parseToml(text) as { package: { name: string; groups?: string[]; category?: string }[] }).package)
            .filter((p) => (p.groups ? p.groups.includes('main') || p.groups.includes('default') : p.category === 'main'))
            .map((p) => p.name);
    expect(selected).toEqual([...new Set(oracle.map(norm))].sort());
    for (const name of SOURCES[fixture].facts.mainDependencies ?? []) expect(selected, name).toContain(norm(name));
  });
});

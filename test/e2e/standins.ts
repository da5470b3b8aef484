/**
 * Offline stand-ins for the e2e tests: local images that behave like
 * python:3.13-slim-trixie, gcr.io/distroless/python3-debian13 and
 * cc-debian13, debian:trixie-slim, ghcr.io/astral-sh/uv:0.12.5 and
 * cgr.dev/chainguard/python, a local PEP 503 index and a local
 * python-build-standalone mirror, all built from Debian packages (trixie;
 * bookworm for CPython 3.11, sid for 3.14 and 3.15) by the recipes in
 * ./standins (see build.sh there). Nothing is pulled from an image registry, PyPI or GitHub; the index
 * and the mirror are served on 127.0.0.1 only. One more image, standin/locktools,
 * stands in for no published image: it has the real poetry, pipenv and pdm of
 * trixie, for writing lock files against the local index (see locktools.ts).
 *
 * Set E2E_REAL_IMAGES=1 on a machine that reaches the real registries: then
 * ensureStandins() returns the real image names, PIP_INDEX_URL (or '' for
 * PyPI) and UV_PYTHON_INSTALL_MIRROR (or '' for uv's default) and builds
 * nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UV, UV_IMAGE, uvRelease } from '../../lib/catalogue.js';

export interface Standins {
  builder: string;
  runtime: { latest: string; nonroot: string; debug: string; debugNonroot: string };
  /** gcr.io/distroless/cc-debian13: glibc, libssl, libstdc++, no python, no shell, no ENTRYPOINT. */
  cc: { latest: string; nonroot: string };
  /** ghcr.io/astral-sh/uv:0.12.5 (/uv, /uvx). The stand-in's /uv is a Python script: it runs in a builder with /usr/bin/python3 only. */
  uv: string;
  /** debian:trixie-slim, the standalone strategy's builder (the stand-in also has python3, for the fake uv). */
  debianSlim: string;
  /**
   * cgr.dev/chainguard/python (see chainguardPythonVersion()); `next`, stand-ins only: latest as it
   * will be once Chainguard moves it to the next minor, for the build's version guard.
   */
  chainguard: { latest: string; latestDev: string; next?: string };
  /**
   * The real poetry, pipenv and pdm (Debian trixie's), for lockWith() in locktools.ts; no
   * published image has all three, so '' in real mode.
   */
  locktools: string;
  /** e.g. http://127.0.0.1:40123/simple/ ; '' means PyPI (real mode without PIP_INDEX_URL). */
  indexUrl: string;
  /**
   * UV_PYTHON_INSTALL_MIRROR for `uv python install`, e.g. http://127.0.0.1:40123/pbs ;
   * '' means uv's default (real mode without UV_PYTHON_INSTALL_MIRROR).
   */
  pythonMirror: string;
  /** minor -> the full CPython version `uv python install <minor>` gets, e.g. { '3.11': '3.11.2' }. */
  pythons: Record<string, string>;
  /** 'standin' (local images + local index) or 'real' (E2E_REAL_IMAGES=1). */
  mode: 'standin' | 'real';
  /** Contents of the local index (null in real mode). */
  index: IndexManifest | null;
  /** Stops the index server (idempotent). */
  stop(): Promise<void>;
}

export interface IndexDistribution {
  name: string;
  version: string;
  wheel: string;
  sha256: string;
  tag: string;
  compiled: boolean;
  requiresPython: string | null;
  requiresDist: string[];
  /** Normalized names of index distributions this one needs. */
  dependsOn: string[];
  debian: { package: string; version: string };
  /** More wheels of this project, from other Debian suites (on the same simple page). */
  extraWheels?: IndexWheel[];
}

export interface IndexManifest {
  format: number;
  recipeHash: string;
  source: string;
  /** role -> normalized distribution name: simple, with-dependency, dependency, compiled, depends-on-compiled */
  roles: Record<string, string>;
  /** keyed by normalized (PEP 503) name */
  distributions: Record<string, IndexDistribution>;
}

/** A wheel of another Debian suite for the same project (e.g. cp311 MarkupSafe from bookworm). */
export interface IndexWheel {
  version: string;
  wheel: string;
  sha256: string;
  tag: string;
  compiled: boolean;
  requiresPython: string | null;
  debian: { package: string; version: string; suite: string };
}

/** $CACHE/pbs/pbs.json: the python-build-standalone stand-in mirror (pbs.sh). */
export interface PbsManifest {
  format: number;
  recipeHash: string;
  /** The mirror's one release directory (real PBS: a date). */
  release: string;
  platform: string;
  source: string;
  /** keyed by minor version, e.g. '3.11' */
  pythons: Record<
    string,
    {
      version: string;
      /** uv's installation name, e.g. cpython-3.11.2-linux-x86_64-gnu */
      key: string;
      /** what uv downloads, relative to the mirror */
      url: string;
      files: Record<'install_only' | 'install_only_stripped', string>;
      sha256: string;
      size: number;
      suite: string;
      debian: { package: string; version: string };
      packages: Record<string, string>;
      bundledLibraries: Record<string, string>;
      ensurepip: Record<string, string>;
      /** lib-dynload modules left out (built against a newer glibc than the runtime's), with the symbol versions they need */
      leftOut: Record<string, string[]>;
    }
  >;
}

export type Component = 'runtime' | 'builder' | 'index' | 'cc' | 'pbs' | 'uv' | 'debian' | 'chainguard' | 'locktools';

/** Every component, in build (dependency) order: the same as build.sh. */
export const COMPONENTS: readonly Component[] = ['runtime', 'builder', 'index', 'cc', 'pbs', 'uv', 'debian', 'chainguard', 'locktools'];

/**
 * Components built from (or reusing the recipe code of) others, whose hashes
 * are part of theirs: the same table as DEPS in standins/common.sh.
 */
export const DEPS: Readonly<Partial<Record<Component, readonly Component[]>>> = {
  cc: ['runtime'],
  uv: ['pbs'],
  debian: ['builder'],
  chainguard: ['cc', 'pbs', 'debian'],
};

export const STANDINS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'standins');
export const BUILD_SCRIPT = join(STANDINS_DIR, 'build.sh');
export const STANDIN_BUILDER = 'standin/python:3.13-slim-trixie';
export const STANDIN_RUNTIME_REPO = 'standin/distroless-python3-debian13';
export const STANDIN_CC_REPO = 'standin/distroless-cc-debian13';
export const STANDIN_UV = 'standin/uv:0.12.5';
export const STANDIN_DEBIAN_SLIM = 'standin/debian:trixie-slim';
export const STANDIN_CHAINGUARD_REPO = 'standin/chainguard-python';
/** The real poetry, pipenv and pdm of Debian trixie (standins/locktools.sh; same name as in build.sh). */
export const STANDIN_LOCKTOOLS = 'standin/locktools:latest';
export const REAL_BUILDER = 'python:3.13-slim-trixie';
export const REAL_RUNTIME_REPO = 'gcr.io/distroless/python3-debian13';
export const REAL_CC_REPO = 'gcr.io/distroless/cc-debian13';
export const REAL_UV = UV_IMAGE;
export const REAL_DEBIAN_SLIM = 'debian:trixie-slim';
export const REAL_CHAINGUARD_REPO = 'cgr.dev/chainguard/python';
/** Real mode: what the pinned uv installs for `uv python install X.Y`, its final releases only (the catalogue's UV.pythons). */
export const REAL_UV_PYTHONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(UV.pythons).flatMap((minor) => (uvRelease(minor) ? [[minor, uvRelease(minor)!]] : [])),
);
const HASH_LABEL = 'standins.recipe-hash';
const PBS_LABEL = 'standins.pbs-manifest';
const PYVER_LABEL = 'standins.python-version';
const RUNTIME_TAGS = ['latest', 'nonroot', 'debug', 'debug-nonroot'] as const;

export function dockerBin(): string {
  return process.env['DOCKER'] || 'docker';
}

export function realMode(): boolean {
  return process.env['E2E_REAL_IMAGES'] === '1';
}

/** Same default as common.sh. */
export function cacheDir(): string {
  const env = process.env;
  if (env['STANDINS_CACHE']) return env['STANDINS_CACHE'];
  const xdg = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(xdg, 'distroless-python-standins');
}

export function indexDir(): string {
  return join(cacheDir(), 'index');
}

/** The python-build-standalone stand-in mirror (served at /pbs/ by the index server). */
export function pbsDir(): string {
  return join(cacheDir(), 'pbs');
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws for a non-zero exit. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env, encoding: 'utf8' },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
          if (typeof e.code === 'number') code = e.code;
          else if (e.code === 'ENOENT') {
            code = 127;
            stderr = `${cmd}: not found`;
          } else code = e.killed ? 124 : 1;
          if (e.killed) stderr += `\n${cmd}: killed after ${opts.timeoutMs} ms`;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export function docker(args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return runCommand(dockerBin(), args, opts);
}

/** The docker CLI as the generated projects' users run it: BuildKit, plain progress, up to 10 minutes a call. */
export function dockerBuildkit(args: readonly string[]): Promise<RunResult> {
  return runCommand('/usr/bin/docker', args, { timeoutMs: 600_000, env: { ...process.env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' } });
}

export async function dockerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const r = await docker(['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}'], { timeoutMs: 30_000 });
  if (r.code === 127) return { ok: false, reason: `docker CLI '${dockerBin()}' not found (apt-get install docker.io)` };
  if (r.code !== 0) {
    const line = r.stderr.trim().split('\n').find((l) => l.trim() !== '') ?? `exit ${r.code}`;
    return { ok: false, reason: `docker daemon not reachable: ${line.trim()}` };
  }
  const platform = r.stdout.trim();
  if (!realMode() && platform !== 'linux/amd64') {
    return { ok: false, reason: `the stand-ins are built from amd64 .debs; this daemon is ${platform}` };
  }
  return { ok: true };
}

/**
 * sha256 over "<file> <sha256>\n" lines of common.* then <component>.* in the
 * recipe directory, each group in C order, then "dep <component> <hash>\n"
 * lines for its DEPS: the same as recipe_hash() in standins/common.sh (a test
 * compares the two).
 */
export function recipeHash(component: Component): string {
  const files = readdirSync(STANDINS_DIR);
  const group = (prefix: string) => files.filter((f) => f.startsWith(`${prefix}-`) || f.startsWith(`${prefix}.`)).sort();
  const h = createHash('sha256');
  for (const f of [...group('common'), ...group(component)]) {
    const data = readFileSync(join(STANDINS_DIR, f));
    h.update(`${f} ${createHash('sha256').update(data).digest('hex')}\n`);
  }
  for (const dep of DEPS[component] ?? []) h.update(`dep ${dep} ${recipeHash(dep)}\n`);
  return h.digest('hex');
}

async function imageLabel(image: string, label = HASH_LABEL): Promise<string> {
  const r = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, image], {
    timeoutMs: 60_000,
  });
  return r.code === 0 ? r.stdout.trim() : '';
}

/**
 * The Python version a Chainguard stand-in runs (its standins.python-version
 * label, e.g. '3.14.10'); '' for images without the label (the real ones: ask
 * the image).
 */
export function chainguardPythonVersion(image: string): Promise<string> {
  return imageLabel(image, PYVER_LABEL);
}

export function readIndexManifest(): IndexManifest | null {
  try {
    return JSON.parse(readFileSync(join(indexDir(), 'index.json'), 'utf8')) as IndexManifest;
  } catch {
    return null;
  }
}

export function readPbsManifest(): PbsManifest | null {
  try {
    return JSON.parse(readFileSync(join(pbsDir(), 'pbs.json'), 'utf8')) as PbsManifest;
  } catch {
    return null;
  }
}

function fileSha256(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}

/** Components whose images (index, mirror) are missing or built from other recipes, in build order. */
export async function staleComponents(): Promise<Component[]> {
  const labelsAre = async (hash: string, images: string[]) =>
    (await Promise.all(images.map((i) => imageLabel(i)))).every((l) => l === hash);
  const current: Record<Component, () => Promise<boolean>> = {
    runtime: () => labelsAre(recipeHash('runtime'), RUNTIME_TAGS.map((t) => `${STANDIN_RUNTIME_REPO}:${t}`)),
    builder: () => labelsAre(recipeHash('builder'), [STANDIN_BUILDER]),
    index: async () => readIndexManifest()?.recipeHash === recipeHash('index'),
    cc: () => labelsAre(recipeHash('cc'), [`${STANDIN_CC_REPO}:latest`, `${STANDIN_CC_REPO}:nonroot`]),
    pbs: async () => readPbsManifest()?.recipeHash === recipeHash('pbs'),
    // ... and the fake uv must know the mirror's current files.
    uv: async () =>
      (await labelsAre(recipeHash('uv'), [STANDIN_UV])) &&
      (await imageLabel(STANDIN_UV, PBS_LABEL)) === fileSha256(join(pbsDir(), 'pbs.json')),
    debian: () => labelsAre(recipeHash('debian'), [STANDIN_DEBIAN_SLIM]),
    chainguard: async () => {
      const images = ['latest', 'latest-dev', 'next'].map((t) => `${STANDIN_CHAINGUARD_REPO}:${t}`);
      if (!(await labelsAre(recipeHash('chainguard'), images))) return false;
      const pbs = fileSha256(join(pbsDir(), 'pbs.json'));
      return (await Promise.all(images.map((i) => imageLabel(i, PBS_LABEL)))).every((l) => l === pbs);
    },
    locktools: () => labelsAre(recipeHash('locktools'), [STANDIN_LOCKTOOLS]),
  };
  const stale: Component[] = [];
  for (const c of COMPONENTS) if (!(await current[c]())) stale.push(c);
  return stale;
}

/** Runs build.sh for the given components; its progress goes to our stderr. */
export function buildStandins(components: readonly Component[] = [], force = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [BUILD_SCRIPT, ...(force ? ['--force'] : []), ...components];
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Forward both streams to our stderr, so the build's progress and errors
    // are visible under the test runner.
    let tail = '';
    const forward = (b: Buffer) => {
      process.stderr.write(b);
      tail = (tail + b.toString('utf8')).slice(-8192);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      // Lead with the recipe's own "ERROR: ..." line, the useful part.
      const why = tail.split('\n').reverse().find((l) => l.includes('ERROR: '));
      const cause = why ? why.slice(why.indexOf('ERROR: ') + 7) : `exit code ${code}`;
      reject(new Error(`${cause} (bash ${args.join(' ')} failed)`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface IndexServer {
  /** The index: http://127.0.0.1:<port>/simple/ */
  url: string;
  /** The python-build-standalone mirror: http://127.0.0.1:<port>/pbs */
  pythonMirror: string;
  stop(): Promise<void>;
}

/**
 * python3's http.server on 127.0.0.1:PORT serving INDEX_DIR, and PBS_DIR under
 * /pbs/, plus a watchdog: the server exits when its stdin (a pipe from this
 * process) closes, so it cannot outlive a test run that was killed before
 * stop(). Arguments: INDEX_DIR PBS_DIR PORT.
 */
const SERVE_PY = [
  'import http.server, os, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()',
  'index_dir, pbs_dir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])',
  'class Handler(http.server.SimpleHTTPRequestHandler):',
  '    def translate_path(self, path):',
  "        bare = path.split('?', 1)[0].split('#', 1)[0]",
  "        if bare == '/pbs' or bare.startswith('/pbs/'):",
  "            self.directory, path = pbs_dir, bare[4:] or '/'",
  '        else:',
  '            self.directory = index_dir',
  '        return super().translate_path(path)',
  '    def log_message(self, *args):',
  '        pass',
  "http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()",
].join('\n');

/** Serves indexDir() (and pbsDir() under /pbs/) with python3's http.server on 127.0.0.1 and a free port. */
export async function startIndexServer(): Promise<IndexServer> {
  const python = process.env['STANDINS_PYTHON'] || 'python3';
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // Detached (own process group, killed as a group by stop()); only the
    // watchdog pipe ties it to us.
    const child: ChildProcess = spawn(
      python,
      ['-c', SERVE_PY, indexDir(), pbsDir(), String(port)],
      { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
    );
    child.unref();
    (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    child.on('error', (e) => {
      exited = true;
      lastError = String(e);
    });
    // Kill it even when a test run dies before stop().
    const killer = () => killGroup(child);
    process.once('exit', killer);
    const url = `http://127.0.0.1:${port}/simple/`;
    for (let i = 0; i < 100 && !exited; i++) {
      if ((await httpStatus(url)) === 200) {
        return {
          url,
          pythonMirror: `http://127.0.0.1:${port}/pbs`,
          stop: async () => {
            process.removeListener('exit', killer);
            if (exited) return;
            const done = new Promise<void>((r) => child.once('exit', () => r()));
            killGroup(child);
            await Promise.race([done, sleep(5000)]);
          },
        };
      }
      await sleep(100);
    }
    process.removeListener('exit', killer);
    killGroup(child);
    lastError ||= exited ? `${python} http.server exited (port ${port} taken?)` : `no answer on ${url}`;
  }
  throw new Error(`cannot start the local index server: ${lastError}`);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM'); // detached: its own process group
  } catch {
    try {
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

/** The four distroless python3 tags of a repository. */
function runtimeTags(repo: string): Standins['runtime'] {
  return { latest: `${repo}:latest`, nonroot: `${repo}:nonroot`, debug: `${repo}:debug`, debugNonroot: `${repo}:debug-nonroot` };
}

export async function ensureStandins(): Promise<Standins> {
  if (realMode()) {
    return {
      mode: 'real',
      builder: REAL_BUILDER,
      runtime: runtimeTags(REAL_RUNTIME_REPO),
      cc: { latest: `${REAL_CC_REPO}:latest`, nonroot: `${REAL_CC_REPO}:nonroot` },
      uv: REAL_UV,
      debianSlim: REAL_DEBIAN_SLIM,
      chainguard: { latest: `${REAL_CHAINGUARD_REPO}:latest`, latestDev: `${REAL_CHAINGUARD_REPO}:latest-dev` },
      locktools: '',
      indexUrl: process.env['PIP_INDEX_URL'] ?? '',
      pythonMirror: process.env['UV_PYTHON_INSTALL_MIRROR'] ?? '',
      pythons: { ...REAL_UV_PYTHONS },
      index: null,
      stop: async () => {},
    };
  }
  const stale = await staleComponents();
  if (stale.length > 0) {
    process.stderr.write(`[standins] building ${stale.join(', ')} (bash ${BUILD_SCRIPT})\n`);
    await buildStandins(stale);
    const still = await staleComponents();
    if (still.length > 0) throw new Error(`stand-ins still outdated after the build: ${still.join(', ')}`);
  }
  const index = readIndexManifest();
  if (!index) throw new Error(`no index manifest in ${indexDir()}`);
  const pbs = readPbsManifest();
  if (!pbs) throw new Error(`no python-build-standalone manifest in ${pbsDir()}`);
  const server = await startIndexServer();
  return {
    mode: 'standin',
    builder: STANDIN_BUILDER,
    runtime: runtimeTags(STANDIN_RUNTIME_REPO),
    cc: { latest: `${STANDIN_CC_REPO}:latest`, nonroot: `${STANDIN_CC_REPO}:nonroot` },
    uv: STANDIN_UV,
    debianSlim: STANDIN_DEBIAN_SLIM,
    chainguard: { latest: `${STANDIN_CHAINGUARD_REPO}:latest`, latestDev: `${STANDIN_CHAINGUARD_REPO}:latest-dev`, next: `${STANDIN_CHAINGUARD_REPO}:next` },
    locktools: STANDIN_LOCKTOOLS,
    indexUrl: server.url,
    pythonMirror: server.pythonMirror,
    pythons: Object.fromEntries(Object.entries(pbs.pythons).map(([minor, p]) => [minor, p.version])),
    index,
    stop: server.stop,
  };
}

/** The build args that point a standalone-strategy project at these images and the Python mirror. */
export function standaloneBuildArgs(s: Omit<Standins, 'stop'>, runtime: string): string[] {
  return [
    '--build-arg',
    `UV_IMAGE=${s.uv}`,
    '--build-arg',
    `BUILDER_IMAGE=${s.debianSlim}`,
    '--build-arg',
    `RUNTIME_IMAGE=${runtime}`,
    ...(s.pythonMirror ? ['--build-arg', `UV_PYTHON_INSTALL_MIRROR=${s.pythonMirror}`] : []),
  ];
}

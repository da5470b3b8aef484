/**
 * Offline stand-ins for the e2e tests: local images that behave like
 * python:3.13-slim-trixie and gcr.io/distroless/python3-debian13, and a local
 * PEP 503 index, all built from Debian trixie packages by the recipes in
 * ./standins (see build.sh there). Nothing is pulled from an image registry or
 * PyPI; the index is served on 127.0.0.1 only.
 *
 * Set E2E_REAL_IMAGES=1 on a machine that reaches the real registries: then
 * ensureStandins() returns the real image names and PIP_INDEX_URL (or '' for
 * PyPI) and builds nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Standins {
  builder: string;
  runtime: { latest: string; nonroot: string; debug: string; debugNonroot: string };
  /** e.g. http://127.0.0.1:40123/simple/ ; '' means PyPI (real mode without PIP_INDEX_URL). */
  indexUrl: string;
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

export type Component = 'runtime' | 'builder' | 'index';

export const STANDINS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'standins');
export const BUILD_SCRIPT = join(STANDINS_DIR, 'build.sh');
export const STANDIN_BUILDER = 'standin/python:3.13-slim-trixie';
export const STANDIN_RUNTIME_REPO = 'standin/distroless-python3-debian13';
export const REAL_BUILDER = 'python:3.13-slim-trixie';
export const REAL_RUNTIME_REPO = 'gcr.io/distroless/python3-debian13';
const HASH_LABEL = 'standins.recipe-hash';
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
 * recipe directory, each group in C order: the same as recipe_hash() in
 * standins/common.sh (a test compares the two).
 */
export function recipeHash(component: Component): string {
  const files = readdirSync(STANDINS_DIR);
  const group = (prefix: string) => files.filter((f) => f.startsWith(`${prefix}-`) || f.startsWith(`${prefix}.`)).sort();
  const h = createHash('sha256');
  for (const f of [...group('common'), ...group(component)]) {
    const data = readFileSync(join(STANDINS_DIR, f));
    h.update(`${f} ${createHash('sha256').update(data).digest('hex')}\n`);
  }
  return h.digest('hex');
}

async function imageLabel(image: string): Promise<string> {
  const r = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${HASH_LABEL}" }}`, image], {
    timeoutMs: 60_000,
  });
  return r.code === 0 ? r.stdout.trim() : '';
}

export function readIndexManifest(): IndexManifest | null {
  try {
    return JSON.parse(readFileSync(join(indexDir(), 'index.json'), 'utf8')) as IndexManifest;
  } catch {
    return null;
  }
}

/** Components whose images (or index) are missing or built from other recipes. */
export async function staleComponents(): Promise<Component[]> {
  const stale: Component[] = [];
  const runtimeHash = recipeHash('runtime');
  const labels = await Promise.all(RUNTIME_TAGS.map((t) => imageLabel(`${STANDIN_RUNTIME_REPO}:${t}`)));
  if (labels.some((l) => l !== runtimeHash)) stale.push('runtime');
  if ((await imageLabel(STANDIN_BUILDER)) !== recipeHash('builder')) stale.push('builder');
  if (readIndexManifest()?.recipeHash !== recipeHash('index')) stale.push('index');
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
  url: string;
  stop(): Promise<void>;
}

/**
 * `python3 -m http.server ARGS`, plus a watchdog: the server exits when its
 * stdin (a pipe from this process) closes, so it cannot outlive a test run that
 * was killed before stop().
 */
const SERVE_PY = [
  'import os, runpy, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()',
  "sys.argv = ['http.server'] + sys.argv[1:]",
  "runpy.run_module('http.server', run_name='__main__', alter_sys=True)",
].join('\n');

/** Serves indexDir() with python3's http.server on 127.0.0.1 and a free port. */
export async function startIndexServer(): Promise<IndexServer> {
  const python = process.env['STANDINS_PYTHON'] || 'python3';
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // Detached (own process group, killed as a group by stop()); only the
    // watchdog pipe ties it to us.
    const child: ChildProcess = spawn(
      python,
      ['-c', SERVE_PY, '--bind', '127.0.0.1', '--directory', indexDir(), String(port)],
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

export async function ensureStandins(): Promise<Standins> {
  if (realMode()) {
    return {
      mode: 'real',
      builder: REAL_BUILDER,
      runtime: {
        latest: `${REAL_RUNTIME_REPO}:latest`,
        nonroot: `${REAL_RUNTIME_REPO}:nonroot`,
        debug: `${REAL_RUNTIME_REPO}:debug`,
        debugNonroot: `${REAL_RUNTIME_REPO}:debug-nonroot`,
      },
      indexUrl: process.env['PIP_INDEX_URL'] ?? '',
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
  const server = await startIndexServer();
  return {
    mode: 'standin',
    builder: STANDIN_BUILDER,
    runtime: {
      latest: `${STANDIN_RUNTIME_REPO}:latest`,
      nonroot: `${STANDIN_RUNTIME_REPO}:nonroot`,
      debug: `${STANDIN_RUNTIME_REPO}:debug`,
      debugNonroot: `${STANDIN_RUNTIME_REPO}:debug-nonroot`,
    },
    indexUrl: server.url,
    index,
    stop: server.stop,
  };
}
